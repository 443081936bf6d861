"""Cluster types, their resource providers, and the ARM ids built from them."""
from collections import namedtuple

from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError

ClusterKind = namedtuple('ClusterKind', 'resource_name providers needs_provider_flag')

# Keyed by the lower-cased --cluster-type value; the service is case-insensitive but expects these spellings.
CLUSTER_KINDS = {
    'managedclusters': ClusterKind('managedClusters', ('Microsoft.ContainerService',), False),
    'connectedclusters': ClusterKind('connectedClusters', ('Microsoft.Kubernetes',), False),
    'appliances': ClusterKind('appliances', ('Microsoft.ResourceConnector',), False),
    'provisionedclusters': ClusterKind('provisionedClusters', ('Microsoft.HybridContainerService',), True),
    'fleets': ClusterKind('fleets', ('Microsoft.ContainerService',), False),
}
CLUSTER_TYPE_NAMES = [kind.resource_name for kind in CLUSTER_KINDS.values()]

# The api-versions aksext reads each kind of cluster with as a generic resource (its location, Kubernetes version
# and distribution); a fleet hub is never read.
CLUSTER_API_VERSIONS = {'managedClusters': '2025-03-01', 'connectedClusters': '2024-01-01', 'appliances': '2022-10-27',
                        'provisionedClusters': '2024-01-01'}

ClusterRef = namedtuple('ClusterRef', 'resource_group provider cluster_type name')


def cluster_kind(cluster_type):
    kind = CLUSTER_KINDS.get((cluster_type or '').lower())
    if kind is None:
        raise InvalidArgumentValueError(
            f"Unknown cluster type '{cluster_type}' given to --cluster-type/-t.",
            f"Use one of: {', '.join(CLUSTER_TYPE_NAMES)}.")
    return kind


def resolve_provider(cluster_type, cluster_rp):
    """Return (provider namespace, canonical cluster type) for the user's flags, or raise naming the fix."""
    kind = cluster_kind(cluster_type)
    if cluster_rp is None:
        if kind.needs_provider_flag:
            raise RequiredArgumentMissingError(
                f"--cluster-resource-provider is required when --cluster-type is {kind.resource_name}.",
                f"Add --cluster-resource-provider {kind.providers[0]}.")
        return kind.providers[0], kind.resource_name
    for provider in kind.providers:
        if provider.lower() == cluster_rp.lower():
            return provider, kind.resource_name
    raise InvalidArgumentValueError(
        f"--cluster-resource-provider '{cluster_rp}' does not host clusters of type {kind.resource_name}.",
        f"Use --cluster-resource-provider {' or '.join(kind.providers)} or leave it out.")


def cluster_ref(resource_group, cluster_name, cluster_type, cluster_rp=None):
    provider, canonical_type = resolve_provider(cluster_type, cluster_rp)
    return ClusterRef(resource_group, provider, canonical_type, cluster_name)


def cluster_id(subscription, ref):
    return (f'/subscriptions/{subscription}/resourceGroups/{ref.resource_group}/providers/{ref.provider}/'
            f'{ref.cluster_type}/{ref.name}')


def extension_id(subscription, ref, name):
    return f'{cluster_id(subscription, ref)}/providers/Microsoft.KubernetesConfiguration/extensions/{name}'


def sdk_path_args(ref):
    """The positional arguments every extensions SDK call starts with."""
    return ref.resource_group, ref.provider, ref.cluster_type, ref.name


def describe(ref):
    return f"{ref.cluster_type} cluster '{ref.name}' in resource group '{ref.resource_group}'"
