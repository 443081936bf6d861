"""Container Insights and Defender from the official tool's documented command lines: the companion resources
that exist afterwards (as k8s-extension 1.9.x writes them), the settings the extension received, what a re-run and
a delete leave, high log scale mode, and a companion that cannot be made."""
import json

import pytest

from .helpers import ARC, RG, Arm, companion_writes, extension_requests, redacted, run_batch

LA_API = '2022-10-01'
INSIGHTS_API = '2022-06-01'
TAG = {'createdBy': 'aksext'}


@pytest.fixture
def arm(emulator):
    return Arm(emulator)


def _extension_put(service):
    puts = extension_requests(service, 'PUT')
    assert len(puts) == 1
    return puts[0]


def test_container_insights_docs_example_on_arc(aks, service, arm):
    """The docs' first example: no settings at all."""
    arm.call('DELETE', arm.default_group, '2024-11-01')
    association = arm.cluster() + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/' \
                                  'ContainerInsightsExtension'
    arm.call('DELETE', association, INSIGHTS_API)
    arm.call('DELETE', arm.rule('demo-arc'), INSIGHTS_API)
    command = ['k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
               '--extension-type', 'Microsoft.AzureMonitor.Containers']
    done = aks.run(*command, '--verbose', '-o', 'json')
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result['provisioningState'] == 'Succeeded'
    for line in ('Created resource group', 'Created Log Analytics workspace', 'Created data collection rule ',
                 'Created data collection rule association'):
        assert line in done.stderr

    group = arm.get(arm.default_group, '2024-11-01')
    assert group['location'] == 'eastus' and group['tags'] == TAG
    workspace = arm.get(arm.default_workspace, LA_API)
    assert workspace['location'] == 'eastus' and workspace['tags'] == TAG
    rule = arm.get(arm.rule('demo-arc'), INSIGHTS_API)
    assert rule['location'] == 'eastus' and rule['kind'] == 'Linux' and rule['tags'] == TAG
    assert rule['properties']['destinations']['logAnalytics'][0]['workspaceResourceId'].lower() == \
        arm.default_workspace.lower()
    assert rule['properties']['dataFlows'] == [{'streams': ['Microsoft-ContainerInsights-Group-Default'],
                                                'destinations': ['la-workspace']}]
    # As the official tool writes the rule: ContainerLogV2 on by default, no ingestion endpoint.
    assert rule['properties']['dataSources']['extensions'][0]['extensionSettings'] == {
        'dataCollectionSettings': {'enableContainerLogV2': True}}
    assert rule['properties'].get('dataCollectionEndpointId') is None
    assert arm.get(association, INSIGHTS_API)['properties']['dataCollectionRuleId'].lower() == \
        arm.rule('demo-arc').lower()

    put = _extension_put(service)
    assert put['body']['properties']['configurationSettings'] == {
        'amalogs.useAADAuth': 'true', 'logAnalyticsWorkspaceResourceID': arm.default_workspace}
    customer_id = workspace['properties']['customerId']
    assert put['body']['properties']['configurationProtectedSettings'] == {
        'omsagent.secret.wsid': redacted(customer_id), 'amalogs.secret.wsid': redacted(customer_id),
        'omsagent.secret.key': redacted('<not_used>'), 'amalogs.secret.key': redacted('<not_used>')}
    order = [(r['method'], r['path'].rsplit('/', 1)[-1]) for r in service.requests() if r['method'] == 'PUT']
    assert order[-2:] == [('PUT', 'ContainerInsightsExtension'), ('PUT', 'azuremonitor-containers')]

    # Re-running provisions nothing new: every companion is found and reused.
    service.clear_requests()
    again = aks.run(*command, '--verbose', '-o', 'json')
    assert again.returncode == 0, again.stderr
    assert companion_writes(service) == []
    assert 'Reusing Log Analytics workspace' in again.stderr and 'Created' not in again.stderr

    # The documented delete, with no --yes and no terminal: the official tool asks nothing for this type. It removes
    # the association and the rule; the workspace stays.
    service.clear_requests()
    gone = aks.run('k8s-extension', 'delete', '--name', 'azuremonitor-containers', *ARC)
    assert gone.returncode == 0, gone.stderr
    assert arm.get(association, INSIGHTS_API) is None
    assert arm.get(arm.rule('demo-arc'), INSIGHTS_API) is None
    assert arm.get(arm.default_workspace, LA_API) is not None
    assert [p.rsplit('/', 2)[-2] for m, p in companion_writes(service)] == [
        'dataCollectionRuleAssociations', 'dataCollectionRules']
    assert extension_requests(service, 'DELETE')


