"""Injected faults: error statuses with Retry-After, dropped connections and latency."""
import time

import pytest
import requests

from .conftest import EXTENSIONS_API, error_code, unique


def groups(arm):
    return arm.call('GET', arm.subscription + '/resourcegroups', '2024-11-01')


def group_statuses(admin):
    return [r['status'] for r in admin.requests() if r['path'].endswith('/resourcegroups')]


def test_status_fault_with_retry_after(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', count=2, status=503, retry_after=4)
    for _ in range(2):
        response = groups(arm)
        assert response.status_code == 503 and response.headers['Retry-After'] == '4'
        assert error_code(response) == 'ServiceUnavailable'
    assert groups(arm).status_code == 200
    assert group_statuses(admin) == [503, 503, 200]


def test_fault_with_custom_code_matches_method(arm, admin):
    admin.fault(method='PUT', path='/extensions/', status=429, code='TooManyRequests', message='slow down')
    name = unique('flux')
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).status_code == 404
    throttled = arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                         {'properties': {'extensionType': 'microsoft.flux'}})
    assert throttled.status_code == 429 and throttled.json()['error']['message'] == 'slow down'
    assert 'Retry-After' not in throttled.headers


def test_dropped_connection(arm, admin):
    admin.fault(path='/resourcegroups$', drop=True)
    with pytest.raises(requests.ConnectionError):
        groups(arm)
    assert groups(arm).status_code == 200
    assert group_statuses(admin) == [444, 200]


def test_latency_then_served(arm, admin):
    admin.fault(path='/resourcegroups$', latency=0.6)
    started = time.monotonic()
    assert groups(arm).status_code == 200
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    groups(arm)
    assert time.monotonic() - started < 0.5


def test_sdk_retries_through_a_transient_fault(extensions_client, admin):
    admin.fault(method='GET', path='/extensions$', status=503, retry_after=0)
    names = list(extensions_client.extensions.list('demo-rg', 'Microsoft.ContainerService', 'managedClusters',
                                                   'demo-aks'))
    assert isinstance(names, list)
    assert [r['status'] for r in admin.requests() if r['path'].endswith('/extensions')] == [503, 200]


def test_clearing_faults(arm, admin):
    admin.fault(path='.*', status=500, count=5)
    admin.clear_faults()
    assert groups(arm).status_code == 200
