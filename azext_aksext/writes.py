"""What a create or an update sends, and everything that must hold before it is sent, in one place for every path
that writes an extension.

create: the PUT body from the validated flags, the reads before a write (checks/), then the companion resources of
the extension type (types/), made only once every check has passed, so nothing is created for a refused request;
`az k8s-extension create` then makes the official tool's own reads before its PUT (`before_sending`), in its order
(a rollout does not: the official tool has none).
update: the extension as it is, the type's rules on the settings given, the checks the update needs, then its
companions; the PATCH body holds only what was given.
"""
from knack.log import get_logger

from .core.clusters import cluster_id, cluster_kind, describe
from .core.scope import scope_body

logger = get_logger(__name__)


def _set_optional(properties, **values):
    for key, value in values.items():
        if value is not None:
            properties[key] = value


def create_body(target, extension_type, *, scope=None, release_namespace=None, target_namespace=None,
                auto_upgrade_minor_version=None, version=None, release_train=None, auto_upgrade_mode=None,
                plan=None):
    """The PUT body of a create, without its settings (companions may add to those)."""
    from .types import type_for
    properties = {'extensionType': extension_type}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, scope=scope_body(scope, release_namespace, target_namespace))
    _set_optional(properties, autoUpgradeMode=auto_upgrade_mode)
    body = {'properties': properties}
    if plan:
        body['plan'] = plan
    # As the official tool: a system-assigned identity for the extension on every kind of cluster but AKS (whose
    # extensions use the cluster's own identity), unless the type needs none.
    if cluster_kind(target.ref.cluster_type).extension_identity and type_for(extension_type).system_identity:
        body['identity'] = {'type': 'SystemAssigned'}
    return body


def create_rules(name, extension_type, cluster_type, *, scope=None, release_namespace=None, settings=None,
                 protected=None, version=None, release_train=None, auto_upgrade_minor_version=None):
    """The type's rules on a create whose flags are already checked (a rollout's, once per kind of cluster): the
    Request (name, scope, release namespace, settings) and the Versions to send. Raises the az error naming the fix.

    `create` runs the same rules from its validator, where they must also decide which files are read."""
    from .types._rules import Request, Versions, apply_rules, apply_version_rules
    versions = apply_version_rules(Versions(version, release_train, auto_upgrade_minor_version, bool(protected)),
                                   extension_type, creating=True)
    request = apply_rules(Request(name, scope, release_namespace, settings or None,
                                  (protected or None) if versions.protected is not None else None),
                          extension_type, cluster_type, creating=True)
    return request, versions


def prepare_create(cmd, client, target, body, *, scope_given, settings, protected, companions=True):
    """The body to send, once the checks have passed and the companion resources exist; raises otherwise.

    companions=False (a rollout's plan): the checks only; nothing is created."""
    from .checks import before_create as checks_before_create
    from .types._context import before_create as companions_before_create
    location = checks_before_create(cmd, target, client, body, scope_given=scope_given)
    properties = body['properties']
    if companions:
        settings, protected = companions_before_create(cmd, target, properties['extensionType'], settings,
                                                       protected, location=location)
    _set_optional(properties, configurationSettings=settings, configurationProtectedSettings=protected)
    return body


def before_sending(cmd, target, body):
    """The official tool's reads before it sends a create, in its order, made whatever the aksext.extra_reads
    switch says: the subscription's registration (`core.registration.ensure_registered`), then, for an extension
    that gets an identity of its own, the cluster (at the api-version the official tool reads it with). A cluster
    that cannot be read ends the create there, as it does in the official tool."""
    from .core.registration import ensure_registered
    ensure_registered(cmd)
    api_version = cluster_kind(target.ref.cluster_type).identity_api_version
    if 'identity' not in body or api_version is None:
        return
    from azure.cli.core.azclierror import AzCLIError, AzureConnectionError
    from azure.cli.core.commands.client_factory import get_subscription_id
    from ._client_factory import cf_resources
    from .core.errors import translate
    try:
        cf_resources(cmd.cli_ctx).resources.get_by_id(cluster_id(get_subscription_id(cmd.cli_ctx), target.ref),
                                                      api_version)
    except Exception as err:  # pylint: disable=broad-except
        error = translate(err, target, 'read the cluster before the create of')
        if not isinstance(error, AzCLIError):  # neither an answer nor a known transport failure
            error = AzureConnectionError(f"Could not read {describe(target.ref)} before the create of "
                                         f"{target.describe()}: {type(err).__name__}: {err}",
                                         "Check your network connection and retry.")
        raise error from err


def update_rules(target, extension_type, *, version=None, release_train=None, auto_upgrade_minor_version=None,
                 settings=None, protected=None):
    """The type's rules on an update: (version, release train, auto-upgrade, settings, protected) to send."""
    from .types._rules import Request, Versions, apply_rules, apply_version_rules
    checked = apply_rules(Request(target.name, None, None, settings, protected), extension_type,
                          target.ref.cluster_type, creating=False)
    version, release_train, auto_upgrade_minor_version, _ = apply_version_rules(
        Versions(version, release_train, auto_upgrade_minor_version, None), extension_type, creating=False)
    return version, release_train, auto_upgrade_minor_version, checked.settings, checked.protected


def prepare_update(cmd, target, current, *, version=None, release_train=None, auto_upgrade_minor_version=None,
                   auto_upgrade_mode=None, settings=None, protected=None, rules_applied=False, companions=True):
    """The PATCH body of an update of `current` (the extension as the user sees it); raises on what cannot work.

    rules_applied: the values come from update_rules already (a rollout applies them once per kind of cluster);
    companions=False (a rollout's plan): the checks only; nothing is read or made for the companions."""
    from .checks import before_update as checks_before_update
    from .types import type_for
    from .types._context import before_update as companions_before_update
    extension_type = current.get('extensionType')
    if not rules_applied:
        version, release_train, auto_upgrade_minor_version, settings, protected = update_rules(
            target, extension_type, version=version, release_train=release_train,
            auto_upgrade_minor_version=auto_upgrade_minor_version, settings=settings, protected=protected)
    checks_before_update(cmd, target, current, version=version, release_train=release_train)
    kind = type_for(extension_type)
    if kind.has_hook('prepare_update'):
        settings = kind.prepare_update(settings, current, version, auto_upgrade_minor_version)
    if companions:
        settings, protected = companions_before_update(cmd, target, extension_type, settings, protected,
                                                       current=current)
    properties = {}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, configurationSettings=settings, configurationProtectedSettings=protected)
    _set_optional(properties, autoUpgradeMode=auto_upgrade_mode)
    if protected is not None:
        logger.warning("Protected settings are replaced as a whole: the extension keeps only the %d protected "
                       "setting(s) given now.", len(protected))
    return {'properties': properties}
