"""Container Insights (microsoft.azuremonitor.containers): cluster scope only, instance name and namespace
azuremonitor-containers. Its settings are checked before anything is sent: logAnalyticsWorkspaceResourceID (a
workspace resource ID, any case of the key), dataCollectionSettings (a JSON document for the data collection rule),
amalogs.enableHighLogScaleMode (true or false) and proxyEndpoint, with the official tool's rules.

Its companions: a Log Analytics workspace (the default one when none is named), then, in managed-identity mode (the
default), the data collection rule MSCI-<region>-<cluster> and its association on the cluster, and in high log scale
mode the ingestion endpoint MSCI-ingest-<region>-<cluster> the rule sends through; in legacy mode
(amalogs.useAADAuth=false), the ContainerInsights solution and the workspace's shared key. Delete, which asks
nothing (as the official tool), removes the association, the rule and the ingestion endpoint the official tool and
aksext make; the workspace and the solution stay."""
import json
import re

from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError
from azure.mgmt.core.tools import parse_resource_id

from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType
from ._cleanup import quiet
from ._context import CREATED_BY_TAG
from ._workspace import WORKSPACE_KEY, agent_settings, read_workspace, resolve_workspace


DATA_COLLECTION_SETTINGS = 'dataCollectionSettings'
_WORKSPACE_ID = re.compile(r'^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]+/providers/'
                           r'Microsoft\.OperationalInsights/workspaces/[-\w]+$', re.IGNORECASE)
_PROXY = re.compile(r'^https?://([^:@/\s]+:[^@/\s]+@)?[^:/@\s]+:\d+/?$', re.IGNORECASE)
_INTERVAL = re.compile(r'^(\d+)m$')


def parse_data_collection_settings(settings):
    """The dataCollectionSettings document, validated; None when the setting is absent."""
    raw = settings.get(DATA_COLLECTION_SETTINGS)
    if raw is None:
        return None
    try:
        document = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as err:
        raise InvalidArgumentValueError(f"dataCollectionSettings is not valid JSON: {err}.",
                                        'Give a JSON object, for example dataCollectionSettings=\'{"interval": '
                                        '"1m", "namespaceFilteringMode": "Off"}\'.') from err
    if not isinstance(document, dict):
        raise InvalidArgumentValueError("dataCollectionSettings must be a JSON object.")
    _check_interval(document.get('interval'))
    mode = document.get('namespaceFilteringMode')
    if mode is not None and mode.lower() not in ('off', 'exclude', 'include'):
        raise InvalidArgumentValueError("dataCollectionSettings: namespaceFilteringMode must be Off, Exclude or "
                                        f"Include, not '{mode}'.")
    for key in ('namespaces', 'streams'):
        if key in document and not isinstance(document[key], list):
            raise InvalidArgumentValueError(f"dataCollectionSettings: {key} must be a JSON array.")
    if 'enableContainerLogV2' in document and not isinstance(document['enableContainerLogV2'], bool):
        raise InvalidArgumentValueError("dataCollectionSettings: enableContainerLogV2 must be true or false.")
    return document


def _check_interval(interval):
    if interval is None:
        return
    match = _INTERVAL.match(str(interval))
    if not match:
        raise InvalidArgumentValueError("dataCollectionSettings: interval must be a number of minutes such as "
                                        f"'1m', not '{interval}'.")
    if not 1 <= int(match.group(1)) <= 30:
        raise InvalidArgumentValueError(f"dataCollectionSettings: interval must be from 1m to 30m, not '{interval}'.")


def check_proxy(protected):
    """proxyEndpoint (a protected setting): its value is never repeated in the error."""
    value = protected.get('proxyEndpoint')
    if value is not None and not _PROXY.match(str(value).strip()):
        raise InvalidArgumentValueError(
            "The protected setting proxyEndpoint is not a proxy URL.",
            "Use http(s)://<user>:<password>@<proxyhost>:<port> (or http(s)://<proxyhost>:<port>).")


HIGH_LOG_SCALE = 'amalogs.enableHighLogScaleMode'


def high_log_scale(settings):
    """amalogs.enableHighLogScaleMode, read in managed-identity mode only (as the official tool): true or false."""
    if not uses_managed_identity(settings, default=True) or HIGH_LOG_SCALE not in settings:
        return False
    value = settings[HIGH_LOG_SCALE]
    if not isinstance(value, bool) and str(value).strip().lower() not in ('true', 'false'):
        raise InvalidArgumentValueError(f"{HIGH_LOG_SCALE} must be true or false, not '{value}'.",
                                        f"Use --configuration-settings {HIGH_LOG_SCALE}=true (or false).")
    return is_true(settings, HIGH_LOG_SCALE)


