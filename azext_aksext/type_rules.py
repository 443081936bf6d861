"""What aksext knows about well-known extension types, as data: one table keyed by lower-cased type, and a
default for every other type. The generic create and update paths read it; no type has code of its own beyond a
settings check."""
import re
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import (ArgumentUsageError, FileOperationError, InvalidArgumentValueError,
                                       RequiredArgumentMissingError)

from .scope import CLUSTER

TypeRule = namedtuple('TypeRule', [
    'scopes',             # scopes the type can be installed at; None: any
    'release_namespace',  # default release namespace for cluster scope
    'fixed_namespace',    # True when the type only works in that namespace
    'fixed_name',         # the extension (instance) name the service requires, or None
    'cluster_types',      # cluster types the type supports; None: any
    'aliases',            # short setting keys users may give -> the chart's keys
    'prepare_settings',   # function(settings, protected, creating) -> (settings, protected); raises on a bad
                          # combination; None when the type has no settings rules
    'default_release_train',  # the release train a create uses when none is given, or None
    'latest_only',        # True when the chart runs only on the latest version of its train: a version is ignored,
                          # minor-version auto-upgrade stays on, and a create takes no protected settings
], defaults=(None, False))

logger = get_logger(__name__)

DEFAULT_RULE = TypeRule(None, None, False, None, None, {}, None)

_WORKSPACE_ID = re.compile(r'^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]+/providers/'
                           r'Microsoft\.OperationalInsights/workspaces/[-\w]+$', re.IGNORECASE)
_TRUE = ('true', '1', 'yes')


def _is_true(settings, key):
    return str(settings.get(key, '')).lower() in _TRUE


def _prepare_azureml(settings, protected, creating):
    everything = dict(settings, **protected)
    if creating and not (_is_true(everything, 'enableTraining') or _is_true(everything, 'enableInference')):
        raise RequiredArgumentMissingError(
            "microsoft.azureml.kubernetes needs enableTraining=true or enableInference=true (or both).",
            "Add --configuration-settings enableTraining=true and/or enableInference=true.")
    if not _is_true(everything, 'enableInference'):
        return settings, _read_ssl_files(protected)
    has_ssl = any(all(key in everything for key in pair) for pair in (
        ('sslCertPemFile', 'sslKeyPemFile'), ('scoringFe.sslCert', 'scoringFe.sslKey'), ('sslSecret',)))
    insecure = _is_true(everything, 'allowInsecureConnections')
    if has_ssl and insecure:
        raise ArgumentUsageError(
            "allowInsecureConnections=true contradicts the SSL settings given for inference.",
            "Either drop allowInsecureConnections, or drop sslCertPemFile/sslKeyPemFile/sslSecret.")
    if creating and not (has_ssl or insecure):
        raise RequiredArgumentMissingError(
            "enableInference=true needs HTTPS settings for the inference router, or allowInsecureConnections=true.",
            "Give sslCertPemFile and sslKeyPemFile (protected settings) or sslSecret, or set "
            "allowInsecureConnections=true for a test cluster.")
    service_type = everything.get('inferenceRouterServiceType')
    if creating and service_type is None:
        raise RequiredArgumentMissingError(
            "enableInference=true needs inferenceRouterServiceType.",
            "Add --configuration-settings inferenceRouterServiceType=loadBalancer (or nodePort, clusterIP).")
    if service_type is not None and service_type.lower() not in ('loadbalancer', 'nodeport', 'clusterip'):
        # The value is not repeated: it may have come from the protected settings.
        raise InvalidArgumentValueError("inferenceRouterServiceType must be one of loadBalancer, nodePort, clusterIP.")
    return settings, _read_ssl_files(protected)


def _read_ssl_files(protected):
    """sslCertPemFile and sslKeyPemFile name local PEM files: send their contents, base64, as the chart expects."""
    import base64
    paths = {'sslCertPemFile': 'scoringFe.sslCert', 'sslKeyPemFile': 'scoringFe.sslKey'}
    if not any(key in protected for key in paths):
        return protected
    protected = dict(protected)
    for key, chart_key in paths.items():
        if key in protected:
            path = protected.pop(key)
            try:
                protected[chart_key] = base64.b64encode(_read_pem(key, path)).decode()
            except OSError as err:
                raise FileOperationError(f"Could not read the PEM file given as protected setting {key}: "
                                         f"{err.strerror}.", "Give the path of a readable PEM file.") from err
    return protected


