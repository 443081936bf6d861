"""Extension types and versions, by location and by cluster, through the 2024-11-01-preview SDK and raw HTTPS."""
import pytest
from azure.core.exceptions import ResourceNotFoundError

from .conftest import AKS, ARC, RG, error_code

TYPES_BASE = '/providers/Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes'


def test_location_types(types_client):
    types = {t.name: t for t in types_client.extension_types.location_list('eastus')}
    assert {'microsoft.flux', 'microsoft.dapr', 'microsoft.contoso.samples'} <= set(types)
    flux = types_client.extension_types.location_get('eastus', 'microsoft.flux')
    assert flux.as_dict()['properties']['supportedScopes'] == {
        'defaultScope': 'cluster', 'clusterScopeSettings': {'allowMultipleInstances': False,
                                                            'defaultReleaseNamespace': 'flux-system'}}
    fleet_types = [t.name for t in types_client.extension_types.location_list('eastus', cluster_type='fleets')]
    assert fleet_types == ['microsoft.flux']


def test_cluster_types_follow_the_cluster_kind(types_client):
    on_aks = [t.name for t in types_client.extension_types.list(RG, *AKS)]
    on_arc = [t.name for t in types_client.extension_types.list(RG, *ARC)]
    assert 'microsoft.dataprotection.kubernetes' in on_aks and 'microsoft.dataprotection.kubernetes' not in on_arc
    assert 'microsoft.azuredefender.kubernetes' in on_arc and 'microsoft.azuredefender.kubernetes' not in on_aks
    contoso = types_client.extension_types.get(RG, *ARC, 'microsoft.contoso.samples').as_dict()
    assert contoso['properties']['supportedScopes'] == {'defaultScope': 'namespace', 'clusterScopeSettings': None}


def test_versions_and_filters(types_client):
    def versions(**filters):
        return [v.name for v in types_client.extension_types.list_versions('eastus', 'microsoft.contoso.samples',
                                                                           **filters)]
    assert versions() == ['1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.1.0', '1.0.0']
    assert versions(show_latest=True) == ['1.5.0']
    assert versions(release_train='preview') == ['1.6.0-preview']
    assert versions(major_version='2') == []
    dapr = [v.name for v in types_client.extension_types.cluster_list_versions(RG, *ARC, 'microsoft.dapr')]
    assert '1.6.0' in dapr
    item = types_client.extension_types.get_version('eastus', 'microsoft.contoso.samples', '1.1.0').as_dict()
    assert item['type'] == 'Microsoft.KubernetesConfiguration/extensionTypes/versions'
    assert item['properties']['version'] == '1.1.0'
    assert 'connectedCluster' in item['properties']['supportedClusterTypes']
    on_cluster = types_client.extension_types.cluster_get_version(RG, *ARC, 'microsoft.flux', '1.14.0')
    assert on_cluster.name == '1.14.0'


def test_cluster_type_filter_on_versions(arm):
    response = arm.call('GET', arm.subscription + TYPES_BASE + '/microsoft.dataprotection.kubernetes/versions',
                        '2024-11-01-preview', params={'clusterType': 'connectedClusters'})
    assert response.json()['value'] == []


def test_unknown_type_and_version(types_client, arm):
    with pytest.raises(ResourceNotFoundError):
        types_client.extension_types.location_get('eastus', 'microsoft.nothing')
    missing = arm.call('GET', arm.subscription + TYPES_BASE + '/microsoft.flux/versions/0.0.1', '2023-05-01-preview')
    assert missing.status_code == 404 and error_code(missing) == 'ResourceNotFound'


def test_legacy_api_version_shape(arm):
    body = arm.call('GET', arm.subscription + TYPES_BASE + '/microsoft.flux', '2022-01-15-preview').json()
    assert body['properties']['releaseTrains'] == ['preview', 'stable']
    versions = arm.call('GET', arm.subscription + TYPES_BASE + '/microsoft.flux/versions',
                        '2022-01-15-preview').json()['value']
    assert {'releaseTrain', 'versions'} == set(versions[0])
    wrong = arm.call('GET', arm.subscription + TYPES_BASE, '2025-03-01')
    assert wrong.status_code == 400 and error_code(wrong) == 'InvalidApiVersionParameter'
