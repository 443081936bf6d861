"""SDK clients, made through azure-cli-core's factory so they get the login, cloud, user agent and retries of az.

SDK imports stay inside the functions: az imports this extension's loader for every command it runs.
"""


def _with_redacting_trace(client_class):
    """The client class, with the `--debug` network trace replaced by one that masks protected settings, and
    retries that never sleep longer than a sane Retry-After."""
    from azure.core.pipeline.policies import RetryPolicy
    from .polling import retry_after_seconds
    from .redaction import RedactingNetworkTraceLoggingPolicy

    class ClampedRetryPolicy(RetryPolicy):
        def get_retry_after(self, response):
            return retry_after_seconds(response)

    # Its public methods are the SDK client's, which pylint cannot see through the dynamic base class.
    class RedactingClient(client_class):  # pylint: disable=too-few-public-methods
        # az tells new SDK clients from old ones by a parameter named credential.
        def __init__(self, credential, *args, **kwargs):
            kwargs['logging_policy'] = RedactingNetworkTraceLoggingPolicy()
            kwargs['retry_policy'] = ClampedRetryPolicy(**kwargs)
            super().__init__(credential, *args, **kwargs)

    RedactingClient.__name__ = client_class.__name__
    return RedactingClient


# azure-core retries 10 times with exponential backoff (minutes in all) before it reports a failing service;
# four retries ride out a blip or a throttle in about 11 s and then say what went wrong.
RETRY_TOTAL = 4
# A request the service accepted and never answered fails after this long (azure-core waits 300 s) and is then
# retried like any other; AKSEXT_READ_TIMEOUT overrides it.
READ_TIMEOUT = 60.0


def _read_timeout():
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


def _mgmt_client(cli_ctx, client_type, subscription_id=None, **kwargs):
    """client_type: an SDK client class, or a ResourceType of an SDK azure-cli ships (its class and api-version
    come from az's profile, as get_mgmt_service_client would pick them)."""
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
    return get_mgmt_service_client(cli_ctx, _with_redacting_trace(client_type), subscription_id=subscription_id,
                                   retry_total=RETRY_TOTAL, read_timeout=_read_timeout(), **kwargs)


def cf_extensions(cli_ctx, *_, subscription_id=None, **kwargs):
    """kwargs: e.g. credential= (with subscription_id, for a subscription the login does not list)."""
    from azure.mgmt.kubernetesconfiguration.extensions import KubernetesConfigurationExtensionsMgmtClient
    return _mgmt_client(cli_ctx, KubernetesConfigurationExtensionsMgmtClient, subscription_id, **kwargs).extensions


def cf_extension_types(cli_ctx, *_, subscription_id=None):
    from azure.mgmt.kubernetesconfiguration.extensiontypes import KubernetesConfigurationExtensionTypesMgmtClient
    return _mgmt_client(cli_ctx, KubernetesConfigurationExtensionTypesMgmtClient, subscription_id).extension_types


def cf_managed_clusters(cli_ctx, *_, subscription_id=None):
    # The ContainerService SDK ships with azure-cli itself; use the version az was built with.
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_CONTAINERSERVICE,
                                   subscription_id=subscription_id).managed_clusters


def cf_providers(cli_ctx, *_, subscription_id=None):
    # Resource provider registration; the resources SDK ships with azure-cli itself.
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_RESOURCE_RESOURCES,
                                   subscription_id=subscription_id, retry_total=RETRY_TOTAL).providers
