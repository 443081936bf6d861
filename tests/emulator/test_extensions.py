"""Extension lifecycle through the real 2025-03-01 SDK and raw HTTPS: async operations, failures, deletes,
paging, protected settings and the errors the service gives."""
import hashlib
import time

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.kubernetesconfiguration.extensions.models import Extension

from .conftest import AKS, ARC, EXTENSIONS_API, RG, error_code, unique, wait_until_settled


def create(client, name, cluster=AKS, **properties):
    return client.extensions.begin_create(RG, *cluster, name, Extension(**properties))


def test_create_is_asynchronous_then_succeeds(extensions_client, arm, admin):
    name = unique('flux')
    poller = create(extensions_client, name, extension_type='microsoft.flux')
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).json()['properties']['provisioningState'] == \
        'Creating'
    result = poller.result()
    assert result.provisioning_state == 'Succeeded'
    assert result.current_version == '1.16.2'  # latest stable flux: auto-upgrade is on by default
    assert result.scope.cluster.release_namespace == 'flux-system'
    put = [r for r in admin.requests() if r['method'] == 'PUT'][0]
    assert put['status'] == 201
    polls = [r for r in admin.requests() if '/operations/' in r['path']]
    assert polls and all(r['status'] == 200 for r in polls)


def test_put_answers_like_the_service(arm, admin):
    name = unique('dapr')
    body = {'properties': {'extensionType': 'microsoft.dapr', 'autoUpgradeMinorVersion': False,
                           'releaseTrain': 'stable', 'version': '1.6.0', 'scope': {'cluster': {}},
                           'configurationSettings': {'skipExistingDaprCheck': 'true'},
                           'configurationProtectedSettings': {'token': 's3cret'}}}
    response = arm.call('PUT', arm.extension_path(name, ARC), '2023-05-01', body)
    assert response.status_code == 201
    operation_url = response.headers['Azure-AsyncOperation']
    assert operation_url.startswith(arm.endpoint['arm'])
    assert f'/extensions/{name}/operations/' in operation_url
    assert response.headers['Location'].startswith(arm.url(arm.extension_path(name, ARC)))
    assert response.headers['api-supported-versions'] == '2023-05-01'
    assert 'Retry-After' not in response.headers
    properties = response.json()['properties']
    assert properties['scope'] == {'cluster': {'releaseNamespace': 'dapr-system'}}
    assert properties['configurationProtectedSettings'] == {}
    assert properties['currentVersion'] is None and properties['releaseTrain'] == 'stable'
    assert 'identity' not in response.json() and 'extensionState' not in properties
    assert 's3cret' not in response.text

    status = arm.session.get(operation_url, headers={'Authorization': 'Bearer ' + arm.admin.token()},
                             verify=arm.endpoint['ca_bundle']).json()
    assert set(status) == {'id', 'name', 'status', 'properties', 'error'} and status['status'] == 'Creating'
    time.sleep(1.1)
    done = arm.session.get(operation_url, headers={'Authorization': 'Bearer ' + arm.admin.token()},
                           verify=arm.endpoint['ca_bundle']).json()
    assert done['status'] == 'Succeeded' and done['error'] is None
    shown = arm.call('GET', arm.extension_path(name, ARC), '2023-05-01').json()['properties']
    assert shown['currentVersion'] == '1.6.0' and shown['provisioningState'] == 'Succeeded'

    logged = [r for r in admin.requests() if r['method'] == 'PUT'][0]
    digest = hashlib.sha256(b's3cret').hexdigest()[:16]
    assert logged['body']['properties']['configurationProtectedSettings'] == {
        'token': f'<redacted sha256:{digest}>'}
    assert 'authorization' not in logged['headers']
    assert 's3cret' not in str(admin.requests())


def test_modern_api_version_adds_fields_and_keeps_identity(arm):
    name = unique('ml')
    response = arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                        {'identity': {'type': 'SystemAssigned'},
                         'properties': {'extensionType': 'microsoft.azureml.kubernetes'}})
    body = response.json()
    assert body['properties']['autoUpgradeMode'] == 'compatible'
    assert body['properties']['additionalDetails'] == {'docs': None, 'releaseNotes': None,
                                                       'troubleshootingGuide': None}
    assert body['identity']['type'] == 'SystemAssigned' and body['identity']['principalId']
    assert body['properties']['releaseTrain'] == 'Stable'
    assert body['systemData']['createdAt'].endswith('+00:00')


def test_put_existing_is_200_and_updating(arm):
    name = unique('osm')
    body = {'properties': {'extensionType': 'microsoft.openservicemesh'}}
    assert arm.call('PUT', arm.extension_path(name, ARC), EXTENSIONS_API, body).status_code == 201
    wait_until_settled(arm, name, ARC)
    again = arm.call('PUT', arm.extension_path(name, ARC), EXTENSIONS_API, body)
    assert again.status_code == 200
    assert again.json()['properties']['provisioningState'] == 'Updating'