def test_container_insights_legacy_mode_with_a_workspace(aks, service, arm):
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}'
    workspace_id = group + '/providers/Microsoft.OperationalInsights/workspaces/team-logs'
    workspace = arm.call('PUT', workspace_id, LA_API, {'location': 'westeurope'}).json()
    key = arm.call('POST', workspace_id + '/sharedKeys', '2020-08-01').json()['primarySharedKey']
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
                   '--extension-type', 'Microsoft.AzureMonitor.Containers', '--configuration-settings',
                   'logAnalyticsWorkspaceResourceID=' + workspace_id, 'amalogs.useAADAuth=false', '--debug',
                   '--config-protected-settings', 'proxyEndpoint=http://user:pw@proxy.local:3128', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert key not in done.stdout + done.stderr
    solution = arm.get(group + '/providers/Microsoft.OperationsManagement/solutions/ContainerInsights(team-logs)',
                       '2015-11-01-preview')
    assert solution['properties']['workspaceResourceId'] == workspace_id
    assert solution['plan']['product'] == 'OMSGallery/ContainerInsights' and solution['tags'] == TAG
    assert not [p for m, p in companion_writes(service) if 'dataCollection' in p]
    put = _extension_put(service)
    assert put['body']['properties']['configurationSettings']['amalogs.useAADAuth'] == 'false'
    protected = put['body']['properties']['configurationProtectedSettings']
    assert protected['amalogs.secret.key'] == redacted(key) == protected['omsagent.secret.key']
    assert protected['amalogs.secret.wsid'] == redacted(workspace['properties']['customerId'])
    proxy = redacted('http://user:pw@proxy.local:3128')
    assert protected['proxyEndpoint'] == protected['omsagent.proxy'] == protected['amalogs.proxy'] == proxy
    service.clear_requests()
    assert aks.run('k8s-extension', 'delete', '-n', 'azuremonitor-containers', *ARC, '--yes').returncode == 0
    assert companion_writes(service) == []  # legacy mode: no association to remove, the solution stays


def test_container_insights_with_omsagent_legacy_auth_sends_the_official_settings(aks, service, arm):
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}'
    workspace_id = group + '/providers/Microsoft.OperationalInsights/workspaces/oms-logs'
    workspace = arm.call('PUT', workspace_id, LA_API, {'location': 'eastus'}).json()
    key = arm.call('POST', workspace_id + '/sharedKeys', '2020-08-01').json()['primarySharedKey']
    service.clear_requests()
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
                   '--extension-type', 'microsoft.azuremonitor.containers', '--configuration-settings',
                   'logAnalyticsWorkspaceResourceID=' + workspace_id, 'omsagent.useAADAuth=false', '-o', 'json')
    assert done.returncode == 0, done.stderr
    put = _extension_put(service)
    # omsagent.useAADAuth is read first (legacy mode: the shared key, no rule), and amalogs.useAADAuth=true is added
    # all the same, exactly as the official tool sends it.
    assert put['body']['properties']['configurationSettings'] == {
        'omsagent.useAADAuth': 'false', 'amalogs.useAADAuth': 'true', 'logAnalyticsWorkspaceResourceID': workspace_id}
    assert put['body']['properties']['configurationProtectedSettings'] == {
        'omsagent.secret.wsid': redacted(workspace['properties']['customerId']),
        'amalogs.secret.wsid': redacted(workspace['properties']['customerId']),
        'omsagent.secret.key': redacted(key), 'amalogs.secret.key': redacted(key)}
    assert [p.rsplit('/', 2)[-2] for m, p in companion_writes(service)] == ['solutions']
    service.clear_requests()
    assert aks.run('k8s-extension', 'delete', '-n', 'azuremonitor-containers', *ARC).returncode == 0
    assert companion_writes(service) == []


