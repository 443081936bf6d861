"""The validation pipeline: every check on the input, run before any request is sent.

Inputs in, checked values or a typed error out. az parses the command line into a namespace (one attribute per
parameter of the command's function) and calls the one command-level validator registered for the command in
commands.py; that validator runs the steps below in order, and each step either raises the most specific
azclierror (the message names the flag and the fix) or writes the checked, normalised value back:

1. names and IDs: `validate_names`, `_check_ids` (well-formed names, no resource ID where a name belongs);
2. cluster: `validate_cluster` (cluster type and resource provider fit; `az aks extension` is always AKS), the
   --timeout/--interval bounds (`check_wait_flags`), and the aksext.extra_reads switch (`checks.extra_reads`);
3. create and update: scope (`core/scope.py`), marketplace plan, --auto-upgrade-mode against
   --auto-upgrade-minor-version and --version (`validate_auto_upgrade_mode`), version pinning against auto-upgrade,
   settings flags and files (`core/settings.py`, read with size, time and depth bounds), then the extension type's
   rules (`types/_rules.py` over the type's module in `types/`, on plain values: a `Request` in, a `Request` out);
4. list and rollout across clusters: `multicluster/_validators.py`;
5. troubleshoot: `validate_troubleshoot` (the namespaces, the kubeconfig file, and the cluster when one is named).

Knack runs argument-level validators (`c.argument(..., validator=...)`) only when the command has no
command-level validator: every command here has one, so a check must be called from it, never attached to an
argument, or it silently never runs.

Checks that need Azure (the cluster, the extension types API, the existing extension) are not validation: they
run in the command after this (checks/, in the order its __init__ gives), and a failed read there warns and lets
the service decide.
"""
import math
import re

from knack.log import get_logger
from azure.cli.core.azclierror import (ArgumentUsageError, InvalidArgumentValueError, MutuallyExclusiveArgumentError,
                                       RequiredArgumentMissingError)

from .core.clusters import AKS, resolve_provider
from .core.defaults import MAX_OPERATION_TIMEOUT, MAX_WAIT_INTERVAL, MIN_WAIT_INTERVAL

# settings, scope and the type rules are imported by the validators of create and update only: show, list, delete
# and wait, the commands scripts run most, do not pay for them.

logger = get_logger(__name__)

# (attribute, flag as shown to the user, pattern, longest length, what the pattern allows)
_NAME_RULES = [
    ('resource_group_name', '--resource-group/-g', r'^[-\w.()]*[-\w()]$', 90,
     'letters, digits, underscores, hyphens, periods and parentheses, not ending in a period'),
    ('cluster_name', '--cluster-name/-c', r'^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$', 260,
     'letters, digits, hyphens, underscores and periods, starting and ending with a letter or digit'),
    ('name', '--name/-n', r'^[A-Za-z0-9]([-.A-Za-z0-9]*[A-Za-z0-9])?$', 253,
     'letters, digits, hyphens and periods, starting and ending with a letter or digit'),
    ('extension_type', '--extension-type', r'^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$', 253,
     'letters, digits, hyphens, underscores and periods, for example microsoft.flux'),
    ('release_namespace', '--release-namespace', r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 63,
     'a Kubernetes namespace name: lower-case letters, digits and hyphens'),
    ('target_namespace', '--target-namespace', r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 63,
     'a Kubernetes namespace name: lower-case letters, digits and hyphens'),
    ('version', '--version', r'^[0-9A-Za-z][-+.0-9A-Za-z]*$', 64, 'a version such as 1.6.0'),
    ('release_train', '--release-train', r'^[A-Za-z0-9][-A-Za-z0-9]*$', 64, 'a release train such as stable'),
]

_SETTINGS_FLAGS = [
    ('configuration_settings', '--configuration-settings', 'configuration_settings_file', '--config-settings-file'),
    ('configuration_protected_settings', '--config-protected-settings',
     'configuration_protected_settings_file', '--config-protected-settings-file'),
]

_UPDATABLE = ('auto_upgrade_minor_version', 'version', 'release_train', 'configuration_settings',
              'configuration_protected_settings', 'auto_upgrade_mode')


def validate_names(cmd, namespace):  # pylint: disable=unused-argument
    """-g and -c hold names, not resource IDs; every name given is well-formed."""
    for attribute, flag in (('resource_group_name', '--resource-group/-g'), ('cluster_name', '--cluster-name/-c')):
        value = getattr(namespace, attribute, None) or ''
        if '/' in value:
            raise InvalidArgumentValueError(
                f"{flag} takes a name, but was given a resource ID: '{value}'.",
                "Pass the full ID with --ids instead, or give the name alone.")
    _check_names(namespace)


