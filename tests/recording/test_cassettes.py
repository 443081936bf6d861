"""The committed cassettes are safe to publish: public ARM only, no secret of any kind."""
import pytest

from tests.recording import harness

CASSETTES = harness.cassettes()


def test_there_are_cassettes():
    assert len(CASSETTES) >= 4


@pytest.mark.parametrize('cassette', CASSETTES, ids=[cassette.name for cassette in CASSETTES])
def test_cassette_is_safe_to_commit(cassette):
    assert harness.scan_cassette(cassette.read_text()) == []


CLEAN = """interactions:
- request:
    body: '{"properties": {"configurationProtectedSettings": {"apiKey": "scrubbed"}}}'
    headers: {}
    method: PUT
    uri: https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/x?api-version=1
  response:
    body: {string: '{"properties": {"configurationProtectedSettings": {}}}'}
    headers: {}
    status: {code: 200, message: OK}
- request:
    body: null
    headers: {}
    method: GET
    uri: https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/x?api-version=1
  response:
    body: {string: '{}'}
    headers: {}
    status: {code: 200, message: OK}
version: 1
"""


PLANTED = {  # what gets into a cassette: (text of CLEAN replaced, replacement, the problem the scan reports)
    'protected-value': ('"apiKey": "scrubbed"', '"apiKey": "hunter2-but-longer"', 'unscrubbed protected'),
    'known-protected-value': ('"apiKey": "scrubbed"', f'"apiKey": "{harness.PROTECTED_VALUES[0]}"',
                              'secret value'),
    'emulator-ip': ('https://management.azure.com', 'https://127.0.0.1:40123', 'local emulator'),
    'emulator-localhost': ('https://management.azure.com', 'https://localhost:8443', 'local emulator'),
    'bearer': ('headers: {}', 'headers: {Authorization: [Bearer abcdefghijklmnopqrstuvwxyz0123]}', 'bearer token'),
    'client-secret': ('body: null', "body: 'client_id=x&client_secret=y'", 'client secret'),
    'login': ('https://management.azure.com', 'https://login.microsoftonline.com', 'login traffic'),
}


@pytest.mark.parametrize('name', sorted(PLANTED))
def test_the_scan_finds_what_must_not_be_committed(name):
    old, new, problem = PLANTED[name]
    assert harness.scan_cassette(CLEAN) == []
    assert old in CLEAN
    problems = harness.scan_cassette(CLEAN.replace(old, new, 1))
    assert any(problem in found for found in problems), problems


def test_the_scan_takes_the_recording_secrets():
    assert harness.scan_cassette(CLEAN.replace('00000000-0000', 'sp-secret-value')) == []
    assert harness.scan_cassette(CLEAN.replace('00000000-0000', 'sp-secret-value'), ['sp-secret-value'])


def test_scrubbing_keeps_keys_and_drops_values():
    body = b'{"properties": {"configurationProtectedSettings": {"a": "secret", "b": null}, "x": "secret"}}'
    assert harness.scrub_protected(body) == (b'{"properties": {"configurationProtectedSettings": '
                                             b'{"a": "scrubbed", "b": null}, "x": "secret"}}')
    assert harness.scrub_protected('not json configurationProtectedSettings') == \
        'not json configurationProtectedSettings'
