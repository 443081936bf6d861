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


def test_fault_with_a_query_pattern_matches_that_query_only(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', query='api-version=2024-11-01', status=503)
    assert arm.call('GET', arm.subscription + '/resourcegroups', '2021-04-01').status_code == 200
    assert groups(arm).status_code == 503
    assert groups(arm).status_code == 200


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


def test_body_fault_replaces_the_answer_and_fills_self_and_count(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', count=2, status=200,
                body='{"value": [], "nextLink": "{self}", "left": {count}}')
    first = groups(arm)
    assert first.status_code == 200 and first.json()['nextLink'] == first.url and first.json()['left'] == 1
    assert groups(arm).json()['left'] == 0
    assert 'value' in groups(arm).json() and groups(arm).json()['value']


def test_body_fault_without_status_keeps_the_real_status_and_side_effects(arm, admin):
    name = unique('flux')
    admin.fault(method='PUT', path=f'/extensions/{name}$', body='{"truncated": ')
    answer = arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                      {'properties': {'extensionType': 'microsoft.flux'}})
    assert answer.status_code == 201 and answer.text == '{"truncated": '
    assert 'Azure-AsyncOperation' in answer.headers
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).status_code == 200  # it was created


@pytest.mark.parametrize('value', ['soon', '-5', 'Fri, 31 Dec 9999 23:59:59 GMT', 99999999])
def test_retry_after_is_sent_as_given(arm, admin, value):
    admin.fault(method='GET', path='/resourcegroups$', retry_after=value)
    answer = groups(arm)
    assert answer.status_code == 200 and answer.headers['Retry-After'] == str(value)


def test_headers_fault_adds_headers_to_the_real_answer(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', headers={'x-ms-test': 'yes'})
    answer = groups(arm)
    assert answer.status_code == 200 and answer.headers['x-ms-test'] == 'yes'


def test_an_answer_dropped_after_the_write_landed(arm, admin):
    name = unique('flux')
    admin.fault(method='PUT', path=f'/extensions/{name}$', drop=True, after=True)
    with pytest.raises(requests.ConnectionError):
        arm.call('PUT', arm.extension_path(name), EXTENSIONS_API, {'properties': {'extensionType': 'microsoft.flux'}})
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).status_code == 200  # it landed
    logged = [r for r in admin.requests() if r['method'] == 'PUT' and r['path'].endswith(name)]
    assert [(r['status'], r.get('fault')) for r in logged] == [(201, 'answer dropped')]


def test_a_late_answer_after_the_write_landed(arm, admin):
    name = unique('flux')
    admin.fault(method='PUT', path=f'/extensions/{name}$', latency=0.6, after=True)
    started = time.monotonic()
    assert arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                    {'properties': {'extensionType': 'microsoft.flux'}}).status_code == 201
    assert time.monotonic() - started >= 0.6


def test_a_truncated_answer_keeps_its_status_and_first_bytes(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', truncate=12)
    response = groups(arm)
    assert response.status_code == 200 and len(response.content) == 12 and response.content.startswith(b'{"value"')
    with pytest.raises(ValueError):
        response.json()


def test_an_error_answer_for_a_request_that_was_served(arm, admin):
    name = unique('flux')
    admin.fault(method='PUT', path=f'/extensions/{name}$', status=409, code='Conflict', after=True)
    answered = arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                        {'properties': {'extensionType': 'microsoft.flux'}})
    assert answered.status_code == 409 and error_code(answered) == 'Conflict'
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).status_code == 200  # it was served
    logged = [r for r in admin.requests() if r['method'] == 'PUT' and r['path'].endswith(name)]
    assert [(r['status'], r.get('fault')) for r in logged] == [(409, 'served, then answered 409')]


def test_skip_lets_the_first_matching_requests_through(arm, admin):
    admin.fault(method='GET', path='/resourcegroups$', count=1, status=503, skip=2)
    assert [groups(arm).status_code for _ in range(4)] == [200, 200, 503, 200]
