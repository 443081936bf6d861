"""What a companion module works with: the cluster, SDK clients made through az's client factory, and the record
of what was created or reused (named in --verbose output, and in the error when a later step fails)."""
import threading
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError, ForbiddenError, ResourceNotFoundError

from ..core.clusters import cluster_id, cluster_kind

logger = get_logger(__name__)

# Every resource aksext creates carries this tag, so that re-runs and deletes can tell it from the user's own.
CREATED_BY_TAG = {'createdBy': 'aksext'}


# What every companion module needs about one command (target, subscription, location) and what it made or reused.
class Context:  # pylint: disable=too-many-instance-attributes
    def __init__(self, cmd, target, extension_type, location=None):
        from azure.cli.core.commands.client_factory import get_subscription_id
        self.cmd, self.target, self.extension_type = cmd, target, extension_type
        self.subscription = getattr(target, 'subscription', None) or get_subscription_id(cmd.cli_ctx)
        self.cluster_id = cluster_id(self.subscription, target.ref)
        self._location = location or getattr(target.reads, 'location', None)
        self.created, self.reused = [], []

    @property
    def cloud(self):
        return self.cmd.cli_ctx.cloud.name.lower()

    @property
    def cluster_location(self):
        if self._location is None:
            self._location = self.read_cluster().location
        return self._location.replace(' ', '').lower()

    def read_cluster(self):
        """The cluster as a generic resource (location, properties); a missing cluster is reported as such. A rollout
        knows it from Resource Graph already."""
        known = getattr(self.target.reads, 'cluster', None)
        if known is not None:
            return _Listed(known.get('location'), known.get('properties') or {})
        from ..core.errors import translate
        try:
            cluster = self.resources().resources.get_by_id(self.cluster_id,
                                                           cluster_kind(self.target.ref.cluster_type).api_version)
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, self.target, 'read the cluster of') from err
        self._location = cluster.location
        return cluster

    # Clients, from the one factory (its pipeline masks keys and connection strings in --debug output).
    # Without a subscription: the cluster's (in a rollout, it need not be the current one).
    def resources(self, subscription=None):
        from .._client_factory import cf_resources
        return cf_resources(self.cmd.cli_ctx, subscription or self.subscription)

    def log_analytics(self, subscription=None):
        from .._client_factory import cf_log_analytics
        return cf_log_analytics(self.cmd.cli_ctx, subscription or self.subscription)

    def monitor(self, subscription=None):
        from .._client_factory import cf_monitor
        return cf_monitor(self.cmd.cli_ctx, subscription or self.subscription)

    def storage(self, subscription=None):
        from .._client_factory import cf_storage
        return cf_storage(self.cmd.cli_ctx, subscription or self.subscription)

    def relay(self):
        from .._client_factory import cf_relay
        return cf_relay(self.cmd.cli_ctx, self.subscription)

    def service_bus(self):
        from .._client_factory import cf_service_bus
        return cf_service_bus(self.cmd.cli_ctx, self.subscription)

    def authorization(self, subscription=None):
        from .._client_factory import cf_authorization
        return cf_authorization(self.cmd.cli_ctx, subscription or self.subscription)

    def managed_clusters(self):
        from .._client_factory import cf_managed_clusters
        return cf_managed_clusters(self.cmd.cli_ctx)

    def compute(self):
        from .._client_factory import cf_compute
        return cf_compute(self.cmd.cli_ctx)

    # The record of what happened, for --verbose and for the failure message.
    def made(self, what, resource_id):
        self.created.append(f'{what} {resource_id}')
        logger.info("Created %s %s", what, resource_id)

    def found(self, what, resource_id):
        self.reused.append(f'{what} {resource_id}')
        logger.info("Reusing %s %s", what, resource_id)

    def reuse_or_make(self, what, name, read, make):
        """The resource read() finds (a 404 is none), or the one make() creates; --verbose says which. Workers of a
        rollout that need the same resource take turns: the second finds what the first made."""
        with _lock_for(what, name):
            found = self.get_or_none(f'read {what} {name}', read)
            if found is not None:
                self.found(what, self.require(getattr(found, 'id', None), f'read {what} {name}', 'id'))
                return found
            made = self.step(f'create {what} {name}', make)
            self.made(what, self.require(getattr(made, 'id', None), f'create {what} {name}', 'id'))
            return made

    def require(self, value, what, field):
        """value; or, when an answer lacks a field aksext needs, the typed error of a failed step: nothing more is
        made, and the message names what exists already."""
        if value is None or value == '':
            raise self.failure(what, MissingField(f'the answer has no {field}'))
        return value

    def step(self, what, action):
        """Run action(); when it fails, raise an error that says what failed, what already exists and how to
        re-run. The extension is not sent after a failed step."""
        try:
            return action()
        except Exception as err:  # pylint: disable=broad-except
            raise self.failure(what, err) from err

    def get_or_none(self, what, action):
        """action()'s result, or None when it answers 404; another failure stops as in step()."""
        try:
            return action()
        except Exception as err:  # pylint: disable=broad-except
            if is_missing(err):
                return None
            raise self.failure(what, err) from err

    def failure(self, what, err):
        from ..core.errors import error_code_and_message
        code, message = error_code_and_message(err)
        status = getattr(err, 'status_code', None)
        lines = [f"Could not {what} for extension type {self.extension_type}: {f'({code}) ' if code else ''}{message}",
                 "The extension was not created."]
        if self.created:
            lines.append("Created before the failure (kept; a re-run reuses them): " + '; '.join(self.created))
        if self.reused:
            lines.append("Found and reused: " + '; '.join(self.reused))
        rerun = f"{self.target.az_command('create')} --extension-type {self.extension_type}"
        if status == 404:
            # A resource the settings name does not exist: az's exit code for a missing resource (3).
            return ResourceNotFoundError('\n'.join(lines), "Check the resource the settings name (its ID, resource "
                                         f"group and subscription), then re-run the same command ({rerun}).")
        error_class = ForbiddenError if status == 403 else AzureResponseError
        return error_class('\n'.join(lines), f"Fix the cause, then re-run the same command ({rerun} with the same "
                                             "settings): what exists is reused.")


