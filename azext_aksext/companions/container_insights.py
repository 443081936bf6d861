"""Container Insights (microsoft.azuremonitor.containers): a Log Analytics workspace (the default one when none
is named), then, in managed-identity mode (the default), the data collection rule MSCI-<region>-<cluster> and
its association on the cluster; in legacy mode (amalogs.useAADAuth=false), the ContainerInsights solution and
the workspace's shared key. Delete removes the association, as the official tool does; the rule, the workspace
and the solution stay."""
from knack.log import get_logger
from azure.mgmt.core.tools import parse_resource_id

from .context import CREATED_BY_TAG, is_missing, settings_flag
from .monitor_settings import parse_data_collection_settings
from .workspace import agent_settings, read_workspace, resolve_workspace

logger = get_logger(__name__)

ASSOCIATION = 'ContainerInsightsExtension'
DEFAULT_STREAMS = ['Microsoft-ContainerInsights-Group-Default']
SOLUTION_API = '2015-11-01-preview'


def skip_prerequisites(settings):
    return settings_flag(settings, 'skipPrerequisites')


def uses_managed_identity(settings):
    """omsagent.useAADAuth is read first, then amalogs.useAADAuth, as in the official tool."""
    for key in ('omsagent.useAADAuth', 'amalogs.useAADAuth'):
        if key in settings:
            return settings_flag(settings, key)
    return False


def create(context, settings, protected):
    if skip_prerequisites(settings):
        logger.info("skipPrerequisites=true: no workspace, data collection rule or solution is made.")
        return settings, protected
    if 'omsagent.useAADAuth' not in settings:
        # The official tool adds this even next to omsagent.useAADAuth=false, sending both modes at once.
        settings.setdefault('amalogs.useAADAuth', 'true')
    collection = parse_data_collection_settings(settings)
    workspace_id = resolve_workspace(context, settings)
    managed_identity = uses_managed_identity(settings)
    workspace, key = read_workspace(context, workspace_id, with_key=not managed_identity)
    if managed_identity:
        rule_id = ensure_rule(context, workspace, collection)
        ensure_association(context, rule_id)
    else:
        ensure_solution(context, workspace)
    return agent_settings(context, settings, protected, workspace, key)


def rule_body(workspace, collection, tags):
    streams = (collection or {}).get('streams') or DEFAULT_STREAMS
    extension = {'name': ASSOCIATION, 'streams': streams, 'extensionName': 'ContainerInsights'}
    if collection is not None:
        extension['extensionSettings'] = {'dataCollectionSettings': dict(collection)}
        extension['extensionSettings']['dataCollectionSettings'].setdefault('enableContainerLogV2', True)
    return {'location': _region(workspace.location), 'tags': tags, 'kind': 'Linux', 'properties': {
        'dataSources': {'extensions': [extension]},
        'dataFlows': [{'streams': streams, 'destinations': ['la-workspace']}],
        'destinations': {'logAnalytics': [{'workspaceResourceId': workspace.id, 'name': 'la-workspace'}]}}}


def ensure_rule(context, workspace, collection):
    """The data collection rule; an existing one with the same content is reused, one that differs is updated
    (keeping its tags), as the official tool overwrites it."""
    region = _region(workspace.location)
    name = f'MSCI-{region}-{context.target.ref.name}'[:64]
    group = context.target.ref.resource_group
    rule_id = (f'/subscriptions/{context.subscription}/resourceGroups/{group}/providers/Microsoft.Insights/'
               f'dataCollectionRules/{name}')
    client = context.monitor()
    existing = context.get_or_none('read data collection rule ' + rule_id,
                                   lambda: client.data_collection_rules.get(group, name))
    tags = dict(existing.tags or {}) if existing else dict(CREATED_BY_TAG)
    body = rule_body(workspace, collection, tags)
    if existing is not None and _same_rule(existing, body):
        context.found('data collection rule', existing.id)
        return existing.id
    made = context.step('create data collection rule ' + rule_id,
                        lambda: client.data_collection_rules.create(group, name, body))
    (context.found if existing else context.made)('data collection rule', made.id)
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
    settings = extension.get('configurationSettings') or {}
    if skip_prerequisites(settings) or not uses_managed_identity(settings):
        return
    client = context.monitor()
    try:
        existing = client.data_collection_rule_associations.get(context.cluster_id, ASSOCIATION)
    except Exception as err:  # pylint: disable=broad-except
        if not is_missing(err):
            logger.warning("Could not read data collection rule association %s on the cluster: %s", ASSOCIATION,
                           err)
        return
    try:
        client.data_collection_rule_associations.delete(context.cluster_id, ASSOCIATION)
        logger.info("Deleted data collection rule association %s", existing.id)
    except Exception as err:  # pylint: disable=broad-except
        logger.warning("Could not delete data collection rule association %s (delete it by hand): %s",
                       existing.id, err)


def _region(location):
    return (location or '').replace(' ', '').lower()
