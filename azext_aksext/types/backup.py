"""AKS Backup (microsoft.dataprotection.kubernetes): AKS only, cluster scope, namespace dataprotection-microsoft, the
stable release train unless given. The chart runs only on the latest version of its train, so minor-version
auto-upgrade is always on, and --version, a pin and a create's protected settings are ignored (with one warning).
Short keys (blobContainer, storageAccount, storageAccountResourceGroup, storageAccountSubscriptionId, cpuRequest,
..., disableInformerCache) map to the chart's keys, and the four storage keys are required on create.

Its companion: nothing is created. The storage account named by the settings is looked up (it must be in the
cluster's location), and the extension receives its blob endpoint (storageAccountURI), the tenant ID and
useAAD=true. Keys are read without regard to case; keys the extension does not know are dropped with a warning, as
the official tool does."""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError

from ..core.clusters import AKS
from ..core.defaults import STABLE_TRAIN
from ..core.scope import CLUSTER
from ._base import ExtensionType

logger = get_logger(__name__)

_LOCATION = 'configuration.backupStorageLocation.'
# The chart's storage keys -> the short keys users give (and error messages name); all four are required.
STORAGE = {
    _LOCATION + 'bucket': 'blobContainer',
    _LOCATION + 'config.storageAccount': 'storageAccount',
    _LOCATION + 'config.resourceGroup': 'storageAccountResourceGroup',
    _LOCATION + 'config.subscriptionId': 'storageAccountSubscriptionId',
}
# short key (lower case) -> the chart's key; the chart's keys are accepted as well.
KEYS = dict({short.lower(): chart for chart, short in STORAGE.items()}, **{
    'cpurequest': 'resources.requests.cpu',
    'memoryrequest': 'resources.requests.memory',
    'cpulimit': 'resources.limits.cpu',
    'memorylimit': 'resources.limits.memory',
    'useaad': _LOCATION + 'config.useAAD',
    'storageaccounturi': _LOCATION + 'config.storageAccountURI',
    'disableinformercache': 'configuration.disableInformerCache',
})
CHART_KEYS = {key.lower(): key for key in list(KEYS.values()) + ['credentials.tenantId']}


def known_settings(settings):
    kept = {}
    for key, value in settings.items():
        chart_key = KEYS.get(key.lower()) or CHART_KEYS.get(key.lower())
        if chart_key is None:
            logger.warning("Ignoring unrecognized configuration setting '%s': AKS Backup does not use it.", key)
            continue
        kept[chart_key] = value.strip() if isinstance(value, str) else value
    return kept


class Backup(ExtensionType):
    name = 'microsoft.dataprotection.kubernetes'
    scopes = (CLUSTER,)
    release_namespace = 'dataprotection-microsoft'
    fixed_namespace = True
    cluster_types = (AKS,)
    default_release_train = STABLE_TRAIN
    latest_only = True

    def prepare_settings(self, settings, protected, creating):
        # Keys are matched without regard to case and values stripped, as the official tool does.
        settings = known_settings(settings)
        missing = [short for key, short in STORAGE.items() if key not in settings]
        if creating and missing:
            raise RequiredArgumentMissingError(
                "AKS Backup (microsoft.dataprotection.kubernetes) needs the storage for backups; missing "
                f"{', '.join(missing)}.",
                f"Add --configuration-settings {' '.join((f'{key}=<value>' for key in missing))}")
        return settings, protected

    def before_create(self, context, settings, protected):
        settings = known_settings(settings)
        _storage_settings(context, settings)
        return settings, protected

    def before_update(self, context, settings, protected, current):
        return update(context, settings, protected)


def update(context, settings, protected):
    """Changing the storage takes all four storage keys, and the new account is checked as on create."""
    if not settings:
        return settings, protected
    settings = known_settings(settings)
    if any(key in settings for key in STORAGE):
        missing = [short for key, short in STORAGE.items() if key not in settings]
        if missing:
            raise RequiredArgumentMissingError(
                f"Changing AKS Backup's storage needs all four storage settings; missing {', '.join(missing)}.",
                f"Give {', '.join(STORAGE.values())}.")
        _storage_settings(context, settings)
    return settings, protected


def _storage_settings(context, settings):
    account = settings[_LOCATION + 'config.storageAccount']
    group = settings[_LOCATION + 'config.resourceGroup']
    subscription = settings[_LOCATION + 'config.subscriptionId']
    what = 'read storage account ' + account
    storage = context.step(what, lambda: context.storage(subscription).storage_accounts.get_properties(group, account))
    context.found('storage account', context.require(storage.id, what, 'id'))
    # Its location decides whether backups can reach it; its blob endpoint is where they go.
    location = context.require(storage.location, what, 'location').replace(' ', '').lower()
    blob = context.require(getattr(storage.primary_endpoints, 'blob', None), what, 'primaryEndpoints.blob')
    if location != context.cluster_location:
        raise InvalidArgumentValueError(
            f"Storage account '{account}' is in {location}, but cluster '{context.target.ref.name}' is in "
            f"{context.cluster_location}; AKS Backup needs both in the same location.",
            f"Use a storage account in {context.cluster_location} (storageAccount, storageAccountResourceGroup, "
            "storageAccountSubscriptionId).")
    settings.setdefault(_LOCATION + 'config.storageAccountURI', blob)
    settings.setdefault(_LOCATION + 'config.useAAD', 'true')
    settings['credentials.tenantId'] = _tenant(context)
    logger.warning("AKS Backup reads the storage account with its managed identity: grant the extension's identity "
                   "the Storage Blob Data Contributor role on storage account '%s'.", account)


def _tenant(context):
    from azure.cli.core._profile import Profile
    return Profile(cli_ctx=context.cmd.cli_ctx).get_subscription(context.subscription)['tenantId']


TYPE = Backup()