def test_namespace_scoped_type_defaults_to_its_name(arm):
    name = unique('contoso')
    body = arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                    {'properties': {'extensionType': 'microsoft.contoso.samples'}}).json()
    assert body['properties']['scope'] == {'namespace': {'targetNamespace': name}}


def test_patch_merges_and_resolves_pinned_version(extensions_client, arm, admin):
    name = unique('flux')
    create(extensions_client, name, extension_type='microsoft.flux',
           configuration_settings={'a': '1', 'b': '2'}).result()
    poller = extensions_client.extensions.begin_update(
        RG, *AKS, name, {'properties': {'autoUpgradeMinorVersion': False, 'version': '1.14.0',
                                        'configurationSettings': {'b': None, 'c': '3'},
                                        'configurationProtectedSettings': {'key': 'v'}}})
    result = poller.result()
    assert result.provisioning_state == 'Succeeded'
    assert result.current_version == '1.14.0'
    assert result.configuration_settings == {'a': '1', 'c': '3'}
    assert result.configuration_protected_settings == {}
    patch = [r for r in admin.requests() if r['method'] == 'PATCH'][0]
    assert patch['status'] == 202


def test_patch_tolerates_older_sdk_defaults(arm):
    name = unique('dapr')
    arm.call('PUT', arm.extension_path(name), '2023-05-01',
             {'properties': {'extensionType': 'microsoft.dapr', 'autoUpgradeMinorVersion': False,
                             'version': '1.6.0'}})
    wait_until_settled(arm, name)
    response = arm.call('PATCH', arm.extension_path(name), '2023-05-01',
                        {'properties': {'autoUpgradeMinorVersion': True, 'releaseTrain': 'Stable'}})
    assert response.status_code == 202
    assert response.json()['properties']['version'] is None


def test_version_with_auto_upgrade_is_rejected(arm):
    response = arm.call('PUT', arm.extension_path(unique('flux')), EXTENSIONS_API,
                        {'properties': {'extensionType': 'microsoft.flux', 'version': '1.14.0',
                                        'autoUpgradeMinorVersion': True}})
    assert response.status_code == 400
    assert error_code(response) == 'BadRequest'
    assert response.json()['error']['message'].startswith(
        'AutoUpgradeMinorVersion cannot be set to true when a Version is provided.')


def test_unknown_pinned_version_fails_the_operation(extensions_client, arm):
    name = unique('flux')
    with pytest.raises(HttpResponseError) as raised:
        create(extensions_client, name, extension_type='microsoft.flux', auto_upgrade_minor_version=False,
               version='9.9.9').result()
    message = "Failed to resolve the extension version '9.9.9' in release train 'stable' for extension type " \
              "'microsoft.flux'."
    assert message in str(raised.value)
    properties = arm.call('GET', arm.extension_path(name), '2023-05-01').json()['properties']
    assert properties['provisioningState'] == 'Failed'
    assert properties['statuses'] == [{'code': 'InstallationFailed', 'displayStatus': None, 'level': None,
                                       'message': message, 'time': None}]
    assert properties['errorInfo']['message'] == message


@pytest.mark.parametrize('state', ['Failed', 'Canceled'])
def test_fail_next_operation(extensions_client, arm, admin, state):
    name = unique('flux')
    admin.fail_next_operation(name=name, code='HelmInstallFailed', message='helm install failed', state=state)
    poller = create(extensions_client, name, extension_type='microsoft.flux')
    with pytest.raises(HttpResponseError) as raised:
        poller.result()
    assert 'helm install failed' in str(raised.value)
    operation_url = [r for r in admin.requests() if '/operations/' in r['path']][-1]['path']
    status = arm.call('GET', operation_url, EXTENSIONS_API).json()
    assert status['status'] == state
    assert status['error'] == {'code': 'HelmInstallFailed', 'message': 'helm install failed'}
    shown = extensions_client.extensions.get(RG, *AKS, name)
    assert shown.provisioning_state == state


def test_a_failed_operation_reports_its_error_at_2025_03_01(extensions_client, arm, admin):
    name, quiet = unique('flux'), unique('flux')
    admin.fail_next_operation(name=name, code='HelmInstallFailed', message='pod healthcheck failed')
    admin.fail_next_operation(name=quiet, code='InstallationFailed', message='agent unreachable', error_info=False)
    for extension in (name, quiet):
        with pytest.raises(HttpResponseError):
            create(extensions_client, extension, extension_type='microsoft.flux').result()
    failed = arm.call('GET', arm.extension_path(name), EXTENSIONS_API).json()['properties']
    assert failed['errorInfo'] == {'code': 'HelmInstallFailed', 'message': 'pod healthcheck failed'}
    # A failure the agent reports through statuses only (the recorded fleet failure) leaves errorInfo out.
    reported = arm.call('GET', arm.extension_path(quiet), EXTENSIONS_API).json()['properties']
    assert 'errorInfo' not in reported and reported['statuses'][0]['message'] == 'agent unreachable'


