"""Start, stop and drive an emulator process from Python (tests, the demo, the benchmark)."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

READY_PREFIX = 'ready https://'
START_TIMEOUT = 30


class AdminClient:
    """The emulator's /_emulator/ API, plus an authenticated ARM PUT for seeding."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.base = endpoint['arm'].rstrip('/') + '/_emulator/'
        self.verify = endpoint['ca_bundle']
        self.session = requests.Session()
        self._token = None

    def _call(self, method, name, body=None):
        response = self.session.request(method, self.base + name, json=body, verify=self.verify, timeout=60)
        if response.status_code >= 400:
            raise RuntimeError(f'emulator admin {method} {name} failed: {response.status_code} {response.text}')
        return response.json() if response.content else None

    def requests(self):
        return self._call('GET', 'requests')['requests']

    def clear_requests(self):
        self._call('DELETE', 'requests')

    def fault(self, **spec):
        return self._call('POST', 'faults', spec)['fault']

    def faults(self):
        return self._call('GET', 'faults')['faults']

    def clear_faults(self):
        self._call('DELETE', 'faults')

    def fail_next_operation(self, **spec):
        return self._call('POST', 'fail-next-operation', spec)['planned']

    def fail_after_success(self, **spec):
        """The next operation on the extension ``name`` (any, without it) succeeds, and ``seconds`` later (on the
        emulator's clock) the extension turns Failed with ``code``, ``message`` and ``statuses``."""
        return self._call('POST', 'fail-after-success', spec)['planned']

    def config(self, **kw):
        return self._call('POST', 'config', kw)

    def clock(self):
        """The emulator's time: {now (ISO), epoch, offset (seconds ahead of this machine's clock)}."""
        return self._call('GET', 'clock')

    def set_clock(self, *, now=None, offset=None, advance=None):
        """Set the emulator's time (an ISO time or epoch seconds), its offset, or move it on by seconds."""
        spec = {name: value for name, value in (('now', now), ('offset', offset), ('advance', advance))
                if value is not None}
        return self._call('POST', 'clock', spec)

    def reset(self, seed=None):
        self._call('POST', 'reset', {'seed': seed})

    def bulk_extensions(self, **spec):
        return self._call('POST', 'bulk-extensions', spec)

    def seed_clusters(self, **spec):
        """Add many clusters with extensions (see arm_emulator/harness/many_clusters.py); returns the counts."""
        return self._call('POST', 'clusters', spec)

    def throttled(self):
        """How many requests ARM throttling has refused with 429 since the emulator started."""
        return self._call('GET', 'throttling')['refused']

    def kubernetes_cause(self, **spec):
        """Put an extension in the state a cause of failure leaves (see harness/kubernetes.py); its key."""
        return self._call('POST', 'kubernetes/causes', spec)['extension']

    def kubernetes_access(self, **spec):
        return self._call('POST', 'kubernetes/access', spec)

    def kubeconfig(self, cluster_id, role='user'):
        """The kubeconfig (YAML text) of a cluster's Kubernetes API."""
        response = self.session.get(self.base + 'kubernetes/kubeconfig', params={'cluster_id': cluster_id,
                                                                                 'role': role},
                                    verify=self.verify, timeout=60)
        response.raise_for_status()
        return response.text

    def token(self):
        """A bearer token from the emulator's token endpoint, as the service principal."""
        if self._token is None or self._token[1] < time.time() + 60:
            response = self.session.post(f"{self.endpoint['arm']}{self.endpoint['tenant']}/oauth2/v2.0/token",
                                         data={'grant_type': 'client_credentials',
                                               'client_id': self.endpoint['client_id'],
                                               'client_secret': self.endpoint['client_secret'],
                                               'scope': 'https://management.core.windows.net//.default'},
                                         verify=self.verify, timeout=60)
            response.raise_for_status()
            body = response.json()
            self._token = (body['access_token'], time.time() + body['expires_in'])
        return self._token[0]

    def put(self, path, body, api_version):
        """An authenticated ARM PUT (for seeding resource groups and clusters); returns the response body."""
        response = self.session.put(self.endpoint['arm'].rstrip('/') + path, params={'api-version': api_version},
                                    json=body, headers={'Authorization': 'Bearer ' + self.token()}, verify=self.verify,
                                    timeout=60)
        if response.status_code >= 400:
            raise RuntimeError(f'PUT {path} failed: {response.status_code} {response.text}')
        return response.json()


# Its settings, the child process, and what it reported (endpoint, output, exit code).
class EmulatorProcess:  # pylint: disable=too-many-instance-attributes
    """``python -m arm_emulator`` as a child process; a context manager that stops it on exit."""

    def __init__(self, data_dir, port=0, op_seconds=1.0, seed=None, extra_args=()):
        self.data_dir = Path(data_dir)
        self.port = port
        self.op_seconds = op_seconds
        self.seed = seed
        self.extra_args = tuple(extra_args)
        self.process = None
        self.endpoint = None
        self.admin = None
        self.output = []
        self.returncode = None

    @property
    def url(self):
        return self.endpoint['arm']

    def _command(self):
        command = [sys.executable, '-m', 'arm_emulator', '--data-dir', str(self.data_dir), '--port', str(self.port),
                   '--op-seconds', str(self.op_seconds)]
        if self.seed:
            command += ['--seed', self.seed]
        return command + list(self.extra_args)

    def start(self):
        if self.process is not None:
            raise RuntimeError('emulator already running')
        root = Path(__file__).resolve().parents[2]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get('PYTHONPATH')])))
        # The process outlives this call: stop() ends it, and __exit__ calls stop().
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self._command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            stdin=subprocess.DEVNULL)
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(self.process, ready), daemon=True).start()
        if not ready.wait(START_TIMEOUT) or self.process.poll() is not None:
            self._kill()
            raise RuntimeError('emulator did not start:\n' + ''.join(self.output))
        self.endpoint = json.loads((self.data_dir / 'endpoint.json').read_text())
        self.port = self.endpoint['port']  # a restart must come back on the same port
        self.admin = AdminClient(self.endpoint)
        return self.endpoint

    def _read_output(self, process, ready):
        # Keep draining the pipe so a chatty emulator never blocks on a full pipe.
        for line in process.stdout:
            self.output.append(line)
            if line.startswith(READY_PREFIX):
                ready.set()
        ready.set()

    def _kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.returncode = self.process.returncode
        self.process = None

    def restart(self):
        self.stop()
        return self.start()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
