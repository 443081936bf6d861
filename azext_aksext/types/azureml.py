"""Azure Machine Learning (microsoft.azureml.kubernetes): cluster scope only, release namespace azureml, the stable
release train unless given. Its rules: enableTraining=true and/or enableInference=true (the one not given is sent
False, as the official tool sends it); no key both in the settings and in the protected settings; inference needs
inferenceRouterServiceType (nodePort with internalLoadBalancerProvider=azure is refused) and either SSL settings
(sslCertPemFile + sslKeyPemFile, or sslSecret, with sslCname) or allowInsecureConnections=true, not both. As the
official tool, on create and on update the router settings become the chart's keys (scoringFe.serviceType.nodePort,
scoringFe.serviceType.internalLoadBalancer, scoringFe.sslSecret), and the PEM files named by sslCertPemFile and
sslKeyPemFile (protected settings, sent as given) are read and sent base64 as scoringFe.sslCert and scoringFe.sslKey.

Its companions: the settings the official tool derives from the cluster
(location, cluster ID, size defaults, domain, ...) and, on clusters other than AKS, the Azure Relay namespace,
hybrid connection and azureml_rw rule the extension talks through; with servicebus.enabled=true a Service Bus
namespace with its topics and subscriptions; with logAnalyticsWS=true a Log Analytics workspace. All are made in
the cluster's resource group and location, named as the official tool names them. Delete leaves them, as the
official tool does. Update sends the connection strings again when protected settings are given (they are
replaced as a whole), reading only what exists."""
import hashlib
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import (ArgumentUsageError, FileOperationError, InvalidArgumentValueError,
                                       MutuallyExclusiveArgumentError, RequiredArgumentMissingError)

from ..core.defaults import STABLE_TRAIN
from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType
from ._context import CREATED_BY_TAG, MissingField

logger = get_logger(__name__)

TAGS = dict(CREATED_BY_TAG, created_by='Azure Arc-enabled ML')
SERVICE_TYPES = ('loadbalancer', 'nodeport', 'clusterip')
PEM_FILES = {'sslCertPemFile': 'scoringFe.sslCert', 'sslKeyPemFile': 'scoringFe.sslKey'}
RULE = 'azureml_rw'
# (topic, subscription) pairs the extension's compute provider and scheduler use.
TOPICS = (('computestate-updatedby-computeprovider', 'compute-scheduler-computestate'),
          ('jobstate-updatedby-computeprovider', 'compute-scheduler-jobstate'))


def valid_name(text, max_length):
    """Letters and digits only; a name too long keeps its start and ends in a hash of the whole text."""
    name = ''.join(ch for ch in text if ch.isalnum())
    if len(name) <= max_length:
        return name
    return name[:max_length - 6] + hashlib.md5(text.encode()).hexdigest()[:6]


class AzureML(ExtensionType):
    name = 'microsoft.azureml.kubernetes'
    scopes = (CLUSTER,)
    release_namespace = 'azureml'
    default_release_train = STABLE_TRAIN

    def prepare_settings(self, settings, protected, creating):
        return check_settings(settings, protected, creating)

    def before_create(self, context, settings, protected):
        return create(context, settings, protected)

    def before_update(self, context, settings, protected, current):
        return update(context, settings, protected, current)


def _value(settings, protected, key):
    """A setting from the settings, else from the protected settings, as the official tool reads them."""
    return settings[key] if key in settings else protected.get(key)


def check_settings(settings, protected, creating):
    """The settings to send, checked and completed as the official tool completes them."""
    settings, protected = dict(settings), dict(protected)
    both = sorted(set(settings) & set(protected))
    if both:
        # Keys only: the values may be secrets.
        raise InvalidArgumentValueError(
            f"Azure ML takes each setting once, but {', '.join(both)} is in both the settings and the protected "
            "settings.", "Give each key in --configuration-settings or in --config-protected-settings, not both.")
    everything = dict(settings, **protected)
    training, inference = is_true(everything, 'enableTraining'), is_true(everything, 'enableInference')
    if creating and not (training or inference):
        raise RequiredArgumentMissingError(
            "microsoft.azureml.kubernetes needs enableTraining=true or enableInference=true (or both).",
            "Add --configuration-settings enableTraining=true and/or enableInference=true.")
    if creating:
        if inference:
            _check_inference(settings, everything)
        # As the official tool: both flags are settings, the one not given (or given as protected) a bool's text.
        for key, enabled in (('enableTraining', training), ('enableInference', inference)):
            settings.setdefault(key, str(enabled))
            protected.pop(key, None)
    else:
        _check_contradictions(everything)
    _router_settings(settings, protected, everything, creating)
    return settings, _ssl_settings(settings, protected, everything, creating)


