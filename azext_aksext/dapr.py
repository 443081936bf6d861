"""Dapr's settings, as the official tool sets them, without its question about an existing Dapr install: settings
name an existing Helm release to adopt (existingDaprReleaseName and existingDaprReleaseNamespace), and without them
aksext assumes there is none, the answer the official prompt defaults to."""
from knack.log import get_logger

logger = get_logger(__name__)

DAPR = 'microsoft.dapr'
CLUSTER_TYPE_KEY = 'global.clusterType'
HA_KEY = 'global.ha.enabled'
APPLY_CRDS_KEY = 'hooks.applyCrds'
SKIP_CHECK_KEY = 'skipExistingDaprCheck'
RELEASE_NAME_KEY = 'existingDaprReleaseName'
RELEASE_NAMESPACE_KEY = 'existingDaprReleaseNamespace'


def prepare_create(namespace):
    """Fill in what the official tool adds to a Dapr create: the release to adopt and AKS's cluster type setting
    (the stable release train is the type table's default)."""
    settings = dict(namespace.configuration_settings or {})
    if str(settings.get(SKIP_CHECK_KEY, 'false')).lower() != 'true':
        _adopt_existing_release(namespace, settings)
    if namespace.cluster_type.lower() == 'managedclusters':
        settings[CLUSTER_TYPE_KEY] = 'managedclusters'
    namespace.configuration_settings = settings or namespace.configuration_settings


def _adopt_existing_release(namespace, settings):
    release_name, release_namespace = settings.get(RELEASE_NAME_KEY), settings.get(RELEASE_NAMESPACE_KEY)
    if not (release_name and release_namespace):
        if release_name or release_namespace:
            logger.warning("Both %s and %s must be given to adopt an existing Dapr release; only one was, so it is "
                           "ignored and Dapr is installed as a new release.", RELEASE_NAME_KEY, RELEASE_NAMESPACE_KEY)
        return
    if namespace.name != release_name:
        logger.warning("The extension takes the name of the existing Dapr release: '%s' instead of '%s'.",
                       release_name, namespace.name)
    namespace.name, namespace.release_namespace = release_name, release_namespace
    logger.warning("The extension adopts the existing Dapr release '%s' in namespace '%s'. If you changed "
                   "global.ha.* or dapr_placement.* in that release, give the same values with "
                   "--configuration-settings, or the Helm upgrade fails.", release_name, release_namespace)
    settings.setdefault(HA_KEY, 'false')


def prepare_update(settings, current, version, auto_upgrade):
    """Settings for a Dapr update: the CRD hook is off when the update pins, keeps or lowers the version (CRD
    changes on a downgrade break the install; keeping them is safe) and on otherwise, unless given."""
    settings = dict(settings or {})
    if APPLY_CRDS_KEY not in settings:
        original = current.get('version')
        keeps_or_lowers = bool(original and version and (version == original or _is_downgrade(version, original)))
        pins = bool(current.get('autoUpgradeMinorVersion')) and not auto_upgrade
        settings[APPLY_CRDS_KEY] = 'false' if pins or keeps_or_lowers else 'true'
    return settings


def _is_downgrade(new, old):
    from packaging.version import InvalidVersion, Version
    try:
        return Version(new) < Version(old)
    except InvalidVersion:
        return True  # cannot tell: turning the CRD hook off is the safe choice
