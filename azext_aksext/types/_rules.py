"""The rules engine: what an extension type allows and fills in on create and update, read from its module's data
and hooks. Plain values in, plain values out; nothing is sent."""
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError

from ..core.clusters import KINDS, cluster_kind
from ..core.scope import CLUSTER
from . import known_types, type_for

logger = get_logger(__name__)

# What the rules read and may change: the instance name, the scope and release namespace (on create), and the
# settings. The rules never touch az's namespace.
Request = namedtuple('Request', 'name scope release_namespace settings protected')

# What the rules decide about versions on create and update. protected only says whether protected settings were
# given; None in the result means they are not sent.
Versions = namedtuple('Versions', 'version release_train auto_upgrade protected')


def runs_on(kind, cluster_type):
    """True when extension type `kind` (an ExtensionType) may be installed on clusters of cluster_type."""
    wanted = cluster_type.lower()
    if kind.cluster_types is not None:
        return wanted in (name.lower() for name in kind.cluster_types)
    return KINDS[wanted].accepts_any_type


def apply_rules(request, extension_type, cluster_type, creating):
    """Check a Request against what the type allows; return it with the type's defaults filled in and its short
    setting keys mapped. Raises the az error that names the fix."""
    kind = type_for(extension_type)
    if cluster_type:
        _check_cluster_type(kind, extension_type, cluster_kind(cluster_type).cluster_type)
    settings = _map_aliases(request.settings, kind.aliases)
    protected = _map_aliases(request.protected, kind.aliases)
    if creating:
        request = _apply_scope_rules(request, extension_type, kind)
    if kind.has_hook('prepare_settings') and (creating or settings or protected):
        prepared, prepared_protected = kind.prepare_settings(settings or {}, protected or {}, creating)
        # An empty result where the user gave nothing stays None: nothing is sent for it.
        settings, protected = prepared or settings, prepared_protected or protected
    request = request._replace(settings=settings, protected=protected)
    return kind.prepare_create(request, cluster_type) if creating else request


def _check_cluster_type(kind, extension_type, cluster_type):
    if runs_on(kind, cluster_type):
        return
    cluster = KINDS[cluster_type.lower()]
    if not cluster.accepts_any_type:
        names = sorted(name for name, other in known_types().items() if runs_on(other, cluster_type))
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' cannot be installed on a {cluster.label}. The supported extension "
            f"type is {' or '.join(repr(name) for name in names)}.",
            f"Use --extension-type {names[0]}.")
    raise InvalidArgumentValueError(
        f"Extension type '{extension_type}' runs on {', '.join(kind.cluster_types)} only, not on {cluster_type}.",
        "Install it on a cluster of a supported type.")


def instance_name(name, extension_type):
    """The name an extension of this type is installed under: its fixed name, if it has one (with a warning when
    another was given)."""
    kind = type_for(extension_type)
    if kind.fixed_name and name != kind.fixed_name:
        # As the official tool does: the service accepts one name only, so use it and say so.
        logger.warning("Extension type '%s' is always installed under the name '%s'; using that instead of '%s'.",
                       extension_type, kind.fixed_name, name)
        return kind.fixed_name
    return name


def _apply_scope_rules(request, extension_type, kind):
    scope, release_namespace = request.scope, request.release_namespace
    if kind.max_name_length and len(request.name or '') > kind.max_name_length:
        raise InvalidArgumentValueError(
            f"--name '{request.name}' is {len(request.name)} characters long; extension type '{extension_type}' "
            f"takes at most {kind.max_name_length}, as its chart builds Kubernetes names from it.",
            f"Use a --name of {kind.max_name_length} characters or fewer.")
    name = instance_name(request.name, extension_type)
    if kind.scopes and scope and scope not in kind.scopes:
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' can be installed at {' or '.join(kind.scopes)} scope only, not at "
            f"{scope} scope.",
            f"Use --scope {kind.scopes[0]}{' (or leave --scope out)' if len(kind.scopes) == 1 else ''}.")
    if kind.scopes and len(kind.scopes) == 1 and not scope:
        scope = kind.scopes[0]
    if scope == CLUSTER and kind.release_namespace:
        if kind.fixed_namespace and release_namespace and release_namespace != kind.release_namespace:
            logger.warning("Extension type '%s' installs into namespace '%s' only; using that instead of '%s'.",
                           extension_type, kind.release_namespace, release_namespace)
            release_namespace = None
        release_namespace = release_namespace or kind.release_namespace
    return request._replace(name=name, scope=scope, release_namespace=release_namespace)


def apply_version_rules(versions, extension_type, creating):
    """Return versions with the type's default release train (on create) and, for a type that runs only on the
    latest version of its train, no version and auto-upgrade on; one warning names whatever the user gave that is
    ignored."""
    kind = type_for(extension_type)
    if creating and not versions.release_train and kind.default_release_train:
        versions = versions._replace(release_train=kind.default_release_train)
    if not kind.latest_only:
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
