"""Cluster kinds: one table of everything aksext knows about each --cluster-type, and the ARM IDs built from it."""
from collections import OrderedDict, namedtuple

from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError

ClusterKind = namedtuple('ClusterKind', [
    'cluster_type',         # the --cluster-type spelling the service expects, e.g. managedClusters
    'providers',            # resource providers that host this kind; the first is the default
    'needs_provider_flag',  # True when --cluster-resource-provider must be given
    'api_version',          # the api-version aksext reads such a cluster with, as a generic resource
    'graph_type',           # the cluster's resource type in Azure Resource Graph (lower case)
    'version_key',          # its key in a version's unsupportedKubernetesVersions; None: no Kubernetes version
    'accepts_any_type',     # False: only the extension types that name this kind may be installed on it
    'extension_identity',   # True: its extensions get a system-assigned identity of their own
    'identity_api_version',  # the api-version the official tool reads the cluster with before such a create
    'label',                # what users call it, in messages
])

AKS = 'managedClusters'
ARC = 'connectedClusters'
FLEETS = 'fleets'

# Keyed by the lower-cased --cluster-type value; the service is case-insensitive but expects these spellings.
KINDS = OrderedDict((kind.cluster_type.lower(), kind) for kind in (
    # AKS extensions use the cluster's own identity.
    ClusterKind(AKS, ('Microsoft.ContainerService',), needs_provider_flag=False, api_version='2025-03-01',
                graph_type='microsoft.containerservice/managedclusters', version_key='managedCluster',
                accepts_any_type=True, extension_identity=False, identity_api_version=None, label='AKS cluster'),
    ClusterKind(ARC, ('Microsoft.Kubernetes',), needs_provider_flag=False, api_version='2024-01-01',
                graph_type='microsoft.kubernetes/connectedclusters', version_key='connectedCluster',
                accepts_any_type=True, extension_identity=True, identity_api_version='2021-10-01',
                label='Arc-enabled Kubernetes cluster'),
    ClusterKind('appliances', ('Microsoft.ResourceConnector',), needs_provider_flag=False, api_version='2022-10-27',
                graph_type='microsoft.resourceconnector/appliances', version_key='appliances',
                accepts_any_type=True, extension_identity=True, identity_api_version='2021-10-31-preview',
                label='Arc resource bridge'),
    ClusterKind('provisionedClusters', ('Microsoft.HybridContainerService',), needs_provider_flag=True,
                api_version='2024-01-01', graph_type='microsoft.hybridcontainerservice/provisionedclusters',
                version_key='provisionedCluster', accepts_any_type=True, extension_identity=True,
                identity_api_version='2022-05-01-preview', label='AKS cluster enabled by Arc'),
    # An AKS Fleet Manager hub runs no workloads of its own: it has no Kubernetes version to check.
    ClusterKind(FLEETS, ('Microsoft.ContainerService',), needs_provider_flag=False, api_version='2026-06-01',
                graph_type='microsoft.containerservice/fleets', version_key=None, accepts_any_type=False,
                extension_identity=True, identity_api_version='2026-06-01', label='fleet'),
))
CLUSTER_TYPE_NAMES = [kind.cluster_type for kind in KINDS.values()]
# What a selector across clusters covers when no --cluster-type is given.
DEFAULT_TARGET_TYPES = (AKS, ARC)

ClusterRef = namedtuple('ClusterRef', 'resource_group provider cluster_type name')


def cluster_kind(cluster_type):
    kind = KINDS.get((cluster_type or '').lower())
    if kind is None:
        raise InvalidArgumentValueError(
            f"Unknown cluster type '{cluster_type}' given to --cluster-type/-t.",
            f"Use one of: {', '.join(CLUSTER_TYPE_NAMES)}.")
    return kind


def canonical_type(cluster_type):
    """The --cluster-type spelling of a cluster type in any case (managedclusters: managedClusters); a type aksext
    does not know is kept as given."""
    kind = KINDS.get((cluster_type or '').lower())
    return kind.cluster_type if kind else cluster_type


def kind_of_resource_type(resource_type):
    """The ClusterKind of a resource type as ARM or Resource Graph spells it (any case), or None."""
    wanted = (resource_type or '').lower()
    return next((kind for kind in KINDS.values() if kind.graph_type == wanted), None)


def resolve_provider(cluster_type, cluster_rp):
    """Return (provider namespace, canonical cluster type) for the user's flags, or raise naming the fix."""
    kind = cluster_kind(cluster_type)
    if cluster_rp is None:
        if kind.needs_provider_flag:
            raise RequiredArgumentMissingError(
                f"--cluster-resource-provider is required when --cluster-type is {kind.cluster_type}.",
                f"Add --cluster-resource-provider {kind.providers[0]}.")
        return kind.providers[0], kind.cluster_type
    for provider in kind.providers:
        if provider.lower() == cluster_rp.lower():
            return provider, kind.cluster_type
    raise InvalidArgumentValueError(
        f"--cluster-resource-provider '{cluster_rp}' does not host clusters of type {kind.cluster_type}.",
        f"Use --cluster-resource-provider {' or '.join(kind.providers)} or leave it out.")


def cluster_ref(resource_group, cluster_name, cluster_type, cluster_rp=None):
    provider, spelled = resolve_provider(cluster_type, cluster_rp)
    return ClusterRef(resource_group, provider, spelled, cluster_name)


def cluster_id(subscription, ref):
    return (f'/subscriptions/{subscription}/resourceGroups/{ref.resource_group}/providers/{ref.provider}/'
            f'{ref.cluster_type}/{ref.name}')


# The extensions api-version: the only one the extensions SDK (setup.py) speaks. Reads of an extension through another
# client (ARM's check-existence) name it.
EXTENSIONS_API_VERSION = '2025-03-01'


def extension_id(subscription, ref, name):
    return f'{cluster_id(subscription, ref)}/providers/Microsoft.KubernetesConfiguration/extensions/{name}'


def parse_cluster_id(resource_id):
    """(subscription, resource group, provider, cluster type, cluster name) of a cluster or extension ID."""
    parts = resource_id.split('/')
    return parts[2], parts[4], parts[6], parts[7], parts[8]


def cluster_id_of(extension_id_):
    """The cluster part of an extension's ID."""
    return '/'.join(extension_id_.split('/')[:9])


def sdk_path_args(ref):
    """The positional arguments every extensions SDK call starts with."""
    return ref.resource_group, ref.provider, ref.cluster_type, ref.name


def describe(ref):
    return f"{ref.cluster_type} cluster '{ref.name}' in resource group '{ref.resource_group}'"
