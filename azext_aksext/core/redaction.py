"""Keep protected setting values out of everything az writes, including `--debug` network traces."""
import json
import logging
import re

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
    """Mask a request or response body given as text or bytes. JSON is masked field by field; anything else (an
    answer cut short, a proxy's page) is masked by pattern, so that a truncated key is not shown either."""
    raw = body if isinstance(body, bytes) else str(body or '').encode()
    if not body:
        return body
    if any(word.encode() in raw for word in (PROTECTED_KEY, KUBECONFIGS) + SECRET_FIELDS):
        try:
            document = json.loads(body)
        except (TypeError, ValueError):
            return mask_secrets(_mask_fields(raw.decode('utf-8', 'replace')))
        remember_secrets(_secret_values(document))
        return mask_secrets(json.dumps(mask_protected(document)))
    return mask_secrets(body) if _SECRETS or _LOOKS_SECRET.search(raw.decode('utf-8', 'replace')) else body


def _secret_values(document):
    """The values of secret fields anywhere in a document (an answer's keys and customer IDs)."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in SECRET_FIELDS and isinstance(value, str):
                yield value
            elif key == PROTECTED_KEY and isinstance(value, dict):
                yield from (str(item) for item in value.values())
            elif key == KUBECONFIGS and isinstance(value, list):
                yield from (str(item['value']) for item in value if isinstance(item, dict) and item.get('value'))
            else:
                yield from _secret_values(value)
    elif isinstance(document, list):
        for item in document:
            yield from _secret_values(item)


_FIELD = re.compile(r'("(?:' + '|'.join(SECRET_FIELDS) + r')"\s*:\s*")([^"]*)("?)')
_PROTECTED_OBJECT = re.compile(r'("' + PROTECTED_KEY + r'"\s*:\s*\{)([^}]*)(\}?)')
_PAIR_VALUE = re.compile(r'("[^"]*"\s*:\s*")([^"]*)("?)')


def _mask_fields(text):
    """Secret fields in JSON text that does not parse (cut short): each value, complete or not, is masked."""
    text = _FIELD.sub(lambda match: match.group(1) + MASK + match.group(3), text)
    return _PROTECTED_OBJECT.sub(lambda match: match.group(1) + _PAIR_VALUE.sub(
        lambda pair: pair.group(1) + MASK + pair.group(3), match.group(2)) + match.group(3), text)


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


def _remember_answer_secrets(response):
    """Keys and customer IDs in an answer become secrets of this command: masked wherever they appear later."""
    try:
        raw = response.body()
    except Exception:  # pylint: disable=broad-except
        return  # a streamed body, not read yet
    if raw and any(word.encode() in raw for word in SECRET_FIELDS):
        try:
            remember_secrets(_secret_values(json.loads(raw)))
        except ValueError:
            remember_secrets(match.group(2) for match in _FIELD.finditer(raw.decode('utf-8', 'replace')))


class RedactingNetworkTraceLoggingPolicy(SafeNetworkTraceLoggingPolicy):
    """azure-cli-core's trace policy (which hides tokens) that also hides protected setting values in bodies."""

    def on_request(self, request):
        from . import ledger
        real = request.http_request
        request.context['aksext_sent'] = ledger.sent(real)
        request.http_request = _RequestView(real)
        try:
            super().on_request(request)
        finally:
            request.http_request = real

    def on_response(self, request, response):
        from . import ledger
        ledger.answered(request.context.get('aksext_sent'), response.http_response.status_code)
        if not response.context.options.get('stream', False):  # a streamed body is the caller's to read
            _remember_answer_secrets(response.http_response)
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


# What is a secret whatever command it comes from: private keys in PEM, the key parts of connection strings and
# shared access signatures, bearer tokens.
_PEM = re.compile(r'(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)')
_CONNECTION_KEY = re.compile(r'((?:SharedAccessKey|AccountKey|SharedAccessSignature|SharedSecretValue|Password|'
                             r'sig)=)([^;&\s"\'<>]+)', re.IGNORECASE)
_BEARER = re.compile(r'(Bearer\s+)[A-Za-z0-9\-_.=~+/]{16,}')
_LOOKS_SECRET = re.compile(r'PRIVATE KEY-----|SharedAccessKey=|AccountKey=|SharedAccessSignature=|sig=|Bearer\s',
                           re.IGNORECASE)


def remember_secrets(values):
    _SECRETS.update(str(value) for value in values if value is not None and len(str(value)) >= _MIN_MASKED_LENGTH)


def mask_secrets(text):
    """text with every protected value given to this command (or read from an answer's keys) replaced by MASK,
    longest first, and with whatever looks like a secret (a PEM private key, a connection string's key, a bearer
    token) masked too."""
    if not text or not isinstance(text, str):
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    if _LOOKS_SECRET.search(text):
        text = _PEM.sub(lambda match: f'{match.group(1)}{MASK}{match.group(2)}', text)
        text = _CONNECTION_KEY.sub(lambda match: match.group(1) + MASK, text)
        text = _BEARER.sub(lambda match: match.group(1) + MASK, text)
    return text


# A logging filter has the one method logging calls.
class SecretFilter(logging.Filter):  # pylint: disable=too-few-public-methods
    """Masks every log record (message and traceback) on its way to any handler: the console, az's command logs,
    a log file. Tracebacks under --debug show the service's own error text, which may echo a secret."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


_FILTER = SecretFilter()


def guard_logs():
    """Put the filter on every handler az has set up (console, command log, log file), once each."""
    for logger in (logging.getLogger(), logging.getLogger('cli'), logging.getLogger('az_command_data_logger')):
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
