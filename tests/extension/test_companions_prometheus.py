"""Managed Prometheus on an Arc cluster from the official tool's bare command line: provider registration, the
default Azure Monitor workspace, the data collection endpoint, rule and association, the recording-rule groups;
a re-run makes nothing new; delete removes what aksext made and leaves a user's own rule alone."""
import json

from .helpers import ARC, Arm, RG, companion_writes, extension_requests

INSIGHTS_API = '2022-06-01'
RULES_API = '2023-03-01'


def test_prometheus_docs_example_on_arc(aks, service, emulator):
    arm = Arm(emulator)
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}'
    insights = group + '/providers/Microsoft.Insights/'
    arm.call('POST', f'/subscriptions/{arm.sub}/providers/Microsoft.Monitor/unregister', '2021-04-01')
    # A user's own Prometheus rule, associated with the cluster: aksext must leave it alone.
    mine = arm.call('PUT', insights + 'dataCollectionRules/my-prom', INSIGHTS_API, {
        'location': 'eastus', 'properties': {'dataFlows': [{'streams': ['Microsoft-PrometheusMetrics'],
                                                            'destinations': ['x']}]}}).json()
    arm.call('PUT', arm.cluster() + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/my-assoc',
             INSIGHTS_API, {'properties': {'dataCollectionRuleId': mine['id']}})
    command = ['k8s-extension', 'create', *ARC, '--extension-type', 'Microsoft.AzureMonitor.Containers.Metrics',
               '-n', 'azuremonitor-metrics']
    done = aks.run(*command, '--verbose', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)['name'] == 'azuremonitor-metrics'
    # As the official tool: the stable release train when none is given.
    assert extension_requests(service, 'PUT')[0]['body']['properties']['releaseTrain'] == 'stable'
    assert 'Created provider registration Microsoft.Monitor' in done.stderr
    provider = arm.get(f'/subscriptions/{arm.sub}/providers/Microsoft.Monitor', '2021-04-01')
    assert provider['registrationState'] == 'Registered'

    workspace_id = f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-eastus/providers/Microsoft.Monitor/' \
                   'accounts/DefaultAzureMonitorWorkspace-eastus'
    workspace = arm.get(workspace_id, '2023-04-03')
    assert workspace['location'] == 'eastus' and workspace['tags'] == {'createdBy': 'aksext'}
    endpoint = arm.get(insights + 'dataCollectionEndpoints/MSProm-eastus-demo-arc', INSIGHTS_API)
    rule = arm.get(insights + 'dataCollectionRules/MSProm-eastus-demo-arc', INSIGHTS_API)
    assert rule['properties']['dataCollectionEndpointId'].lower() == endpoint['id'].lower()
    assert rule['properties']['destinations']['monitoringAccounts'][0]['accountResourceId'].lower() == \
        workspace_id.lower()
    association = arm.cluster() + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/' \
                                  'ContainerInsightsMetricsExtension-eastus-demo-arc'
    assert arm.get(association, INSIGHTS_API)['properties']['dataCollectionRuleId'].lower() == rule['id'].lower()
    groups = [group + f'/providers/Microsoft.AlertsManagement/prometheusRuleGroups/{base}-demo-arc'
              for base in ('NodeRecordingRulesRuleGroup', 'KubernetesRecordingRulesRuleGroup')]
    node, kubernetes = (arm.get(path, RULES_API) for path in groups)
    assert node['properties']['rules'][0]['record'] == 'instance:node_num_cpu:sum'
    assert kubernetes['properties']['scopes'] == [workspace_id] and kubernetes['properties']['interval'] == 'PT1M'
    assert extension_requests(service, 'PUT')[0]['body']['properties'].get('configurationSettings') is None

    service.clear_requests()
    again = aks.run(*command, '-o', 'json')
    assert again.returncode == 0, again.stderr
    assert companion_writes(service) == []

    gone = aks.run('k8s-extension', 'delete', *ARC, '-n', 'azuremonitor-metrics', '--yes')
    assert gone.returncode == 0, gone.stderr
    for path, api in [(association, INSIGHTS_API), (rule['id'], INSIGHTS_API), (endpoint['id'], INSIGHTS_API),
                      (groups[0], RULES_API), (groups[1], RULES_API)]:
        assert arm.get(path, api) is None, path
    assert arm.get(workspace_id, '2023-04-03') is not None
    assert arm.get(mine['id'], INSIGHTS_API) is not None
    assert arm.get(arm.cluster() + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/my-assoc',
                   INSIGHTS_API) is not None


def test_prometheus_with_a_workspace_and_grafana(aks, service, emulator):
    arm = Arm(emulator)
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}'
    workspace_id = group + '/providers/Microsoft.Monitor/accounts/team-prom'
    arm.call('PUT', workspace_id, '2023-04-03', {'location': 'westeurope'})
    grafana_id = group + '/providers/Microsoft.Dashboard/grafana/team-grafana'
    grafana = arm.call('PUT', grafana_id, '2022-08-01', {'location': 'westeurope',
                                                         'identity': {'type': 'SystemAssigned'}}).json()
    command = ['k8s-extension', 'create', *ARC, '--extension-type', 'Microsoft.AzureMonitor.Containers.Metrics',
               '-n', 'azuremonitor-metrics', '--configuration-settings',
               'azure-monitor-workspace-resource-id=' + workspace_id, 'grafana-resource-id=' + grafana_id]
    done = aks.run(*command, '-o', 'json')
    assert done.returncode == 0, done.stderr
    assignments = arm.get(workspace_id + '/providers/Microsoft.Authorization/roleAssignments', '2022-04-01')['value']
    assert [(a['properties']['principalId'], a['properties']['roleDefinitionId'].rsplit('/', 1)[-1])
            for a in assignments] == [(grafana['identity']['principalId'], 'b0d8363b-8ddd-447d-831f-62ca05bff136')]
    linked = arm.get(grafana_id, '2022-08-01')['properties']['grafanaIntegrations']
    assert linked['azureMonitorWorkspaceIntegrations'] == [{'azureMonitorWorkspaceResourceId': workspace_id}]
    rule = arm.get(group + '/providers/Microsoft.Insights/dataCollectionRules/MSProm-westeurope-demo-arc', '2022-06-01')
    assert rule['location'] == 'westeurope'
    service.clear_requests()
    assert aks.run(*command, '-o', 'json').returncode == 0
    assert companion_writes(service) == []
    assert aks.run('k8s-extension', 'delete', *ARC, '-n', 'azuremonitor-metrics', '--yes').returncode == 0