def check_monitor_settings(settings, protected):
    parse_data_collection_settings(settings)
    high_log_scale(settings)
    check_proxy(protected)


logger = get_logger(__name__)

ASSOCIATION = 'ContainerInsightsExtension'
DEFAULT_STREAMS = ['Microsoft-ContainerInsights-Group-Default']
# What a rule collects in high log scale mode when dataCollectionSettings names no streams: container logs through
# the high-scale stream, and the inventories, events and metrics the default group holds.
HIGH_LOG_SCALE_STREAMS = ['Microsoft-ContainerLog', 'Microsoft-ContainerLogV2-HighScale', 'Microsoft-KubeEvents',
                          'Microsoft-KubePodInventory', 'Microsoft-KubeNodeInventory', 'Microsoft-KubePVInventory',
                          'Microsoft-KubeServices', 'Microsoft-KubeMonAgentEvents', 'Microsoft-InsightsMetrics',
                          'Microsoft-ContainerInventory', 'Microsoft-ContainerNodeInventory', 'Microsoft-Perf']
SOLUTION_API = '2015-11-01-preview'
ENDPOINT_API = '2022-06-01'


def skip_prerequisites(settings):
    return is_true(settings, 'skipPrerequisites')


def uses_managed_identity(settings, default=False):
    """omsagent.useAADAuth is read first, then amalogs.useAADAuth, as in the official tool."""
    for key in ('omsagent.useAADAuth', 'amalogs.useAADAuth'):
        if key in settings:
            return is_true(settings, key)
    return default


class ContainerInsights(ExtensionType):
    name = 'microsoft.azuremonitor.containers'
    scopes = (CLUSTER,)
    release_namespace = 'azuremonitor-containers'
    fixed_namespace = True
    fixed_name = 'azuremonitor-containers'
    aliases = {'loganalyticsworkspaceresourceid': WORKSPACE_KEY}

    def prepare_settings(self, settings, protected, creating):
        """A workspace ID is optional (the default workspace is used without one); the ones given are checked."""
        check_monitor_settings(settings, protected)
        workspace = settings.get(WORKSPACE_KEY)
        if not workspace:
            return settings, protected
        workspace = workspace.strip().rstrip('/')
        if not _WORKSPACE_ID.match(workspace):
            raise InvalidArgumentValueError(
                f"{WORKSPACE_KEY} '{workspace}' is not a Log Analytics workspace resource ID.",
                "Use /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/"
                "<name>, or leave it out to use the default workspace.")
        return dict(settings, **{WORKSPACE_KEY: workspace}), protected

    confirm_delete = False  # the official tool never asks before deleting it

    def before_create(self, context, settings, protected):
        return create(context, settings, protected)

    def before_delete(self, context, extension):
        delete(context, extension)


def create(context, settings, protected):
    if skip_prerequisites(settings):
        logger.info("skipPrerequisites=true: no workspace, data collection rule or solution is made.")
        return settings, protected
    # As the official tool: added even next to omsagent.useAADAuth=false, which is read first (legacy mode).
    settings.setdefault('amalogs.useAADAuth', 'true')
    collection = parse_data_collection_settings(settings)
    workspace_id = resolve_workspace(context, settings)
    managed_identity = uses_managed_identity(settings)
    workspace, key = read_workspace(context, workspace_id, with_key=not managed_identity)
    if managed_identity:
        endpoint_id = ensure_ingestion_endpoint(context, workspace) if high_log_scale(settings) else None
        rule_id = ensure_rule(context, workspace, collection, endpoint_id)
        ensure_association(context, rule_id)
    else:
        ensure_solution(context, workspace)
    return agent_settings(context, settings, protected, workspace, key)


