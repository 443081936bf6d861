"""Calls to the resource provider during a rollout, paced per subscription so throttling never reaches the user.

Every response passes through :meth:`Pacer.observe` (azure-core's ``raw_response_hook``): a 429's ``Retry-After``
pauses every worker of that subscription, and a ``x-ms-ratelimit-remaining-*`` count running low slows them
before ARM has to refuse anything. Throttling (429), conflicts with a running operation (409) and transient
failures (5xx, dropped connections) are retried here; a write whose outcome is unknown is re-read before it is
sent again, so no cluster gets a second operation for one change.
"""
import threading
import time

from knack.log import get_logger

logger = get_logger(__name__)

LOW_WATER = 5           # remaining requests at which a subscription's workers start to slow down
ATTEMPTS = 30
RETRYABLE = (409, 429, 500, 502, 503, 504)


class Pacer:
    def __init__(self):
        self.lock = threading.Lock()
        self.resume_at = 0.0
        self.throttled = 0

    def wait(self):
        while True:
            with self.lock:
                delay = self.resume_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))

    def pause(self, seconds):
        with self.lock:
            self.resume_at = max(self.resume_at, time.monotonic() + seconds)

    def observe(self, pipeline_response):
        response = pipeline_response.http_response
        headers = response.headers
        if response.status_code == 429:
            self.throttled += 1
            self.pause(retry_after(headers, 1.0))
            return
        for name, value in headers.items():
            if name.lower().startswith('x-ms-ratelimit-remaining-') and 'global' not in name.lower():
                try:
                    remaining = int(value)
                except ValueError:
                    continue
                if remaining < LOW_WATER:
                    # Spread the last few requests out rather than spend them in one burst and wait for a 429.
                    self.pause(0.2 * (LOW_WATER - remaining))


def retry_after(headers, default):
    try:
        return max(0.0, float(headers.get('Retry-After')))
    except (TypeError, ValueError):
        return default


def _status_and_wait(err, attempt):
    status = getattr(err, 'status_code', None)
    response = getattr(err, 'response', None)
    headers = getattr(response, 'headers', None) or {}
    return status, retry_after(headers, min(30.0, 1.0 * 2 ** min(attempt, 5)))


class Calls:
    """Reads and writes of one subscription's extensions, with pacing and retries."""

    def __init__(self, client, pacer, stop):
        self.client = client
        self.pacer = pacer
        self.stop = stop

    def _attempts(self, function, is_write, landed=None):
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError, \
            ServiceResponseError
        for attempt in range(ATTEMPTS):
            self.pacer.wait()
            try:
                return function(raw_response_hook=self.pacer.observe)
            except ResourceNotFoundError:
                raise
            except HttpResponseError as err:
                status, wait = _status_and_wait(err, attempt)
                if status not in RETRYABLE or attempt == ATTEMPTS - 1:
                    raise
                if status == 429:
                    self.pacer.pause(wait)
                elif status == 409:
                    logger.info('Conflict with a running operation; retrying in %.0f s.', wait)
                ambiguous = status >= 500
            except (ServiceRequestError, ServiceResponseError):
                if attempt == ATTEMPTS - 1:
                    raise
                wait, ambiguous = min(30.0, 1.0 * 2 ** min(attempt, 5)), True
            if is_write and ambiguous and landed is not None and landed():
                return None  # the write reached the service although its answer did not reach us
            time.sleep(wait)
        return None

    def get(self, ref, name):
        from azure.core.exceptions import ResourceNotFoundError
        try:
            result = self._attempts(lambda **kw: self.client.get(*ref, name, **kw), False)
        except ResourceNotFoundError:
            return None
        return result.as_dict() if hasattr(result, 'as_dict') else result

    def write(self, action, ref, name, properties, landed):
        if action == 'create':
            send = lambda **kw: self.client.begin_create(*ref, name, {'properties': properties},  # noqa: E731
                                                         polling=False, **kw)
        else:
            send = lambda **kw: self.client.begin_update(*ref, name, {'properties': properties},  # noqa: E731
                                                         polling=False, **kw)
        self._attempts(send, True, landed)
