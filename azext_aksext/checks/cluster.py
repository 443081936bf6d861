"""Check 1 (see checks/__init__.py): the cluster. An AKS cluster must exist and have a managed identity (extensions
do not work on service-principal clusters); its location and Kubernetes version serve the later checks. Other
kinds of cluster are read, as generic resources, only for their Kubernetes version and distribution."""
from azure.cli.core.azclierror import ResourceNotFoundError, ValidationError

from ..core.answers import mapping, text
from ..core.clusters import AKS, cluster_id, cluster_kind, describe
from ..core.compatibility import ClusterFacts
from ..core.errors import translate
from . import reading, unanswered, warn_unread


def check_aks_cluster(cmd, target):
    """(location, readable): the AKS cluster's location, and False when it could not be read (that was said).

    Other kinds of cluster are not read here: (None, True)."""
    if target.ref.cluster_type != AKS:
        return None, True
    if not reading(target):
        return None, False
    from .._client_factory import cf_managed_clusters
    try:
        cluster = cf_managed_clusters(cmd.cli_ctx).get(target.ref.resource_group, target.ref.name, retry_total=1)
        identity_type = str(getattr(getattr(cluster, 'identity', None), 'type', None) or 'None')
        location = getattr(cluster, 'location', None)
    except Exception as err:  # pylint: disable=broad-except
        if getattr(translate(err, target, 'check the cluster of'), 'missing', None) in ('cluster', 'target'):
            raise ResourceNotFoundError(
                f"Cluster not found: there is no AKS cluster '{target.ref.name}' in resource group "
                f"'{target.ref.resource_group}'.",
                "Check -c/--cluster-name and -g/--resource-group (`az aks list -o table` lists your clusters)."
            ) from err
        unanswered(target, f"read AKS cluster '{target.ref.name}' to check it before sending", err)
        return None, False
    if identity_type.lower().endswith('none'):
        raise ValidationError(
            f"AKS cluster '{target.ref.name}' uses a service principal, and cluster extensions need a managed "
            "identity.",
            f"Switch it to a managed identity first: az aks update -g {target.ref.resource_group} -n {target.ref.name} "
            "--enable-managed-identity")
    target.aks_cluster = cluster  # the version checks read its Kubernetes version from here
    return location if isinstance(location, str) else None, True


def read_cluster_facts(cmd, ref, aks_cluster=None, target=None):
    """The cluster's Kubernetes version and distribution, or None (after one warning) when they cannot be read.

    aks_cluster: the AKS cluster (ContainerService model) when check 1 has read it already. target: the command's
    target, when this read is one of a write's checks (a failure then ends them: checks.unanswered)."""
    if aks_cluster is not None:
        return ClusterFacts(ref.cluster_type, text(getattr(aks_cluster, 'current_kubernetes_version', None)) or
                            text(getattr(aks_cluster, 'kubernetes_version', None)), 'AKS')
    kind = cluster_kind(ref.cluster_type)
    if kind.version_key is None:
        return None  # a fleet hub runs no workloads: its extensions' versions carry no exclusions for it
    from azure.cli.core.commands.client_factory import get_subscription_id
    from .._client_factory import cf_resources
    try:
        resource = cf_resources(cmd.cli_ctx).resources.get_by_id(
            cluster_id(get_subscription_id(cmd.cli_ctx), ref), kind.api_version, retry_total=1)
        properties = mapping(getattr(resource, 'properties', None))
    except Exception as err:  # pylint: disable=broad-except
        what, then = f"read the Kubernetes version of {describe(ref)}", 'the service checks that the extension ' \
            'version supports it'
        if target is None:
            warn_unread(what, err, then)
        else:
            unanswered(target, what, err, then)
        return None
    return facts_of(ref, properties)


def facts_of(ref, properties):
    """The Kubernetes version and distribution of a cluster, from the properties of its generic resource."""
    kubernetes_version = text(properties.get('currentKubernetesVersion')) or text(properties.get('kubernetesVersion'))
    distribution = 'AKS' if ref.cluster_type == AKS else text(properties.get('distribution'))
    return ClusterFacts(ref.cluster_type, kubernetes_version, distribution)