def validate_cluster(cmd, namespace):
    """Names are well-formed; the cluster type and resource provider fit together."""
    validate_names(cmd, namespace)
    _check_ids(namespace)
    check_wait_flags(namespace)  # --timeout of create, update, delete and wait; --interval of wait
    if cmd.name.startswith('aks '):
        given = (getattr(namespace, 'cluster_rp', None) or 'Microsoft.ContainerService',
                 getattr(namespace, 'cluster_type', None) or AKS)
        if '/'.join(given).lower() != 'microsoft.containerservice/' + AKS.lower():
            raise InvalidArgumentValueError(
                f"az aks extension works on AKS clusters, but the ID names a {'/'.join(given)} cluster.",
                f"Use az k8s-extension {cmd.name.rsplit(' ', 1)[-1]} with the same --ids.")
        namespace.cluster_type, namespace.cluster_rp = AKS, None
    if not getattr(namespace, 'cluster_type', None):
        raise RequiredArgumentMissingError(
            "--cluster-type/-t is required.",
            "Add --cluster-type managedClusters for AKS, or connectedClusters for an Arc-enabled cluster.")
    resolve_provider(namespace.cluster_type, getattr(namespace, 'cluster_rp', None))
    from .checks import extra_reads
    extra_reads(cmd.cli_ctx)  # a value that is neither true nor false is refused before any request


def _check_names(namespace):
    for attribute, flag, pattern, longest, allowed in _NAME_RULES:
        value = getattr(namespace, attribute, None)
        if value is None:
            continue
        if len(value) > longest or not re.fullmatch(pattern, value):
            raise InvalidArgumentValueError(
                f"{flag} '{value}' is not a valid name.",
                f"Use at most {longest} characters: {allowed}.")


def _check_ids(namespace):
    """Every --ids value must be a cluster extension: .../providers/Microsoft.KubernetesConfiguration/extensions/x."""
    ids = getattr(namespace, '_ids', None) or ()
    if not ids:
        return
    from azure.mgmt.core.tools import parse_resource_id
    for resource_id in ids:
        parts = parse_resource_id(resource_id)
        child = f"{parts.get('child_namespace_1')}/{parts.get('child_type_1')}".lower()
        if child != 'microsoft.kubernetesconfiguration/extensions' or parts.get('child_name_2'):
            raise InvalidArgumentValueError(
                f"--ids '{resource_id}' is not the ID of a cluster extension.",
                "Give IDs that end in /providers/Microsoft.KubernetesConfiguration/extensions/<name>; "
                "`az k8s-extension list ... --query [].id` lists them.")


def check_wait_flags(namespace):
    """Refuse a --timeout or --interval that is not a finite number of seconds within the bounds."""
    timeout, interval = getattr(namespace, 'timeout', None), getattr(namespace, 'interval', None)
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_OPERATION_TIMEOUT):
        raise InvalidArgumentValueError(
            f"--timeout {timeout!r} is not a number of seconds between 0 and {MAX_OPERATION_TIMEOUT} (48 hours, the "
            "service's own limit for an operation).", "For example: --timeout 1800")
    if interval is not None and not (math.isfinite(interval) and MIN_WAIT_INTERVAL <= interval <= MAX_WAIT_INTERVAL):
        raise InvalidArgumentValueError(
            f"--interval {interval!r} is not a number of seconds between {MIN_WAIT_INTERVAL:g} and "
            f"{MAX_WAIT_INTERVAL}.",
            "For example: --interval 5, or leave it out to check every 0.5 s at first, then less often, up to 30 s.")


def validate_settings(namespace):
    """Each settings flag excludes its -file twin; both become a plain {key: value} mapping."""
    from .core.settings import parse_pairs, read_settings_file
    for attribute, flag, file_attribute, file_flag in _SETTINGS_FLAGS:
        items, path = getattr(namespace, attribute, None), getattr(namespace, file_attribute, None)
        if items is not None and path is not None:
            raise MutuallyExclusiveArgumentError(
                f"{flag} and {file_flag} cannot be used together.",
                "Give the settings inline or in a file, not both.")
        if path is not None:
            setattr(namespace, attribute, read_settings_file(path, file_flag))
            setattr(namespace, file_attribute, None)
        elif items is not None:
            flat = [item for group in items for item in (group if isinstance(group, list) else [group])]
            secret = attribute == 'configuration_protected_settings'
            setattr(namespace, attribute, parse_pairs(flat, flag, secret=secret))


