"""Session fixtures shared by every test package: one emulator per test process (each xdist worker starts its
own), seeded with the demo state, and a real az logged in to it."""
import pytest

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