def _has_ssl(everything):
    return any(all(key in everything for key in pair) for pair in (
        tuple(PEM_FILES), tuple(PEM_FILES.values()), ('sslSecret',)))


def _check_contradictions(everything):
    if _has_ssl(everything) and is_true(everything, 'allowInsecureConnections'):
        raise ArgumentUsageError(
            "allowInsecureConnections=true contradicts the SSL settings given for inference.",
            "Either drop allowInsecureConnections, or drop sslCertPemFile/sslKeyPemFile/sslSecret.")
    if str(everything.get('inferenceRouterServiceType', '')).lower() == 'nodeport' and \
            str(everything.get('internalLoadBalancerProvider', '')).lower() == 'azure':
        raise MutuallyExclusiveArgumentError(
            "inferenceRouterServiceType=nodePort does not use a load balancer, so internalLoadBalancerProvider=azure "
            "cannot go with it.", "Drop internalLoadBalancerProvider, or use inferenceRouterServiceType=loadBalancer.")


def _check_inference(settings, everything):
    _check_contradictions(everything)
    if not (_has_ssl(everything) or is_true(everything, 'allowInsecureConnections')):
        raise RequiredArgumentMissingError(
            "enableInference=true needs HTTPS settings for the inference router, or allowInsecureConnections=true.",
            "Give sslCertPemFile and sslKeyPemFile (protected settings) or sslSecret, with sslCname, or set "
            "allowInsecureConnections=true for a test cluster.")
    if _has_ssl(everything) and not everything.get('sslCname'):
        raise RequiredArgumentMissingError(
            "HTTPS for the inference router needs sslCname, the DNS name its certificate is for.",
            "Add --configuration-settings sslCname=<the endpoint's DNS name>.")
    if everything.get('inferenceRouterServiceType') is None:
        raise RequiredArgumentMissingError(
            "enableInference=true needs inferenceRouterServiceType.",
            "Add --configuration-settings inferenceRouterServiceType=loadBalancer (or nodePort, clusterIP), and "
            "internalLoadBalancerProvider=azure if the cluster takes internal load balancers only.")
    if is_true(everything, 'isAKSMigration'):
        settings.update({'scoringFe.namespace': 'default', 'isAKSMigration': 'true'})


def _router_settings(settings, protected, everything, creating):
    """inferenceRouterServiceType and internalLoadBalancerProvider as the chart's keys: on create only what is true
    (nodePort, or else an internal load balancer), on update whatever was given."""
    service_type = _value(settings, protected, 'inferenceRouterServiceType')
    if service_type is not None and str(service_type).lower() not in SERVICE_TYPES:
        # The value is not repeated: it may have come from the protected settings.
        raise InvalidArgumentValueError("inferenceRouterServiceType must be one of loadBalancer, nodePort, clusterIP.")
    if creating and not is_true(everything, 'enableInference'):
        return
    node_port = str(service_type).lower() == 'nodeport'
    provider = _value(settings, protected, 'internalLoadBalancerProvider')
    internal = str(provider).lower() == 'azure'
    if service_type is not None and (node_port or not creating):
        settings['scoringFe.serviceType.nodePort'] = str(node_port)
    if provider and (not creating or (internal and not node_port)):
        settings['scoringFe.serviceType.internalLoadBalancer'] = str(internal)
        logger.warning("Internal load balancer only supported on AKS and AKS Engine Clusters.")


