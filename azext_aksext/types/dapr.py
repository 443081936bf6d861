"""Dapr (microsoft.dapr): cluster scope only, release namespace dapr-system, the stable release train unless given,
and no identity of its own on any cluster.

Its settings, as the official tool sets them, without its question about an existing Dapr install: settings name
an existing Helm release to adopt (existingDaprReleaseName and existingDaprReleaseNamespace), and without them
aksext assumes there is none, the answer the official prompt defaults to."""
from knack.log import get_logger

from ..core.clusters import AKS
from ..core.defaults import STABLE_TRAIN
from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType

logger = get_logger(__name__)

CLUSTER_TYPE_KEY = 'global.clusterType'
HA_KEY = 'global.ha.enabled'
APPLY_CRDS_KEY = 'hooks.applyCrds'
SKIP_CHECK_KEY = 'skipExistingDaprCheck'
RELEASE_NAME_KEY = 'existingDaprReleaseName'
RELEASE_NAMESPACE_KEY = 'existingDaprReleaseNamespace'


class Dapr(ExtensionType):
    name = 'microsoft.dapr'
    scopes = (CLUSTER,)
    release_namespace = 'dapr-system'
    default_release_train = STABLE_TRAIN
    system_identity = False

    def prepare_create(self, request, cluster_type):
        """The release to adopt, and AKS's cluster type setting."""
        settings = dict(request.settings or {})
        if not is_true(settings, SKIP_CHECK_KEY):
            request = _adopt_existing_release(request, settings)
        if (cluster_type or '').lower() == AKS.lower():
            settings[CLUSTER_TYPE_KEY] = AKS.lower()
        return request._replace(settings=settings or request.settings)

    def prepare_update(self, settings, current, version, auto_upgrade):
        """The CRD hook is off when the update pins, keeps or lowers the version (CRD changes on a downgrade break
        the install; keeping them is safe) and on otherwise, unless given."""
        settings = dict(settings or {})
        if APPLY_CRDS_KEY not in settings:
            original = current.get('version')
            keeps_or_lowers = bool(original and version and (version == original or _is_downgrade(version, original)))
            pins = bool(current.get('autoUpgradeMinorVersion')) and not auto_upgrade
            settings[APPLY_CRDS_KEY] = 'false' if pins or keeps_or_lowers else 'true'
        return settings


def _adopt_existing_release(request, settings):
    release_name, release_namespace = settings.get(RELEASE_NAME_KEY), settings.get(RELEASE_NAMESPACE_KEY)
    if not (release_name and release_namespace):
        if release_name or release_namespace:
            logger.warning("Both %s and %s must be given to adopt an existing Dapr release; only one was, so it is "
                           "ignored and Dapr is installed as a new release.", RELEASE_NAME_KEY, RELEASE_NAMESPACE_KEY)
        return request
    if request.name != release_name:
        logger.warning("The extension takes the name of the existing Dapr release: '%s' instead of '%s'.",
                       release_name, request.name)
    logger.warning("The extension adopts the existing Dapr release '%s' in namespace '%s'. If you changed "
                   "global.ha.* or dapr_placement.* in that release, give the same values with "
                   "--configuration-settings, or the Helm upgrade fails.", release_name, release_namespace)
    settings.setdefault(HA_KEY, 'false')
    return request._replace(name=release_name, release_namespace=release_namespace)


def _is_downgrade(new, old):
    from packaging.version import InvalidVersion, Version
    try:
        return Version(new) < Version(old)
    except InvalidVersion:
        return True  # cannot tell: turning the CRD hook off is the safe choice


TYPE = Dapr()
