"""Managed Prometheus (microsoft.azuremonitor.containers.metrics): cluster scope only, instance name
azuremonitor-metrics in namespace kube-system, the stable release train unless given. Its companions: the resource
providers it needs (registered, waiting until they are), the Azure Monitor workspace (the default one,
DefaultAzureMonitorWorkspace-<region>, when none is named), a data collection endpoint, rule and association on the
cluster, and the two recording-rule groups the workspace recommends. They are named as the official tool names them
(MSProm-<name region>-<cluster>, ContainerInsightsMetricsExtension-<name region>-<cluster>, where the name region is
the nearest of the regions Azure Monitor workspaces began in), and before one is made it is looked for under that
name and under the one earlier aksext releases used (the workspace's or cluster's own region), so a cluster onboarded
by either tool never gets a second one. Nothing is printed: stdout holds the command's result only. Delete, which
asks nothing (as the official tool), removes the Prometheus association, rule and endpoint the official tool or aksext
made for the cluster and its two rule groups; a user's own rules and endpoints, and the workspace, stay."""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError
from azure.mgmt.core.tools import parse_resource_id

from ..core.defaults import STABLE_TRAIN
from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType
from ._cleanup import quiet
from ._context import CREATED_BY_TAG

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

# The region part of the names the official tool gives the endpoint, rule and association: for a region (of the
# workspace, or of the cluster for the association), the nearest region where Azure Monitor workspaces began. A region
# not listed takes the cloud's default region (DEFAULT_REGIONS, else eastus).
NAME_REGIONS = {
    'eastus': ('australiacentral', 'australiacentral2', 'australiaeast', 'australiasoutheast', 'brazilsouth',
               'brazilsoutheast', 'canadacentral', 'canadaeast', 'eastus', 'japaneast', 'japanwest',
               'northcentralus', 'southcentralus', 'westcentralus'),
    'eastus2': ('eastus2',),
    'eastus2euap': ('eastus2euap',),
    'centralus': ('centralus',),
    'centralindia': ('centralindia', 'jioindiacentral', 'southindia', 'westindia'),
    'westus': ('westus', 'westus3'),
    'westus2': ('westus2',),
    'westeurope': ('centraluseuap', 'eastasia', 'francecentral', 'francesouth', 'germanynorth',
                   'germanywestcentral', 'koreacentral', 'koreasouth', 'northeurope', 'norwayeast', 'norwaywest',
                   'qatarcentral', 'southafricanorth', 'southafricawest', 'southeastasia', 'swedencentral',
                   'swedensouth', 'switzerlandnorth', 'switzerlandwest', 'uaecentral', 'uaenorth', 'uksouth', 'ukwest',
                   'westeurope'),
}


def name_region(cloud, region):
    """The region part of a Prometheus resource's name, as the official tool derives it."""
    return next((target for target, regions in NAME_REGIONS.items() if region in regions),
                DEFAULT_REGIONS.get(cloud, 'eastus'))


def name_regions(cloud, region):
    """The region parts a Prometheus resource's name may have: the official tool's, then the region itself."""
    official = name_region(cloud, region)
    return [official] if official == region else [official, region]


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
    confirm_delete = False  # the official tool never asks before deleting it

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
    """[(endpoint name, rule name)] for a workspace region: the official tool's naming first, then the older one."""
    return [(trimmed(base, 44, dashes_only=True), trimmed(base, 64))
            for base in (f'MSProm-{part}-{context.target.ref.name}' for part in name_regions(context.cloud, region))]


def _reuse_or_make(context, what, names, read, make):
    """The resource found under the first of names that exists (read(name), a 404 is none), else the one
    make(names[0]) creates."""
    for name in names:
        found = context.get_or_none(f'read {what} {name}', lambda n=name: read(n))
        if found is not None:
            context.found(what, found.id)
            return found
    made = context.step(f'create {what} {names[0]}', lambda: make(names[0]))
    context.made(what, made.id)
    return made


def ensure_endpoint(context, region):
    group, client = context.target.ref.resource_group, context.monitor().data_collection_endpoints
    names = [endpoint for endpoint, _ in _names(context, region)]
    return _reuse_or_make(context, 'data collection endpoint', names, lambda name: client.get(group, name),
                          lambda name: client.create(group, name, {'location': region, 'kind': 'Linux',
                                                                   'tags': CREATED_BY_TAG, 'properties': {}})).id


