"""The official tool's recorded scenarios (../shared/reference-traffic/k8s-extension) replay under
azure-cli-testsdk with aksext installed in its place, with aksext's own reads on (the default) and off, and pass
the official tests' checks (official_k8s_extension.py; how the cassettes are read: official.py). Skipped where the
reference traffic is not there."""
import pytest

from tests.recording import harness, official

SCENARIOS = {'test_k8s_extension', 'test_k8s_extension_types', 'test_k8s_extension_fleet'}


@pytest.mark.skipif(not official.available(), reason=f'no reference traffic at {official.REFERENCE}')
@pytest.mark.parametrize('extra_reads', ['true', 'false'], ids=['extra-reads-on', 'extra-reads-off'])
def test_the_official_tools_recorded_scenarios_replay_with_aksext(wheel, tmp_path, extra_reads):
    played = harness.play_scenarios(wheel, tmp_path, files='official_*.py', extra={official.SWITCH: extra_reads})
    assert played == SCENARIOS
