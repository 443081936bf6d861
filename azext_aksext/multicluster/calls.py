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

# Below this many remaining requests in a bucket, a subscription's workers go at the bucket's refill rate (the
# documented per-principal rates) instead of spending the rest in a burst and meeting 429s.
LOW_WATER = 30
REFILL_PER_SECOND = {'reads': 25.0, 'writes': 10.0, 'deletes': 10.0}
ATTEMPTS = 30
RETRYABLE = (409, 429, 500, 502, 503, 504)


class Pacer:
    def __init__(self):
        self.lock = threading.Lock()
        self.resume_at = 0.0
        self.throttled = 0
        self.low = {}           # operation class -> the last answer said the bucket runs low
        self.next_slot = {}     # operation class -> when the next paced request may go

    def wait(self, kind='reads'):
        with self.lock:
            now = time.monotonic()
            start = max(now, self.resume_at)
            if self.low.get(kind):
                start = max(start, self.next_slot.get(kind, 0.0))
                self.next_slot[kind] = start + 1.0 / REFILL_PER_SECOND.get(kind, 10.0)
        while True:
            delay = start - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))
            with self.lock:
                start = max(start, self.resume_at)

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
            name = name.lower()
            if name.startswith('x-ms-ratelimit-remaining-') and 'global' not in name:
                try:
                    remaining = int(value)
                except ValueError:
                    continue
                with self.lock:
                    self.low[name.rsplit('-', 1)[-1]] = remaining < LOW_WATER


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

    def __init__(self, client, pacer):
        self.client = client
        self.pacer = pacer

    def _attempts(self, function, is_write, landed=None):  # pylint: disable=too-many-branches
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError, \
            ServiceResponseError
        for attempt in range(ATTEMPTS):
            self.pacer.wait('writes' if is_write else 'reads')
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
        begin = self.client.begin_create if action == 'create' else self.client.begin_update

        def send(**kw):
            return begin(*ref, name, {'properties': properties}, polling=False, **kw)
        self._attempts(send, True, landed)
