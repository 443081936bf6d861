"""What the emulator serves for safe versions: exclusions on version items, a PUT that changes a create-only
property refused as ARM refuses an immutable change, and the seeded managed extension."""
import pytest

from .conftest import ARC, EXTENSIONS_API, error_code, unique, wait_until_settled

TYPES_API = '2024-11-01-preview'


def _put(arm, name, body, cluster=ARC):
    return arm.call('PUT', arm.extension_path(name, cluster), EXTENSIONS_API, body)


@pytest.mark.parametrize('change,named', [
    ({'properties': {'extensionType': 'microsoft.dapr'}}, 'properties.extensionType'),
    ({'properties': {'extensionType': 'microsoft.contoso.samples', 'scope': {'namespace': {'targetNamespace': 'b'}}}},
     'properties.scope'),
    ({'properties': {'extensionType': 'microsoft.contoso.samples'}, 'identity': {'type': 'SystemAssigned'}},
     'identity'),
    ({'properties': {'extensionType': 'microsoft.contoso.samples'}, 'plan': {
        'name': 'p', 'product': 'o', 'publisher': 'c'}}, 'plan'),
])
def test_a_put_changing_a_create_only_property_is_refused(arm, admin, change, named):
    name = unique('im')
    first = {'properties': {'extensionType': 'microsoft.contoso.samples',
                            'scope': {'namespace': {'targetNamespace': 'a'}}}}
    assert _put(arm, name, first).status_code == 201
    wait_until_settled(arm, name, ARC)
    refused = _put(arm, name, change)
    assert refused.status_code == 400 and error_code(refused) == 'PropertyChangeNotAllowed'
    assert f"'{named}'" in refused.json()['error']['message']
    assert _put(arm, name, first).status_code == 200  # the same spec again is a replace


def test_version_items_carry_the_catalogs_exclusions(arm):
    path = arm.cluster_path(ARC) + '/providers/Microsoft.KubernetesConfiguration/extensionTypes/microsoft.flux/' \
        'versions/1.16.2'
    unsupported = arm.call('GET', path, TYPES_API).json()['properties']['unsupportedKubernetesVersions']
    assert unsupported['connectedCluster'][0] == {'distributions': ['GKE'], 'unsupportedVersions': ['<1.29']}
    assert unsupported['appliances'] is None


def test_the_seed_has_an_extension_users_may_only_read(arm):
    path = arm.extension_path('flux', ('Microsoft.ContainerService', 'managedClusters', 'demo-aks-managed'))
    properties = arm.call('GET', path, EXTENSIONS_API).json()['properties']
    assert properties['managementDetails']['category'] == 'managed'
    assert properties['provisioningState'] == 'Succeeded'
    older = arm.call('GET', path, '2023-05-01').json()['properties']
    assert 'managementDetails' not in older