def test_high_log_scale_mode_ingests_through_an_endpoint(aks, service, arm):
    insights = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Insights/'
    arm.call('DELETE', arm.rule('demo-arc'), INSIGHTS_API)
    settings = '{"interval": "1m", "streams": ["Microsoft-ContainerLogV2", "Microsoft-KubeEvents"]}'
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
                   '--extension-type', 'microsoft.azuremonitor.containers', '--configuration-settings',
                   'amalogs.enableHighLogScaleMode=true', 'dataCollectionSettings=' + settings, '-o', 'json')
    assert done.returncode == 0, done.stderr
    endpoint = arm.get(insights + 'dataCollectionEndpoints/MSCI-ingest-eastus-demo-arc', INSIGHTS_API)
    assert endpoint['location'] == 'eastus' and endpoint['kind'] == 'Linux'
    assert endpoint['properties']['networkAcls'] == {'publicNetworkAccess': 'Enabled'}
    rule = arm.get(arm.rule('demo-arc'), INSIGHTS_API)['properties']
    assert rule['dataCollectionEndpointId'].lower() == endpoint['id'].lower()
    assert rule['dataFlows'][0]['streams'] == ['Microsoft-ContainerLogV2-HighScale', 'Microsoft-KubeEvents']
    assert _extension_put(service)['body']['properties']['configurationSettings'][
        'amalogs.enableHighLogScaleMode'] == 'true'
    assert aks.run('k8s-extension', 'delete', '--name', 'azuremonitor-containers', *ARC).returncode == 0
    assert arm.get(endpoint['id'], INSIGHTS_API) is None and arm.get(arm.rule('demo-arc'), INSIGHTS_API) is None


def test_skip_prerequisites_provisions_nothing(aks, service):
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
                   '--extension-type', 'microsoft.azuremonitor.containers',
                   '--configuration-settings', 'skipPrerequisites=true', 'amalogs.useAADAuth=true', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert companion_writes(service) == []
    assert _extension_put(service)['body']['properties']['configurationSettings'] == {
        'skipPrerequisites': 'true', 'amalogs.useAADAuth': 'true'}
    service.clear_requests()
    assert aks.run('k8s-extension', 'delete', '-n', 'azuremonitor-containers', *ARC, '--yes').returncode == 0
    assert companion_writes(service) == []


@pytest.mark.parametrize('setting,message', [
    ('dataCollectionSettings={"interval": "45m"}', 'interval must be from 1m to 30m'),
    ('dataCollectionSettings={"namespaceFilteringMode": "Some"}', 'namespaceFilteringMode must be Off'),
    ('dataCollectionSettings={not json', 'dataCollectionSettings is not valid JSON'),
    ('amalogs.enableHighLogScaleMode=yes', 'amalogs.enableHighLogScaleMode must be true or false'),
])
def test_bad_data_collection_settings_send_nothing(aks, service, setting, message):
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
                   '--extension-type', 'microsoft.azuremonitor.containers', '--configuration-settings', setting)
    assert done.returncode != 0 and message in done.stderr and 'Traceback' not in done.stderr
    assert [r for r in service.requests() if '/oauth2/' not in r['path'] and r['path'] != '/subscriptions'] == []


def test_companion_that_cannot_be_made_stops_the_extension(aks, service, arm):
    service.fault(method='PUT', path='/dataCollectionRules/', count=1, status=403, code='AuthorizationFailed',
                  message='The client does not have authorization to perform action '
                          'Microsoft.Insights/dataCollectionRules/write.')
    arm.call('DELETE', arm.rule('demo-arc'), INSIGHTS_API)
    arm.call('DELETE', arm.default_group, '2024-11-01')
    arm.call('DELETE', arm.cluster() + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/'
                                       'ContainerInsightsExtension', INSIGHTS_API)
    command = ['k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
               '--extension-type', 'Microsoft.AzureMonitor.Containers', '-o', 'json']
    done = aks.run(*command)
    assert done.returncode != 0 and done.stdout == ''
    assert 'Could not create data collection rule' in done.stderr and 'AuthorizationFailed' in done.stderr
    assert 'The extension was not created' in done.stderr
    assert 'az k8s-extension create -g demo-rg -c demo-arc -n azuremonitor-containers' in done.stderr
    assert 'Created before the failure' in done.stderr and 'DefaultWorkspace-' in done.stderr
    assert extension_requests(service, 'PUT') == []
    assert 'Traceback' not in done.stderr
    # The re-run the message asks for reuses the workspace and completes.
    service.clear_requests()
    assert aks.run(*command).returncode == 0
    assert [p.rsplit('/', 2)[-2] for m, p in companion_writes(service)] == [
        'dataCollectionRules', 'dataCollectionRuleAssociations']
    aks.run('k8s-extension', 'delete', '--name', 'azuremonitor-containers', *ARC, '--yes')


