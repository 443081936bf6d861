"""Managed Prometheus (microsoft.azuremonitor.containers.metrics): cluster scope only, instance name
azuremonitor-metrics in namespace kube-system, the stable release train unless given. Its companions: the resource
providers it needs (registered,
waiting until they are), the Azure Monitor workspace (the default one, DefaultAzureMonitorWorkspace-<region>,
when none is named), a data collection endpoint, rule and association on the cluster, and the two recording-rule
groups the workspace recommends. Nothing is printed: stdout holds the command's result only. Delete removes what
aksext created for the cluster (tagged createdBy=aksext), never a user's own rules or endpoints; the workspace
stays."""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError
from azure.mgmt.core.tools import parse_resource_id

from ..core.defaults import STABLE_TRAIN
from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType
from ._context import CREATED_BY_TAG, is_missing

logger = get_logger(__name__)

PROVIDERS = ('Microsoft.Insights', 'Microsoft.AlertsManagement', 'Microsoft.Monitor', 'Microsoft.Dashboard')
WORKSPACE_API = '2023-04-03'
RULE_GROUPS_API = '2023-03-01'
RECOMMENDATIONS_API = '2023-01-01-preview'
RULE_GROUPS = ('NodeRecordingRulesRuleGroup', 'KubernetesRecordingRulesRuleGroup')
STREAM = 'Microsoft-PrometheusMetrics'
UNSUPPORTED_CLOUDS = ('ussec', 'usnat', 'usdod')
DEFAULT_REGIONS = {'azurechinacloud': 'chinanorth3', 'azureusgovernment': 'usgovvirginia'}
REGISTRATION_WAIT = (2, 150)  # seconds between checks, checks: five minutes at most


def _setting(settings, name):
    return next((value for key, value in settings.items() if key.lower() == name), None)


def trimmed(name, length, dashes_only=False):
    """Cut to length, keep [A-Za-z0-9-] for an endpoint, and end on a letter or digit."""
    name = name[:length]
    if dashes_only:
        name = ''.join(ch for ch in name if ch.isalnum() or ch == '-')
    return name.rstrip('-_.')


class ManagedPrometheus(ExtensionType):
    name = 'microsoft.azuremonitor.containers.metrics'
    scopes = (CLUSTER,)
    release_namespace = 'kube-system'
    fixed_namespace = True
    fixed_name = 'azuremonitor-metrics'
    default_release_train = STABLE_TRAIN

    def before_create(self, context, settings, protected):
        return create(context, settings, protected)

    def before_delete(self, context, extension):
        delete(context, extension)


def create(context, settings, protected):
    if is_true(settings, 'skipPrerequisites'):
        return settings, protected
    if context.cloud in UNSUPPORTED_CLOUDS:
        raise InvalidArgumentValueError(f"{context.cloud} does not support Azure Managed Prometheus yet.")
    register_providers(context)
    workspace_id, region = ensure_workspace(context, _setting(settings, 'azure-monitor-workspace-resource-id'))
    endpoint_id = ensure_endpoint(context, region)
    rule_id = ensure_rule(context, region, endpoint_id, workspace_id)
    ensure_association(context, rule_id)
    ensure_rule_groups(context, region, workspace_id)
    grafana_id = _setting(settings, 'grafana-resource-id')
    if grafana_id:
        from ._grafana import link
        link(context, grafana_id, workspace_id)
    return settings, protected


def register_providers(context):
    import time
    client = context.resources().providers
    for namespace in PROVIDERS:
        state = context.step('read provider ' + namespace, lambda ns=namespace: client.get(ns).registration_state)
        if state == 'Registered':
            continue
        context.step('register provider ' + namespace, lambda ns=namespace: client.register(ns))
        interval, checks = REGISTRATION_WAIT
        for _ in range(checks):
            if client.get(namespace).registration_state == 'Registered':
                break
            time.sleep(interval)
        else:
            raise context.failure('register provider ' + namespace, TimeoutError(
                f'still not Registered after {interval * checks} s'))
        context.made('provider registration', namespace)


def workspace_region(context):
    """The cluster's region if Azure Monitor workspaces can live there, else the first region that can host one."""
    cluster_region = context.cluster_location
    provider = context.step('read the regions of Microsoft.Monitor', lambda: context.resources().providers.
                            get_at_tenant_scope('Microsoft.Monitor'))
    regions = [location.replace(' ', '').lower() for kind in provider.resource_types or []
               if kind.resource_type.lower() == 'accounts' for location in kind.locations or []]
    if cluster_region in regions:
        return cluster_region
    return regions[0] if regions else DEFAULT_REGIONS.get(context.cloud, 'eastus')


