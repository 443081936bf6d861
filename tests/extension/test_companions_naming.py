"""Default companion resources are named and placed as the official k8s-extension names them (its default workspace
table, its Prometheus name regions), and one made under either naming, the official tool's or earlier aksext's, is
found and reused: a cluster onboarded by either tool never gets a second workspace, endpoint, rule or association.
Deletes of the monitoring types ask nothing and remove what the official tool made."""
import pytest

from .helpers import RG, Arm, companion_writes, extension_requests, run_batch, unique

LA_API = '2022-10-01'
INSIGHTS_API = '2022-06-01'
RULES_API = '2023-03-01'
GROUP_API = '2024-11-01'
ARC_API = '2024-01-01'
PROMETHEUS = ('--extension-type', 'microsoft.azuremonitor.containers.metrics', '-n', 'azuremonitor-metrics')


@pytest.fixture
def arm(emulator):
    return Arm(emulator)


def arc_cluster(arm, prefix, location):
    name = unique(prefix)
    arm.call('PUT', arm.cluster(name=name), ARC_API, {'location': location})
    return name, ['-g', RG, '-c', name, '--cluster-type', 'connectedClusters']


def default_workspace(arm, code):
    return (f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-{code}/providers/'
            f'Microsoft.OperationalInsights/workspaces/DefaultWorkspace-{arm.sub}-{code}')


def settings_sent(service, name):
    puts = [r for r in extension_requests(service, 'PUT') if r['path'].endswith('/extensions/' + name)]
    return puts[-1]['body']['properties']['configurationSettings']


