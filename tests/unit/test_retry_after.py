"""Retry-After as the service sends it, good or bad: always a sane number of seconds, or None."""
import email.utils
import time
from types import SimpleNamespace

import pytest

from azext_aksext.core.waiting import MAX_RETRY_AFTER, retry_after_seconds


def Response(headers):  # pylint: disable=invalid-name  # a stand-in for azure-core's response: its headers only
    return SimpleNamespace(headers=headers)


@pytest.mark.parametrize('headers,expected', [
    ({}, None), ({'Retry-After': '5'}, 5), ({'Retry-After': '0'}, 0), ({'Retry-After': '-5'}, 0),
    ({'Retry-After': '99999999'}, MAX_RETRY_AFTER), ({'Retry-After': 'inf'}, MAX_RETRY_AFTER),
    ({'Retry-After': 'nan'}, None), ({'Retry-After': 'soon'}, None), ({'Retry-After': ''}, None),
    ({'Retry-After': 'Thu, 01 Jan 1970 00:00:00 GMT'}, 0),
    ({'Retry-After': 'Fri, 31 Dec 9999 23:59:59 GMT'}, MAX_RETRY_AFTER),
    ({'retry-after-ms': '1500'}, 1.5), ({'retry-after-ms': 'x', 'Retry-After': '3'}, 3)])
def test_retry_after_is_clamped_or_ignored(headers, expected):
    assert retry_after_seconds(Response(headers)) == expected


def test_a_near_http_date_gives_the_seconds_until_it():
    soon = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 5 <= retry_after_seconds(Response({'Retry-After': soon})) <= 10


@pytest.mark.parametrize('value,expected', [('inf', MAX_RETRY_AFTER), ('nan', 1.0), ('-5', 0), ('soon', 1.0),
                                            ('Fri, 31 Dec 9999 23:59:59 GMT', MAX_RETRY_AFTER), (None, 1.0), ('4', 4)])
def test_a_rollout_waits_the_same_clamped_retry_after(value, expected):
    from azext_aksext.multicluster.calls import retry_after
    assert retry_after(Response({} if value is None else {'Retry-After': value}), 1.0) == expected


@pytest.mark.parametrize('text,expected', [('00:00:03', 3), ('00:00:00', 0), ('99:00:00', MAX_RETRY_AFTER),
                                           ('inf', None), ('nan:00:00', None), ('-00:00:05', None),
                                           ('00:00:inf', None), ('three', None), (None, None), ('', None)])
def test_resource_graph_quota_resets_are_clamped_or_ignored(text, expected):
    from azext_aksext.multicluster.graph import timespan_seconds
    assert timespan_seconds(text) == expected
