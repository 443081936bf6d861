"""The Log Analytics workspace behind Container Insights and Defender: the default one (resource group
DefaultResourceGroup-<code> and workspace DefaultWorkspace-<subscription>-<code>), its customer ID and shared key,
and the settings both extension types receive from it.

Where the default workspace goes: k8s-extension places it by a region table of its own, an older one than `az
aks` uses (westus3 gets eastus there, centralindia the code CIN where `az aks` says CID). aksext creates it where
k8s-extension does, so that clusters onboarded by either tool share one workspace; before creating one it looks for
the workspace under both namings (k8s-extension's, then `az aks`'s) and reuses what it finds."""
from azure.mgmt.core.tools import parse_resource_id

from ._context import CREATED_BY_TAG

WORKSPACE_API = '2015-11-01-preview'  # the version `az aks` and the official tool create the workspace with

# k8s-extension's placement, per cloud: (default region, default code, {workspace region: (its code, the other
# cluster regions whose workspace it holds)}). A cluster region not named holds its own workspace if it is a key,
# else gets the defaults.
K8S_EXTENSION_PLACEMENT = {
    'azurecloud': ('eastus', 'EUS', {
        'australiacentral': ('CAU', ('australiacentral2',)),
        'australiaeast': ('EAU', ()),
        'australiasoutheast': ('ASE', ()),
        'canadacentral': ('CCA', ('canadaeast',)),
        'centralindia': ('CIN', ('southindia', 'westindia')),
        'centralus': ('CUS', ()),
        'eastasia': ('EA', ()),
        'eastus': ('EUS', ('northcentralus', 'westcentralus')),
        'eastus2': ('EUS2', ()),
        'eastus2euap': ('EAP', ()),
        'francecentral': ('PAR', ('francesouth',)),
        'japaneast': ('EJP', ('japanwest',)),
        'koreacentral': ('SE', ('koreasouth',)),
        'northeurope': ('NEU', ()),
        'southcentralus': ('SCUS', ('brazilsouth',)),
        'southeastasia': ('SEA', ()),
        'uksouth': ('SUK', ('ukwest',)),
        'westeurope': ('WEU', ('southafricanorth', 'southafricawest')),
        'westus': ('WUS', ()),
        'westus2': ('WUS2', ()),
    }),
    'azurechinacloud': ('chinaeast2', 'EAST2', {'chinaeast2': ('EAST2', ('chinaeast', 'chinanorth', 'chinanorth2'))}),
    'azureusgovernment': ('usgovvirginia', 'USGV', {'usgovvirginia': ('USGV', ())}),
}

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


def k8s_extension_region(cloud, cluster_location):
    """(workspace region, region code) where k8s-extension puts the default workspace of a cluster location; None in
    a cloud it has no table for (there aksext follows `az aks`)."""
    if cloud not in K8S_EXTENSION_PLACEMENT:
        return None
    region, code, regions = K8S_EXTENSION_PLACEMENT[cloud]
    for workspace_region, (workspace_code, served) in regions.items():
        if cluster_location == workspace_region or cluster_location in served:
            return workspace_region, workspace_code
    return region, code


def aks_region(cloud, cluster_location):
    """(workspace region, region code) where `az aks` puts the default workspace of a cluster location. A cloud not
    listed (a private or test cloud) uses the public cloud's maps."""
    region_map, code_map, region, code = CLOUD_MAPS.get(cloud, CLOUD_MAPS['azurecloud'])
    try:
        from azure.cli.command_modules.acs import addonconfiguration as maps
    except ImportError:  # az without its aks module: every cluster gets the cloud's default workspace region
        return region, code
    region = getattr(maps, region_map, {}).get(cluster_location, region)
    return region, getattr(maps, code_map, {}).get(region, code)


def workspace_regions(cloud, cluster_location):
    """Where the default workspace may already be, in the order it is looked for: k8s-extension's placement (also
    where a new one goes), then `az aks`'s. A private or test cloud is placed as the public cloud."""
    placements = [k8s_extension_region(cloud if cloud in CLOUD_MAPS else 'azurecloud', cluster_location),
                  aks_region(cloud, cluster_location)]
    return [place for index, place in enumerate(placements) if place and place not in placements[:index]]


def _default_workspace_id(context, code):
    return (f'/subscriptions/{context.subscription}/resourceGroups/DefaultResourceGroup-{code}/providers/'
            f'Microsoft.OperationalInsights/workspaces/DefaultWorkspace-{context.subscription}-{code}')


def default_workspace(context):
    """The ID of the default workspace for the cluster's region: one found under either naming, or one created
    (with its resource group) where k8s-extension places it."""
    client = context.resources()
    places = workspace_regions(context.cloud, context.cluster_location)
    groups = {}
    for _, code in places:
        group = 'DefaultResourceGroup-' + code
        groups[code] = context.step('check resource group ' + group,
                                    lambda g=group: client.resource_groups.check_existence(g))
        if groups[code]:
            workspace_id = _default_workspace_id(context, code)
            found = context.get_or_none('read Log Analytics workspace ' + workspace_id,
                                        lambda w=workspace_id: client.resources.get_by_id(w, WORKSPACE_API))
            if found is not None:
                found_id = context.require(found.id, 'read ' + workspace_id, 'id')
                context.found('Log Analytics workspace', found_id)
                return found_id
    region, code = places[0]
    group, workspace_id = 'DefaultResourceGroup-' + code, _default_workspace_id(context, code)
    if not groups[code]:
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