def test_default_workspace_goes_where_the_official_tool_puts_it_and_an_az_aks_one_is_reused(aks, service, arm):
    for code in ('CIN', 'CID', 'SCUS', 'CQ'):
        arm.call('DELETE', f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-{code}', GROUP_API)
    india, india_args = arc_cluster(arm, 'ci-in', 'centralindia')
    _, brazil_args = arc_cluster(arm, 'md-br', 'brazilsouth')
    # A workspace `az aks` made for a cluster in Brazil South (its own region; k8s-extension would use SCUS).
    arm.call('PUT', f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-CQ', GROUP_API,
             {'location': 'brazilsouth'})
    arm.call('PUT', default_workspace(arm, 'CQ'), LA_API, {'location': 'brazilsouth'})
    service.clear_requests()
    results = run_batch(aks, [
        ['k8s-extension', 'create', *india_args, '-n', 'azuremonitor-containers',
         '--extension-type', 'microsoft.azuremonitor.containers', '-o', 'none'],
        ['k8s-extension', 'create', *brazil_args, '-n', 'microsoft.azuredefender.kubernetes',
         '--extension-type', 'microsoft.azuredefender.kubernetes', '-o', 'none']])
    assert [result['exit_code'] for result in results] == [0, 0], results
    # k8s-extension's placement: Central India's workspace has the code CIN (az aks says CID).
    workspace = arm.get(default_workspace(arm, 'CIN'), LA_API)
    assert workspace['location'] == 'centralindia'
    assert arm.get(default_workspace(arm, 'CID'), LA_API) is None
    assert settings_sent(service, 'azuremonitor-containers')['logAnalyticsWorkspaceResourceID'] == \
        default_workspace(arm, 'CIN')
    assert arm.get(arm.rule(india).replace('MSCI-eastus-', 'MSCI-centralindia-'), INSIGHTS_API) is not None
    # The workspace az aks made is reused: no DefaultResourceGroup-SCUS, no second workspace.
    assert settings_sent(service, 'microsoft.azuredefender.kubernetes')['logAnalyticsWorkspaceResourceID'] == \
        default_workspace(arm, 'CQ')
    assert arm.get(f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-SCUS', GROUP_API) is None
    assert not [path for method, path in companion_writes(service) if 'DefaultResourceGroup-CQ' in path]


def _prometheus_names(arm, cluster, rule_region, association_region):
    insights = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Insights/'
    return (insights + f'dataCollectionEndpoints/MSProm-{rule_region}-{cluster}',
            insights + f'dataCollectionRules/MSProm-{rule_region}-{cluster}',
            arm.cluster(name=cluster) + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/'
                                        f'ContainerInsightsMetricsExtension-{association_region}-{cluster}')


def _onboard(arm, names, region, tags):
    """Make the endpoint, rule and association as a tool would have: the official one (no tags) or aksext."""
    endpoint, rule, association = names
    account = (f'/subscriptions/{arm.sub}/resourceGroups/DefaultResourceGroup-{region}/providers/Microsoft.Monitor/'
               f'accounts/DefaultAzureMonitorWorkspace-{region}')
    arm.call('PUT', endpoint, INSIGHTS_API, {'location': region, 'kind': 'Linux', 'tags': tags, 'properties': {}})
    arm.call('PUT', rule, INSIGHTS_API, {'location': region, 'kind': 'Linux', 'tags': tags, 'properties': {
        'dataCollectionEndpointId': endpoint,
        'dataSources': {'prometheusForwarder': [{'name': 'PrometheusDataSource', 'labelIncludeFilter': {},
                                                 'streams': ['Microsoft-PrometheusMetrics']}]},
        'dataFlows': [{'destinations': ['MonitoringAccount1'], 'streams': ['Microsoft-PrometheusMetrics']}],
        'destinations': {'monitoringAccounts': [{'accountResourceId': account, 'name': 'MonitoringAccount1'}]}}})
    arm.call('PUT', association, INSIGHTS_API, {'properties': {'dataCollectionRuleId': rule}})


def test_prometheus_names_follow_the_official_tool_and_either_naming_is_reused(aks, service, arm):
    fresh, fresh_args = arc_cluster(arm, 'prom-se', 'swedencentral')
    official, official_args = arc_cluster(arm, 'prom-ne', 'northeurope')
    older, older_args = arc_cluster(arm, 'prom-uk', 'uksouth')
    # Onboarded by the official tool (names from its region table, no tags) and by an earlier aksext (own regions).
    official_names = _prometheus_names(arm, official, 'westeurope', 'westeurope')
    _onboard(arm, official_names, 'northeurope', None)
    mine = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Insights/dataCollectionRules/my-prom'
    arm.call('PUT', mine, INSIGHTS_API, {'location': 'northeurope', 'properties': {
        'dataFlows': [{'streams': ['Microsoft-PrometheusMetrics'], 'destinations': ['x']}]}})
    arm.call('PUT', arm.cluster(name=official) + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/mine',
             INSIGHTS_API, {'properties': {'dataCollectionRuleId': mine}})
    _onboard(arm, _prometheus_names(arm, older, 'uksouth', 'uksouth'), 'uksouth', {'createdBy': 'aksext'})
    service.clear_requests()
    results = run_batch(aks, [['k8s-extension', 'create', *args, *PROMETHEUS, '-o', 'none']
                              for args in (fresh_args, official_args, older_args)])
    assert [result['exit_code'] for result in results] == [0, 0, 0], results
    # A fresh cluster in Sweden Central: its workspace in East US, the first region that takes one here; the
    # association named for West Europe, the official tool's name region for Sweden Central.
    for path in _prometheus_names(arm, fresh, 'eastus', 'westeurope'):
        assert arm.get(path, INSIGHTS_API) is not None, path
    assert arm.get(_prometheus_names(arm, fresh, 'eastus', 'swedencentral')[2], INSIGHTS_API) is None
    # Both onboarded clusters: what exists is reused, nothing is made twice.
    made = [path.rsplit('/', 1)[-1] for method, path in companion_writes(service) if method == 'PUT']
    assert not [name for name in made if (official in name or older in name) and 'RuleGroup' not in name]

    service.clear_requests()
    gone = aks.run('k8s-extension', 'delete', *official_args, '-n', 'azuremonitor-metrics')  # no --yes, no terminal
    assert gone.returncode == 0, gone.stderr
    for path in official_names:
        assert arm.get(path, INSIGHTS_API) is None, path
    for base in ('NodeRecordingRulesRuleGroup', 'KubernetesRecordingRulesRuleGroup'):
        assert arm.get(f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.AlertsManagement/'
                       f'prometheusRuleGroups/{base}-{official}', RULES_API) is None
    assert arm.get(mine, INSIGHTS_API) is not None  # a user's own rule stays
    assert extension_requests(service, 'DELETE')
