"""Every ARM route outside extensions, and the front-door errors, over plain HTTPS."""
import pytest

from .conftest import RG, error_code, unique

CLUSTER_KINDS = [
    ('Microsoft.ContainerService', 'managedClusters', '2026-06-01', 'Microsoft.ContainerService/ManagedClusters'),
    ('Microsoft.Kubernetes', 'connectedClusters', '2021-10-01', 'Microsoft.Kubernetes/connectedClusters'),
    ('Microsoft.ResourceConnector', 'appliances', '2021-10-31-preview', 'Microsoft.ResourceConnector/appliances'),
    ('Microsoft.HybridContainerService', 'provisionedClusters', '2022-05-01-preview',
     'Microsoft.HybridContainerService/provisionedClusters'),
    ('Microsoft.ContainerService', 'fleets', '2026-06-01', 'Microsoft.ContainerService/fleets'),
]


def test_subscriptions_and_tenants(arm):
    listed = arm.call('GET', '/subscriptions', '2022-12-01').json()
    assert [s['subscriptionId'] for s in listed['value']] == [arm.endpoint['subscription']]
    one = arm.call('GET', arm.subscription, '2022-12-01').json()
    assert one['tenantId'] == arm.endpoint['tenant'] and one['state'] == 'Enabled'
    tenants = arm.call('GET', '/tenants', '2022-12-01').json()
    assert tenants['value'][0]['tenantId'] == arm.endpoint['tenant']
    other = arm.call('GET', '/subscriptions/00000000-0000-0000-0000-000000000001', '2022-12-01')
    assert other.status_code == 404 and error_code(other) == 'SubscriptionNotFound'


def test_resource_group_lifecycle(arm):
    name = unique('rg')
    path = f'{arm.subscription}/resourceGroups/{name}'
    created = arm.call('PUT', path, '2024-11-01', {'location': 'West US 2', 'tags': {'team': 'x'}})
    assert created.status_code == 201
    assert created.json()['location'] == 'westus2' and created.json()['tags'] == {'team': 'x'}
    assert arm.call('PUT', path, '2024-11-01', {'location': 'westus2'}).status_code == 200
    assert arm.call('GET', path.upper().replace('/SUBSCRIPTIONS/', '/subscriptions/'), '2024-11-01').json()['name'] \
        == name
    assert name in [g['name'] for g in arm.call('GET', arm.subscription + '/resourcegroups', '2024-11-01')
                    .json()['value']]
    assert arm.call('HEAD', path, '2024-11-01').status_code == 204
    assert arm.call('DELETE', path, '2024-11-01').status_code == 200
    missing = arm.call('GET', path, '2024-11-01')
    assert missing.status_code == 404 and missing.json()['error']['message'] == \
        f"Resource group '{name}' could not be found."
    assert arm.call('HEAD', path, '2024-11-01').status_code == 404


def test_deleting_a_group_removes_its_clusters(arm, emulator):
    group = unique('rg')
    emulator.admin.put(f'{arm.subscription}/resourceGroups/{group}', {'location': 'eastus'}, '2024-11-01')
    cluster = ('Microsoft.Kubernetes', 'connectedClusters', 'c1')
    emulator.admin.put(arm.cluster_path(cluster, group), {}, '2024-01-01')
    arm.call('PUT', arm.extension_path('e1', cluster, group), '2025-03-01',
             {'properties': {'extensionType': 'microsoft.flux'}})
    arm.call('DELETE', f'{arm.subscription}/resourceGroups/{group}', '2024-11-01')
    emulator.admin.put(f'{arm.subscription}/resourceGroups/{group}', {'location': 'eastus'}, '2024-11-01')
    assert error_code(arm.call('GET', arm.cluster_path(cluster, group), '2024-01-01')) == 'ResourceNotFound'


@pytest.mark.parametrize('rp, resource, api_version, type_name', CLUSTER_KINDS)
def test_cluster_kinds(arm, rp, resource, api_version, type_name):
    name = unique('c')
    path = arm.cluster_path((rp, resource, name))
    created = arm.call('PUT', path, api_version, {'location': 'westus2', 'tags': {'env': 'test'}})
    assert created.status_code == 201
    body = arm.call('GET', path.replace(rp, rp.lower()).replace(resource, resource.upper()), api_version).json()
    assert body['id'] == f'{arm.subscription}/resourceGroups/{RG}/providers/{rp}/{resource}/{name}'
    assert body['type'] == type_name and body['location'] == 'westus2' and body['tags'] == {'env': 'test'}
    assert body['properties']['provisioningState'] == 'Succeeded'
    assert 'identity' in body
    missing = arm.call('GET', arm.cluster_path((rp, resource, 'nope')), api_version)
    assert missing.status_code == 404 and missing.json()['error']['message'] == (
        f"The Resource '{rp}/{resource}/nope' under resource group '{RG}' was not found. For more details please "
        "go to https://aka.ms/ARMResourceNotFoundFix")
    extension = arm.call('GET', arm.extension_path('x', (rp, resource, 'nope')), '2025-03-01')
    assert extension.status_code == 404 and error_code(extension) == 'ResourceNotFound'
    assert arm.call('DELETE', path, api_version).status_code == 200
    assert arm.call('GET', path, api_version).status_code == 404


