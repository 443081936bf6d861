"""The Azure resource types extensions depend on (Log Analytics, Azure Monitor, Relay, Service Bus, Storage, ...),
as data: the type name the service returns, the properties it fills in, the POST actions it answers, and per
namespace the api-versions accepted and whether providers.py serves its registration. The generic store in
``routes.py`` serves them all; no type here has behaviour beyond its defaults and its keys."""
import base64
import hashlib
import uuid
from collections import namedtuple

ResourceType = namedtuple('ResourceType', 'name defaults')


def _secret(seed, label):
    """A stable key for a resource (so listKeys answers the same twice), never stored in a rendered body."""
    return base64.b64encode(hashlib.sha256(f'{seed}|{label}'.encode()).digest()).decode()


def _workspace(doc, _path):
    properties = doc.setdefault('properties', {})
    properties.setdefault('customerId', str(uuid.uuid4()))
    properties.setdefault('sku', {'name': 'PerGB2018'})
    properties.setdefault('retentionInDays', 30)
    properties.setdefault('publicNetworkAccessForIngestion', 'Enabled')
    properties.setdefault('publicNetworkAccessForQuery', 'Enabled')


def _dcr(doc, _path):
    doc['properties'].setdefault('immutableId', 'dcr-' + uuid.uuid4().hex)


def _dce(doc, _path):
    name = doc['name'].lower()
    region = doc.get('location') or 'eastus'
    doc['properties'].setdefault('logsIngestion', {'endpoint': f'https://{name}.{region}-1.ingest.monitor.azure.com'})
    doc['properties'].setdefault('immutableId', 'dce-' + uuid.uuid4().hex)


def _monitor_account(doc, _path):
    region = doc.get('location') or 'eastus'
    doc['properties'].setdefault('accountId', str(uuid.uuid4()))
    doc['properties'].setdefault('metrics', {
        'prometheusQueryEndpoint': f"https://{doc['name'].lower()}.{region}.prometheus.monitor.azure.com",
        'internalId': 'mac_' + str(uuid.uuid4())})


def _storage_account(doc, _path):
    name = doc['name'].lower()
    doc.setdefault('kind', 'StorageV2')
    doc.setdefault('sku', {'name': 'Standard_LRS', 'tier': 'Standard'})
    doc['properties'].setdefault('primaryEndpoints', {
        service: f'https://{name}.{service}.core.windows.net/'
        for service in ('blob', 'queue', 'table', 'file', 'dfs', 'web')})
    doc['properties'].setdefault('primaryLocation', doc.get('location'))
    doc['properties'].setdefault('statusOfPrimary', 'available')


def _relay_namespace(doc, path):
    doc.setdefault('sku', {'name': 'Standard', 'tier': 'Standard'})
    doc['properties'].setdefault('serviceBusEndpoint', f"https://{doc['name'].lower()}.servicebus.windows.net:443/")
    doc['properties'].setdefault('metricId', f"{path.split('/')[2]}:{doc['name'].lower()}")


def _service_bus_namespace(doc, _path):
    doc.setdefault('sku', {'name': 'Standard', 'tier': 'Standard'})
    doc['properties'].setdefault('serviceBusEndpoint', f"https://{doc['name'].lower()}.servicebus.windows.net:443/")


def _grafana(doc, _path):
    doc.setdefault('identity', {'type': 'SystemAssigned'})
    doc['identity'].setdefault('principalId', str(uuid.uuid4()))
    doc['properties'].setdefault('grafanaIntegrations', {'azureMonitorWorkspaceIntegrations': []})


def _virtual_network(doc, _path):
    doc['properties'].setdefault('addressSpace', {'addressPrefixes': ['10.0.0.0/16']})
    doc['properties'].setdefault('resourceGuid', str(uuid.uuid4()))


def _nothing(_doc, _path):
    return None


TYPES = {rtype.name.lower(): rtype for rtype in (
    ResourceType('Microsoft.OperationalInsights/workspaces', _workspace),
    ResourceType('Microsoft.OperationsManagement/solutions', _nothing),
    ResourceType('Microsoft.Insights/dataCollectionRules', _dcr),
    ResourceType('Microsoft.Insights/dataCollectionEndpoints', _dce),
    ResourceType('Microsoft.Insights/dataCollectionRuleAssociations', _nothing),
    ResourceType('Microsoft.Monitor/accounts', _monitor_account),
    ResourceType('Microsoft.AlertsManagement/prometheusRuleGroups', _nothing),
    ResourceType('Microsoft.Authorization/roleAssignments', _nothing),
    ResourceType('Microsoft.Dashboard/grafana', _grafana),
    ResourceType('Microsoft.Storage/storageAccounts', _storage_account),
    ResourceType('Microsoft.Relay/namespaces', _relay_namespace),
    ResourceType('Microsoft.Relay/namespaces/hybridConnections', _nothing),
    ResourceType('Microsoft.Relay/namespaces/hybridConnections/authorizationRules', _nothing),
    ResourceType('Microsoft.ServiceBus/namespaces', _service_bus_namespace),
    ResourceType('Microsoft.ServiceBus/namespaces/AuthorizationRules', _nothing),
    ResourceType('Microsoft.ServiceBus/namespaces/topics', _nothing),
    ResourceType('Microsoft.ServiceBus/namespaces/topics/subscriptions', _nothing),
    ResourceType('Microsoft.Network/virtualNetworks', _virtual_network),
    ResourceType('Microsoft.Network/virtualNetworks/subnets', _nothing),
)}

# Types that are extension resources: they live on another resource (a cluster, a workspace), not in a group.
EXTENSION_RESOURCES = ('microsoft.insights/datacollectionruleassociations', 'microsoft.authorization/roleassignments')