def _read_pem(key, path):
    """A PEM file, with the same size and time bounds as a settings file (a FIFO or /dev/zero must not hang)."""
    from .settings import MAX_SETTINGS_FILE_BYTES, READ_SECONDS, read_bounded
    try:
        data = read_bounded(path)
    except TimeoutError as err:
        raise FileOperationError(f"The PEM file given as protected setting {key} gave no end of data within "
                                 f"{READ_SECONDS:g}s.", "Give the path of a regular PEM file.") from err
    if len(data) > MAX_SETTINGS_FILE_BYTES:
        raise FileOperationError(f"The PEM file given as protected setting {key} is larger than "
                                 f"{MAX_SETTINGS_FILE_BYTES // 1024} KiB.",
                                 "Give the path of a PEM certificate or key file.")
    return data


_BACKUP_LOCATION = 'configuration.backupStorageLocation.'
_BACKUP_REQUIRED = {_BACKUP_LOCATION + 'bucket': 'blobContainer',
                    _BACKUP_LOCATION + 'config.storageAccount': 'storageAccount',
                    _BACKUP_LOCATION + 'config.resourceGroup': 'storageAccountResourceGroup',
                    _BACKUP_LOCATION + 'config.subscriptionId': 'storageAccountSubscriptionId'}


def _prepare_backup(settings, protected, creating):
    # Keys are matched without regard to case and values stripped, as the official tool does.
    from .companions.backup import known_settings
    settings = known_settings(settings)
    missing = [short for key, short in _BACKUP_REQUIRED.items() if key not in settings]
    if creating and missing:
        raise RequiredArgumentMissingError(
            "AKS Backup (microsoft.dataprotection.kubernetes) needs the storage for backups; missing "
            f"{', '.join(missing)}.",
            f"Add --configuration-settings {' '.join((f'{key}=<value>' for key in missing))}")
    return settings, protected


def _prepare_monitor(settings, protected, _creating):
    """A workspace ID is optional (the default workspace is used without one); the ones given are checked."""
    from .companions.monitor_settings import check_monitor_settings
    check_monitor_settings(settings, protected)
    workspace = settings.get('logAnalyticsWorkspaceResourceID')
    if not workspace:
        return settings, protected
    workspace = workspace.strip().rstrip('/')
    if not _WORKSPACE_ID.match(workspace):
        raise InvalidArgumentValueError(
            f"logAnalyticsWorkspaceResourceID '{workspace}' is not a Log Analytics workspace resource ID.",
            "Use /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>, "
            "or leave it out to use the default workspace.")
    return dict(settings, logAnalyticsWorkspaceResourceID=workspace), protected


RULES = {
    'microsoft.flux': TypeRule((CLUSTER,), 'flux-system', False, None, None, {}, None),
    'microsoft.dapr': TypeRule((CLUSTER,), 'dapr-system', False, None, None, {}, None,
                               default_release_train='stable'),
    'microsoft.azureml.kubernetes': TypeRule((CLUSTER,), 'azureml', False, None, None, {}, _prepare_azureml,
                                             default_release_train='stable'),
    'microsoft.dataprotection.kubernetes': TypeRule(
        (CLUSTER,), 'dataprotection-microsoft', True, None, ('managedClusters',), {}, _prepare_backup,
        default_release_train='stable', latest_only=True),
    'microsoft.azuremonitor.containers': TypeRule(
        (CLUSTER,), 'azuremonitor-containers', True, 'azuremonitor-containers', None,
        {'loganalyticsworkspaceresourceid': 'logAnalyticsWorkspaceResourceID'}, _prepare_monitor),
    'microsoft.azuremonitor.containers.metrics': TypeRule(
        (CLUSTER,), 'kube-system', True, 'azuremonitor-metrics', None, {}, None, default_release_train='stable'),
    'microsoft.openservicemesh': TypeRule((CLUSTER,), 'arc-osm-system', True, None, None, {}, None),
    'microsoft.azuredefender.kubernetes': TypeRule((CLUSTER,), 'mdc', True, 'microsoft.azuredefender.kubernetes',
                                                   None, {}, None),
}

# AKS Fleet Manager hubs run Flux only.
FLEET_TYPES = ('microsoft.flux',)


