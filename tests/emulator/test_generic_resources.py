"""The generic resource store: workspaces and their keys, data collection rules and associations on a cluster,
nested Relay resources, parents that must exist, and cleanup with the resource group."""
from .conftest import ARC, RG, error_code, unique

LA_API = '2022-10-01'
INSIGHTS_API = '2022-06-01'


def _group(arm):
    name = unique('rg')
    arm.call('PUT', f'{arm.subscription}/resourceGroups/{name}', '2024-11-01', {'location': 'eastus'})
    return name, f'{arm.subscription}/resourceGroups/{name}'


def test_workspace_keeps_customer_id_and_answers_shared_keys(arm):
    _, group = _group(arm)
    path = group + '/providers/Microsoft.OperationalInsights/workspaces/ws1'
    created = arm.call('PUT', path, '2015-11-01-preview',
                       {'location': 'East US', 'properties': {'sku': {'name': 'standalone'}}})
    assert created.status_code == 201
    body = created.json()
    assert body['type'] == 'Microsoft.OperationalInsights/workspaces' and body['location'] == 'eastus'
    assert body['properties']['provisioningState'] == 'Succeeded'
    customer_id = body['properties']['customerId']
    again = arm.call('PUT', path, LA_API, {'location': 'eastus', 'tags': {'a': 'b'}})
    assert again.status_code == 200 and again.json()['properties']['customerId'] == customer_id
    keys = arm.call('POST', path + '/sharedKeys', '2020-08-01').json()
    assert set(keys) == {'primarySharedKey', 'secondarySharedKey'}
    assert 'primarySharedKey' not in arm.call('GET', path, LA_API).text
    assert arm.call('GET', path, '1999-01-01').status_code == 400


def test_association_on_a_cluster_and_its_parent_checks(arm):
    _, group = _group(arm)
    rule = group + '/providers/Microsoft.Insights/dataCollectionRules/MSCI-eastus-x'
    made = arm.call('PUT', rule, INSIGHTS_API, {'location': 'eastus', 'kind': 'Linux', 'properties': {
        'dataFlows': [{'streams': ['Microsoft-ContainerInsights-Group-Default'], 'destinations': ['la']}]}}).json()
    assert made['properties']['immutableId'].startswith('dcr-') and made['kind'] == 'Linux'
    association = arm.cluster_path(ARC) + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/Assoc'
    assert arm.call('PUT', association, INSIGHTS_API, {'properties': {'dataCollectionRuleId': made['id']}}) \
        .status_code == 201
    listed = arm.call('GET', arm.cluster_path(ARC) + '/providers/Microsoft.Insights/dataCollectionRuleAssociations',
                      INSIGHTS_API).json()['value']
    # Other tests may leave associations of their own on the shared cluster.
    assert 'Assoc' in [item['name'] for item in listed]
    assert arm.call('DELETE', association, INSIGHTS_API).status_code == 200
    assert arm.call('DELETE', association, INSIGHTS_API).status_code == 204
    missing = arm.call('GET', association, INSIGHTS_API)
    assert missing.status_code == 404 and error_code(missing) == 'ResourceNotFound'
    no_cluster = arm.call('PUT', f'{arm.subscription}/resourceGroups/{RG}/providers/Microsoft.Kubernetes/'
                          'connectedClusters/nope/providers/Microsoft.Insights/dataCollectionRuleAssociations/a',
                          INSIGHTS_API, {'properties': {}})
    assert no_cluster.status_code == 404


def test_relay_rule_keys_and_group_delete(arm):
    name, group = _group(arm)
    namespace = group + '/providers/Microsoft.Relay/namespaces/relay1'
    orphan = arm.call('PUT', namespace + '/hybridConnections/hc', '2017-04-01', {'properties': {}})
    assert orphan.status_code == 404 and error_code(orphan) == 'ParentResourceNotFound'
    arm.call('PUT', namespace, '2017-04-01', {'location': 'eastus'})
    arm.call('PUT', namespace + '/hybridConnections/hc', '2017-04-01',
             {'properties': {'requiresClientAuthorization': True}})
    rule = namespace + '/hybridConnections/hc/authorizationRules/azureml_rw'
    arm.call('PUT', rule, '2017-04-01', {'properties': {'rights': ['Manage', 'Send', 'Listen']}})
    keys = arm.call('POST', rule + '/listKeys', '2017-04-01').json()
    assert keys['primaryConnectionString'].startswith('Endpoint=sb://relay1.servicebus.windows.net/')
    assert keys['primaryConnectionString'].endswith(';EntityPath=hc')
    unknown = arm.call('PUT', group + '/providers/Microsoft.Relay/wcfRelays/x', '2017-04-01', {})
    assert unknown.status_code == 404 and error_code(unknown) == 'InvalidResourceType'
    arm.call('DELETE', f'{arm.subscription}/resourceGroups/{name}', '2024-11-01')
    arm.call('PUT', f'{arm.subscription}/resourceGroups/{name}', '2024-11-01', {'location': 'eastus'})
    assert arm.call('GET', namespace + '/hybridConnections/hc', '2017-04-01').status_code == 404