def test_2025_03_01_fields_an_extension_carries(emulator, arm, admin):
    backup = unique('backup')
    body = {'managedBy': arm.cluster_path(), 'properties': {'extensionType': 'microsoft.dataprotection.kubernetes'}}
    created = arm.call('PUT', arm.extension_path(backup), EXTENSIONS_API, body).json()
    # Create-only managedBy comes back; on AKS a type that needs an identity gets the one AKS assigns.
    assert created['managedBy'] == arm.cluster_path()
    assigned = created['properties']['aksAssignedIdentity']
    assert assigned['type'] == 'SystemAssigned' and len(assigned['principalId']) == 36
    assert assigned['tenantId'] == emulator.endpoint['tenant']
    older = arm.call('GET', arm.extension_path(backup), '2023-05-01').json()
    assert 'managedBy' not in older and older['properties']['aksAssignedIdentity'] == assigned
    flux = arm.call('PUT', arm.extension_path(unique('flux')), EXTENSIONS_API,
                    {'properties': {'extensionType': 'microsoft.flux'}}).json()
    assert flux['properties']['aksAssignedIdentity'] is None and 'managedBy' not in flux
    # Only the platform installs system extensions; the admin API makes them.
    admin.bulk_extensions(cluster_id=arm.cluster_path(ARC), count=1, prefix=unique('sys'), isSystemExtension=True)
    listed = arm.call('GET', arm.cluster_path(ARC) + '/providers/Microsoft.KubernetesConfiguration/extensions',
                      EXTENSIONS_API).json()['value']
    assert [item['properties']['isSystemExtension'] for item in listed].count(True) >= 1


def test_private_extension_type_is_accepted(extensions_client):
    result = create(extensions_client, unique('private'), extension_type='contoso.private.thing',
                    auto_upgrade_minor_version=False, version='2.3.4').result()
    assert result.provisioning_state == 'Succeeded' and result.current_version == '2.3.4'


def test_delete_is_asynchronous_then_gone(extensions_client, arm, admin):
    name = unique('flux')
    create(extensions_client, name, extension_type='microsoft.flux').result()
    response = arm.call('DELETE', arm.extension_path(name), EXTENSIONS_API)
    assert response.status_code == 202 and 'Azure-AsyncOperation' in response.headers
    assert arm.call('GET', arm.extension_path(name), EXTENSIONS_API).json()['properties']['provisioningState'] == \
        'Deleting'
    time.sleep(1.1)
    gone = arm.call('GET', arm.extension_path(name), EXTENSIONS_API)
    assert gone.status_code == 404 and error_code(gone) == 'ResourceNotFound'
    assert arm.call('DELETE', arm.extension_path(name), EXTENSIONS_API).status_code == 204


def test_sdk_delete_waits_for_completion(extensions_client):
    name = unique('flux')
    create(extensions_client, name, extension_type='microsoft.flux').result()
    extensions_client.extensions.begin_delete(RG, *AKS, name).result()
    with pytest.raises(ResourceNotFoundError):
        extensions_client.extensions.get(RG, *AKS, name)


def test_force_delete_is_synchronous(arm):
    name = unique('dapr')
    arm.call('PUT', arm.extension_path(name, ARC), '2023-05-01', {'properties': {'extensionType': 'microsoft.dapr'}})
    response = arm.call('DELETE', arm.extension_path(name, ARC), '2023-05-01', params={'forceDelete': 'true'})
    assert response.status_code == 200
    assert response.json()['isSuccessStatusCode'] is True
    assert arm.call('GET', arm.extension_path(name, ARC), '2023-05-01').status_code == 404


def test_list_pages_with_next_link(emulator, extensions_client, arm, admin):
    group, cluster = unique('paging'), unique('aks')
    emulator.admin.put(f'{arm.subscription}/resourceGroups/{group}', {'location': 'westus2'}, '2024-11-01')
    cluster_path = f'{arm.subscription}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/' \
                   f'{cluster}'
    emulator.admin.put(cluster_path, {'location': 'westus2'}, '2026-06-01')
    admin.bulk_extensions(cluster_id=cluster_path, count=250, extension_type='microsoft.flux', prefix='ext')
    first = arm.call('GET', cluster_path + '/providers/Microsoft.KubernetesConfiguration/extensions',
                     EXTENSIONS_API).json()
    assert len(first['value']) == 100
    assert first['nextLink'].startswith(arm.endpoint['arm']) and '$skipToken=100' in first['nextLink']
    assert 'api-version=' in first['nextLink']
    names = [e.name for e in extensions_client.extensions.list(group, 'Microsoft.ContainerService',
                                                               'managedClusters', cluster)]
    assert len(names) == 250 and len(set(names)) == 250
    admin.config(page_size=7)
    pages = [r for r in admin.requests() if r['path'].endswith('/extensions')]
    assert len(pages) == 1 + 3
    assert len(list(extensions_client.extensions.list(group, 'Microsoft.ContainerService', 'managedClusters',
                                                      cluster))) == 250


