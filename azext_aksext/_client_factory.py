"""Every SDK client aksext uses, and only here: each is made through azure-cli-core's factory (the login, cloud,
user agent and proxy settings of az) and through one pipeline of aksext's own: a `--debug` network trace that masks
protected settings, keys and connection strings, retries that never sleep past a sane Retry-After, and a read
timeout. No other module constructs a client (tests/unit/test_client_factory.py checks it).

SDK imports stay inside the functions: az imports this extension's loader for every command it runs.
"""
from .core.defaults import READ_TIMEOUT, RETRY_TOTAL


def _with_masking_pipeline(client_class):
    """The client class, with the `--debug` network trace replaced by one that masks secrets, and retries that never
    sleep longer than a sane Retry-After."""
    from azure.core.pipeline.policies import RetryPolicy
    from .core.redaction import RedactingNetworkTraceLoggingPolicy
    from .core.waiting import retry_after_seconds

    class ClampedRetryPolicy(RetryPolicy):
        def get_retry_after(self, response):
            return retry_after_seconds(response)

    # Its public methods are the SDK client's, which pylint cannot see through the dynamic base class.
    class MaskedClient(client_class):  # pylint: disable=too-few-public-methods
        # az tells new SDK clients from old ones by a parameter named credential.
        def __init__(self, credential, *args, **kwargs):
            kwargs['logging_policy'] = RedactingNetworkTraceLoggingPolicy()
            kwargs['retry_policy'] = ClampedRetryPolicy(**kwargs)
            super().__init__(credential, *args, **kwargs)

    MaskedClient.__name__ = client_class.__name__
    return MaskedClient


def read_timeout():
    import os
    try:
        value = float(os.environ.get('AKSEXT_READ_TIMEOUT') or READ_TIMEOUT)
    except ValueError:
        return READ_TIMEOUT
    return value if 0 < value < float('inf') else READ_TIMEOUT


def _failsafe_warning_to_debug(record):
    """The SDKs log a warning with a full traceback when an error answer is not JSON (a gateway's HTML page, an
    empty 204); the az error that follows says what happened, so the traceback is shown with --debug only."""
    import logging
    if record.exc_info and 'failsafe deserialization' in record.getMessage():
        record.levelno, record.levelname = logging.DEBUG, 'DEBUG'
    return True


def _quiet_failsafe_deserialization():
    import logging
    for package in ('extensions', 'extensiontypes'):
        logger = logging.getLogger(f'azure.mgmt.kubernetesconfiguration.{package}._utils.model_base')
        if _failsafe_warning_to_debug not in logger.filters:
            logger.addFilter(_failsafe_warning_to_debug)


