"""Connect the real ``az`` CLI to a running emulator: an isolated config dir, a custom cloud pointing at the
emulator, a CA bundle trusting it, and a service-principal login.

``python -m arm_emulator.harness.azcli env --data-dir DIR --config-dir CFG`` logs in and prints the ``export``
lines a user sources to run their own az against the emulator.
"""
import argparse
import json
import os
import shlex
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import certifi

CLOUD_NAME = 'AksextEmulator'
# Settings that keep az quiet, offline and reproducible in tests.
QUIET_SETTINGS = {
    'AZURE_CORE_INSTANCE_DISCOVERY': 'false',
    'AZURE_CORE_COLLECT_TELEMETRY': 'false',
    'AZURE_EXTENSION_USE_DYNAMIC_INSTALL': 'no',
    'AZURE_CORE_NO_COLOR': 'true',
    'AZURE_CORE_SURVEY_MESSAGE': 'false',
    'AZURE_CORE_DISABLE_PROGRESS_BAR': 'true',
    'AZURE_CORE_LOGIN_EXPERIENCE_V2': 'off',
    'AZURE_CORE_ENABLE_BROKER_ON_WINDOWS': 'false',
    'AZURE_CORE_ALLOW_BROKER': 'false',
}


class AzCli:
    def __init__(self, endpoint, config_dir, extension_dir=None, az=None):
        self.endpoint = endpoint
        self.config_dir = Path(config_dir)
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.extension_dir = Path(extension_dir) if extension_dir else None
        self.az = str(az or Path(sys.executable).with_name('az'))
        self.ca_bundle = self.config_dir / 'ca-bundle.pem'
        self._write_ca_bundle()
        self.env = dict(os.environ, **self._settings())

    @classmethod
    def with_aksext(cls, emulator, home, wheel):
        """An az logged in to the running emulator, its config and extensions under home, with the wheel added."""
        cli = cls(emulator.endpoint, Path(home) / 'azure', extension_dir=Path(home) / 'extensions')
        cli.login()
        cli.add_extension(wheel)
        return cli

    def _write_ca_bundle(self):
        # The roots this machine already trusts plus the emulator's CA: MSAL and azure-cli-core both honour
        # REQUESTS_CA_BUNDLE, and so does the pip that `az extension add` runs, which may need the machine's own
        # roots (a proxy's, say) to reach the package index.
        roots = [Path(certifi.where())]
        for candidate in (os.environ.get('REQUESTS_CA_BUNDLE'), os.environ.get('SSL_CERT_FILE'),
                          ssl.get_default_verify_paths().cafile, '/etc/ssl/certs/ca-certificates.crt'):
            if candidate and Path(candidate).is_file() and Path(candidate) not in roots:
                roots.append(Path(candidate))
        bundle = [root.read_text(encoding='utf-8') for root in roots] + [
            Path(self.endpoint['ca_bundle']).read_text(encoding='utf-8')]
        self.ca_bundle.write_text('\n'.join(bundle), encoding='utf-8')

    def _settings(self):
        settings = {'AZURE_CONFIG_DIR': str(self.config_dir), 'REQUESTS_CA_BUNDLE': str(self.ca_bundle)}
        if self.extension_dir:
            self.extension_dir.mkdir(parents=True, exist_ok=True)
            settings['AZURE_EXTENSION_DIR'] = str(self.extension_dir)
        settings.update(QUIET_SETTINGS)
        return settings

    # `input`, as subprocess.run names what it is handed on to.
    def run(self, *args, input=None, timeout=300):  # pylint: disable=redefined-builtin
        # In its config directory: `az` is `python -m azure.cli`, which puts its working directory first on sys.path,
        # so started in a checkout it would load the extension from the source tree instead of the installed wheel.
        return subprocess.run([self.az] + [str(arg) for arg in args], env=self.env, text=True, capture_output=True,
                              input=input, stdin=None if input is not None else subprocess.DEVNULL,
                              timeout=timeout, check=False, cwd=self.config_dir)

    def _checked(self, *args):
        done = self.run(*args)
        if done.returncode != 0:
            raise AssertionError(f"az {' '.join(map(str, args))} failed ({done.returncode}):\n{done.stderr}")
        return done

    def json(self, *args):
        out = self._checked(*args, '-o', 'json').stdout.strip()
        return json.loads(out) if out else None

    def login(self):
        """Register and select the emulator's cloud, then log in as its service principal. Safe to repeat."""
        arm = self.endpoint['arm']
        endpoints = ['--endpoint-resource-manager', arm,
                     '--endpoint-active-directory', self.endpoint.get('authority', arm.rstrip('/')),
                     '--endpoint-active-directory-resource-id', 'https://management.core.windows.net/']
        registered = self.run('cloud', 'register', '-n', CLOUD_NAME, *endpoints, '--skip-endpoint-discovery')
        if registered.returncode != 0:
            if 'already registered' not in registered.stderr:
                raise AssertionError('az cloud register failed:\n' + registered.stderr)
            self._checked('cloud', 'update', '-n', CLOUD_NAME, *endpoints)
        self._checked('cloud', 'set', '-n', CLOUD_NAME)
        # --password=VALUE, not -p VALUE: a secret starting with '-' would be read as a flag.
        self._checked('login', '--service-principal', '-u', self.endpoint['client_id'],
                      '--password=' + self.endpoint['client_secret'], '--tenant', self.endpoint['tenant'])

    def add_extension(self, wheel_path):
        self._checked('extension', 'add', '--source', str(wheel_path), '-y')

    def env_lines(self):
        return [f'export {name}={shlex.quote(value)}' for name, value in self._settings().items()]


def script_options(description, **extra):
    """The options of a script that drives az with the aksext wheel: --wheel, and each extra one given as
    name=(type, default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--wheel', required=True)
    for name, (kind, default) in extra.items():
        parser.add_argument('--' + name.replace('_', '-'), type=kind, default=default)
    options = parser.parse_args()
    options.wheel = str(Path(options.wheel).resolve())   # az runs in its config directory, not in this one
    return options


def fresh_folder(path):
    """path, emptied: every run of a demo or benchmark starts from nothing."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m arm_emulator.harness.azcli')
    commands = parser.add_subparsers(dest='command', required=True)
    env = commands.add_parser('env', help='log in to a running emulator and print the environment for az')
    env.add_argument('--data-dir', required=True, type=Path, help="the emulator's data directory")
    env.add_argument('--config-dir', required=True, type=Path, help='the az config dir to create or reuse')
    env.add_argument('--extension-dir', type=Path, default=None)
    args = parser.parse_args(argv)
    endpoint = json.loads((args.data_dir / 'endpoint.json').read_text())
    cli = AzCli(endpoint, args.config_dir.resolve(), extension_dir=args.extension_dir)
    cli.login()
    print('\n'.join(cli.env_lines()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
