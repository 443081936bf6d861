"""Masking of protected values, and the polling schedule."""
import io
import itertools
import json

import pytest

from azext_aksext.core.progress import Progress
from azext_aksext.core.waiting import backoff_schedule, poll_schedule, wait_until
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


def test_retries_start_at_one_second_double_and_cap_at_thirty():
    assert list(itertools.islice(backoff_schedule(), 8)) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_polls_come_every_half_second_then_at_a_fifth_of_the_time_waited_up_to_thirty():
    now = [0.0]
    schedule = poll_schedule(clock=lambda: now[0])
    delays = []
    for _ in range(60):
        delays.append(next(schedule))
        now[0] += delays[-1]
    assert delays[:5] == [0.5] * 5 and delays[5] == pytest.approx(0.5)
    assert delays[6] == pytest.approx(0.2 * 3.0) and delays[-1] == 30
    assert all(later >= earlier for earlier, later in zip(delays, delays[1:]))


def test_wait_until_times_out_on_the_clock():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(TimeoutError):
        wait_until(lambda: (None, 'Creating', ()), lambda r: False, Progress(None, 'x', stream=io.StringIO()),
                   timeout=10, clock=lambda: now[0], sleep=sleep)
    assert sum(slept) == pytest.approx(10) and slept[:5] == [0.5] * 5 and max(slept) < 2


def test_progress_without_a_terminal_writes_nothing():
    stream = io.StringIO()
    progress = Progress(None, 'Creating', stream=stream)
    progress.update('Creating')
    progress.update('Succeeded')
    progress.finish()
    assert stream.getvalue() == ''
