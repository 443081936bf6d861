"""Replay every recorded scenario: no emulator, no login, no network; part of `make test`.

The scenarios run in a pytest process of their own (see harness.py), with a fresh AZURE_CONFIG_DIR and the wheel
installed in a fresh AZURE_EXTENSION_DIR, so nothing they patch reaches the other tests of this session."""
import os
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from tests.recording import harness


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The wheel `make` built (AKSEXT_WHEEL), or one built here from the working tree."""
    if os.environ.get('AKSEXT_WHEEL'):
        return (harness.ROOT / os.environ['AKSEXT_WHEEL']).resolve()
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(out),
                    str(harness.ROOT)], check=True, capture_output=True)
    return next(out.glob('aksext-*.whl'))


def test_every_scenario_replays_from_its_cassette(wheel, tmp_path):
    harness.install_wheel(wheel, tmp_path / 'extensions')
    env = harness.scenario_env(tmp_path / 'config', tmp_path / 'extensions')
    report = tmp_path / 'scenarios.xml'
    done = subprocess.run(harness.scenario_command('--junitxml', str(report)), env=env, cwd=str(harness.ROOT),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, 'scenario playback failed:\n' + done.stdout[-20000:] + done.stderr[-5000:]

    cases = ElementTree.parse(report).getroot().iter('testcase')
    played = {case.get('name') for case in cases if not list(case)}  # no failure, error or skip element
    recorded = {cassette.stem for cassette in harness.cassettes()}
    assert played == recorded, 'every scenario has a cassette and every cassette a scenario'
    assert len(played) >= 4
