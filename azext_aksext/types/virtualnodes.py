"""Virtual nodes (microsoft.virtualnodes, k8s-extension 1.9.x): AKS only, cluster scope, namespace vn-system (another
is refused, as the official tool refuses it), and only its documented settings (replicaCount,
admissionControllerReplicaCount, podAnnotations, nodeSelector, tolerations, affinity, zones, nodeLabels; the subnet
it runs pods in, aciSubnetName, is set by aksext).

Before anything is sent the cluster must fit, as the official tool checks: a node pool of at least 4 vCPUs and 16 GiB
(the region's VM sizes say), Azure CNI node-subnet networking with the Calico network policy, and node pools on
subnets of the cluster's node resource group. Its companion: the subnet virtualnodes-aci-subnet, delegated to Azure
Container Instances, in the one virtual network of the node resource group, made in the first free /16 of its
address space or reused when it exists (one not delegated is refused). Delete asks first, as the official tool."""
import ipaddress

from azure.cli.core.azclierror import InvalidArgumentValueError, ResourceNotFoundError
from azure.mgmt.core.tools import parse_resource_id

from ..core.clusters import AKS
from ..core.scope import CLUSTER
from ._base import ExtensionType

RELEASE_NAMESPACE = 'vn-system'
ACI_SUBNET = 'virtualnodes-aci-subnet'
ACI_SERVICE = 'Microsoft.ContainerInstance/containerGroups'
SUBNET_PREFIX = 16
MIN_CORES, MIN_MEMORY_GIB = 4, 16
NETWORK_API = '2024-05-01'
SETTINGS = ('replicaCount', 'admissionControllerReplicaCount', 'podAnnotations', 'nodeSelector', 'tolerations',
            'affinity', 'zones', 'nodeLabels')


def check_keys(settings, flag):
    unknown = [key for key in settings or {} if key not in SETTINGS]
    if unknown:
        raise InvalidArgumentValueError(
            f"microsoft.virtualnodes does not take the setting{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} ({flag}).", f"It takes only: {', '.join(SETTINGS)}.")


class VirtualNodes(ExtensionType):
    name = 'microsoft.virtualnodes'
    scopes = (CLUSTER,)
    release_namespace = RELEASE_NAMESPACE
    cluster_types = (AKS,)

    def prepare_settings(self, settings, protected, creating):
        check_keys(settings, '--configuration-settings')
        check_keys(protected, '--config-protected-settings')
        if creating:
            settings = dict(settings, aciSubnetName=ACI_SUBNET)
        return settings, protected

    def prepare_create(self, request, cluster_type):
        if request.release_namespace != RELEASE_NAMESPACE:
            raise InvalidArgumentValueError(
                f"microsoft.virtualnodes installs into namespace {RELEASE_NAMESPACE} only, not "
                f"{request.release_namespace}.", "Leave --release-namespace out.")
        return request

    def before_create(self, context, settings, protected):
        cluster = getattr(context.target, 'aks_cluster', None) or context.step(
            'read the AKS cluster', lambda: context.managed_clusters().get(context.target.ref.resource_group,
                                                                           context.target.ref.name))
        check_node_pools(context, cluster)
        check_network(cluster)
        ensure_aci_subnet(context, cluster)
        return settings, protected


def check_node_pools(context, cluster):
    """One node pool at least must be large enough to run the virtual node's pods."""
    location = (cluster.location or '').replace(' ', '').lower()
    sizes = context.step(f'read the VM sizes of {location}', lambda: {
        size.name.lower(): size for size in context.compute().virtual_machine_sizes.list(location)})
    for pool in cluster.agent_pool_profiles or []:
        size = sizes.get((pool.vm_size or '').lower())
        if size and size.number_of_cores >= MIN_CORES and size.memory_in_mb / 1024 >= MIN_MEMORY_GIB:
            return
    raise InvalidArgumentValueError(
        f"Virtual nodes need a node pool of at least {MIN_CORES} vCPUs and {MIN_MEMORY_GIB} GiB of memory, and no "
        f"node pool of cluster '{cluster.name}' has one.",
        f"Add one, for example: az aks nodepool add -g {context.target.ref.resource_group} --cluster-name "
        f"{cluster.name} -n vnpool --node-vm-size Standard_D4s_v3")


def _text(value):
    """An SDK enum's value, or the text itself."""
    return str(getattr(value, 'value', value) or '')