# Where a type may be placed when not in every region (provider manifests list these locations for it).
PLACEMENT = {
    'microsoft.monitor/accounts': ('East US', 'East US 2', 'West US 2', 'West Europe', 'North Europe', 'UK South',
                                   'Southeast Asia', 'Australia East', 'Central India', 'Japan East'),
}

# Namespaces served by the generic store, as a regular expression alternative (matched without case).
NAMESPACES = sorted({rtype.name.split('/')[0] for rtype in TYPES.values()})

# The api-versions the service accepts, per namespace (lower-cased).
API_VERSIONS = {
    'microsoft.operationalinsights': ('2025-02-01', '2023-09-01', '2022-10-01', '2021-12-01-preview', '2021-06-01',
                                      '2020-10-01', '2020-08-01', '2020-03-01-preview', '2015-11-01-preview'),
    'microsoft.operationsmanagement': ('2015-11-01-preview',),
    'microsoft.insights': ('2024-03-11', '2023-03-11', '2022-06-01', '2021-09-01-preview', '2021-04-01'),
    'microsoft.monitor': ('2023-10-01-preview', '2023-04-03'),
    'microsoft.alertsmanagement': ('2023-09-01-preview', '2023-03-01', '2023-01-01-preview', '2021-07-22-preview'),
    'microsoft.authorization': ('2022-04-01', '2020-04-01-preview', '2018-01-01-preview', '2015-07-01'),
    'microsoft.dashboard': ('2024-10-01', '2023-09-01', '2022-08-01'),
    'microsoft.storage': ('2026-01-01', '2025-08-01', '2025-06-01', '2025-01-01', '2024-01-01', '2023-05-01',
                          '2023-01-01', '2022-09-01', '2021-09-01'),
    'microsoft.relay': ('2026-01-01', '2024-01-01', '2021-11-01', '2017-04-01'),
    'microsoft.servicebus': ('2026-01-01', '2024-01-01', '2022-10-01-preview', '2022-01-01-preview', '2021-11-01',
                             '2017-04-01'),
    'microsoft.network': ('2024-05-01', '2024-03-01', '2024-01-01', '2023-11-01', '2023-09-01', '2023-05-01',
                          '2022-07-01', '2022-01-01'),
}

# The namespaces of extensions' companion resources that providers.py serves (read, register, unregister), without
# resource types. Not the same set as NAMESPACES: clients register some they never create resources in here.
REGISTRATION_NAMESPACES = ('Microsoft.AlertsManagement', 'Microsoft.Dashboard', 'Microsoft.DataProtection',
                           'Microsoft.ExtendedLocation', 'Microsoft.Insights', 'Microsoft.KeyVault',
                           'Microsoft.MachineLearningServices', 'Microsoft.ManagedIdentity', 'Microsoft.Monitor',
                           'Microsoft.OperationalInsights', 'Microsoft.OperationsManagement', 'Microsoft.Relay',
                           'Microsoft.Security', 'Microsoft.Storage')

# Types whose create answers 200, not 201 (their REST specs list no 201).
CREATED_WITH_200 = ('microsoft.relay/namespaces/hybridconnections',
                    'microsoft.relay/namespaces/hybridconnections/authorizationrules',
                    'microsoft.servicebus/namespaces/topics', 'microsoft.servicebus/namespaces/topics/subscriptions',
                    'microsoft.servicebus/namespaces/authorizationrules')

# Types whose resources exist without a provisioning state in their properties.
NO_PROVISIONING_STATE = ('microsoft.authorization/roleassignments',)


def _shared_keys(doc):
    return {'primarySharedKey': _secret(doc['id'].lower(), 'primary'),
            'secondarySharedKey': _secret(doc['id'].lower(), 'secondary')}


def _connection_strings(doc):
    """listKeys of a Relay or Service Bus authorization rule: keys and the connection strings built from them."""
    parts = doc['id'].split('/')
    namespace = parts[8]
    entity = parts[10] if len(parts) > 12 else None
    keys = {'keyName': doc['name'], 'primaryKey': _secret(doc['id'].lower(), 'primary'),
            'secondaryKey': _secret(doc['id'].lower(), 'secondary')}
    for which in ('primary', 'secondary'):
        entity_path = ';EntityPath=' + entity if entity else ''
        keys[which + 'ConnectionString'] = (f"Endpoint=sb://{namespace}.servicebus.windows.net/;SharedAccessKeyName="
                                            f"{doc['name']};SharedAccessKey={keys[which + 'Key']}{entity_path}")
    return keys


# (lower-cased type, lower-cased action) -> function(doc) -> response body
ACTIONS = {
    ('microsoft.operationalinsights/workspaces', 'sharedkeys'): _shared_keys,
    ('microsoft.relay/namespaces/hybridconnections/authorizationrules', 'listkeys'): _connection_strings,
    ('microsoft.servicebus/namespaces/authorizationrules', 'listkeys'): _connection_strings,
}

# Children the service makes together with their parent, as (child type segment, name, properties).
IMPLICIT_CHILDREN = {
    'microsoft.servicebus/namespaces': [('AuthorizationRules', 'RootManageSharedAccessKey',
                                         {'rights': ['Listen', 'Manage', 'Send']})],
}

# Children a parent's body carries as a list in its properties, as (parent type, property, child type segment): a
# virtual network's subnets are resources of their own and `properties.subnets` of the network. A PUT of the parent
# with that property creates or replaces those children; a GET of it lists them.
EMBEDDED_CHILDREN = {
    'microsoft.network/virtualnetworks': ('subnets', 'subnets'),
}