def validate_version_flags(namespace):
    """--version pins (auto-upgrade off); a release train needs auto-upgrade on, or a version to pin from it."""
    version, auto_upgrade = namespace.version, namespace.auto_upgrade_minor_version
    if version is not None and auto_upgrade is True:
        raise MutuallyExclusiveArgumentError(
            "--version pins the extension, so it cannot be combined with --auto-upgrade-minor-version true.",
            "Drop --version to follow the release train, or set --auto-upgrade-minor-version false.")
    if version is not None and auto_upgrade is None and getattr(namespace, 'auto_upgrade_mode', None) is None:
        # --auto-upgrade-mode none pins by itself, and is sent alone, as k8s-extension 1.9 sends it.
        namespace.auto_upgrade_minor_version = False
        logger.warning("--version %s pins the extension, so minor-version auto-upgrade is turned off "
                       "(--auto-upgrade-minor-version false).", version)
    if namespace.release_train is not None and auto_upgrade is False and version is None:
        # As the official tool: the service installs the train's latest version and keeps it there.
        logger.warning("--auto-upgrade-minor-version false without --version: the latest version of release train "
                       "'%s' is installed and stays pinned (no automatic upgrades).", namespace.release_train)


def validate_plan(namespace):
    plan = {'--plan-name': namespace.plan_name, '--plan-product': namespace.plan_product,
            '--plan-publisher': namespace.plan_publisher}
    missing = [flag for flag, value in plan.items() if not value]
    if missing and len(missing) < len(plan):
        raise RequiredArgumentMissingError(
            "A marketplace plan needs all three of --plan-name, --plan-product and --plan-publisher; "
            f"missing {', '.join(missing)}.",
            f"Add {' '.join((flag + ' <value>' for flag in missing))}, or drop the plan flags.")


def validate_scope(namespace):
    from .core.scope import resolve_scope
    namespace.scope = resolve_scope(namespace.scope, namespace.release_namespace, namespace.target_namespace)


def validate_auto_upgrade_mode(namespace):
    """--auto-upgrade-mode (api-version 2025-03-01): none, patch or compatible. As k8s-extension 1.9.x: it takes the
    place of --auto-upgrade-minor-version (never both), and a pinned --version needs mode none. It is sent alone;
    a contradiction is refused before anything is sent."""
    mode = getattr(namespace, 'auto_upgrade_mode', None)
    if mode is None:
        return
    mode = namespace.auto_upgrade_mode = mode.lower()
    if namespace.auto_upgrade_minor_version is not None:
        raise MutuallyExclusiveArgumentError(
            "--auto-upgrade-mode and --auto-upgrade-minor-version cannot be used together: the mode says which "
            "upgrades the service makes.",
            "Drop --auto-upgrade-minor-version: mode compatible takes minor upgrades, patch only patches, none "
            "nothing.")
    if namespace.version is not None and mode != 'none':
        raise MutuallyExclusiveArgumentError(
            f"--version pins the extension, so it cannot be combined with --auto-upgrade-mode {mode}.",
            "Drop --version to let the extension upgrade itself, or use --auto-upgrade-mode none.")


def _apply_version_rules(namespace):
    """The type's default release train; a type that runs only its train's latest version drops --version and
    the protected settings (before the settings file is read) and keeps auto-upgrade on."""
    from .types._rules import Versions, apply_version_rules
    given = Versions(namespace.version, namespace.release_train, namespace.auto_upgrade_minor_version,
                     namespace.configuration_protected_settings or namespace.configuration_protected_settings_file)
    checked = apply_version_rules(given, namespace.extension_type, creating=True)
    namespace.version, namespace.release_train, namespace.auto_upgrade_minor_version = checked[:3]
    if checked.protected is None:
        namespace.configuration_protected_settings = namespace.configuration_protected_settings_file = None


