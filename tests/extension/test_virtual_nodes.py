"""Virtual nodes (microsoft.virtualnodes, k8s-extension 1.9.x) through the real az: AKS only, namespace vn-system,
its documented settings only, the node pool and network prerequisites checked before sending, and the subnet for
Azure Container Instances made (or reused) in the node resource group's virtual network as the official tool does."""
import pytest

from .helpers import RG, Arm, companion_writes, extension_requests, run_batch, unique

NETWORK_API = '2024-05-01'
ACI_SUBNET = 'virtualnodes-aci-subnet'
ACI_SERVICE = 'Microsoft.ContainerInstance/containerGroups'


@pytest.fixture
def arm(emulator):
    return Arm(emulator)


def aks_cluster(arm, prefix, *, vm_size='Standard_D4s_v3', policy='calico', subnets=()):
    """An AKS cluster with its node resource group and the one virtual network in it."""
    name = unique(prefix)
    node_group = f'MC_{RG}_{name}_eastus'
    arm.call('PUT', f'/subscriptions/{arm.sub}/resourceGroups/{node_group}', '2024-11-01', {'location': 'eastus'})
    vnet = f'/subscriptions/{arm.sub}/resourceGroups/{node_group}/providers/Microsoft.Network/virtualNetworks/aks-vnet'
    arm.call('PUT', vnet, NETWORK_API, {'location': 'eastus', 'properties': {
        'addressSpace': {'addressPrefixes': ['10.224.0.0/12']},
        'subnets': [{'name': 'aks-subnet', 'properties': {'addressPrefix': '10.224.0.0/16'}}, *subnets]}})
    arm.call('PUT', arm.cluster('Microsoft.ContainerService/managedClusters', name), '2025-03-01', {
        'location': 'eastus', 'identity': {'type': 'SystemAssigned'}, 'properties': {
            'nodeResourceGroup': node_group, 'networkProfile': {'networkPlugin': 'azure', 'networkPolicy': policy},
            'agentPoolProfiles': [{'name': 'nodepool1', 'count': 3, 'vmSize': vm_size, 'osType': 'Linux',
                                   'mode': 'System', 'vnetSubnetID': vnet + '/subnets/aks-subnet'}]}})
    return name, vnet


def create(cluster, *extra, cluster_type='managedClusters'):
    return ['k8s-extension', 'create', '-g', RG, '-c', cluster, '--cluster-type', cluster_type, '-n', 'virtual-node',
            '--extension-type', 'microsoft.virtualnodes', *extra]


def test_virtual_nodes_make_their_delegated_subnet_and_send_the_official_settings(aks, service, arm):
    cluster, vnet = aks_cluster(arm, 'vn')
    service.clear_requests()
    done = aks.run(*create(cluster, '--configuration-settings', 'replicaCount=2', '--verbose', '-o', 'json'))
    assert done.returncode == 0, done.stderr
    subnet = arm.get(f'{vnet}/subnets/{ACI_SUBNET}', NETWORK_API)
    assert subnet['properties']['addressPrefix'] == '10.225.0.0/16'  # the first free /16 of 10.224.0.0/12
    assert subnet['properties']['delegations'] == [{'name': 'aci-delegation', 'properties': {'serviceName':
                                                                                             ACI_SERVICE}}]
    assert 'Created subnet' in done.stderr
    body = extension_requests(service, 'PUT')[0]['body']
    assert body['properties']['scope'] == {'cluster': {'releaseNamespace': 'vn-system'}}
    assert body['properties']['configurationSettings'] == {'replicaCount': '2', 'aciSubnetName': ACI_SUBNET}
    assert 'identity' not in body  # an AKS extension uses the cluster's identity
    # The same command again reuses the subnet.
    service.clear_requests()
    again = aks.run(*create(cluster, '--configuration-settings', 'replicaCount=2', '-o', 'none'))
    assert again.returncode == 0, again.stderr
    assert [path for method, path in companion_writes(service) if '/subnets/' in path] == []
    results = run_batch(aks, [
        ['k8s-extension', 'update', '-g', RG, '-c', cluster, '--cluster-type', 'managedClusters', '-n',
         'virtual-node', '--configuration-settings', 'colour=blue'],
        ['k8s-extension', 'update', '-g', RG, '-c', cluster, '--cluster-type', 'managedClusters', '-n',
         'virtual-node', '--configuration-settings', 'nodeLabels=pool=virtual', '-o', 'none']])
    assert results[0]['exit_code'] == 1 and 'does not take the setting colour' in results[0]['error_message']
    assert results[1]['exit_code'] == 0, results[1]['stderr']
    assert [r['body']['properties']['configurationSettings'] for r in extension_requests(service, 'PATCH')] == [
        {'nodeLabels': 'pool=virtual'}]


def test_virtual_nodes_prerequisites_are_checked_before_anything_is_sent(aks, service, arm):
    no_policy, _ = aks_cluster(arm, 'vn-np', policy='none')
    undelegated, _ = aks_cluster(arm, 'vn-ud', subnets=[{'name': ACI_SUBNET,
                                                         'properties': {'addressPrefix': '10.226.0.0/16'}}])
    cases = [
        (create('demo-arc', cluster_type='connectedClusters'), 'runs on managedClusters only'),
        (create('demo-aks', '--release-namespace', 'kube-system'), 'installs into namespace vn-system only'),
        (create('demo-aks', '--configuration-settings', 'colour=blue'), 'does not take the setting colour'),
        (create('demo-aks'), 'at least 4 vCPUs and 16 GiB'),  # its node pool is Standard_DS2_v2
        (create(no_policy), 'Calico network policy'),
        (create(undelegated), 'is not delegated'),
    ]
    service.clear_requests()
    results = run_batch(aks, [args for args, _ in cases])
    for result, (_, fragment) in zip(results, cases):
        assert result['exit_code'] == 1, result['stderr']
        assert fragment in result['error_message'] and 'Traceback' not in result['stderr']
    assert extension_requests(service, 'PUT') == []
    assert [path for method, path in companion_writes(service) if '/subnets/' in path] == []
