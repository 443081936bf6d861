"""Fixtures for the extension's tests: the built wheel installed into a real az logged in to the emulator."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from arm_emulator.harness.azcli import AzCli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='session')
def aksext_wheel(tmp_path_factory):
    """The wheel `make` built (AKSEXT_WHEEL), or one built here from the working tree."""
    if os.environ.get('AKSEXT_WHEEL'):
        return (ROOT / os.environ['AKSEXT_WHEEL']).resolve()
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(out),
                    str(ROOT)], check=True, capture_output=True)
    return next(out.glob('aksext-*.whl'))


@pytest.fixture(scope='session')
def aks(emulator, aksext_wheel, tmp_path_factory):
    """A real az, logged in to the emulator, with aksext installed from its wheel by `az extension add`."""
    home = tmp_path_factory.mktemp('az')
    cli = AzCli(emulator.endpoint, home / 'config', extension_dir=home / 'extensions')
    cli.login()
    cli.add_extension(aksext_wheel)
    return cli


@pytest.fixture
def service(emulator):
    """The emulator's admin API, with the request log and faults cleared for this test."""
    emulator.admin.clear_requests()
    emulator.admin.clear_faults()
    yield emulator.admin
    emulator.admin.clear_faults()


@pytest.fixture(scope='session')
def journal_container(azurite, az):
    """A container in Azurite for rollout journals, made with the logged-in az; its URL (path style)."""
    name = 'journals' + uuid.uuid4().hex[:8]
    created = az.run('storage', 'container', 'create', '-n', name, '--blob-endpoint', azurite.account_url(),
                     '--auth-mode', 'login')
    assert created.returncode == 0, created.stderr
    return f'{azurite.account_url()}/{name}'