def test_retry_after_is_configurable(arm, admin):
    admin.config(retry_after=3)
    response = arm.call('PUT', arm.extension_path(unique('flux')), EXTENSIONS_API,
                        {'properties': {'extensionType': 'microsoft.flux'}})
    assert response.headers['Retry-After'] == '3'


def test_missing_registration(emulator, arm):
    namespace = '/providers/Microsoft.KubernetesConfiguration'
    assert arm.call('POST', arm.subscription + namespace + '/unregister', '2024-11-01').status_code == 200
    try:
        response = arm.call('PUT', arm.extension_path(unique('flux')), EXTENSIONS_API,
                            {'properties': {'extensionType': 'microsoft.flux'}})
        assert response.status_code == 409
        assert response.json()['error'] == {
            'code': 'MissingSubscriptionRegistration', 'target': None, 'details': [], 'additionalInfo': [],
            'message': "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'. "
                       "See https://aka.ms/rps-not-found for how to register subscriptions."}
    finally:
        arm.call('POST', arm.subscription + namespace + '/register', '2024-11-01')


def test_extension_errors_for_missing_parents(arm):
    missing_group = arm.call('GET', arm.extension_path('x', group='no-such-rg'), EXTENSIONS_API)
    assert missing_group.status_code == 404 and error_code(missing_group) == 'ResourceGroupNotFound'
    missing_cluster = arm.call('PUT', arm.extension_path('x', ('Microsoft.ContainerService', 'managedClusters', 'c1')),
                               EXTENSIONS_API, {'properties': {'extensionType': 'microsoft.flux'}})
    assert missing_cluster.status_code == 404
    assert missing_cluster.json()['error']['message'] == (
        "The Resource 'Microsoft.ContainerService/managedClusters/c1' under resource group 'demo-rg' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    wrong_version = arm.call('GET', arm.extension_path('x'), '2021-01-01')
    assert wrong_version.status_code == 400 and error_code(wrong_version) == 'InvalidApiVersionParameter'
    assert wrong_version.json()['error']['message'] == (
        "The api-version '2021-01-01' is invalid. The supported versions are "
        "'2025-03-01,2024-11-01,2023-05-01,2022-11-01,2022-07-01,2022-03-01,2020-07-01-preview'.")


@pytest.mark.parametrize('method', ['PUT', 'PATCH', 'DELETE'])
def test_a_write_while_an_operation_runs_is_a_conflict(arm, admin, method):
    name = unique('busy')
    body = {'properties': {'extensionType': 'microsoft.flux', 'configurationProtectedSettings': {'k': 'first'}}}
    admin.config(op_seconds=30)
    try:
        assert arm.call('PUT', arm.extension_path(name), EXTENSIONS_API, body).status_code == 201
        second = {'properties': {'extensionType': 'microsoft.flux', 'configurationProtectedSettings': {'k': 'x'}}}
        answer = arm.call(method, arm.extension_path(name), EXTENSIONS_API, None if method == 'DELETE' else second)
    finally:
        admin.config(op_seconds=1.0)
    assert answer.status_code == 409
    error = answer.json()['error']
    assert error['code'] == 'Conflict' and 'in progress (Creating)' in error['message']
    # The first writer's operation and protected settings are untouched.
    shown = arm.call('GET', arm.extension_path(name), EXTENSIONS_API).json()['properties']
    assert shown['provisioningState'] == 'Creating'
    assert arm.call('DELETE', arm.extension_path(name), EXTENSIONS_API, params={'forceDelete': 'true'}).ok


def test_head_answers_whether_an_extension_exists_as_arms_check_existence_does(arm):
    name = unique('flux')
    assert arm.call('HEAD', arm.extension_path(name), EXTENSIONS_API).status_code == 404
    assert arm.call('PUT', arm.extension_path(name), EXTENSIONS_API,
                    {'properties': {'extensionType': 'microsoft.flux'}}).status_code == 201
    answer = arm.call('HEAD', arm.extension_path(name), EXTENSIONS_API)
    assert answer.status_code == 204 and answer.content == b''
