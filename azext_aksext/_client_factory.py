"""SDK clients, made through azure-cli-core's factory so they get the login, cloud, user agent and retries of az.

SDK imports stay inside the functions: az imports this extension's loader for every command it runs.
"""


def _with_redacting_trace(client_class):
    """The client class, with the `--debug` network trace replaced by one that masks protected settings."""
    from .redaction import RedactingNetworkTraceLoggingPolicy

    class RedactingClient(client_class):
        def __init__(self, credential, subscription_id, base_url=None, **kwargs):
            kwargs['logging_policy'] = RedactingNetworkTraceLoggingPolicy()
            super().__init__(credential, subscription_id, base_url, **kwargs)

    RedactingClient.__name__ = client_class.__name__
    return RedactingClient


# azure-core retries 10 times with exponential backoff (minutes in all) before it reports a failing service;
# four retries ride out a blip or a throttle in about 11 s and then say what went wrong.
RETRY_TOTAL = 4


def _mgmt_client(cli_ctx, client_class, subscription_id=None, **kwargs):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    return get_mgmt_service_client(cli_ctx, _with_redacting_trace(client_class), subscription_id=subscription_id,
                                   retry_total=RETRY_TOTAL, **kwargs)


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