class MissingField(Exception):
    """An answer without a field aksext needs to go on."""


_LOCKS = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(what, name):
    with _LOCKS_GUARD:
        return _LOCKS.setdefault((what, str(name).lower()), threading.Lock())


# A cluster as a rollout's Resource Graph row shows it, read like the generic resource client's answer.
_Listed = namedtuple('_Listed', 'location properties')


def is_missing(err):
    return getattr(err, 'status_code', None) == 404


# The companion hooks as the generic path calls them: a Context is made only for a type that has the hook.

def before_create(cmd, target, extension_type, settings, protected, *, location=None):
    """The settings to send, once every companion resource the type needs exists; raises (sending no extension)
    when one could not be made."""
    from . import type_for
    kind = type_for(extension_type)
    if not kind.has_hook('before_create'):
        return settings, protected
    context = Context(cmd, target, extension_type, location)
    new_settings, new_protected = kind.before_create(context, dict(settings or {}), dict(protected or {}))
    return new_settings or settings, new_protected or protected


def before_update(cmd, target, extension_type, settings, protected, *, current):
    """The settings to send with an update of the extension `current` (as the user sees it)."""
    from . import type_for
    kind = type_for(extension_type)
    if not kind.has_hook('before_update'):
        return settings, protected
    return kind.before_update(Context(cmd, target, extension_type), settings, protected, current)


def before_delete(cmd, target, extension):
    """Remove what the extension's companions leave behind (a data collection rule association, ...)."""
    from . import type_for
    kind = type_for(extension.get('extensionType'))
    if kind.has_hook('before_delete'):
        kind.before_delete(Context(cmd, target, extension.get('extensionType')), extension)
