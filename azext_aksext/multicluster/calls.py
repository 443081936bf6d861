"""Calls to the resource provider during a rollout, paced per subscription so throttling never reaches the user.

Every response passes through :meth:`Pacer.observe` (azure-core's ``raw_response_hook``): a 429's ``Retry-After``
pauses every worker of that subscription, and a ``x-ms-ratelimit-remaining-*`` count running low slows them
before ARM has to refuse anything. Every wait here ends early when the rollout stops (Ctrl-C).

Reads are retried here: throttling, server errors, dropped connections, no answer and answers that cannot be read.
A write is sent once, with the SDK's own retries off (a retried request whose first answer was lost would be a
second operation): its outcome says whether it was accepted, refused, or is unknown, and the caller re-reads the
extension before it sends anything again.
"""
import threading
import time

from knack.log import get_logger

from ..core.defaults import MAX_POLL_INTERVAL

logger = get_logger(__name__)

# Below this many remaining requests in a bucket, a subscription's workers go at the bucket's refill rate (the
# documented per-principal rates) instead of spending the rest in a burst and meeting 429s.
LOW_WATER = 30
REFILL_PER_SECOND = {'reads': 25.0, 'writes': 10.0, 'deletes': 10.0}
TRANSIENT = (408, 429, 500, 502, 503, 504)

# The outcomes of one write.
ACCEPTED, REFUSED, CONFLICT, THROTTLED, UNKNOWN = 'accepted', 'refused', 'conflict', 'throttled', 'unknown'


class Stopped(Exception):
    """The rollout was told to stop (Ctrl-C) while this worker waited."""


def pause(stop, seconds):
    """Sleep, or raise Stopped as soon as the rollout stops."""
    if stop.wait(max(0.0, seconds)):
        raise Stopped()


def retry_after(response, default):
    """The answer's Retry-After in seconds, clamped as for every command (core/waiting.py), or the default."""
    from ..core.waiting import retry_after_seconds
    value = retry_after_seconds(response) if response is not None else None
    return default if value is None else value


def backoff(attempt):
    return min(MAX_POLL_INTERVAL, 1.0 * 2 ** min(attempt, 5))


class Pacer:
    def __init__(self, stop):
        self.stop = stop
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
            pause(self.stop, min(delay, 1.0))
            with self.lock:
                start = max(start, self.resume_at)

    def hold(self, seconds):
        with self.lock:
            self.resume_at = max(self.resume_at, time.monotonic() + seconds)

    def observe(self, pipeline_response):
        response = pipeline_response.http_response
        if response.status_code == 429:
            self.throttled += 1
            self.hold(retry_after(response, 1.0))
            return
        for name, value in response.headers.items():
            name = name.lower()
            if name.startswith('x-ms-ratelimit-remaining-') and 'global' not in name:
                try:
                    remaining = int(value)
                except ValueError:
                    continue
                with self.lock:
                    self.low[name.rsplit('-', 1)[-1]] = remaining < LOW_WATER


def _status(err):
    return getattr(err, 'status_code', None) or getattr(getattr(err, 'response', None), 'status_code', None)


def is_transient(err):
    """A read worth asking again: throttled, a server error, no connection or no answer, an unreadable answer."""
    from azure.core.exceptions import DecodeError, HttpResponseError, ServiceRequestError, ServiceResponseError
    if isinstance(err, (ServiceRequestError, ServiceResponseError, DecodeError)):
        return True
    if isinstance(err, HttpResponseError):
        status = _status(err)
        return status is None or status in TRANSIENT or (status or 0) >= 500
    return isinstance(err, ValueError)  # a 200 whose body is not the JSON expected


class Calls:
    """Reads and writes of one subscription's extensions, with pacing and retries; every answer's Date header
    sets ARM's clock (armclock.py), when one is given."""

    def __init__(self, client, pacer, clock=None):
        self.client = client
        self.pacer = pacer
        self.clock = clock

    def observe(self, pipeline_response):
        self.pacer.observe(pipeline_response)
        if self.clock is not None:
            self.clock.observe(pipeline_response)

    def _read_once(self, ref, name):
        from azure.core.exceptions import ResourceNotFoundError
        from .._format import extension_output
        self.pacer.wait('reads')
        try:
            return extension_output(self.client.get(*ref, name, raw_response_hook=self.observe))
        except ResourceNotFoundError:
            return None

    def read(self, ref, name, deadline):
        """The extension as the user sees it, or None when it is not there. Transient failures are asked again
        until the deadline (monotonic); then, and for any other failure, the error is raised."""
        attempt = 0
        while True:
            try:
                return self._read_once(ref, name)
            except Exception as err:  # pylint: disable=broad-except
                if not is_transient(err) or time.monotonic() >= deadline:
                    raise
                self._wait_after(err, attempt, deadline)
                attempt += 1

    def read_status(self, ref, name, deadline):
        """After an accepted write: the extension (None while it is not visible), every failure asked again until
        the deadline. Returns (extension, None), or (None, the last error) once the deadline has passed."""
        attempt, last = 0, None
        while time.monotonic() < deadline:
            try:
                return self._read_once(ref, name), None
            except Exception as err:  # pylint: disable=broad-except
                logger.info('Reading the extension failed (%s); reading it again.', _short(err))
                last = err
                self._wait_after(err, attempt, deadline)
                attempt += 1
        return None, last

    def _wait_after(self, err, attempt, deadline):
        response = getattr(err, 'response', None)
        wait = retry_after(response, backoff(attempt)) if _status(err) == 429 else backoff(attempt)
        pause(self.pacer.stop, max(0.0, min(wait, deadline - time.monotonic())))

    def write(self, action, ref, name, body):
        """Send the create (PUT), update (PATCH) or delete once (the caller has paced it). (outcome, error): ACCEPTED;
        REFUSED (a 4xx: nothing was changed); CONFLICT (409: another operation is running); THROTTLED (429);
        UNKNOWN (no answer, a server error or an answer that cannot be read: the write may or may not have landed;
        re-read before sending again)."""
        from azure.core.exceptions import HttpResponseError
        try:
            if action == 'delete':
                self.client.begin_delete(*ref, name, polling=False, retry_total=0, raw_response_hook=self.observe)
            else:
                begin = self.client.begin_create if action == 'create' else self.client.begin_update
                begin(*ref, name, body, polling=False, retry_total=0, raw_response_hook=self.observe)
        except HttpResponseError as err:
            status = _status(err)
            if status == 409:
                return CONFLICT, err
            if status == 429:
                self.pacer.hold(retry_after(getattr(err, 'response', None), 1.0))
                return THROTTLED, err
            if status is not None and 400 <= status < 500 and status != 408:
                return REFUSED, err
            return UNKNOWN, err  # a server error, or an accepted write whose answer cannot be read
        except Exception as err:  # pylint: disable=broad-except
            return UNKNOWN, err  # no connection, a dropped connection, no answer in time
        return ACCEPTED, None


def _short(err):
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__
