"""Check 1 (see checks/__init__.py): the cluster. An AKS cluster must exist and have a managed identity (extensions
do not work on service-principal clusters); its location and Kubernetes version serve the later checks. Other
kinds of cluster are read, as generic resources, only for their Kubernetes version and distribution."""
from azure.cli.core.azclierror import ResourceNotFoundError, ValidationError

from ..core.clusters import AKS, cluster_kind, describe
from ..core.errors import translate
from . import reading, unanswered, warn_unread


def check_aks_cluster(cmd, target):
    """(location, readable): the cluster's location when known, and False when it could not be read (that was said).

    Only AKS clusters are read here; another kind gives (its location if a rollout listed it, True)."""
    if target.ref.cluster_type != AKS:
        return getattr(target.reads, 'location', None), True
    if not reading(target):
        return None, False
    try:
        cluster = target.reads.aks_cluster(cmd, target)
    except Exception as err:  # pylint: disable=broad-except
        if getattr(translate(err, target, 'check the cluster of'), 'missing', None) in ('cluster', 'target'):
            raise ResourceNotFoundError(
                f"Cluster not found: there is no AKS cluster '{target.ref.name}' in resource group "
                f"'{target.ref.resource_group}'.",
                "Check -c/--cluster-name and -g/--resource-group (`az aks list -o table` lists your clusters)."
            ) from err
        unanswered(target, f"read AKS cluster '{target.ref.name}' to check it before sending", err)
        return None, False
    refuse_service_principal(target, cluster.identity_type)
    target.facts = cluster.facts  # the version checks read its Kubernetes version from here
    return cluster.location if isinstance(cluster.location, str) else None, True


def refuse_service_principal(target, identity_type):
    """Extensions need the AKS cluster's managed identity: a cluster without one runs on a service principal."""
    if str(identity_type or 'None').lower().endswith('none'):
        raise ValidationError(
            f"AKS cluster '{target.ref.name}' uses a service principal, and cluster extensions need a managed "
            "identity.",
            f"Switch it to a managed identity first: az aks update -g {target.ref.resource_group} -n "
            f"{target.ref.name} --enable-managed-identity")


def read_cluster_facts(cmd, target, *, check=True):
    """The cluster's Kubernetes version and distribution, or None (after one warning) when they cannot be read.

    When check 1 has read the AKS cluster already, its answer is used. check: this read is one of a write's checks
    (a failure then ends them: checks.unanswered); False for a read that only informs (list-upgrades)."""
    if getattr(target, 'facts', None) is not None:
        return target.facts
    if cluster_kind(target.ref.cluster_type).version_key is None:
        return None  # a fleet hub runs no workloads: its extensions' versions carry no exclusions for it
    try:
        return target.reads.cluster_facts(cmd, target)
    except Exception as err:  # pylint: disable=broad-except
        what, then = f"read the Kubernetes version of {describe(target.ref)}", 'the service checks that the ' \
            'extension version supports it'
        if check:
            unanswered(target, what, err, then)
        else:
            warn_unread(what, err, then)
        return None