def ensure_workspace(context, given):
    """(workspace ID, region): the one given (checked to exist), or the default one, made when missing."""
    if given:
        workspace_id = '/' + given.strip().strip('/')
        subscription = parse_resource_id(workspace_id)['subscription']
        found = context.step('read Azure Monitor workspace ' + workspace_id, lambda: context.resources(
            subscription).resources.get_by_id(workspace_id, WORKSPACE_API))
        context.found('Azure Monitor workspace', found.id)
        return found.id, found.location.replace(' ', '').lower()
    region = workspace_region(context)
    group = 'DefaultResourceGroup-' + region
    workspace_id = (f'/subscriptions/{context.subscription}/resourceGroups/{group}/providers/Microsoft.Monitor/'
                    f"accounts/{('DefaultAzureMonitorWorkspace-' + region)[:43]}")
    client = context.resources()
    if context.step('check resource group ' + group, lambda: client.resource_groups.check_existence(group)):
        found = context.get_or_none('read Azure Monitor workspace ' + workspace_id,
                                    lambda: client.resources.get_by_id(workspace_id, WORKSPACE_API))
        if found is not None:
            context.found('Azure Monitor workspace', found.id)
            return found.id, region
    else:
        context.step('create resource group ' + group, lambda: client.resource_groups.create_or_update(
            group, {'location': region, 'tags': CREATED_BY_TAG}))
        context.made('resource group', f'/subscriptions/{context.subscription}/resourceGroups/{group}')
    made = _put_generic(context, 'Azure Monitor workspace', workspace_id, WORKSPACE_API,
                        {'location': region, 'tags': CREATED_BY_TAG, 'properties': {}})
    return made.id, region


def _names(context, region):
    base = f'MSProm-{region}-{context.target.ref.name}'
    return trimmed(base, 44, dashes_only=True), trimmed(base, 64)


def ensure_endpoint(context, region):
    name = _names(context, region)[0]
    group, client = context.target.ref.resource_group, context.monitor().data_collection_endpoints
    return context.reuse_or_make('data collection endpoint', name, lambda: client.get(group, name),
                                 lambda: client.create(group, name, {'location': region, 'kind': 'Linux',
                                                                     'tags': CREATED_BY_TAG, 'properties': {}})).id


def ensure_rule(context, region, endpoint_id, workspace_id):
    name = _names(context, region)[1]
    group, client = context.target.ref.resource_group, context.monitor().data_collection_rules
    body = {'location': region, 'kind': 'Linux', 'tags': CREATED_BY_TAG, 'properties': {
        'dataCollectionEndpointId': endpoint_id,
        'dataSources': {'prometheusForwarder': [{'name': 'PrometheusDataSource', 'streams': [STREAM],
                                                 'labelIncludeFilter': {}}]},
        'dataFlows': [{'destinations': ['MonitoringAccount1'], 'streams': [STREAM]}],
        'description': 'DCR for Azure Monitor Metrics Profile (Managed Prometheus)',
        'destinations': {'monitoringAccounts': [{'accountResourceId': workspace_id, 'name': 'MonitoringAccount1'}]}}}
    return context.reuse_or_make('data collection rule', name, lambda: client.get(group, name),
                                 lambda: client.create(group, name, body)).id


def association_name(context):
    return trimmed(f'ContainerInsightsMetricsExtension-{context.cluster_location}-{context.target.ref.name}', 64)


def ensure_association(context, rule_id):
    """On the cluster itself, whatever its type (the official tool assumes an Arc connected cluster)."""
    name, client = association_name(context), context.monitor().data_collection_rule_associations
    found = context.get_or_none('read data collection rule association ' + name,
                                lambda: client.get(context.cluster_id, name))
    if found is not None and (found.data_collection_rule_id or '').lower() == rule_id.lower():
        context.found('data collection rule association', found.id)
        return
    made = context.step('create data collection rule association ' + name, lambda: client.create(
        context.cluster_id, name, {'properties': {'dataCollectionRuleId': rule_id, 'description':
                                                  'Prometheus data collection association between DCR, DCE and '
                                                  'target AKS resource'}}))
    context.made('data collection rule association', made.id)


def _rule_group_id(context, base):
    return (f'/subscriptions/{context.subscription}/resourceGroups/{context.target.ref.resource_group}/providers/'
            f'Microsoft.AlertsManagement/prometheusRuleGroups/{base}-{context.target.ref.name}')


