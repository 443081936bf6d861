"""Registering the subscription for a resource provider when the service refuses an operation because it is not
registered. The official tool's SDK pipeline does this on its own; the SDK aksext uses skips it for the first
request of a long-running operation (its response is streamed), so aksext does it here, once, and says so.

Before a create, as the official tool does, the registration is read first (`ensure_registered`): a subscription
that is not registered is registered then, before the extension is sent."""
import re
import time

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError

from .errors import PROVIDER_NAMESPACE, error_code_and_message

logger = get_logger(__name__)

MISSING_REGISTRATION = 'MissingSubscriptionRegistration'
# Registration usually completes in seconds, sometimes in a few minutes; past this, say how to do it by hand.
REGISTRATION_TIMEOUT = 300


def unregistered_namespace(err):
    """The namespace a MissingSubscriptionRegistration error names, or None for any other error."""
    code, message = error_code_and_message(err)
    if code != MISSING_REGISTRATION:
        return None
    match = re.search(r"namespace '([^']+)'", message or '')
    return match.group(1) if match else PROVIDER_NAMESPACE


def registering(cmd, call):
    """call(), and if the subscription is not registered for the provider it needs: register it, then call again."""
    try:
        return call()
    except Exception as err:  # pylint: disable=broad-except
        namespace = unregistered_namespace(err)
        if namespace is None:
            raise
        register(cmd, namespace, err)
    return call()


def ensure_registered(cmd, namespace=PROVIDER_NAMESPACE):
    """The official tool's read before a create: the subscription's registration for the provider. Not registered:
    register it now. Unreadable, whatever the cause: one warning (the official tool's read only warns too), and the
    create goes on; the service says if it is missing."""
    from .._client_factory import cf_providers
    try:
        state = cf_providers(cmd.cli_ctx).get(namespace).registration_state
    except Exception as err:  # pylint: disable=broad-except
        from ..checks import warn_unread
        warn_unread(f"read whether the subscription is registered for {namespace}", err,
                    'going on: the service says so if it is not')
        return
    if str(state or '').lower() != 'registered':
        register(cmd, namespace)


def register(cmd, namespace, cause=None):
    """Register the subscription for namespace and wait until it is Registered; raise naming the manual fix."""
    from .._client_factory import cf_providers
    logger.warning("The subscription is not registered for resource provider %s; registering it now.", namespace)
    try:
        client = cf_providers(cmd.cli_ctx)
        state = client.register(namespace).registration_state
        deadline, delay = time.monotonic() + REGISTRATION_TIMEOUT, 1
        while (state or '').lower() != 'registered':
            if time.monotonic() > deadline:
                raise TimeoutError(f"still {state} after {REGISTRATION_TIMEOUT} s")
            time.sleep(delay)
            delay = min(delay * 2, 10)
            state = client.get(namespace).registration_state
    except Exception as err:  # pylint: disable=broad-except
        detail = error_code_and_message(err)[1]
        raise AzureResponseError(
            f"The subscription is not registered for {namespace}, and registering it failed: {detail}",
            f"Run `az provider register --namespace {namespace} --wait` (it needs permission to register resource "
            "providers on the subscription), then run this command again.") from (cause or err)
    logger.warning("Registered resource provider %s for the subscription.", namespace)
