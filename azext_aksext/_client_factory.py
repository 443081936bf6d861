"""Every SDK client aksext uses, and only here: each is made through azure-cli-core's factory (the login, cloud,
user agent and proxy settings of az) and through one pipeline of aksext's own: a `--debug` network trace that masks
protected settings, keys and connection strings, retries that never sleep past a sane Retry-After, and a read
timeout. No other module constructs a client (tests/unit/test_client_factory.py checks it).

SDK imports stay inside the functions: az imports this extension's loader for every command it runs.
"""
import threading

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


def maintenance_configurations_clients(cli_ctx):
    """A maker of AKS maintenance configuration clients (the containerservice SDK azure-cli ships), one per
    subscription, for the maintenance windows of a rollout."""
    made, lock = {}, threading.Lock()

    def make(subscription):
        with lock:
            if subscription not in made:
                made[subscription] = _client(cli_ctx, _resource_type('MGMT_CONTAINERSERVICE'),
                                             subscription).maintenance_configurations
            return made[subscription]
    return make


def cf_compute(cli_ctx, subscription_id=None):
    return _client(cli_ctx, _resource_type('MGMT_COMPUTE'), subscription_id)


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


# Azure Blob Storage, where a rollout journal may live: azure-cli ships the SDK, setup.py declares it.

def cf_journal_blob(cli_ctx, url):
    """The client of one journal blob (``url``: a blobstore.JournalUrl), on the signed-in az identity: the login's
    credential, asked by the storage SDK for a token for https://storage.azure.com/ (no account keys, no SAS). Retries
    as short as ARM's; the journal holds no secrets, so the storage SDK's own --debug trace (Authorization
    redacted) is kept."""
    from azure.cli.core._profile import Profile
    from azure.cli.core.util import get_az_user_agent
    from azure.storage.blob import BlobClient, ExponentialRetry
    credential = Profile(cli_ctx=cli_ctx).get_login_credentials()[0]
    return BlobClient(url.account_url, url.container, url.blob, credential=credential,
                      retry_policy=ExponentialRetry(initial_backoff=1, increment_base=2, retry_total=RETRY_TOTAL),
                      read_timeout=read_timeout(), user_agent=get_az_user_agent() + ' aksext')


# A cluster's own API, for troubleshoot: the official kubernetes client, which azure-cli does not ship (setup.py
# declares it). It is not an ARM client, so it has no az pipeline: its own debug log (every response body, Secrets
# included) is kept out of --debug, and troubleshoot logs what it reads itself.

def cf_kubernetes(*, kubeconfig=None, kubeconfig_dict=None, context=None, skip_ssl_verification=False):
    """The Kubernetes APIs troubleshoot reads, on the kubeconfig file (default: $KUBECONFIG or ~/.kube/config) or a
    kubeconfig given as a mapping (never written to disk, nor merged into the user's); raises the client's
    ConfigException for a kubeconfig or context that cannot be used."""
    import logging
    from collections import namedtuple
    # kubernetes is a dependency of the extension (setup.py), absent from the shared lint environment.
    from kubernetes import client, config  # pylint: disable=import-error
    for name in ('kubernetes', 'kubernetes.client.rest'):
        logging.getLogger(name).setLevel(logging.WARNING)
    configuration = client.Configuration()
    if kubeconfig_dict is not None:
        config.load_kube_config_from_dict(kubeconfig_dict, context=context, client_configuration=configuration,
                                          persist_config=False)
    else:
        config.load_kube_config(config_file=kubeconfig, context=context, client_configuration=configuration,
                                persist_config=False)
    if skip_ssl_verification:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        configuration.verify_ssl = False
    configuration.retries = 1
    api_client = client.ApiClient(configuration)
    apis = namedtuple('KubernetesApis', 'core apps batch version server')
    return apis(client.CoreV1Api(api_client), client.AppsV1Api(api_client), client.BatchV1Api(api_client),
                client.VersionApi(api_client), configuration.host)


def kubernetes_errors():
    """(the API's error class, the kubeconfig's error class) of the kubernetes client."""
    from kubernetes.client.exceptions import ApiException  # pylint: disable=import-error
    from kubernetes.config.config_exception import ConfigException  # pylint: disable=import-error
    return ApiException, ConfigException
