"""Azure Machine Learning (microsoft.azureml.kubernetes): the settings the official tool derives from the cluster
(location, cluster ID, size defaults, domain, ...) and, on clusters other than AKS, the Azure Relay namespace,
hybrid connection and azureml_rw rule the extension talks through; with servicebus.enabled=true a Service Bus
namespace with its topics and subscriptions; with logAnalyticsWS=true a Log Analytics workspace. All are made in
the cluster's resource group and location, named as the official tool names them. Delete leaves them, as the
official tool does. Update sends the connection strings again when protected settings are given (they are
replaced as a whole), reading only what exists."""
import hashlib
from collections import namedtuple

from .context import CREATED_BY_TAG

TAGS = dict(CREATED_BY_TAG, created_by='Azure Arc-enabled ML')
RULE = 'azureml_rw'
# (topic, subscription) pairs the extension's compute provider and scheduler use.
TOPICS = (('computestate-updatedby-computeprovider', 'compute-scheduler-computestate'),
          ('jobstate-updatedby-computeprovider', 'compute-scheduler-jobstate'))
CLUSTER_API = {'managedClusters': '2022-11-01', 'connectedClusters': '2021-10-01'}


def valid_name(text, max_length):
    """Letters and digits only; a name too long keeps its start and ends in a hash of the whole text."""
    name = ''.join(ch for ch in text if ch.isalnum())
    if len(name) <= max_length:
        return name
    return name[:max_length - 6] + hashlib.md5(text.encode()).hexdigest()[:6]


def _is(settings, key, default):
    return str(settings.get(key, default)).strip().lower() == 'true'


Names = namedtuple('Names', 'group cluster relay service_bus workspace')


def _names(context):
    ref = context.target.ref
    base = f'{ref.name}-{context.subscription}-{ref.resource_group}'
    return Names(group=ref.resource_group, cluster=ref.name, relay=valid_name(base + '-relay', 50),
                 service_bus=valid_name(base + '-service-bus', 50), workspace=valid_name(base, 63))


def create(context, settings, protected):
    for key in ('enableTraining', 'enableInference'):
        if key in protected:
            settings[key] = protected.pop(key)
    cluster = _read_cluster(context)
    location = context.cluster_location
    aks = context.target.ref.cluster_type == 'managedClusters'
    settings.setdefault('cluster_name', context.cluster_id)
    settings['clusterId'] = settings['cluster_name']
    settings['prometheus.prometheusSpec.externalLabels.cluster_name'] = settings['cluster_name']
    settings.setdefault('domain', f'{location}.cloudapp.azure.com')
    for key, value in (('location', location), ('jobSchedulerLocation', location),
                       ('cluster_name_friendly', context.target.ref.name), ('servicebus.enabled', 'false'),
                       ('relayserver.enabled', 'false' if aks else 'true'),
                       ('nginxIngress.enabled', 'true' if aks else 'false')):
        settings.setdefault(key, value)
    _size_defaults(settings, cluster, aks)
    names = _names(context)
    everything = dict(settings, **protected)
    if _is(settings, 'relayserver.enabled', 'false') and 'relayServerConnectionString' not in everything:
        _relay_settings(names, settings, protected, ensure_relay(context, names))
    if _is(settings, 'servicebus.enabled', 'false') and 'serviceBusConnectionString' not in everything:
        _service_bus_settings(settings, protected, *ensure_service_bus(context, names))
    if _is(settings, 'logAnalyticsWS', 'false') and 'azure_log_analytics.connection_string' not in everything:
        _workspace_settings(settings, protected, *ensure_workspace(context, names))
    return settings, protected


def update(context, settings, protected, current):
    """Protected settings replace the old ones as a whole: send the connection strings again (reading only)."""
    if not protected:
        return settings, protected
    original = dict(current.get('configurationSettings') or {}, **(settings or {}))
    names = _names(context)
    if _is(original, 'relayserver.enabled', 'false') and 'relayServerConnectionString' not in protected:
        _relay_settings(names, {}, protected, _relay_keys(context, names))
    if _is(original, 'servicebus.enabled', 'false') and 'serviceBusConnectionString' not in protected:
        _service_bus_settings({}, protected, None, _service_bus_keys(context, names))
    if _is(original, 'azure_log_analytics.enabled', 'false') and \
            'azure_log_analytics.connection_string' not in protected:
        _workspace_settings({}, protected, *_workspace_keys(context, names))
    return settings, protected


def _read_cluster(context):
    from ..cluster import CLUSTER_API_VERSIONS
    cluster_type = context.target.ref.cluster_type
    return context.read_cluster(CLUSTER_API.get(cluster_type) or CLUSTER_API_VERSIONS[cluster_type]).properties or {}


def _size_defaults(settings, properties, aks):
    """A cluster of fewer than 3 nodes is a DevTest cluster with one inference router, as the official tool sets."""
    try:
        nodes = sum(pool.get('count', 0) for pool in properties.get('agentPoolProfiles') or []) if aks else \
            properties.get('totalNodeCount')
    except (AttributeError, TypeError):
        nodes = None
    if nodes is not None and nodes < 3:
        settings.setdefault('clusterPurpose', 'DevTest')
        settings.setdefault('inferenceRouterHA', 'false')
    if str(properties.get('distribution', '')).lower() == 'openshift':
        settings.setdefault('openshift', 'true')


def _relay_client(context):
    from azure.mgmt.relay import RelayAPIMgmtClient
    return context.masked_client(RelayAPIMgmtClient, None)


