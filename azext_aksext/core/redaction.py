"""Keep protected setting values out of everything az writes, including `--debug` network traces."""
import json

from azure.cli.core.sdk.policies import SafeNetworkTraceLoggingPolicy

MASK = '***'
PROTECTED_KEY = 'configurationProtectedSettings'


# Keys and connection strings in the answers of companion resources (workspace sharedKeys, Relay and Service Bus
# listKeys), masked like protected settings; and a workspace's customer ID, which its agents receive as a
# protected setting.
SECRET_FIELDS = ('primarySharedKey', 'secondarySharedKey', 'primaryKey', 'secondaryKey', 'primaryConnectionString',
                 'secondaryConnectionString', 'aliasPrimaryConnectionString', 'aliasSecondaryConnectionString',
                 'customerId')
# An AKS cluster's credentials (listClusterUserCredential, listClusterAdminCredential): kubeconfigs with tokens.
KUBECONFIGS = 'kubeconfigs'


def mask_protected(document):
    """Return a copy of a REST document with every protected setting value (and key, connection string or
    kubeconfig) replaced by MASK (keys kept)."""
    if isinstance(document, dict):
        return {key: ({name: MASK for name in value} if key == PROTECTED_KEY and isinstance(value, dict)
                      else MASK if key in SECRET_FIELDS and isinstance(value, str)
                      else [dict(item, value=MASK) if isinstance(item, dict) else item for item in value]
                      if key == KUBECONFIGS and isinstance(value, list)
                      else mask_protected(value))
                for key, value in document.items()}
    if isinstance(document, list):
        return [mask_protected(item) for item in document]
    return document


def mask_body(body):
    """Mask a request or response body given as text or bytes; anything that is not JSON passes unchanged."""
    raw = body if isinstance(body, bytes) else str(body or '').encode()
    if not body or not any(word.encode() in raw for word in (PROTECTED_KEY, KUBECONFIGS) + SECRET_FIELDS):
        return body
    try:
        return json.dumps(mask_protected(json.loads(body)))
    except (TypeError, ValueError):
        return body


# The views stand in for azure-core's request and response objects: only what the trace logger reads.
class _RequestView:  # pylint: disable=too-few-public-methods
    """What the trace logger reads of a request, with the body masked."""
    def __init__(self, request):
        self.url, self.method, self.headers = request.url, request.method, request.headers
        self.body = mask_body(request.body)


class _ResponseView:  # pylint: disable=too-few-public-methods
    """What the trace logger reads of a response, with the body masked."""
    def __init__(self, response):
        self._response = response
        self.status_code, self.headers = response.status_code, response.headers

    def text(self, encoding=None):
        return mask_body(self._response.text(encoding))


class RedactingNetworkTraceLoggingPolicy(SafeNetworkTraceLoggingPolicy):
    """azure-cli-core's trace policy (which hides tokens) that also hides protected setting values in bodies."""

    def on_request(self, request):
        real = request.http_request
        request.http_request = _RequestView(real)
        try:
            super().on_request(request)
        finally:
            request.http_request = real

    def on_response(self, request, response):
        real = response.http_response
        response.http_response = _ResponseView(real)
        try:
            super().on_response(request, response)
        finally:
            response.http_response = real


# Protected values given to this command (from flags or files); a service error that echoes one is masked.
_SECRETS = set()
# Shorter values ('1', 'true') would mask ordinary words in a message; they say little on their own.
_MIN_MASKED_LENGTH = 4


def remember_secrets(values):
    _SECRETS.update(str(value) for value in values if value is not None and len(str(value)) >= _MIN_MASKED_LENGTH)


def mask_secrets(text):
    """text with every protected value given to this command replaced by MASK, longest first."""
    if not text or not _SECRETS:
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
