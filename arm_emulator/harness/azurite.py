"""Azurite, Microsoft's Azure Storage emulator (the npm package in package.json, installed by `make` with npm ci), as a
child process beside the ARM emulator: the Blob service on a free port, over HTTPS with a certificate signed by the
emulator's CA (so an az that trusts the emulator trusts it), accepting bearer tokens (``--oauth basic``: the
emulator's Azure AD issues them for ``https://storage.azure.com/.default``), keeping its data in memory, and sending
no telemetry.

``--oauth basic`` checks a token's ``iss`` (``https://sts.windows.net/...``), ``aud`` (``https://storage.azure.com``
or an account's blob endpoint), ``iat``, ``nbf`` and ``exp`` against its own clock, not its signature.
``--skipApiVersionCheck``: azure-storage-blob sends service versions newer than this Azurite lists.
"""
import os
import re
import shutil
import signal
import subprocess
import threading
from pathlib import Path

from ..frontdoor import certs

ROOT = Path(__file__).resolve().parents[2]
AZURITE_BLOB = ROOT / 'node_modules' / '.bin' / 'azurite-blob'
ACCOUNT = 'devstoreaccount1'   # Azurite's built-in account
START_TIMEOUT = 60
LISTENING = re.compile(r'Azurite Blob service successfully listens on (https://\S+)')


def missing():
    """Why Azurite cannot start here (a sentence naming the fix), or None when it can."""
    if shutil.which('node') is None:
        return 'Node.js is not installed, so Azurite (the Azure Storage emulator) cannot run: install Node.js 18+ ' \
               'and run `make node`'
    if not AZURITE_BLOB.exists():
        return 'Azurite is not installed: run `make node` (npm ci installs the version package-lock.json pins)'
    return None


class AzuriteProcess:
    """``azurite-blob`` as a child process; a context manager that stops it on exit."""

    def __init__(self, work_dir, emulator_data_dir):
        self.work_dir = Path(work_dir)
        self.emulator_data_dir = Path(emulator_data_dir)
        self.process = None
        self.output = []
        self.url = None   # https://127.0.0.1:PORT

    def account_url(self, account=ACCOUNT):
        """The Blob endpoint of an account, path style as an emulator serves it."""
        return f'{self.url}/{account}'

    def start(self):
        problem = missing()
        if problem:
            raise RuntimeError(problem)
        cert, key = certs.issue_service_certificate(self.emulator_data_dir, self.work_dir, 'azurite')
        command = [str(AZURITE_BLOB), '--blobHost', '127.0.0.1', '--blobPort', '0', '--cert', str(cert),
                   '--key', str(key), '--oauth', 'basic', '--inMemoryPersistence', '--extentMemoryLimit', '256',
                   '--disableTelemetry', '--skipApiVersionCheck', '--silent']
        # The process outlives this call: stop() ends it, and __exit__ calls stop().
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
            cwd=self.work_dir, env=dict(os.environ, AZURITE_ACCOUNTS=''), start_new_session=True)
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(self.process, ready), daemon=True).start()
        if not ready.wait(START_TIMEOUT) or self.url is None:
            self.stop()
            raise RuntimeError('Azurite did not start:\n' + ''.join(self.output))
        return self

    def _read_output(self, process, ready):
        for line in process.stdout:
            self.output.append(line)
            found = LISTENING.search(line)
            if found:
                self.url = found.group(1).rstrip('/')
                ready.set()
        ready.set()

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