def _client(cli_ctx, client_type, subscription_id=None, **kwargs):
    """client_type: an SDK client class, or the ResourceType of an SDK azure-cli ships (its class and api-version
    then come from az's profile, as get_mgmt_service_client would pick them)."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    if isinstance(client_type, ResourceType):
        from azure.cli.core.profiles import get_api_version
        from azure.cli.core.profiles._shared import SDKProfile, get_client_class
        api_version = get_api_version(cli_ctx, client_type, as_sdk_profile=True)
        if isinstance(api_version, SDKProfile):
            kwargs['profile'] = api_version.profile
        elif api_version:
            kwargs['api_version'] = api_version
        client_type = get_client_class(client_type)
    _quiet_failsafe_deserialization()
    kwargs.setdefault('retry_total', RETRY_TOTAL)
    if subscription_id and 'credential' not in kwargs and not _listed(cli_ctx, subscription_id):
        # A subscription the login does not list (a rollout's target): the login's own credential reaches it.
        from azure.cli.core._profile import Profile
        kwargs['credential'] = Profile(cli_ctx=cli_ctx).get_login_credentials()[0]
    return get_mgmt_service_client(cli_ctx, _with_masking_pipeline(client_type), subscription_id=subscription_id,
                                   read_timeout=read_timeout(), **kwargs)


def _listed(cli_ctx, subscription_id):
    from azure.cli.core._profile import Profile
    from knack.util import CLIError
    try:
        Profile(cli_ctx=cli_ctx).get_subscription(subscription_id)
    except CLIError:
        return False
    return True


def _resource_type(name):
    from azure.cli.core.profiles import ResourceType
    return getattr(ResourceType, name)


# Microsoft.KubernetesConfiguration: azure-cli ships neither SDK, setup.py declares both.

def cf_extensions(cli_ctx, *_, subscription_id=None, **kwargs):
    """kwargs: e.g. credential= (with subscription_id, for a subscription the login does not list) or transport=."""
    from azure.mgmt.kubernetesconfiguration.extensions import KubernetesConfigurationExtensionsMgmtClient
    return _client(cli_ctx, KubernetesConfigurationExtensionsMgmtClient, subscription_id, **kwargs).extensions


def cf_extension_types(cli_ctx, *_, subscription_id=None):
    from azure.mgmt.kubernetesconfiguration.extensiontypes import KubernetesConfigurationExtensionTypesMgmtClient
    return _client(cli_ctx, KubernetesConfigurationExtensionTypesMgmtClient, subscription_id).extension_types


def extensions_clients(cli_ctx, parallel):
    """A maker of extensions clients, one per subscription, for work across many clusters: on the login's
    credential (the target subscriptions need not be the ones `az account list` shows) and sharing one connection
    pool as large as the parallelism."""
    import requests
    from azure.cli.core._profile import Profile
    from azure.core.pipeline.transport import RequestsTransport
    credential = Profile(cli_ctx=cli_ctx).get_login_credentials()[0]
    session = requests.Session()
    session.mount('https://', requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=parallel + 4))

    def make(subscription):
        # A transport given to a client keeps its own timeouts: the read timeout goes to it, not to the client.
        return cf_extensions(cli_ctx, subscription_id=subscription, credential=credential,
                             transport=RequestsTransport(session=session, session_owner=False,
                                                         read_timeout=read_timeout()))
    return make


# Resources of other providers that aksext reads or creates; azure-cli ships these SDKs.

def cf_managed_clusters(cli_ctx, *_, subscription_id=None):
    return _client(cli_ctx, _resource_type('MGMT_CONTAINERSERVICE'), subscription_id).managed_clusters


def cf_resources(cli_ctx, subscription_id=None):
    """The generic resources client (resources by ID, resource groups, providers)."""
    return _client(cli_ctx, _resource_type('MGMT_RESOURCE_RESOURCES'), subscription_id)


def cf_providers(cli_ctx, *_, subscription_id=None):
    return cf_resources(cli_ctx, subscription_id).providers


def cf_log_analytics(cli_ctx, subscription_id=None):
    from azure.mgmt.loganalytics import LogAnalyticsManagementClient
    return _client(cli_ctx, LogAnalyticsManagementClient, subscription_id)


def cf_monitor(cli_ctx, subscription_id=None):
    from azure.mgmt.monitor import MonitorManagementClient
    return _client(cli_ctx, MonitorManagementClient, subscription_id)


def cf_storage(cli_ctx, subscription_id=None):
    from azure.mgmt.storage import StorageManagementClient
    return _client(cli_ctx, StorageManagementClient, subscription_id)


def cf_service_bus(cli_ctx, subscription_id=None):
    return _client(cli_ctx, _resource_type('MGMT_SERVICEBUS'), subscription_id)


def cf_authorization(cli_ctx, subscription_id=None):
    return _client(cli_ctx, _resource_type('MGMT_AUTHORIZATION'), subscription_id)


def cf_relay(cli_ctx, subscription_id=None):
    # azure-cli does not ship the Relay SDK; setup.py declares it.
    from azure.mgmt.relay import RelayAPIMgmtClient
    return _client(cli_ctx, RelayAPIMgmtClient, subscription_id)


def cf_resource_graph(cli_ctx):
    # azure-cli does not ship the Resource Graph SDK; setup.py declares it. A query names its own subscriptions.
    from azure.mgmt.resourcegraph import ResourceGraphClient
    return _client(cli_ctx, ResourceGraphClient, subscription_bound=False)
