"""What managed Prometheus reads of Azure Monitor beyond its resources: the tenant-level manifest of the monitoring
providers (`GET /providers/Microsoft.Monitor`: where Azure Monitor workspaces may be placed, from
``companions.types.PLACEMENT``), and the recording-rule recommendations of an Azure Monitor workspace. Their
subscription-level registration is ``providers.py``'s, as for every namespace."""
from ..frontdoor.errors import json_response
from .groups import RESOURCE_MANAGER
from .providers import provider_body

NAMESPACES = {name.lower(): name for name in (
    'Microsoft.Insights', 'Microsoft.AlertsManagement', 'Microsoft.Monitor', 'Microsoft.Dashboard')}
_NS = '(?P<ns>' + '|'.join(name.replace('.', r'\.') for name in NAMESPACES.values()) + ')'
RECOMMENDATIONS = (r'/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/microsoft\.monitor/accounts/'
                   r'(?P<account>[^/]+)/providers/microsoft\.alertsmanagement/alertRuleRecommendations')


async def tenant_provider(service, call):
    return json_response(provider_body(service, NAMESPACES[call.params['ns'].lower()], subscription_level=False))


def _template(name, rules):
    return {'id': name, 'name': name, 'type': 'Microsoft.AlertsManagement/alertRuleRecommendations', 'properties': {
        'alertRuleType': 'Microsoft.AlertsManagement/prometheusRuleGroups', 'displayInformation': {},
        'rulesArmTemplate': {'$schema': 'https://schema.management.azure.com/schemas/2019-04-01/'
                                        'deploymentTemplate.json#', 'contentVersion': '1.0.0.0', 'parameters': {},
                             'resources': [{'name': name, 'type': 'Microsoft.AlertsManagement/prometheusRuleGroups',
                                            'apiVersion': '2023-03-01', 'location': '[parameters(\'location\')]',
                                            'properties': {'rules': rules}}]}}}


RECORDING_RULES = [
    _template('NodeRecordingRulesRuleGroup', [
        {'record': 'instance:node_num_cpu:sum',
         'expression': 'count without (cpu, mode) (node_cpu_seconds_total{job="node",mode="idle"})'},
        {'record': 'instance:node_cpu_utilisation:rate5m',
         'expression': '1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="node", '
                       'mode=~"idle|iowait|steal"}[5m])))'}]),
    _template('KubernetesRecordingRulesRuleGroup', [
        {'record': 'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate',
         'expression': 'sum by (cluster, namespace, pod, container) (irate(container_cpu_usage_seconds_total'
                       '{job="cadvisor", image!=""}[5m]))'},
        {'record': 'node_namespace_pod_container:container_memory_working_set_bytes',
         'expression': 'container_memory_working_set_bytes{job="cadvisor", image!=""}'}]),
]


async def recommendations(service, call):
    service.group(call.params['sub'], call.params['rg'])
    return json_response({'value': RECORDING_RULES})


ROUTES = [
    (r'/providers/' + _NS, {'GET': tenant_provider}, RESOURCE_MANAGER),
    (RECOMMENDATIONS, {'GET': recommendations}, ('2023-08-01-preview', '2023-01-01-preview')),
]