def test_seeded_clusters(arm):
    aks = arm.call('GET', arm.cluster_path(), '2026-06-01').json()
    assert aks['identity']['type'] == 'SystemAssigned' and aks['properties']['kubernetesVersion']
    assert aks['properties']['servicePrincipalProfile'] == {'clientId': 'msi'}
    sp = arm.call('GET', arm.cluster_path(('Microsoft.ContainerService', 'managedClusters', 'demo-aks-sp')),
                  '2026-06-01').json()
    assert 'identity' not in sp
    assert sp['properties']['servicePrincipalProfile']['clientId'] not in ('msi', None)
    assert 'secret' not in sp['properties']['servicePrincipalProfile']
    arc = arm.call('GET', arm.cluster_path(('Microsoft.Kubernetes', 'connectedClusters', 'demo-arc')),
                   '2024-01-01').json()
    assert arc['location'] == 'eastus' and arc['properties']['connectivityStatus'] == 'Connected'


def test_providers(arm):
    namespace = arm.subscription + '/providers/Microsoft.KubernetesConfiguration'
    body = arm.call('GET', namespace.replace('Microsoft.', 'microsoft.'), '2022-09-01').json()
    assert body['namespace'] == 'Microsoft.KubernetesConfiguration'
    assert body['registrationState'] == 'Registered'
    extensions = [t for t in body['resourceTypes'] if t['resourceType'] == 'extensions'][0]
    assert extensions['apiVersions'][0] == '2025-03-01'
    listed = arm.call('GET', arm.subscription + '/providers', '2024-11-01').json()['value']
    assert {'Microsoft.KubernetesConfiguration', 'Microsoft.Kubernetes'} <= {p['namespace'] for p in listed}
    try:
        assert arm.call('POST', namespace + '/unregister', '2024-11-01').json()['registrationState'] == \
            'Unregistered'
        assert arm.call('GET', namespace, '2025-04-01').json()['registrationState'] == 'Unregistered'
    finally:
        assert arm.call('POST', namespace + '/register', '2024-11-01').json()['registrationState'] == 'Registered'
    unknown = arm.call('GET', arm.subscription + '/providers/Microsoft.Nope', '2024-11-01')
    assert unknown.status_code == 404 and error_code(unknown) == 'InvalidResourceNamespace'


def test_registration_is_kept_per_namespace(arm):
    """A companion namespace can be unregistered and registered (the 2016-02-01 calls of the SDK's own
    registration policy included) without touching the others."""
    insights = arm.subscription + '/providers/microsoft.operationalinsights'
    try:
        assert arm.call('POST', insights + '/unregister', '2016-02-01').json()['registrationState'] == 'Unregistered'
        body = arm.call('GET', insights, '2016-02-01').json()
        assert body['namespace'] == 'Microsoft.OperationalInsights' and body['registrationState'] == 'Unregistered'
        kc = arm.call('GET', arm.subscription + '/providers/Microsoft.KubernetesConfiguration', '2016-02-01').json()
        assert kc['registrationState'] == 'Registered'
        listed = arm.call('GET', arm.subscription + '/providers', '2024-11-01').json()['value']
        assert {p['namespace']: p['registrationState'] for p in listed}['Microsoft.OperationalInsights'] == \
            'Unregistered'
    finally:
        assert arm.call('POST', insights + '/register', '2016-02-01').json()['registrationState'] == 'Registered'


def test_api_version_checks(arm):
    missing = arm.call('GET', arm.subscription + '/resourcegroups')
    assert missing.status_code == 400 and missing.json()['error']['message'] == \
        'The api-version query parameter (?api-version=) is required for all requests.'
    invalid = arm.call('GET', arm.cluster_path(), '2099-01-01')
    assert invalid.status_code == 400 and error_code(invalid) == 'InvalidApiVersionParameter'
    assert "The api-version '2099-01-01' is invalid. The supported versions are '2026-08-01," in \
        invalid.json()['error']['message']
    mixed_case = arm.call('GET', arm.cluster_path(), params={'api-Version': '2026-06-01'})
    assert mixed_case.status_code == 200


def test_unknown_routes_and_methods(arm):
    unknown = arm.call('GET', arm.subscription + '/resourceGroups/demo-rg/providers/Microsoft.Kubernetes'
                       'Configuration/nothingHere', '2025-03-01')
    assert unknown.status_code == 404 and error_code(unknown) == 'InvalidResourceType'
    wrong_method = arm.call('POST', arm.cluster_path(), '2026-06-01')
    assert wrong_method.status_code == 405 and 'error' in wrong_method.json()
    admin_only = arm.call('GET', '/_emulator/nothing', token=None)
    assert admin_only.status_code == 404
