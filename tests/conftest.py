"""Session fixtures shared by every test package: one emulator per test process (each xdist worker starts its
own), seeded with the demo state, a real az logged in to it, and Azurite (Azure Storage) beside it when a test
asks for it."""
import pytest

from arm_emulator.harness import azurite as azurite_harness
from arm_emulator.harness.azcli import AzCli
from arm_emulator.harness.control import EmulatorProcess


@pytest.fixture(scope='session')
def emulator(tmp_path_factory):
    process = EmulatorProcess(tmp_path_factory.mktemp('emulator'), seed='demo', op_seconds=1.0)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope='session')
def az(emulator, tmp_path_factory):
    cli = AzCli(emulator.endpoint, tmp_path_factory.mktemp('az') / 'config')
    cli.login()
    return cli


@pytest.fixture(scope='session')
def azurite(emulator, tmp_path_factory):
    """Azurite's Blob service on a free port, over HTTPS with a certificate of the emulator's CA, accepting the
    emulator's storage tokens; skips, saying why, where Node.js or the npm package is missing."""
    problem = azurite_harness.missing()
    if problem:
        pytest.skip(problem)
    process = azurite_harness.AzuriteProcess(tmp_path_factory.mktemp('azurite'), emulator.data_dir)
    process.start()
    yield process
    process.stop()
