"""Input checks of the commands that work across clusters: `list` without a cluster and `rollout`."""
import re

from azure.cli.core.azclierror import ArgumentUsageError, InvalidArgumentValueError, RequiredArgumentMissingError

from ._validators import AKS_CLUSTER_TYPE, validate_cluster, validate_names
from .cluster import cluster_kind

SUBSCRIPTION_ID = re.compile(r'^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
_FLEET_ONLY = (('provisioning_state', '--provisioning-state'), ('version', '--version'),
               ('subscriptions', '--subscriptions'), ('summary', '--summary'), ('extension_type', '--extension-type'))


def validate_subscriptions(namespace):
    for value in getattr(namespace, 'subscriptions', None) or ():
        if not SUBSCRIPTION_ID.match(value):
            raise InvalidArgumentValueError(
                "--subscriptions '{}' is not a subscription ID.".format(value),
                "Give subscription IDs (GUIDs); `az account list --query [].id -o tsv` lists yours.")


def validate_list(cmd, namespace):
    """With --cluster-name: the per-cluster list, as before. Without: a Resource Graph inventory."""
    if namespace.cluster_name:
        given = [flag for attribute, flag in _FLEET_ONLY if getattr(namespace, attribute, None)]
        if given:
            raise ArgumentUsageError(
                "{} filter(s) the list across clusters and cannot be combined with --cluster-name.".format(
                    ', '.join(given)),
                "Drop --cluster-name to search every cluster in scope, or drop {}.".format(', '.join(given)))
        if not namespace.resource_group_name:
            raise RequiredArgumentMissingError("--resource-group/-g is required with --cluster-name/-c.",
                                               "Add -g <resource group of the cluster>.")
        validate_cluster(cmd, namespace)
        return
    validate_names(cmd, namespace)
    validate_subscriptions(namespace)
    if cmd.name.startswith('aks '):
        namespace.cluster_type = AKS_CLUSTER_TYPE
    elif namespace.cluster_type:
        namespace.cluster_type = cluster_kind(namespace.cluster_type).resource_name
