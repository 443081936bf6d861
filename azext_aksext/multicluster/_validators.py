"""Input checks of the commands that work across clusters: `list` without a cluster and `rollout`."""
import re

from azure.cli.core.azclierror import (ArgumentUsageError, InvalidArgumentValueError, MutuallyExclusiveArgumentError,
                                       RequiredArgumentMissingError)

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


COUNT_OR_PERCENT = re.compile(r'^\d+%?$')


def validate_rollout(cmd, namespace):
    from .._validators import check_wait_flags, validate_scope, validate_settings, validate_version_flags
    from ..core.defaults import ROLLOUT_MAX_PARALLEL_LIMIT
    from .targets import parse_cluster_ids
    validate_names(cmd, namespace)
    validate_subscriptions(namespace)
    check_wait_flags(namespace)
    namespace.extension_type = (namespace.extension_type or '').lower() or None
    validate_version_flags(namespace)
    validate_settings(namespace)
    validate_scope(namespace)
    if cmd.name.startswith('aks '):
        namespace.cluster_type = [AKS]
    else:
        namespace.cluster_type = [cluster_kind(value).cluster_type for value in namespace.cluster_type or ()] or None
    if namespace.clusters is not None:
        # Exactly the clusters listed, or an error: an empty or unreadable list never widens to a selector.
        namespace.clusters = parse_cluster_ids(namespace.clusters, namespace.cluster_type)
    if namespace.clusters and (namespace.resource_group_name or namespace.tags or namespace.subscriptions):
        raise ArgumentUsageError("--clusters names the targets, so -g, --tags and --subscriptions cannot be added.",
                                 "Give either --clusters or a selector (-g, --tags, --subscriptions, --cluster-type).")
    namespace.tags = _tags(namespace.tags)
    for flag, attribute in (('--max-parallel', 'max_parallel'), ('--max-failures', 'max_failures')):
        value = str(getattr(namespace, attribute)).strip()
        if not COUNT_OR_PERCENT.match(value) or (attribute == 'max_parallel' and value.rstrip('%') in ('0', '')):
            raise InvalidArgumentValueError(f"{flag} '{value}' is not a count or a percentage.",
                                            f"For example: {flag} 20 or {flag} 10%.")
        if value.endswith('%') and int(value[:-1]) > 100:
            raise InvalidArgumentValueError(f"{flag} '{value}' is more than all of the clusters.",
                                            f"Give at most {flag} 100%.")
        if attribute == 'max_parallel' and not value.endswith('%') and int(value) > ROLLOUT_MAX_PARALLEL_LIMIT:
            raise InvalidArgumentValueError(
                f"--max-parallel {value} is more clusters at once than a rollout runs (at most "
                f"{ROLLOUT_MAX_PARALLEL_LIMIT}); ARM's request limits would hold it back anyway.",
                f"Give at most --max-parallel {ROLLOUT_MAX_PARALLEL_LIMIT}, or a percentage.")
        setattr(namespace, attribute, value)
    if namespace.canary is None or not 0 <= namespace.canary <= ROLLOUT_MAX_PARALLEL_LIMIT:
        raise InvalidArgumentValueError(f'--canary must be from 0 to {ROLLOUT_MAX_PARALLEL_LIMIT} clusters.',
                                        'For example: --canary 1')
    validate_gates(namespace)
    _fixed_name(namespace)


def _exclusive(namespace, flag, others, fix):
    given = [name for attribute, name in others if getattr(namespace, attribute, None)]
    if given:
        raise MutuallyExclusiveArgumentError(f"{flag} cannot be combined with {', '.join(given)}.", fix)


def validate_gates(namespace):
    """--soak, --pause-after, --approve, the window flags, --rollback and --on-failure: each checked alone and
    against the others, before anything is sent."""
    from .gates import parse_duration, parse_pause_point
    from .windows import parse_window
    namespace.soak = parse_duration(getattr(namespace, 'soak', None) or '0')
    namespace.pause_after = [str(value).strip().lower() for value in getattr(namespace, 'pause_after', None) or ()]
    for value in namespace.pause_after:
        parse_pause_point(value)
    if namespace.approve:
        _exclusive(namespace, '--approve', (('dry_run', '--dry-run'),),
                   'A dry run sends nothing, so it has nothing to approve: drop --dry-run to go on past the pause, '
                   'or --approve to see the plan.')
    if namespace.rollback and namespace.on_failure == 'rollback':
        raise MutuallyExclusiveArgumentError('--on-failure rollback starts a rollback of a rollout; --rollback is one.',
                                             'Drop --on-failure.')
    if namespace.ignore_windows:
        _exclusive(namespace, '--ignore-windows',
                   (('window', '--window'), ('maintenance_config', '--maintenance-config'),
                    ('outside_window', '--outside-window')),
                   'Drop --ignore-windows to honour windows, or the window flags to write at any time.')
    if namespace.window is not None:
        parse_window(namespace.window)
    if namespace.maintenance_config is not None and not namespace.maintenance_config.strip():
        raise InvalidArgumentValueError('--maintenance-config is empty.',
                                        'Give a maintenance configuration name, e.g. --maintenance-config default.')


def _tags(pairs):
    """--tags key=value ...: all must match, so a key given twice is a contradiction, not a choice."""
    tags = {}
    for pair in pairs or ():
        key, separator, value = pair.partition('=')
        if not separator or not key:
            raise InvalidArgumentValueError(f"--tags '{pair}' is not key=value.", "For example: --tags env=prod")
        if key in tags:
            raise InvalidArgumentValueError(
                f"--tags gives the key '{key}' twice ('{key}={tags[key]}' and '{pair}'); every tag must match, so a "
                "cluster cannot have both.",
                f"Give '{key}' once, or run one rollout per value.")
        tags[key] = value
    return tags or None


def _fixed_name(namespace):
    """A type installed under one name only (Container Insights, ...): the rollout targets that name, as create
    would (with its warning), before the extension is looked up on any cluster."""
    if namespace.extension_type:
        from ..types._rules import instance_name
        namespace.name = instance_name(namespace.name, namespace.extension_type)