def rule_body(workspace, collection, tags, endpoint_id=None):
    """The rule as the official tool writes it: the collection settings always there (ContainerLogV2 on unless
    they say otherwise), and in high log scale mode the high-scale streams through the ingestion endpoint."""
    settings = dict(collection or {})
    settings.setdefault('enableContainerLogV2', True)
    streams = list(settings.get('streams') or (HIGH_LOG_SCALE_STREAMS if endpoint_id else DEFAULT_STREAMS))
    if endpoint_id:
        streams = [stream.replace('Microsoft-ContainerLogV2', 'Microsoft-ContainerLogV2-HighScale')
                   if stream == 'Microsoft-ContainerLogV2' else stream for stream in streams]
    extension = {'name': ASSOCIATION, 'streams': streams, 'extensionName': 'ContainerInsights',
                 'extensionSettings': {'dataCollectionSettings': settings}}
    return {'location': _region(workspace.location), 'tags': tags, 'kind': 'Linux', 'properties': {
        'dataSources': {'extensions': [extension]},
        'dataFlows': [{'streams': streams, 'destinations': ['la-workspace']}],
        'destinations': {'logAnalytics': [{'workspaceResourceId': workspace.id, 'name': 'la-workspace'}]},
        'dataCollectionEndpointId': endpoint_id}}


def _names(context, region):
    """(rule, ingestion endpoint) names for a workspace region, as the official tool makes them."""
    cluster = context.target.ref.name
    return f'MSCI-{region}-{cluster}'[:64], f'MSCI-ingest-{region}-{cluster}'[:43].rstrip('-')


def ensure_ingestion_endpoint(context, workspace):
    """High log scale mode: the data collection endpoint the rule ingests through, in the workspace's region."""
    region = _region(workspace.location)
    name, group = _names(context, region)[1], context.target.ref.resource_group
    client = context.monitor().data_collection_endpoints
    return context.reuse_or_make('data collection endpoint', name, lambda: client.get(group, name), lambda: client.
                                 create(group, name, {'location': region, 'kind': 'Linux', 'tags': CREATED_BY_TAG,
                                                      'properties': {'networkAcls': {
                                                          'publicNetworkAccess': 'Enabled'}}})).id


def ensure_rule(context, workspace, collection, endpoint_id=None):
    """The data collection rule; an existing one with the same content is reused, one that differs is updated
    (keeping its tags), as the official tool overwrites it."""
    region = _region(workspace.location)
    name = _names(context, region)[0]
    group = context.target.ref.resource_group
    rule_id = (f'/subscriptions/{context.subscription}/resourceGroups/{group}/providers/Microsoft.Insights/'
               f'dataCollectionRules/{name}')
    client = context.monitor()
    existing = context.get_or_none('read data collection rule ' + rule_id,
                                   lambda: client.data_collection_rules.get(group, name))
    tags = dict(existing.tags or {}) if existing else dict(CREATED_BY_TAG)
    body = rule_body(workspace, collection, tags, endpoint_id)
    if existing is not None and _same_rule(existing, body):
        context.found('data collection rule', existing.id)
        return existing.id
    what = 'create data collection rule ' + rule_id
    made = context.step(what, lambda: client.data_collection_rules.create(group, name, body))
    (context.found if existing else context.made)('data collection rule', context.require(made.id, what, 'id'))
    return made.id


def _same_rule(existing, body):
    """True when the rule already sends the same streams, with the same settings, to the same workspace."""
    current, wanted = existing.as_dict(), body['properties']
    sources = (current.get('data_sources') or {}).get('extensions') or []
    source = wanted['dataSources']['extensions'][0]
    flows = [{'streams': flow.get('streams'), 'destinations': flow.get('destinations')}
             for flow in current.get('data_flows') or []]
    workspaces = [destination.get('workspace_resource_id', '').lower()
                  for destination in (current.get('destinations') or {}).get('log_analytics') or []]
    return (len(sources) == 1 and sources[0].get('streams') == source['streams']
            and sources[0].get('extension_settings') == source.get('extensionSettings')
            and (current.get('data_collection_endpoint_id') or '').lower() ==
            (wanted['dataCollectionEndpointId'] or '').lower()
            and flows == wanted['dataFlows']
            and workspaces == [wanted['destinations']['logAnalytics'][0]['workspaceResourceId'].lower()])


def ensure_association(context, rule_id):
    client = context.monitor()
    existing = context.get_or_none(
        'read data collection rule association on the cluster',
        lambda: client.data_collection_rule_associations.get(context.cluster_id, ASSOCIATION))
    if existing is not None and (existing.data_collection_rule_id or '').lower() == rule_id.lower():
        context.found('data collection rule association', existing.id)
        return
    body = {'location': context.cluster_location, 'properties': {
        'dataCollectionRuleId': rule_id, 'description': 'routes monitoring data to a Log Analytics workspace'}}
    made = context.step(f'create data collection rule association {ASSOCIATION} on the cluster',
                        lambda: client.data_collection_rule_associations.create(context.cluster_id, ASSOCIATION,
                                                                                body))
    context.made('data collection rule association', made.id)