def validate_create(cmd, namespace):
    validate_cluster(cmd, namespace)
    # The service matches extension types without regard to case but stores what it is sent; the official tool
    # sends them lower-cased, and scripts query for the lower-case spelling.
    namespace.extension_type = (namespace.extension_type or '').lower() or None
    validate_scope(namespace)
    validate_plan(namespace)
    validate_auto_upgrade_mode(namespace)
    _apply_version_rules(namespace)
    validate_version_flags(namespace)
    validate_settings(namespace)
    from .types._rules import Request, apply_rules
    checked = apply_rules(Request(namespace.name, namespace.scope, namespace.release_namespace,
                                  namespace.configuration_settings, namespace.configuration_protected_settings),
                          namespace.extension_type, namespace.cluster_type, creating=True)
    (namespace.name, namespace.scope, namespace.release_namespace, namespace.configuration_settings,
     namespace.configuration_protected_settings) = checked


def validate_update(cmd, namespace):
    validate_cluster(cmd, namespace)
    validate_auto_upgrade_mode(namespace)
    validate_version_flags(namespace)
    validate_settings(namespace)
    if all(getattr(namespace, attribute) is None for attribute in _UPDATABLE):
        # As the official tool: an empty update still goes to the service, which reconciles the extension again.
        logger.warning("No setting, version or release train was given: sending an empty update, which makes the "
                       "service reconcile the extension as it is.")


_NAMESPACE = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')


def validate_troubleshoot(cmd, namespace):
    """--namespace-list is a comma-separated list of namespace names; --kube-config a file that exists; the
    cluster, when -c names one, is checked as for the other commands (the service side is then read too)."""
    validate_names(cmd, namespace)
    if namespace.namespace_list is not None:
        names = [item.strip() for item in namespace.namespace_list.split(',') if item.strip()]
        if not names:
            raise RequiredArgumentMissingError("--namespace-list holds no namespace.",
                                               "Give one or more, separated by commas: --namespace-list flux-system")
        for name in names:
            if len(name) > 63 or not _NAMESPACE.match(name):
                raise InvalidArgumentValueError(
                    f"--namespace-list: '{name}' is not a namespace name.",
                    "Namespaces are lower-case letters, digits and hyphens, separated by commas: "
                    "--namespace-list flux-system,kube-system")
        namespace.namespace_list = list(dict.fromkeys(names))
    if namespace.kube_config:
        import os
        # As the official tool does: quotes around the path (left by some shells on Windows) are not part of it.
        path = os.path.expanduser(namespace.kube_config.strip().strip('\'"'))
        if not os.path.isfile(path):
            from azure.cli.core.azclierror import FileOperationError
            raise FileOperationError(f"--kube-config '{namespace.kube_config}' is not a file.",
                                     "Give the path of a kubeconfig file, or leave --kube-config out to use "
                                     "$KUBECONFIG or ~/.kube/config.")
        namespace.kube_config = path
    if cmd.name.startswith('aks ') and not (namespace.cluster_name or getattr(namespace, '_ids', None)):
        raise RequiredArgumentMissingError("az aks extension troubleshoot needs the cluster: --resource-group/-g and "
                                           "--cluster-name/-c.",
                                           "Add -g and -c, or use az k8s-extension troubleshoot with a kubeconfig.")
    if getattr(namespace, 'cluster_name', None) or getattr(namespace, '_ids', None):
        validate_cluster(cmd, namespace)
        if not namespace.resource_group_name:
            raise RequiredArgumentMissingError("--resource-group/-g is required with --cluster-name/-c.",
                                               "Add -g <resource group>, or leave -c out to read the cluster only.")
    elif getattr(namespace, 'cluster_type', None) or getattr(namespace, 'cluster_rp', None):
        raise RequiredArgumentMissingError(
            "--cluster-type names the kind of the cluster, so it needs --cluster-name/-c and --resource-group/-g.",
            "Add -g and -c to read the extension from Azure too, or leave --cluster-type out.")


def validate_wait(cmd, namespace):
    validate_cluster(cmd, namespace)
    conditions = [flag for flag, value in (('--created', namespace.created), ('--updated', namespace.updated),
                                           ('--deleted', namespace.deleted), ('--exists', namespace.exists),
                                           ('--custom', namespace.custom)) if value]
    if len(conditions) != 1:
        raise ArgumentUsageError(
            f"wait needs exactly one condition; {'got ' + ', '.join(conditions) if conditions else 'none was given'}.",
            "Use one of --created, --updated, --deleted, --exists or --custom <JMESPath>.")
    if namespace.custom:
        import jmespath
        try:
            jmespath.compile(namespace.custom)
        except jmespath.exceptions.JMESPathError as err:
            raise InvalidArgumentValueError(f"--custom '{namespace.custom}' is not a valid JMESPath query: {err}",
                                            "For example: --custom \"provisioningState=='Succeeded'\"") from err