def ensure_rule_groups(context, region, workspace_id):
    client = context.resources()
    missing = [base for base in RULE_GROUPS if not _found_rule_group(context, client, base)]
    if not missing:
        return
    # A list, read through the generic client's get_by_id; cls hands back the answer as the service sent it.
    listing = workspace_id + '/providers/microsoft.alertsManagement/alertRuleRecommendations'
    recommended = context.step('read the recording rules recommended for ' + workspace_id, lambda: client.resources.
                               get_by_id(listing, RECOMMENDATIONS_API,
                                         cls=lambda response, *_: response.http_response.json()))
    what = 'read the recording rules recommended for ' + workspace_id
    templates = recommended.get('value') if isinstance(recommended, dict) else None
    for index, base in enumerate(RULE_GROUPS):
        if base not in missing:
            continue
        # Without its recording rules the agent would collect metrics no dashboard reads: refused, not sent.
        rules = context.require(_recommended_rules(templates, index), what,
                                f'recording rules for {base} (value[{index}].properties.rulesArmTemplate)')
        _put_generic(context, 'Prometheus rule group', _rule_group_id(context, base), RULE_GROUPS_API, {
            'location': region, 'tags': CREATED_BY_TAG, 'properties': {
                'scopes': [workspace_id], 'enabled': True, 'clusterName': context.target.ref.name,
                'interval': 'PT1M', 'rules': rules}})


def _recommended_rules(templates, index):
    """The rules of the index-th recommended rule group, or None when the answer does not hold them."""
    try:
        rules = templates[index]['properties']['rulesArmTemplate']['resources'][0]['properties']['rules']
    except (IndexError, KeyError, TypeError):
        return None
    return rules if isinstance(rules, list) and rules else None


def _found_rule_group(context, client, base):
    found = context.get_or_none('read Prometheus rule group ' + base, lambda: client.resources.get_by_id(
        _rule_group_id(context, base), RULE_GROUPS_API))
    if found is not None:
        context.found('Prometheus rule group', found.id)
    return found is not None


def _put_generic(context, what, resource_id, api_version, values):
    from azure.cli.core.profiles import ResourceType
    generic = context.cmd.get_models('GenericResource', resource_type=ResourceType.MGMT_RESOURCE_RESOURCES)
    made = context.step(f'create {what} {resource_id}', lambda: context.resources().resources.
                        begin_create_or_update_by_id(resource_id, api_version, generic(**values)).result())
    context.made(what, made.id)
    return made


def delete(context, extension):
    """Remove the association, rule and endpoint aksext made for this cluster's Prometheus data, and its rule
    groups; anything without aksext's tag is left alone."""
    if is_true(extension.get('configurationSettings'), 'skipPrerequisites'):
        return
    monitor, resources = context.monitor(), context.resources()
    try:
        associations = list(monitor.data_collection_rule_associations.list_by_resource(context.cluster_id))
    except Exception as err:  # pylint: disable=broad-except
        logger.warning("Could not list the data collection rule associations of the cluster: %s", err)
        associations = []
    for association in associations:
        rule_id = association.data_collection_rule_id or ''
        if '/datacollectionrules/' not in rule_id.lower():
            continue
        parts = parse_resource_id(rule_id)
        rule = _quiet(lambda p=parts: monitor.data_collection_rules.get(p['resource_group'], p['name']))
        if rule is None or not _ours(rule.tags) or STREAM not in str(rule.as_dict().get('data_flows')):
            continue
        _quiet(lambda a=association: monitor.data_collection_rule_associations.delete(context.cluster_id, a.name),
               'Deleted data collection rule association ' + association.id)
        _quiet(lambda p=parts: monitor.data_collection_rules.delete(p['resource_group'], p['name']),
               'Deleted data collection rule ' + rule.id)
        endpoint_id = rule.data_collection_endpoint_id
        endpoint = _quiet(lambda e=endpoint_id: resources.resources.get_by_id(e, '2022-06-01')) if endpoint_id else None
        if endpoint is not None and _ours(endpoint.tags):
            _quiet(lambda e=endpoint_id: resources.resources.begin_delete_by_id(e, '2022-06-01').result(),
                   'Deleted data collection endpoint ' + endpoint_id)
    for base in RULE_GROUPS:
        group_id = _rule_group_id(context, base)
        found = _quiet(lambda g=group_id: resources.resources.get_by_id(g, RULE_GROUPS_API))
        if found is not None and _ours(found.tags):
            _quiet(lambda g=group_id: resources.resources.begin_delete_by_id(g, RULE_GROUPS_API).result(),
                   'Deleted Prometheus rule group ' + group_id)


def _ours(tags):
    return (tags or {}).get('createdBy') == CREATED_BY_TAG['createdBy']


def _quiet(action, done=None):
    """Run a cleanup step: a missing resource is nothing to do, another failure a warning (the extension is still
    deleted)."""
    try:
        result = action()
    except Exception as err:  # pylint: disable=broad-except
        if not is_missing(err):
            logger.warning("Cleanup step failed (%s): %s", done or 'read', err)
        return None
    if done:
        logger.info(done)
    return result


TYPE = ManagedPrometheus()
