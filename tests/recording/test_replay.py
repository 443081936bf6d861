"""Replay every recorded scenario: no emulator, no login, no network; part of `make test`.

The scenarios run in a pytest process of their own (see harness.py), with a fresh AZURE_CONFIG_DIR and the wheel
installed in a fresh AZURE_EXTENSION_DIR, so nothing they patch reaches the other tests of this session."""
from tests.recording import harness


def test_every_scenario_replays_from_its_cassette(wheel, tmp_path):
    played = harness.play_scenarios(wheel, tmp_path)
    recorded = {cassette.stem for cassette in harness.cassettes()}
    assert played == recorded, 'every scenario has a cassette and every cassette a scenario'
    assert len(played) >= 4
