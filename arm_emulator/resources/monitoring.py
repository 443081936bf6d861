"""The resource providers managed Prometheus registers (Microsoft.Insights, Microsoft.AlertsManagement,
Microsoft.Monitor, Microsoft.Dashboard): their registration at subscription level, the tenant-level manifest of
Microsoft.Monitor (where Azure Monitor workspaces may be placed), and the recording-rule recommendations of an
Azure Monitor workspace. Registration completes at once, as in ``providers.py``."""
from ..frontdoor.errors import json_response
from .groups import RESOURCE_MANAGER
from .providers import LOCATIONS

NAMESPACES = {name.lower(): name for name in (
    'Microsoft.Insights', 'Microsoft.AlertsManagement', 'Microsoft.Monitor', 'Microsoft.Dashboard')}
_NS = '(?P<ns>' + '|'.join(name.replace('.', r'\.') for name in NAMESPACES.values()) + ')'
SUBSCRIPTION_PROVIDER = r'/subscriptions/(?P<sub>[^/]+)/providers/' + _NS
# Where Azure Monitor workspaces can live: a subset of regions, so a cluster elsewhere gets the first of them.
ACCOUNT_LOCATIONS = ['East US', 'East US 2', 'West US 2', 'West Europe', 'North Europe', 'UK South',
                     'Southeast Asia', 'Australia East', 'Central India', 'Japan East']
RECOMMENDATIONS = (r'/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/microsoft\.monitor/accounts/'
                   r'(?P<account>[^/]+)/providers/microsoft\.alertsmanagement/alertRuleRecommendations')


def provider_body(service, namespace, with_id=True):
    locations = ACCOUNT_LOCATIONS if namespace == 'Microsoft.Monitor' else LOCATIONS
    body = {'namespace': namespace, 'resourceTypes': [
        {'resourceType': 'accounts' if namespace == 'Microsoft.Monitor' else 'operations', 'locations': locations,
         'apiVersions': ['2023-04-03']}]}
    if with_id:
        body.update(id=f'/subscriptions/{service.subscription}/providers/{namespace}',
                    registrationState=service.provider_state(namespace), registrationPolicy='RegistrationRequired')
    return body


async def get_provider(service, call):
    service.check_subscription(call.params['sub'])
    return json_response(provider_body(service, NAMESPACES[call.params['ns'].lower()]))


async def register(service, call):
    service.check_subscription(call.params['sub'])
    namespace = NAMESPACES[call.params['ns'].lower()]
    service.set_provider_state(namespace, 'Registered' if call.params['action'].lower() == 'register'
                               else 'Unregistered')
    return json_response(provider_body(service, namespace))


async def tenant_provider(service, call):
    return json_response(provider_body(service, NAMESPACES[call.params['ns'].lower()], with_id=False))


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
    (SUBSCRIPTION_PROVIDER, {'GET': get_provider}, RESOURCE_MANAGER),
    (SUBSCRIPTION_PROVIDER + r'/(?P<action>register|unregister)', {'POST': register}, RESOURCE_MANAGER),
    (r'/providers/' + _NS, {'GET': tenant_provider}, RESOURCE_MANAGER),
    (RECOMMENDATIONS, {'GET': recommendations}, ('2023-08-01-preview', '2023-01-01-preview')),
]