def check_network(cluster):
    profile = cluster.network_profile
    plugin = _text(getattr(profile, 'network_plugin', None)).lower()
    mode = _text(getattr(profile, 'network_plugin_mode', None)).lower()
    if plugin != 'azure' or mode not in ('', 'none'):
        raise InvalidArgumentValueError(
            f"Virtual nodes need Azure CNI node-subnet networking, and cluster '{cluster.name}' uses network plugin "
            f"'{plugin or 'none'}'{f' in {mode} mode' if mode not in ('', 'none') else ''}.",
            "Use a cluster created with --network-plugin azure (no --network-plugin-mode).")
    policy = _text(getattr(profile, 'network_policy', None))
    if policy.lower() != 'calico':
        raise InvalidArgumentValueError(
            f"Virtual nodes need the Calico network policy, and cluster '{cluster.name}' has "
            f"{repr(policy) if policy else 'none'}.", "Use a cluster with --network-policy calico.")
    node_group = (cluster.node_resource_group or '').lower()
    for pool in cluster.agent_pool_profiles or []:
        if pool.vnet_subnet_id and parse_resource_id(pool.vnet_subnet_id).get('resource_group', '').lower() != \
                node_group:
            raise InvalidArgumentValueError(
                f"Virtual nodes need the cluster's virtual network in its node resource group "
                f"({cluster.node_resource_group}), and node pool '{pool.name}' uses a subnet in resource group "
                f"'{parse_resource_id(pool.vnet_subnet_id).get('resource_group')}'.",
                "A virtual network of your own outside the node resource group is not supported.")


def ensure_aci_subnet(context, cluster):
    """The subnet delegated to Azure Container Instances: reused when it exists, else made in a free /16."""
    group = cluster.node_resource_group
    client = context.resources().resources
    networks = context.step(f'list the virtual networks of {group}', lambda: list(client.list_by_resource_group(
        group, filter="resourceType eq 'Microsoft.Network/virtualNetworks'")))
    if len(networks) != 1:
        error = ResourceNotFoundError if not networks else InvalidArgumentValueError
        raise error(f"Virtual nodes need exactly one virtual network in node resource group '{group}'; it has "
                    f"{len(networks)}.", "Use a cluster whose node resource group holds its one virtual network.")
    network = context.step('read virtual network ' + networks[0].id,
                           lambda: client.get_by_id(networks[0].id, NETWORK_API))
    properties = network.properties or {}
    subnets = properties.get('subnets') or []
    existing = next((subnet for subnet in subnets if subnet.get('name') == ACI_SUBNET), None)
    if existing is not None:
        services = [str((delegation.get('properties') or {}).get('serviceName') or '').lower()
                    for delegation in (existing.get('properties') or {}).get('delegations') or []]
        if ACI_SERVICE.lower() not in services:
            raise InvalidArgumentValueError(
                f"Subnet '{ACI_SUBNET}' of virtual network '{network.name}' exists but is not delegated to "
                f"{ACI_SERVICE}.", f"Delegate it (az network vnet subnet update --delegations {ACI_SERVICE}) or "
                                   "delete it, then run the create again.")
        context.found('subnet', existing.get('id') or f'{network.id}/subnets/{ACI_SUBNET}')
        return
    prefix = free_prefix(properties.get('addressSpace', {}).get('addressPrefixes') or [],
                         [subnet.get('properties') or {} for subnet in subnets])
    if prefix is None:
        raise InvalidArgumentValueError(
            f"Virtual network '{network.name}' has no free /{SUBNET_PREFIX} for subnet '{ACI_SUBNET}'.",
            "Add address space to the virtual network, then run the create again.")
    from azure.cli.core.profiles import ResourceType
    generic = context.cmd.get_models('GenericResource', resource_type=ResourceType.MGMT_RESOURCE_RESOURCES)
    body = generic(properties={'addressPrefix': str(prefix), 'delegations': [
        {'name': 'aci-delegation', 'properties': {'serviceName': ACI_SERVICE}}]})
    subnet_id = f'{network.id}/subnets/{ACI_SUBNET}'
    made = context.step('create subnet ' + subnet_id, lambda: client.begin_create_or_update_by_id(
        subnet_id, NETWORK_API, body).result())
    context.made('subnet', made.id)


def free_prefix(spaces, subnets):
    """The first /16 of the address spaces that no subnet overlaps, or None."""
    used = []
    for subnet in subnets:
        for text in [subnet.get('addressPrefix')] + list(subnet.get('addressPrefixes') or []):
            try:
                used.append(ipaddress.ip_network(text, strict=False))
            except (TypeError, ValueError):
                continue
    for space in spaces:
        try:
            network = ipaddress.ip_network(space, strict=False)
        except ValueError:
            continue
        if network.prefixlen <= SUBNET_PREFIX:
            for candidate in network.subnets(new_prefix=SUBNET_PREFIX):
                if not any(candidate.overlaps(other) for other in used if other.version == candidate.version):
                    return candidate
    return None


TYPE = VirtualNodes()