def ensure_solution(context, workspace):
    """Legacy mode: the ContainerInsights solution in the workspace's resource group."""
    parts = parse_resource_id(workspace.id)
    solution_id = (f"/subscriptions/{parts['subscription']}/resourceGroups/{parts['resource_group']}/providers/"
                   f"Microsoft.OperationsManagement/solutions/ContainerInsights({parts['name']})")
    client = context.resources(parts['subscription'])
    existing = context.get_or_none('read solution ' + solution_id,
                                   lambda: client.resources.get_by_id(solution_id, SOLUTION_API))
    if existing is not None:
        context.found('solution', existing.id)
        return
    from azure.cli.core.profiles import ResourceType
    generic, plan = context.cmd.get_models('GenericResource', 'Plan',
                                           resource_type=ResourceType.MGMT_RESOURCE_RESOURCES)
    body = generic(location=workspace.location, tags=CREATED_BY_TAG,
                   plan=plan(name=f"ContainerInsights({parts['name']})", product='OMSGallery/ContainerInsights',
                             publisher='Microsoft', promotion_code=''),
                   properties={'workspaceResourceId': workspace.id})
    made = context.step('create solution ' + solution_id, lambda: client.resources.begin_create_or_update_by_id(
        solution_id, SOLUTION_API, body).result())
    context.made('solution', made.id)


def delete(context, extension):
    """Managed-identity mode: the association, then the rule the official tool or aksext made for the cluster
    (MSCI-<region>-<cluster> in its resource group) and its ingestion endpoint (MSCI-ingest-...). A step that fails
    is a warning: the extension is deleted all the same."""
    settings = extension.get('configurationSettings') or {}
    if skip_prerequisites(settings) or not uses_managed_identity(settings):
        return
    client = context.monitor()
    association = quiet(lambda: client.data_collection_rule_associations.get(context.cluster_id, ASSOCIATION))
    rule_ids = [association.data_collection_rule_id] if association and association.data_collection_rule_id else []
    if association is not None:
        quiet(lambda: client.data_collection_rule_associations.delete(context.cluster_id, ASSOCIATION),
              'Deleted data collection rule association ' + association.id)
    # The name the official tool deletes by (the cluster's region), for a rule no association points to any more.
    fallback = quiet(lambda: _names(context, context.cluster_location)[0])
    if fallback:
        rule_ids.append(f'/subscriptions/{context.subscription}/resourceGroups/{context.target.ref.resource_group}/'
                        f'providers/Microsoft.Insights/dataCollectionRules/{fallback}')
    for rule_id in {rule_id.lower(): rule_id for rule_id in rule_ids if _is_ours(context, rule_id)}.values():
        parts = parse_resource_id(rule_id)
        rule = quiet(lambda p=parts: client.data_collection_rules.get(p['resource_group'], p['name']))
        if rule is None:
            continue
        quiet(lambda p=parts: client.data_collection_rules.delete(p['resource_group'], p['name']),
              'Deleted data collection rule ' + rule.id)
        endpoint_id = rule.data_collection_endpoint_id or ''
        endpoint = parse_resource_id(endpoint_id) if endpoint_id else {}
        if endpoint.get('name', '').startswith('MSCI-ingest-'):
            quiet(lambda e=endpoint: client.data_collection_endpoints.delete(e['resource_group'], e['name']),
                  'Deleted data collection endpoint ' + endpoint_id)


def _is_ours(context, rule_id):
    """A Container Insights rule of this cluster, named as the official tool and aksext name it, MSCI-<region>-
    <cluster> in the cluster's resource group (a user's own rule stays)."""
    parts = parse_resource_id(rule_id)
    region = re.match(r'MSCI-([a-z0-9]+)-', parts.get('name', ''), re.IGNORECASE)
    return (region is not None and parts.get('resource_group', '').lower() == context.target.ref.resource_group.lower()
            and _names(context, region.group(1))[0].lower() == parts['name'].lower())


def _region(location):
    return (location or '').replace(' ', '').lower()


TYPE = ContainerInsights()
