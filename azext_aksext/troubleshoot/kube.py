"""Reading a cluster through the Kubernetes API, bounded in time, saying what could not be read and why.

Every read goes through ``Cluster.get``: answers are parsed as plain JSON (no client models: less memory, and what
is written to the bundle is what the API said), each request has a timeout, and all of them share one deadline. A
failure becomes a ``NotRead`` (what, why) for the caller to report; it never ends the command by itself.
"""
import json
import time
from collections import namedtuple

from knack.log import get_logger

logger = get_logger(__name__)

NotRead = namedtuple('NotRead', 'what why')


class Unreadable(Exception):
    """A read that failed; ``reason`` says why in a few words, ``status`` is the HTTP status when there was one."""

    def __init__(self, reason, status=None, fatal=False):
        super().__init__(reason)
        self.reason, self.status, self.fatal = reason, status, fatal


class Cluster:
    """The Kubernetes APIs of one cluster, with a timeout per request and a deadline for all of them."""

    def __init__(self, apis, *, request_timeout, deadline, source):
        from .._client_factory import kubernetes_errors
        self.apis, self.request_timeout, self.deadline, self.source = apis, request_timeout, deadline, source
        self.api_error = kubernetes_errors()[0]
        self.requests = 0

    @property
    def server(self):
        return self.apis.server

    def _timeout(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Unreadable('the time limit for troubleshoot was reached', fatal=True)
        return min(self.request_timeout, max(left, 0.5))

    def call(self, api, method, *args, **kwargs):
        """The raw answer (urllib3 response, unread) of one API method; raises Unreadable."""
        timeout = self._timeout()
        self.requests += 1
        try:
            return getattr(getattr(self.apis, api), method)(
                *args, _preload_content=False, _request_timeout=(min(timeout, 10.0), timeout), **kwargs)
        except self.api_error as err:
            raise Unreadable(self.describe_status(err), status=err.status, fatal=err.status == 401) from err
        except Exception as err:  # pylint: disable=broad-except
            # urllib3's connection, TLS and timeout errors, after the client's retry. One slow answer is one thing
            # not read; a server that cannot be reached or trusted is the whole cluster.
            reason = self.describe_transport(err)
            raise Unreadable(reason, fatal='did not answer' not in reason) from err

    def get(self, api, method, *args, **kwargs):
        """The parsed JSON answer of one API method; raises Unreadable."""
        response = self.call(api, method, *args, **kwargs)
        try:
            document = json.loads(response.data)
        except ValueError as err:
            raise Unreadable('the answer was not JSON') from err
        logger.debug('Kubernetes API %s %s: %s', method, ' '.join(map(str, args)),
                     f"{len(document.get('items') or [])} items" if 'items' in document else 'read')
        return document

    def items(self, api, method, *args, **kwargs):
        return self.get(api, method, *args, **kwargs).get('items') or []

    @staticmethod
    def describe_status(err):
        message = ''
        try:
            message = json.loads(err.body or '{}').get('message') or ''
        except (TypeError, ValueError):
            message = ''
        if err.status == 401:
            return ('HTTP 401 Unauthorized: the kubeconfig\'s credentials were refused (expired or not valid for '
                    'this cluster)')
        return f"HTTP {err.status} {err.reason or ''}".strip() + (f': {message}' if message else '')

    def describe_transport(self, err):
        text = str(getattr(err, 'reason', None) or err)
        if 'CERTIFICATE_VERIFY_FAILED' in text or 'SSLError' in type(err).__name__ + text:
            return (f'the API server {self.server} presented a certificate the kubeconfig does not trust '
                    '(--skip-ssl-verification skips the check)')
        if 'timed out' in text.lower() or 'timeout' in type(err).__name__.lower():
            return f'the API server {self.server} did not answer within {self.request_timeout:g} s'
        if 'refused' in text.lower() or 'NewConnectionError' in text or 'Max retries' in text:
            return f'the API server {self.server} could not be reached ({_short(text)})'
        return f'the API server {self.server} could not be read ({_short(text)})'


def _short(text):
    text = text.split('Caused by', 1)[-1].strip(' ()')
    return text if len(text) <= 160 else text[:157] + '...'


def open_cluster(kubeconfig_dict=None, *, kubeconfig=None, context=None, skip_ssl_verification=False,
                 request_timeout, deadline, source):
    """(Cluster, None) or (None, NotRead) when the kubeconfig cannot be used."""
    from .._client_factory import cf_kubernetes, kubernetes_errors
    config_error = kubernetes_errors()[1]
    try:
        apis = cf_kubernetes(kubeconfig=kubeconfig, kubeconfig_dict=kubeconfig_dict, context=context,
                             skip_ssl_verification=skip_ssl_verification)
    except (config_error, OSError, ValueError, TypeError, KeyError) as err:
        return None, NotRead(f'the cluster through {source}', _config_reason(err, context))
    return Cluster(apis, request_timeout=request_timeout, deadline=deadline, source=source), None


def _config_reason(err, context):
    text = str(err).strip() or type(err).__name__
    if context and context in text:
        return f"the kubeconfig has no context '{context}' (--kube-context): {text}"
    if 'No configuration found' in text:
        return ('no kubeconfig was found (give --kube-config, set KUBECONFIG, or run `az aks get-credentials` '
                'for an AKS cluster)')
    return f'the kubeconfig cannot be used: {text}'