def ensure_rule(context, region, endpoint_id, workspace_id):
    names = [rule for _, rule in _names(context, region)]
    group, client = context.target.ref.resource_group, context.monitor().data_collection_rules
    body = {'location': region, 'kind': 'Linux', 'tags': CREATED_BY_TAG, 'properties': {
        'dataCollectionEndpointId': endpoint_id,
        'dataSources': {'prometheusForwarder': [{'name': 'PrometheusDataSource', 'streams': [STREAM],
                                                 'labelIncludeFilter': {}}]},
        'dataFlows': [{'destinations': ['MonitoringAccount1'], 'streams': [STREAM]}],
        'description': 'DCR for Azure Monitor Metrics Profile (Managed Prometheus)',
        'destinations': {'monitoringAccounts': [{'accountResourceId': workspace_id, 'name': 'MonitoringAccount1'}]}}}
    return _reuse_or_make(context, 'data collection rule', names, lambda name: client.get(group, name),
                          lambda name: client.create(group, name, body)).id


def association_names(context):
    """The association's possible names: the official tool's, then the older one (the cluster's own region)."""
    return [trimmed(f'ContainerInsightsMetricsExtension-{part}-{context.target.ref.name}', 64)
            for part in name_regions(context.cloud, context.cluster_location)]


def ensure_association(context, rule_id):
    """On the cluster itself, whatever its type (the official tool assumes an Arc connected cluster)."""
    client = context.monitor().data_collection_rule_associations
    for name in association_names(context):
        found = context.get_or_none('read data collection rule association ' + name,
                                    lambda n=name: client.get(context.cluster_id, n))
        if found is not None and (found.data_collection_rule_id or '').lower() == rule_id.lower():
            context.found('data collection rule association', found.id)
            return
    name = association_names(context)[0]
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
    """Remove, for each Prometheus association on the cluster whose rule the official tool or aksext made (tagged
    createdBy=aksext, or named as either names it), the association, the rule and its endpoint; then the cluster's two
    rule groups, as the official tool does. A user's own rules and endpoints stay."""
    if is_true(extension.get('configurationSettings'), 'skipPrerequisites'):
        return
    monitor, resources = context.monitor(), context.resources()
    associations = quiet(lambda: list(monitor.data_collection_rule_associations.list_by_resource(
        context.cluster_id))) or []
    for association in associations:
        rule_id = association.data_collection_rule_id or ''
        if '/datacollectionrules/' not in rule_id.lower():
            continue
        parts = parse_resource_id(rule_id)
        rule = quiet(lambda p=parts: monitor.data_collection_rules.get(p['resource_group'], p['name']))
        if rule is None or STREAM not in str(rule.as_dict().get('data_flows')) or not _made_for(context, rule, 1):
            continue
        quiet(lambda a=association: monitor.data_collection_rule_associations.delete(context.cluster_id, a.name),
              'Deleted data collection rule association ' + association.id)
        quiet(lambda p=parts: monitor.data_collection_rules.delete(p['resource_group'], p['name']),
              'Deleted data collection rule ' + rule.id)
        endpoint_id = rule.data_collection_endpoint_id
        endpoint = quiet(lambda e=endpoint_id: resources.resources.get_by_id(e, '2022-06-01')) if endpoint_id else None
        if endpoint is not None and _made_for(context, endpoint, 0):
            quiet(lambda e=endpoint_id: resources.resources.begin_delete_by_id(e, '2022-06-01').result(),
                  'Deleted data collection endpoint ' + endpoint_id)
    for base in RULE_GROUPS:
        group_id = _rule_group_id(context, base)
        if quiet(lambda g=group_id: resources.resources.get_by_id(g, RULE_GROUPS_API)) is not None:
            quiet(lambda g=group_id: resources.resources.begin_delete_by_id(g, RULE_GROUPS_API).result(),
                  'Deleted Prometheus rule group ' + group_id)


def _made_for(context, resource, which):
    """True for an endpoint (which=0) or rule (1) aksext made (its tag), or named as the official tool or aksext
    name this cluster's, in the cluster's resource group."""
    if (resource.tags or {}).get('createdBy') == CREATED_BY_TAG['createdBy']:
        return True
    parts = parse_resource_id(resource.id)
    region = (resource.location or '').replace(' ', '').lower()
    names = {pair[which].lower() for pair in _names(context, region)}
    return parts.get('resource_group', '').lower() == context.target.ref.resource_group.lower() and \
        parts.get('name', '').lower() in names


TYPE = ManagedPrometheus()
