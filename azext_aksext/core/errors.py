"""Turn service and transport failures into typed az errors that say which resource and what to do next."""
from azure.cli.core.azclierror import (AzureConnectionError, AzureInternalError, AzureResponseError,
                                       BadRequestError, ForbiddenError, ResourceNotFoundError, UnauthorizedError)

from .clusters import describe

PROVIDER_NAMESPACE = 'Microsoft.KubernetesConfiguration'


def error_code_and_message(err):
    """The service's error code and message, with any protected value this command sent masked (a service may
    echo the request back)."""
    from .redaction import mask_secrets
    error = getattr(err, 'error', None)
    code = getattr(error, 'code', None)
    message = getattr(error, 'message', None) or getattr(err, 'message', None) or str(err)
    return code, mask_secrets(message)


# One return per kind of failure reads as the table it is.
def translate(err, target, action, missing=None):  # pylint: disable=too-many-return-statements
    """Return the az error for an azure.core exception raised while `action` (e.g. 'show') ran on target.

    `missing` names what a 404 that is not about the cluster or resource group means is missing (default: the
    extension target names)."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
    if isinstance(err, (ServiceRequestError, ServiceResponseError)):
        return AzureConnectionError(
            f"Could not reach Azure Resource Manager to {action} {target.describe()}: {err}",
            f"Check your network connection and retry; `{target.az_command('show')}` shows the extension's current "
            "state.")
    if isinstance(err, ValueError) and not isinstance(err, HttpResponseError):
        # An empty or non-JSON answer the SDK could not deserialize (json.JSONDecodeError, DeserializationError).
        return AzureResponseError(
            f"Azure's answer to {action} {target.describe()} could not be read: it was empty or not the JSON expected "
            f"({str(err).splitlines()[0][:200] if str(err) else type(err).__name__}).",
            f"Retry later; `{target.az_command('show')}` shows the extension's current state.")
    if not isinstance(err, HttpResponseError):
        return err
    status = getattr(err, 'status_code', None) or getattr(getattr(err, 'response', None), 'status_code', None)
    code, message = error_code_and_message(err)
    detail = f"({code}) {message}" if code else message
    if status == 404:
        return not_found(code, message, target, missing)
    if status == 401:
        return UnauthorizedError(
            f"Azure rejected the credentials used to {action} {target.describe()}: {detail}",
            "Run `az login` again, or check that the account's token has not expired.")
    if status == 403:
        return ForbiddenError(
            f"Not authorized to {action} {target.describe()}: {detail}",
            f"Ask for a role that allows {PROVIDER_NAMESPACE}/extensions on the cluster, for example "
            "'Kubernetes Extension Contributor'.")
    if code == 'MissingSubscriptionRegistration':
        return AzureResponseError(
            f"Could not {action} {target.describe()}: the subscription is not registered for {PROVIDER_NAMESPACE}: "
            f"{detail}",
            f"Run `az provider register --namespace {PROVIDER_NAMESPACE}` and retry once it shows Registered.")
    if status == 409:
        return AzureResponseError(
            f"Azure refused to {action} {target.describe()}: another operation on it is still running (HTTP 409): "
            f"{detail}",
            f"Nothing was changed by this command. Wait until `{target.az_command('show')}` shows a provisioningState "
            "of Succeeded or Failed, then run the command again.")
    if status == 429 or (status or 0) >= 500:
        return AzureInternalError(
            f"Azure could not {action} {target.describe()} (HTTP {status}): {detail}",
            f"The service is busy or failing; retry later. `{target.az_command('show')}` shows the extension's current "
            "state.")
    if status == 400:
        return BadRequestError(f"Azure refused to {action} {target.describe()}: {detail}")
    return AzureResponseError(f"Azure could not {action} {target.describe()} (HTTP {status}): {detail}")


def not_found(code, message, target, missing=None):
    """A ResourceNotFoundError that says what is missing; its `missing` attribute is 'resource_group', 'cluster'
    or 'target' (the extension, or the type or version asked about)."""
    what, error = _not_found(code, message, target, missing)
    error.missing = what
    return error


def _not_found(code, message, target, missing=None):
    ref = target.ref
    text = (message or '').lower()
    if ref is None:
        return 'target', ResourceNotFoundError(f"{missing} was not found in {target.describe()}: {message}",
                                               "Check the name and the location.")
    if code == 'ResourceGroupNotFound':
        return 'resource_group', ResourceNotFoundError(
            f"Resource group '{ref.resource_group}' was not found.",
            "Check -g/--resource-group and the active subscription (`az account show`).")
    # ARM answers a missing cluster and a missing extension with the same code, ResourceNotFound; only the message
    # names the resource it could not find.
    about_cluster = ref.name.lower() in text and not ('extensions/' in text or 'extensiontypes' in text)
    if about_cluster or (target.name is None and missing is None):
        hint = "Check -c/--cluster-name"
        if target.group == 'k8s-extension':
            hint += " and --cluster-type (an Arc-enabled cluster is connectedClusters, AKS is managedClusters)"
        return 'cluster', ResourceNotFoundError(f"Cluster not found: there is no {describe(ref)}.", hint + ".")
    if missing is not None:
        return 'target', ResourceNotFoundError(
            f"{missing} was not found for {describe(ref)}: {message}",
            "Check the name; the extension type may not be available for this cluster.")
    hint = f"`{target.az_command('list')}` lists the extensions on that cluster."
    if target.group == 'k8s-extension':
        hint += f" If the cluster is of another kind, check --cluster-type (now {ref.cluster_type})."
    return 'target', ResourceNotFoundError(f"Extension '{target.name}' was not found on {describe(ref)}.", hint)