def _ssl_settings(settings, protected, everything, creating):
    """The router's certificate: the PEM files' contents (the paths are sent too, as the official tool does), or the
    Kubernetes secret that holds them."""
    if creating and not is_true(everything, 'enableInference'):
        return protected
    if creating and is_true(everything, 'allowInsecureConnections'):
        logger.warning("SSL is not enabled: the inference router allows insecure connections.")
        return protected
    if all(key in protected for key in PEM_FILES):
        return read_ssl_files(protected)
    secret = _value(settings, protected, 'sslSecret')
    if secret:
        settings['scoringFe.sslSecret'] = secret
    return protected


def read_ssl_files(protected):
    """sslCertPemFile and sslKeyPemFile name local PEM files: send their contents, base64, as the chart expects."""
    import base64
    protected = dict(protected)
    for key, chart_key in PEM_FILES.items():
        try:
            protected[chart_key] = base64.b64encode(_read_pem(key, protected[key])).decode()
        except OSError as err:
            raise FileOperationError(f"Could not read the PEM file given as protected setting {key}: "
                                     f"{err.strerror}.", "Give the path of a readable PEM file.") from err
    from ..core.redaction import remember_secrets
    remember_secrets(protected[chart_key] for chart_key in PEM_FILES.values())  # as secret as the files
    return protected


def _read_pem(key, path):
    """A PEM file, with the same size and time bounds as a settings file (a FIFO or /dev/zero must not hang)."""
    from ..core.settings import MAX_SETTINGS_FILE_BYTES, read_bounded
    try:
        data = read_bounded(path)
    except TimeoutError as err:
        raise FileOperationError(f"The PEM file given as protected setting {key} gave no end of data within "
                                 f"{err.args[0]:g}s.", "Give the path of a regular PEM file.") from err
    if len(data) > MAX_SETTINGS_FILE_BYTES:
        raise FileOperationError(f"The PEM file given as protected setting {key} is larger than "
                                 f"{MAX_SETTINGS_FILE_BYTES // 1024} KiB.",
                                 "Give the path of a PEM certificate or key file.")
    return data


Names = namedtuple('Names', 'group cluster relay service_bus workspace')


def _names(context):
    ref = context.target.ref
    base = f'{ref.name}-{context.subscription}-{ref.resource_group}'
    return Names(group=ref.resource_group, cluster=ref.name, relay=valid_name(base + '-relay', 50),
                 service_bus=valid_name(base + '-service-bus', 50), workspace=valid_name(base, 63))


def create(context, settings, protected):
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
    if is_true(settings, 'relayserver.enabled') and 'relayServerConnectionString' not in everything:
        _relay_settings(names, settings, protected, ensure_relay(context, names))
    if is_true(settings, 'servicebus.enabled') and 'serviceBusConnectionString' not in everything:
        _service_bus_settings(settings, protected, *ensure_service_bus(context, names))
    if is_true(settings, 'logAnalyticsWS') and 'azure_log_analytics.connection_string' not in everything:
        _workspace_settings(settings, protected, *ensure_workspace(context, names))
    return settings, protected


def update(context, settings, protected, current):
    """Protected settings replace the old ones as a whole: send the connection strings again (reading only)."""
    if not protected:
        return settings, protected
    original = dict(current.get('configurationSettings') or {}, **(settings or {}))
    names = _names(context)
    if is_true(original, 'relayserver.enabled') and 'relayServerConnectionString' not in protected:
        _relay_settings(names, {}, protected, _relay_keys(context, names))
    if is_true(original, 'servicebus.enabled') and 'serviceBusConnectionString' not in protected:
        _service_bus_settings({}, protected, None, _service_bus_keys(context, names))
    if is_true(original, 'azure_log_analytics.enabled') and \
            'azure_log_analytics.connection_string' not in protected:
        _workspace_settings({}, protected, *_workspace_keys(context, names))
    return settings, protected


def _read_cluster(context):
    return context.read_cluster().properties or {}


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
    return context.relay()


