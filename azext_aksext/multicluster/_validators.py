"""Input checks of the commands that work across clusters: `list` without a cluster and `rollout`."""
import re

from azure.cli.core.azclierror import ArgumentUsageError, InvalidArgumentValueError, RequiredArgumentMissingError

from .._validators import validate_cluster, validate_names
from ..core.clusters import AKS, cluster_kind

SUBSCRIPTION_ID = re.compile(r'^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
_ACROSS_CLUSTERS_ONLY = (('provisioning_state', '--provisioning-state'), ('version', '--version'),
                         ('subscriptions', '--subscriptions'), ('summary', '--summary'),
                         ('extension_type', '--extension-type'))


def validate_subscriptions(namespace):
    for value in getattr(namespace, 'subscriptions', None) or ():
        if not SUBSCRIPTION_ID.match(value):
            raise InvalidArgumentValueError(
                f"--subscriptions '{value}' is not a subscription ID.",
                "Give subscription IDs (GUIDs); `az account list --query [].id -o tsv` lists yours.")


def validate_list(cmd, namespace):
    """With --cluster-name: the per-cluster list, as before. Without: a Resource Graph inventory."""
    if namespace.cluster_name:
        given = [flag for attribute, flag in _ACROSS_CLUSTERS_ONLY if getattr(namespace, attribute, None)]
        if given:
            raise ArgumentUsageError(
                f"{', '.join(given)} filter(s) the list across clusters and cannot be combined with --cluster-name.",
                f"Drop --cluster-name to search every cluster in scope, or drop {', '.join(given)}.")
        if not namespace.resource_group_name:
            raise RequiredArgumentMissingError("--resource-group/-g is required with --cluster-name/-c.",
                                               "Add -g <resource group of the cluster>.")
        validate_cluster(cmd, namespace)
        return
    validate_names(cmd, namespace)
    validate_subscriptions(namespace)
    if cmd.name.startswith('aks '):
        namespace.cluster_type = AKS
    elif namespace.cluster_type:
        namespace.cluster_type = cluster_kind(namespace.cluster_type).cluster_type


CLUSTER_ID = re.compile(r'^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/[^/]+/[^/]+$', re.IGNORECASE)
COUNT_OR_PERCENT = re.compile(r'^\d+%?$')


def _split_ids(values):
    """--clusters values; `@file` arrives as the file's text (az expands it): IDs separated by space or newline."""
    return [part for value in values or () for part in re.split(r'[\s,]+', value) if part]


def validate_rollout(cmd, namespace):
    from .._validators import validate_scope, validate_settings, validate_version_flags
    validate_names(cmd, namespace)
    validate_subscriptions(namespace)
    validate_version_flags(namespace)
    validate_settings(namespace)
    validate_scope(namespace)
    namespace.clusters = _split_ids(namespace.clusters) or None
    for value in namespace.clusters or ():
        if not CLUSTER_ID.match(value):
            raise InvalidArgumentValueError(
                f"--clusters '{value}' is not the resource ID of a cluster.",
                "Give IDs like /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/"
                "managedClusters/<name>, or @file with one ID a line.")
    if namespace.clusters and (namespace.resource_group_name or namespace.tags or namespace.subscriptions):
        raise ArgumentUsageError("--clusters names the targets, so -g, --tags and --subscriptions cannot be added.",
                                 "Give either --clusters or a selector (-g, --tags, --subscriptions, --cluster-type).")
    if cmd.name.startswith('aks '):
        namespace.cluster_type = [AKS]
    else:
        namespace.cluster_type = [cluster_kind(value).cluster_type for value in namespace.cluster_type or ()] or None
    tags = {}
    for pair in namespace.tags or ():
        key, separator, value = pair.partition('=')
        if not separator or not key:
            raise InvalidArgumentValueError(f"--tags '{pair}' is not key=value.", "For example: --tags env=prod")
        tags[key] = value
    namespace.tags = tags or None
    for flag, attribute in (('--max-parallel', 'max_parallel'), ('--max-failures', 'max_failures')):
        value = str(getattr(namespace, attribute)).strip()
        if not COUNT_OR_PERCENT.match(value) or (attribute == 'max_parallel' and value.rstrip('%') in ('0', '')):
            raise InvalidArgumentValueError(f"{flag} '{value}' is not a count or a percentage.",
                                            f"For example: {flag} 20 or {flag} 10%.")
        setattr(namespace, attribute, value)
    if namespace.canary is None or namespace.canary < 0:
        raise InvalidArgumentValueError('--canary must be 0 or more clusters.', 'For example: --canary 1')
