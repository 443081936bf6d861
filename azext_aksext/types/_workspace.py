"""The Log Analytics workspace behind Container Insights and Defender: the default one (resource group
DefaultResourceGroup-<code> and workspace DefaultWorkspace-<subscription>-<code>, placed as `az aks` places
them), its customer ID and shared key, and the settings both extension types receive from it."""
from azure.mgmt.core.tools import parse_resource_id

from ._context import CREATED_BY_TAG, is_missing

WORKSPACE_API = '2015-11-01-preview'  # the version `az aks` and the official tool create the workspace with

# cloud -> (azure-cli's region -> workspace region map, region -> code map, default region, default code).
# The maps themselves are read from azure-cli's `az aks` module, which keeps them current.
CLOUD_MAPS = {
    'azurecloud': ('AzureCloudRegionToOmsRegionMap', 'AzureCloudLocationToOmsRegionCodeMap', 'eastus', 'EUS'),
    'azurechinacloud': ('AzureChinaRegionToOmsRegionMap', 'AzureChinaLocationToOmsRegionCodeMap', 'chinaeast2',
                        'EAST2'),
    'azureusgovernment': ('AzureFairfaxRegionToOmsRegionMap', 'AzureFairfaxLocationToOmsRegionCodeMap',
                          'usgovvirginia', 'USGV'),
    'usnat': ('AzureUSNatRegionToOmsRegionMap', 'AzureUSNatLocationToOmsRegionCodeMap', 'usnatwest', 'USNW'),
    'ussec': ('AzureUSSecRegionToOmsRegionMap', 'AzureUSSecLocationToOmsRegionCodeMap', 'ussecwest', 'USSW'),
}

# The agent's ingestion domain outside the public cloud.
CLOUD_DOMAINS = {'azurechinacloud': 'opinsights.azure.cn', 'azureusgovernment': 'opinsights.azure.us',
                 'usnat': 'opinsights.azure.eaglex.ic.gov', 'ussec': 'opinsights.azure.microsoft.scloud'}

WORKSPACE_KEY = 'logAnalyticsWorkspaceResourceID'
NOT_USED = '<not_used>'


def workspace_region(cloud, cluster_location):
    """(workspace region, region code) for a cluster location. A cloud not listed (a private or test cloud)
    uses the public cloud's maps."""
    region_map, code_map, region, code = CLOUD_MAPS.get(cloud, CLOUD_MAPS['azurecloud'])
    try:
        from azure.cli.command_modules.acs import addonconfiguration as maps
    except ImportError:  # az without its aks module: every cluster gets the cloud's default workspace region
        return region, code
    region = getattr(maps, region_map, {}).get(cluster_location, region)
    return region, getattr(maps, code_map, {}).get(region, code)


def default_workspace(context):
    """The ID of the default workspace for the cluster's region, created (with its resource group) if missing."""
    region, code = workspace_region(context.cloud, context.cluster_location)
    group = 'DefaultResourceGroup-' + code
    workspace_id = (f'/subscriptions/{context.subscription}/resourceGroups/{group}/providers/'
                    f'Microsoft.OperationalInsights/workspaces/DefaultWorkspace-{context.subscription}-{code}')
    client = context.resources()
    if context.step('check resource group ' + group, lambda: client.resource_groups.check_existence(group)):
        try:
            found = client.resources.get_by_id(workspace_id, WORKSPACE_API)
            context.found('Log Analytics workspace', context.require(found.id, 'read ' + workspace_id, 'id'))
            return found.id
        except Exception as err:  # pylint: disable=broad-except
            if not is_missing(err):
                raise context.failure('read Log Analytics workspace ' + workspace_id, err) from err
    else:
        context.step('create resource group ' + group, lambda: client.resource_groups.create_or_update(
            group, {'location': region, 'tags': CREATED_BY_TAG}))
        context.made('resource group', f'/subscriptions/{context.subscription}/resourceGroups/{group}')
    from azure.cli.core.profiles import ResourceType
    generic = context.cmd.get_models('GenericResource', resource_type=ResourceType.MGMT_RESOURCE_RESOURCES)
    body = generic(location=region, tags=CREATED_BY_TAG, properties={'sku': {'name': 'standalone'}})
    what = 'create Log Analytics workspace ' + workspace_id
    created = context.step(what, lambda: client.resources.begin_create_or_update_by_id(
        workspace_id, WORKSPACE_API, body).result())
    context.made('Log Analytics workspace', context.require(created.id, what, 'id'))
    return created.id


def resolve_workspace(context, settings):
    """The workspace the settings name, or the default one; the settings then name it."""
    workspace_id = (settings.get(WORKSPACE_KEY) or '').strip().rstrip('/')
    if not workspace_id:
        workspace_id = default_workspace(context)
    settings[WORKSPACE_KEY] = workspace_id
    return workspace_id


def read_workspace(context, workspace_id, with_key):
    """(workspace model, primary shared key or None) from the workspace's own subscription."""
    parts = parse_resource_id(workspace_id)
    client = context.log_analytics(parts['subscription'])
    what = 'read Log Analytics workspace ' + workspace_id
    workspace = context.step(what, lambda: client.workspaces.get(parts['resource_group'], parts['name']))
    # Without its customer ID the agent has nowhere to send data; without its location no rule can be placed.
    for field, value in (('customerId', workspace.customer_id), ('id', workspace.id), ('location', workspace.location)):
        context.require(value, what, field)
    key = None
    if with_key:
        what = 'read the shared key of workspace ' + workspace_id
        key = context.require(context.step(what, lambda: client.shared_keys.get_shared_keys(
            parts['resource_group'], parts['name']).primary_shared_key), what, 'primarySharedKey')
    return workspace, key


def agent_settings(context, settings, protected, workspace, key):
    """What the monitoring agent is given: the workspace customer ID and key (protected), the cloud's
    ingestion domain, and the proxy copied where the agent reads it."""
    for prefix in ('omsagent', 'amalogs'):
        protected[prefix + '.secret.wsid'] = workspace.customer_id
        protected[prefix + '.secret.key'] = key or NOT_USED
        domain = CLOUD_DOMAINS.get(context.cloud)
        if domain:
            settings[prefix + '.domain'] = domain
        if protected.get('proxyEndpoint'):
            protected[prefix + '.proxy'] = protected['proxyEndpoint']
    return settings, protected