def rule_for(extension_type):
    return RULES.get((extension_type or '').lower(), DEFAULT_RULE)


# What the rules read and may change: the instance name, the scope and release namespace (on create), and the
# settings. Plain values in, plain values out: the rules never touch az's namespace.
Request = namedtuple('Request', 'name scope release_namespace settings protected')


def apply_rules(request, extension_type, cluster_type, creating):
    """Check a Request against what the type allows; return it with the type's defaults filled in and its short
    setting keys mapped. Raises the az error that names the fix."""
    kind = (extension_type or '').lower()
    rule = rule_for(kind)
    if cluster_type and cluster_type.lower() == 'fleets' and kind not in FLEET_TYPES:
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' cannot be installed on a fleet. The supported extension type is "
            "'microsoft.flux'.", "Use --extension-type microsoft.flux.")
    if rule.cluster_types and cluster_type and cluster_type.lower() not in [t.lower() for t in rule.cluster_types]:
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' runs on {', '.join(rule.cluster_types)} only, not on {cluster_type}.",
            "Install it on a cluster of a supported type.")
    settings = _map_aliases(request.settings, rule.aliases)
    protected = _map_aliases(request.protected, rule.aliases)
    if creating:
        request = _apply_scope_rules(request, extension_type, rule)
    if rule.prepare_settings and (creating or settings or protected):
        prepared, prepared_protected = rule.prepare_settings(settings or {}, protected or {}, creating)
        # An empty result where the user gave nothing stays None: nothing is sent for it.
        settings, protected = prepared or settings, prepared_protected or protected
    return request._replace(settings=settings, protected=protected)


def _apply_scope_rules(request, extension_type, rule):
    name, scope, release_namespace = request.name, request.scope, request.release_namespace
    if rule.fixed_name and name != rule.fixed_name:
        # As the official tool does: the service accepts one name only, so use it and say so.
        logger.warning("Extension type '%s' is always installed under the name '%s'; using that instead of '%s'.",
                       extension_type, rule.fixed_name, name)
        name = rule.fixed_name
    if rule.scopes and scope and scope not in rule.scopes:
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' can be installed at {' or '.join(rule.scopes)} scope only, not at "
            f"{scope} scope.",
            f"Use --scope {rule.scopes[0]}{' (or leave --scope out)' if len(rule.scopes) == 1 else ''}.")
    if rule.scopes and len(rule.scopes) == 1 and not scope:
        scope = rule.scopes[0]
    if scope == CLUSTER and rule.release_namespace:
        if rule.fixed_namespace and release_namespace and release_namespace != rule.release_namespace:
            logger.warning("Extension type '%s' installs into namespace '%s' only; using that instead of '%s'.",
                           extension_type, rule.release_namespace, release_namespace)
            release_namespace = None
        release_namespace = release_namespace or rule.release_namespace
    return request._replace(name=name, scope=scope, release_namespace=release_namespace)


# What the rules decide about versions on create and update: plain values in and out, as for Request. protected
# only says whether protected settings were given; None in the result means they are not sent.
Versions = namedtuple('Versions', 'version release_train auto_upgrade protected')


def apply_version_rules(versions, extension_type, creating):
    """Return versions with the type's default release train (on create) and, for a type that runs only on the
    latest version of its train, no version and auto-upgrade on; one warning names whatever the user gave that is
    ignored."""
    rule = rule_for(extension_type)
    if creating and not versions.release_train and rule.default_release_train:
        versions = versions._replace(release_train=rule.default_release_train)
    if not rule.latest_only:
        return versions
    ignored = []
    if versions.version:
        ignored.append('--version ' + versions.version)
    elif versions.auto_upgrade is False:  # with --version, the pin was implied by it
        ignored.append('--auto-upgrade-minor-version false')
    if creating and versions.protected:
        ignored.append('the protected settings')
    if ignored:
        logger.warning("Ignoring %s: extension type '%s' runs only on the latest version of its release train, "
                       "with minor-version auto-upgrade on, and takes no protected settings on create.",
                       ' and '.join(ignored), extension_type)
    return versions._replace(version=None, auto_upgrade=True, protected=None if creating else versions.protected)


def _map_aliases(settings, aliases):
    if not settings or not aliases:
        return settings
    return {aliases.get(key, key): value for key, value in settings.items()}