def ensure_relay(context, names):
    """(hybrid connection, primary connection string of its azureml_rw rule)."""
    client = _relay_client(context)
    hybrid = context.get_or_none('read Relay hybrid connection ' + names.cluster,
                                 lambda: client.hybrid_connections.get(names.group, names.relay, names.cluster))
    if hybrid is not None:
        context.found('Relay hybrid connection', hybrid.id)
        return hybrid, _relay_keys(context, names)
    context.reuse_or_make('Relay namespace', names.relay, lambda: client.namespaces.get(names.group, names.relay),
                          lambda: client.namespaces.begin_create_or_update(names.group, names.relay, {
                              'location': context.cluster_location, 'tags': TAGS}).result())
    hybrid = context.step('create Relay hybrid connection ' + names.cluster, lambda: client.hybrid_connections.
                          create_or_update(names.group, names.relay, names.cluster,
                                           {'properties': {'requiresClientAuthorization': True}}))
    context.made('Relay hybrid connection', hybrid.id)
    rule = context.step('create Relay authorization rule ' + RULE, lambda: client.hybrid_connections.
                        create_or_update_authorization_rule(names.group, names.relay, names.cluster, RULE, {
                            'properties': {'rights': ['Manage', 'Send', 'Listen']}}))
    context.made('Relay authorization rule', rule.id)
    return hybrid, _relay_keys(context, names)


def _relay_keys(context, names):
    client = _relay_client(context)
    return context.step('read the keys of Relay rule ' + RULE, lambda: client.hybrid_connections.list_keys(
        names.group, names.relay, names.cluster, RULE).primary_connection_string)


def _relay_settings(names, settings, protected, found):
    hybrid, connection_string = found if isinstance(found, tuple) else (None, found)
    protected['relayServerConnectionString'] = connection_string
    protected['relayserver.relayConnectionString'] = connection_string
    if hybrid is not None:
        settings['relayserver.hybridConnectionResourceID'] = hybrid.id
        settings['relayserver.hybridConnectionName'] = names.cluster


def _service_bus_client(context):
    from azure.cli.core.profiles import ResourceType
    return context.masked_client(ResourceType.MGMT_SERVICEBUS, None)


def ensure_service_bus(context, names):
    """(namespace id, primary connection string) of the Service Bus namespace with its topics and subscriptions."""
    client = _service_bus_client(context)
    namespace = context.get_or_none('read Service Bus namespace ' + names.service_bus,
                                    lambda: client.namespaces.get(names.group, names.service_bus))
    if namespace is not None:
        context.found('Service Bus namespace', namespace.id)
        return namespace.id, _service_bus_keys(context, names)
    namespace = context.step('create Service Bus namespace ' + names.service_bus, lambda: client.namespaces.
                             begin_create_or_update(names.group, names.service_bus, {
                                 'location': context.cluster_location, 'sku': {'name': 'Standard'},
                                 'tags': TAGS}).result())
    context.made('Service Bus namespace', namespace.id)
    for topic, subscription in TOPICS:
        made = context.step('create Service Bus topic ' + topic, lambda t=topic: client.topics.create_or_update(
            names.group, names.service_bus, t, {'properties': {'maxSizeInMegabytes': 5120,
                                                               'defaultMessageTimeToLive': 'P60D'}}))
        context.made('Service Bus topic', made.id)
        made = context.step('create Service Bus subscription ' + subscription, lambda t=topic, s=subscription:
                            client.subscriptions.create_or_update(names.group, names.service_bus, t, s, {
                                'properties': {'maxDeliveryCount': 1, 'defaultMessageTimeToLive': 'P14D',
                                               'lockDuration': 'PT30S'}}))
        context.made('Service Bus subscription', made.id)
    return namespace.id, _service_bus_keys(context, names)


def _service_bus_keys(context, names):
    client = _service_bus_client(context)

    def read():
        rule = next(iter(client.namespaces.list_authorization_rules(names.group, names.service_bus)))
        return client.namespaces.list_keys(names.group, names.service_bus, rule.name).primary_connection_string
    return context.step('read the keys of Service Bus namespace ' + names.service_bus, read)


def _service_bus_settings(settings, protected, namespace_id, connection_string):
    protected['serviceBusConnectionString'] = connection_string
    protected['servicebus.connectionString'] = connection_string
    if namespace_id:
        settings['servicebus.resourceID'] = namespace_id
        for topic, subscription in TOPICS:
            settings['servicebus.topicSubMapping.' + topic] = subscription


def ensure_workspace(context, names):
    client = context.log_analytics()
    workspace = context.reuse_or_make(
        'Log Analytics workspace', names.workspace, lambda: client.workspaces.get(names.group, names.workspace),
        lambda: client.workspaces.begin_create_or_update(names.group, names.workspace, {
            'location': context.cluster_location, 'tags': TAGS}).result())
    return _workspace_keys(context, names, workspace)


def _workspace_keys(context, names, workspace=None):
    client = context.log_analytics()
    workspace = workspace or context.step('read Log Analytics workspace ' + names.workspace,
                                          lambda: client.workspaces.get(names.group, names.workspace))
    key = context.step('read the shared key of workspace ' + names.workspace, lambda: client.shared_keys.
                       get_shared_keys(names.group, names.workspace).primary_shared_key)
    return workspace.customer_id, key


def _workspace_settings(settings, protected, customer_id, key):
    settings['azure_log_analytics.enabled'] = 'True'
    settings['azure_log_analytics.customer_id'] = customer_id
    protected['azure_log_analytics.connection_string'] = key
