"""What a companion module works with: the cluster, SDK clients made through az's client factory, and the record
of what was created or reused (named in --verbose output, and in the error when a later step fails)."""
from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError, ForbiddenError

from ..cluster import CLUSTER_API_VERSIONS, cluster_id

logger = get_logger(__name__)

# Every resource aksext creates carries this tag, so that re-runs and deletes can tell it from the user's own.
CREATED_BY_TAG = {'createdBy': 'aksext'}


# What every companion module needs about one command (target, subscription, location) and what it made or reused.
class Context:  # pylint: disable=too-many-instance-attributes
    def __init__(self, cmd, target, extension_type, location=None):
        from azure.cli.core.commands.client_factory import get_subscription_id
        self.cmd, self.target, self.extension_type = cmd, target, extension_type
        self.subscription = get_subscription_id(cmd.cli_ctx)
        self.cluster_id = cluster_id(self.subscription, target.ref)
        self._location = location
        self.created, self.reused = [], []

    @property
    def cloud(self):
        return self.cmd.cli_ctx.cloud.name.lower()

    @property
    def cluster_location(self):
        if self._location is None:
            self._location = self.read_cluster(CLUSTER_API_VERSIONS[self.target.ref.cluster_type]).location
        return self._location.replace(' ', '').lower()

    def read_cluster(self, api_version):
        """The cluster as a generic resource; a missing cluster is reported as such."""
        from ..service_errors import translate
        try:
            cluster = self.resources().resources.get_by_id(self.cluster_id, api_version)
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, self.target, 'read the cluster of') from err
        self._location = cluster.location
        return cluster

    # Clients. Those whose answers can hold keys get the trace policy that masks them in --debug output.
    def resources(self, subscription=None):
        from azure.cli.core.profiles import ResourceType
        return self.masked_client(ResourceType.MGMT_RESOURCE_RESOURCES, subscription)

    def log_analytics(self, subscription=None):
        from azure.mgmt.loganalytics import LogAnalyticsManagementClient
        return self.masked_client(LogAnalyticsManagementClient, subscription)

    def monitor(self, subscription=None):
        from azure.mgmt.monitor import MonitorManagementClient
        return self.masked_client(MonitorManagementClient, subscription)

    def storage(self, subscription=None):
        from azure.mgmt.storage import StorageManagementClient
        return self.masked_client(StorageManagementClient, subscription)

    def masked_client(self, client_class, subscription):
        from .._client_factory import _mgmt_client
        return _mgmt_client(self.cmd.cli_ctx, client_class, subscription)

    # The record of what happened, for --verbose and for the failure message.
    def made(self, what, resource_id):
        self.created.append(f'{what} {resource_id}')
        logger.info("Created %s %s", what, resource_id)

    def found(self, what, resource_id):
        self.reused.append(f'{what} {resource_id}')
        logger.info("Reusing %s %s", what, resource_id)

    def reuse_or_make(self, what, name, read, make):
        """The resource read() finds (a 404 is none), or the one make() creates; --verbose says which."""
        found = self.get_or_none(f'read {what} {name}', read)
        if found is not None:
            self.found(what, found.id)
            return found
        made = self.step(f'create {what} {name}', make)
        self.made(what, made.id)
        return made

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
        from ..service_errors import error_code_and_message
        code, message = error_code_and_message(err)
        status = getattr(err, 'status_code', None)
        lines = [f"Could not {what} for extension type {self.extension_type}: {f'({code}) ' if code else ''}{message}",
                 "The extension was not created."]
        if self.created:
            lines.append("Created before the failure (kept; a re-run reuses them): " + '; '.join(self.created))
        error_class = ForbiddenError if status == 403 else AzureResponseError
        rerun = f"{self.target.az_command('create')} --extension-type {self.extension_type}"
        return error_class('\n'.join(lines), f"Fix the cause, then re-run the same command ({rerun} with the same "
                                             "settings): what exists is reused.")


def is_missing(err):
    return getattr(err, 'status_code', None) == 404


def settings_flag(settings, key):
    """A boolean setting as the official tool reads it: the string 'true' in any case, or a true bool."""
    value = settings.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() == 'true')