def test_defender_default_workspace_and_key(aks, service, arm):
    done = aks.run('k8s-extension', 'create', '--name', 'microsoft.azuredefender.kubernetes', *ARC,
                   '--extension-type', 'microsoft.azuredefender.kubernetes', '-o', 'json')
    assert done.returncode == 0, done.stderr
    workspace = arm.get(arm.default_workspace, LA_API)
    key = arm.call('POST', arm.default_workspace + '/sharedKeys', '2020-08-01').json()['primarySharedKey']
    put = _extension_put(service)
    assert put['body']['properties']['configurationSettings'] == {
        'amalogs.useAADAuth': 'False', 'logAnalyticsWorkspaceResourceID': arm.default_workspace}
    assert put['body']['properties']['configurationProtectedSettings'] == {
        'omsagent.secret.wsid': redacted(workspace['properties']['customerId']),
        'amalogs.secret.wsid': redacted(workspace['properties']['customerId']),
        'omsagent.secret.key': redacted(key), 'amalogs.secret.key': redacted(key)}
    assert not [p for m, p in companion_writes(service) if 'dataCollection' in p]
    aks.run('k8s-extension', 'delete', '--name', 'microsoft.azuredefender.kubernetes', *ARC, '--yes')


def test_a_missing_resource_the_settings_name_exits_3_and_sends_nothing(aks, service, arm):
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/'
    workspace = group + 'Microsoft.OperationalInsights/workspaces/no-such-logs'
    account = group + 'Microsoft.Monitor/accounts/no-such-prom'
    results = run_batch(aks, [
        ['k8s-extension', 'create', '-n', 'azuremonitor-containers', *ARC, '--extension-type',
         'microsoft.azuremonitor.containers', '--configuration-settings',
         'logAnalyticsWorkspaceResourceID=' + workspace],
        ['k8s-extension', 'create', '-n', 'microsoft.azuredefender.kubernetes', *ARC, '--extension-type',
         'microsoft.azuredefender.kubernetes', '--configuration-settings', 'logAnalyticsWorkspaceResourceID=' +
         workspace],
        ['k8s-extension', 'create', '-n', 'azuremonitor-metrics', *ARC, '--extension-type',
         'microsoft.azuremonitor.containers.metrics', '--configuration-settings',
         'azure-monitor-workspace-resource-id=' + account]])
    for result, missing in zip(results, (workspace, workspace, account)):
        assert result['exit_code'] == 3, result['stderr']
        assert result['error_type'] == 'ResourceNotFoundError'
        assert missing in result['error_message'] and 'was not created' in result['error_message']
    assert extension_requests(service, 'PUT') == []


def test_missing_arc_cluster_is_named_before_anything_is_made(aks, service):
    done = aks.run('k8s-extension', 'create', '--name', 'azuremonitor-containers', '--cluster-name', 'no-such-arc',
                   '--resource-group', RG, '--cluster-type', 'connectedClusters',
                   '--extension-type', 'Microsoft.AzureMonitor.Containers')
    assert done.returncode == 3 and 'Cluster not found' in done.stderr and 'Traceback' not in done.stderr
    assert companion_writes(service) == [] and extension_requests(service, 'PUT') == []


def test_data_collection_settings_go_into_the_rule(aks, service, arm):
    settings = '{"interval": "5m", "namespaceFilteringMode": "Exclude", "namespaces": ["kube-system"], ' \
               '"streams": ["Microsoft-ContainerLogV2", "Microsoft-KubeEvents"]}'
    command = ['k8s-extension', 'create', '--name', 'azuremonitor-containers', *ARC,
               '--extension-type', 'Microsoft.AzureMonitor.Containers', '--configuration-settings',
               'dataCollectionSettings=' + settings, '-o', 'json']
    done = aks.run(*command)
    assert done.returncode == 0, done.stderr
    rule = arm.get(arm.rule('demo-arc'), INSIGHTS_API)['properties']
    source = rule['dataSources']['extensions'][0]
    assert source['streams'] == ['Microsoft-ContainerLogV2', 'Microsoft-KubeEvents'] == rule['dataFlows'][0]['streams']
    assert source['extensionSettings']['dataCollectionSettings'] == dict(
        json.loads(settings), enableContainerLogV2=True)
    # The same command again: the rule is as wanted and is not written again.
    service.clear_requests()
    assert aks.run(*command).returncode == 0
    assert companion_writes(service) == []
    aks.run('k8s-extension', 'delete', '--name', 'azuremonitor-containers', *ARC, '--yes')