def ensure_relay(context, names):
    """(hybrid connection, primary connection string of its azureml_rw rule): each part reused or made, so that a
    re-run after a failed step makes what is missing."""
    client = _relay_client(context)
    context.reuse_or_make('Relay namespace', names.relay, lambda: client.namespaces.get(names.group, names.relay),
                          lambda: client.namespaces.begin_create_or_update(names.group, names.relay, {
                              'location': context.cluster_location, 'tags': TAGS}).result())
    hybrid = context.reuse_or_make(
        'Relay hybrid connection', names.cluster,
        lambda: client.hybrid_connections.get(names.group, names.relay, names.cluster),
        lambda: client.hybrid_connections.create_or_update(names.group, names.relay, names.cluster,
                                                           {'properties': {'requiresClientAuthorization': True}}))
    context.reuse_or_make(
        'Relay authorization rule', RULE,
        lambda: client.hybrid_connections.get_authorization_rule(names.group, names.relay, names.cluster, RULE),
        lambda: client.hybrid_connections.create_or_update_authorization_rule(
            names.group, names.relay, names.cluster, RULE, {'properties': {'rights': ['Manage', 'Send', 'Listen']}}))
    return hybrid, _relay_keys(context, names)


def _relay_keys(context, names):
    client = _relay_client(context)
    what = 'read the keys of Relay rule ' + RULE
    return context.require(context.step(what, lambda: client.hybrid_connections.list_keys(
        names.group, names.relay, names.cluster, RULE).primary_connection_string), what, 'primaryConnectionString')


def _relay_settings(names, settings, protected, found):
    hybrid, connection_string = found if isinstance(found, tuple) else (None, found)
    protected['relayServerConnectionString'] = connection_string
    protected['relayserver.relayConnectionString'] = connection_string
    if hybrid is not None:
        settings['relayserver.hybridConnectionResourceID'] = hybrid.id
        settings['relayserver.hybridConnectionName'] = names.cluster


def _service_bus_client(context):
    return context.service_bus()


def ensure_service_bus(context, names):
    """(namespace id, primary connection string) of the Service Bus namespace with its topics and subscriptions:
    each reused or made, so that a re-run after a failed step makes what is missing."""
    client = _service_bus_client(context)
    namespace = context.reuse_or_make(
        'Service Bus namespace', names.service_bus, lambda: client.namespaces.get(names.group, names.service_bus),
        lambda: client.namespaces.begin_create_or_update(names.group, names.service_bus, {
            'location': context.cluster_location, 'sku': {'name': 'Standard'}, 'tags': TAGS}).result())
    for topic, subscription in TOPICS:
        context.reuse_or_make(
            'Service Bus topic', topic, lambda t=topic: client.topics.get(names.group, names.service_bus, t),
            lambda t=topic: client.topics.create_or_update(names.group, names.service_bus, t, {'properties': {
                'maxSizeInMegabytes': 5120, 'defaultMessageTimeToLive': 'P60D'}}))
        context.reuse_or_make(
            'Service Bus subscription', subscription,
            lambda t=topic, s=subscription: client.subscriptions.get(names.group, names.service_bus, t, s),
            lambda t=topic, s=subscription: client.subscriptions.create_or_update(
                names.group, names.service_bus, t, s, {'properties': {
                    'maxDeliveryCount': 1, 'defaultMessageTimeToLive': 'P14D', 'lockDuration': 'PT30S'}}))
    return namespace.id, _service_bus_keys(context, names)


def _service_bus_keys(context, names):
    client = _service_bus_client(context)

    what = 'read the keys of Service Bus namespace ' + names.service_bus

    def read():
        rule = next(iter(client.namespaces.list_authorization_rules(names.group, names.service_bus)), None)
        if rule is None:
            raise MissingField('the namespace has no authorization rule to read keys from')
        return client.namespaces.list_keys(names.group, names.service_bus, rule.name).primary_connection_string
    return context.require(context.step(what, read), what, 'primaryConnectionString')


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
    what = 'read the shared key of workspace ' + names.workspace
    key = context.require(context.step(what, lambda: client.shared_keys.get_shared_keys(
        names.group, names.workspace).primary_shared_key), what, 'primarySharedKey')
    return context.require(workspace.customer_id, 'read Log Analytics workspace ' + names.workspace, 'customerId'), key


def _workspace_settings(settings, protected, customer_id, key):
    settings['azure_log_analytics.enabled'] = 'True'
    settings['azure_log_analytics.customer_id'] = customer_id
    protected['azure_log_analytics.connection_string'] = key


TYPE = AzureML()
