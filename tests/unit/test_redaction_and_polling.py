"""Masking of protected values, and the polling schedule."""
import io
import itertools
import json

import pytest

from azext_aksext.core.progress import Progress
from azext_aksext.core.waiting import backoff_schedule, wait_until
from azext_aksext.core.redaction import mask_body, mask_protected


def test_protected_values_are_masked_keys_kept():
    body = {'properties': {'configurationSettings': {'a': '1'},
                           'configurationProtectedSettings': {'key': 's3cr3t', 'other': 'p@ss'}}}
    masked = mask_protected(body)
    assert masked['properties']['configurationProtectedSettings'] == {'key': '***', 'other': '***'}
    assert masked['properties']['configurationSettings'] == {'a': '1'}
    assert body['properties']['configurationProtectedSettings']['key'] == 's3cr3t'


def test_mask_body_handles_text_bytes_and_non_json():
    text = json.dumps({'properties': {'configurationProtectedSettings': {'k': 'v4lue'}}})
    assert 'v4lue' not in mask_body(text)
    assert 'v4lue' not in mask_body(text.encode())
    assert mask_body('not json configurationProtectedSettings') == 'not json configurationProtectedSettings'
    assert mask_body(None) is None


def test_schedule_starts_at_one_second_doubles_and_caps_at_thirty():
    assert list(itertools.islice(backoff_schedule(), 8)) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_wait_until_times_out_on_the_clock():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(TimeoutError):
        wait_until(lambda: (None, 'Creating', ()), lambda r: False, Progress(None, 'x', stream=io.StringIO()),
                   timeout=10, clock=lambda: now[0], sleep=sleep)
    assert slept == [1, 2, 4, 3]


def test_progress_without_a_terminal_writes_nothing():
    stream = io.StringIO()
    progress = Progress(None, 'Creating', stream=stream)
    progress.update('Creating')
    progress.update('Succeeded')
    progress.finish()
    assert stream.getvalue() == ''
