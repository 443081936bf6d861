"""Every cluster type the service knows: the request goes to the right provider path, and fleets get Flux only,
with a system-assigned identity as the official tool sends."""
import pytest

from .helpers import RG, extension_requests, unique

CLUSTERS = {
    'appliances': ('Microsoft.ResourceConnector', 'demo-bridge', '2022-10-27', []),
    'provisionedClusters': ('Microsoft.HybridContainerService', 'demo-hybrid', '2024-01-01',
                            ['--cluster-resource-provider', 'Microsoft.HybridContainerService']),
    'fleets': ('Microsoft.ContainerService', 'demo-fleet', '2026-06-01', []),
}


@pytest.fixture(scope='module')
def clusters(emulator):
    for provider, name, api_version, _ in CLUSTERS.values():
        kind = [k for k, v in CLUSTERS.items() if v[1] == name][0]
        emulator.admin.put(f"/subscriptions/{emulator.endpoint['subscription']}/resourceGroups/{RG}/providers/"
                           f"{provider}/{kind}/{name}", {'location': 'eastus'}, api_version)
    return CLUSTERS


@pytest.mark.parametrize('cluster_type', list(CLUSTERS))
def test_lifecycle_on_each_cluster_type(aks, service, clusters, cluster_type):
    provider, cluster, _, extra = clusters[cluster_type]
    name = unique('ct')
    args = ['-g', RG, '-c', cluster, '--cluster-type', cluster_type.lower(), '-n', name] + extra
    created = aks.json('k8s-extension', 'create', *args, '--extension-type', 'microsoft.flux')
    assert created['provisioningState'] == 'Succeeded'
    assert f'/providers/{provider}/{cluster_type}/{cluster}/providers/Microsoft.KubernetesConfiguration/extensions/' \
           f'{name}' in created['id']
    assert aks.json('k8s-extension', 'show', *args)['name'] == name
    done = aks.run('k8s-extension', 'delete', *args, '--yes')
    assert done.returncode == 0, done.stderr
    put = extension_requests(service, 'PUT')[0]
    assert put['path'].endswith(f'/{provider}/{cluster_type}/{cluster}/providers/Microsoft.KubernetesConfiguration/'
                                f'extensions/{name}')
    # As the official tool: a system-assigned identity on every kind of cluster but AKS.
    assert put['body'].get('identity') == (None if cluster_type == 'managedClusters' else {'type': 'SystemAssigned'})


def test_plan_columns_appear_in_the_table_when_a_plan_is_set(aks, service):
    name = unique('plan')
    aks.json('k8s-extension', 'create', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters', '-n', name,
             '--extension-type', 'contoso.offer', '--plan-name', 'standard', '--plan-product', 'offer-1',
             '--plan-publisher', 'contoso')
    assert extension_requests(service, 'PUT')[0]['body']['plan'] == {
        'name': 'standard', 'product': 'offer-1', 'publisher': 'contoso'}
    table = aks.run('k8s-extension', 'show', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters', '-n',
                    name, '-o', 'table')
    header, _, row = table.stdout.splitlines()[:3]
    assert header.split()[-3:] == ['PlanName', 'PlanProduct', 'PlanPublisher']
    assert row.split()[-3:] == ['standard', 'offer-1', 'contoso']
