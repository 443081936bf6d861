"""Throttling, server errors, dropped connections, auth failures and restarts: no lost or duplicate extension."""
import re

import pytest

from .helpers import RG, extension_requests, unique

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
EXTENSION_PATH = r'/extensions/{}$'
POLL_PATH = r'/extensions/{}/operations/'

TRANSIENT = [
    ('put-429', 'PUT', EXTENSION_PATH, {'status': 429, 'retry_after': 1}),
    ('put-500', 'PUT', EXTENSION_PATH, {'status': 500}),
    ('put-503', 'PUT', EXTENSION_PATH, {'status': 503}),
    ('put-drop', 'PUT', EXTENSION_PATH, {'drop': True}),
    ('poll-429', 'GET', POLL_PATH, {'status': 429, 'retry_after': 1}),
    ('poll-500', 'GET', POLL_PATH, {'status': 500}),
    ('poll-503', 'GET', POLL_PATH, {'status': 503}),
    ('poll-drop', 'GET', POLL_PATH, {'drop': True}),
    ('final-get-429', 'GET', EXTENSION_PATH, {'status': 429, 'retry_after': 1}),
    ('final-get-500', 'GET', EXTENSION_PATH, {'status': 500}),
    ('final-get-503', 'GET', EXTENSION_PATH, {'status': 503}),
    ('final-get-drop', 'GET', EXTENSION_PATH, {'drop': True}),
]


def _extensions_named(aks, name):
    return [item for item in aks.json('k8s-extension', 'list', *ARC) if item['name'] == name]


@pytest.mark.parametrize('case_id,method,pattern,fault', TRANSIENT, ids=[case[0] for case in TRANSIENT])
# pytest passes fixtures and parameters by name.  pylint: disable-next=too-many-positional-arguments
def test_transient_fault_is_ridden_out(aks, service, case_id, method, pattern, fault):
    name = unique('f')
    service.fault(method=method, path=pattern.format(name), count=1, **fault)
    done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert '"provisioningState": "Succeeded"' in done.stdout
    matching = [r for r in service.requests() if r['method'] == method and re.search(pattern.format(name), r['path'])]
    assert len(matching) >= 2  # the fault was hit, then the retry went through
    assert len(_extensions_named(aks, name)) == 1


def test_update_survives_a_server_error_without_losing_the_change(aks, service):
    name = unique('f')
    aks.json('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux', '--config', 'a=1')
    service.fault(method='PATCH', path=EXTENSION_PATH.format(name), count=1, status=503)
    done = aks.run('k8s-extension', 'update', *ARC, '-n', name, '--config', 'a=2', '-o', 'json')
    assert done.returncode == 0, done.stderr
    shown = _extensions_named(aks, name)
    assert len(shown) == 1 and shown[0]['configurationSettings'] == {'a': '2'}


def test_persistent_fault_is_a_clear_error_with_a_next_step(aks, service):
    name = unique('f')
    service.fault(method='PUT', path=EXTENSION_PATH.format(name), count=50, status=503)
    done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    assert done.returncode == 1
    assert 'HTTP 503' in done.stderr and 'retry later' in done.stderr
    assert 'az k8s-extension show' in done.stderr and 'Traceback' not in done.stderr
    assert _extensions_named(aks, name) == []


def test_persistent_drop_is_a_connection_error(aks, service):
    name = unique('f')
    service.fault(method='GET', path=EXTENSION_PATH.format(name), count=50, drop=True)
    done = aks.run('k8s-extension', 'show', *ARC, '-n', name)
    assert done.returncode == 1
    assert 'Could not reach Azure Resource Manager' in done.stderr and 'Traceback' not in done.stderr


@pytest.mark.parametrize('status,fragment', [(403, 'Not authorized to delete'), (401, 'rejected the credentials')])
def test_auth_errors_on_delete_are_reported_not_nothing_to_delete(aks, service, status, fragment):
    name = unique('f')
    service.fault(method='GET', path=EXTENSION_PATH.format(name), count=10, status=status,
                  code='AuthorizationFailed' if status == 403 else 'InvalidAuthenticationToken',
                  message='The client does not have authorization')
    done = aks.run('k8s-extension', 'delete', *ARC, '-n', name, '--yes')
    assert done.returncode == 1
    assert fragment in done.stderr and f"extension '{name}'" in done.stderr
    assert 'Nothing to delete' not in done.stderr
    assert extension_requests(service, 'DELETE') == []


def test_wait_completes_after_the_emulator_restarts_mid_operation(aks, emulator, service):
    name = unique('f')
    emulator.admin.config(op_seconds=4)
    try:
        done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux',
                       '--no-wait')
        assert done.returncode == 0, done.stderr
        emulator.restart()
        waited = aks.run('k8s-extension', 'wait', *ARC, '-n', name, '--created', '--timeout', '60')
    finally:
        emulator.admin.config(op_seconds=1.0)
    assert waited.returncode == 0, waited.stderr
    shown = _extensions_named(aks, name)
    assert len(shown) == 1 and shown[0]['provisioningState'] == 'Succeeded'
