"""Waiting for long-running operations: one schedule, one progress display, shared by create, update, delete
and wait.

The SDK's default is a flat 30 s between polls when the service sends no Retry-After, so a 3-second operation
costs half a minute. Here the service's Retry-After always wins; without it polls come every 0.5 s, then every
fifth of the time the operation has run so far, up to the service's 30 s default: the end of an operation is seen
within a fifth of its duration.
"""
import math
import time

from knack.log import get_logger
from azure.mgmt.core.polling.arm_polling import ARMPolling

from .defaults import FIRST_POLL_INTERVAL, MAX_POLL_INTERVAL, MIN_POLL_INTERVAL, OUTAGE_BUDGET, POLL_FRACTION

logger = get_logger(__name__)

# A Retry-After beyond this (a typo, a far-future date) is clamped: a command must not sleep for a day unseen.
MAX_RETRY_AFTER = MAX_POLL_INTERVAL


class WaitTimedOut(Exception):
    """The wait's deadline passed before the operation reached a terminal state."""


def retry_after_seconds(response):
    """The response's Retry-After in seconds, clamped to [0, MAX_RETRY_AFTER]; None when absent or unreadable.

    Accepts seconds or an HTTP date, as RFC 9110 allows; anything else is ignored with a note under --verbose."""
    headers = getattr(getattr(response, 'http_response', response), 'headers', None) or {}
    value = None
    for name in ('retry-after-ms', 'x-ms-retry-after-ms', 'Retry-After'):
        raw = headers.get(name)
        if raw is None:
            continue
        value = _parse_seconds(raw, scale=0.001 if name.endswith('-ms') else 1.0)
        if value is None:
            logger.info("Ignored %s '%s' from the service: not a number of seconds or an HTTP date.", name, raw)
            continue
        if value > MAX_RETRY_AFTER:
            logger.info("The service asked to retry after %s (%s); waiting %gs instead.", raw, name, MAX_RETRY_AFTER)
            return MAX_RETRY_AFTER
        return max(0.0, value)
    return value


def _parse_seconds(raw, scale):
    try:
        value = float(raw) * scale
    except (TypeError, ValueError):
        from email.utils import parsedate_to_datetime
        try:
            date = parsedate_to_datetime(str(raw))
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if date is None:
            return None
        import datetime
        if date.tzinfo is None:
            date = date.replace(tzinfo=datetime.timezone.utc)
        value = (date - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    return value if math.isfinite(value) else (MAX_RETRY_AFTER + 1 if value > 0 else None)


def backoff_schedule(first=FIRST_POLL_INTERVAL, cap=MAX_POLL_INTERVAL):
    """Retries of a failing request: 1 s, doubling up to 30 s."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


def poll_schedule(clock=time.monotonic):
    """Polls of a running operation: a fifth of the time it has run so far, from 0.5 s up to 30 s, so that its end
    is seen within a fifth of its duration, and a long one costs no more reads than a doubling schedule would."""
    started = clock()
    while True:
        yield min(MAX_POLL_INTERVAL, max(MIN_POLL_INTERVAL, (clock() - started) * POLL_FRACTION))


class AdaptivePolling(ARMPolling):
    """ARM polling on the Azure-AsyncOperation URL with the schedule above, reporting each state it sees.

    observe(), when given, returns the resource's status messages; it is called while the operation runs, and
    only when someone is watching the progress."""

    def __init__(self, progress, observe=None, schedule=None, deadline=None, clock=time.monotonic, **kwargs):
        super().__init__(timeout=MAX_POLL_INTERVAL,
                         lro_options={'final-state-via': 'azure-async-operation'}, **kwargs)
        self._progress = progress
        self._observe = observe
        self._schedule = schedule or poll_schedule(clock)
        self._polled = False
        self._deadline, self._clock = deadline, clock

    def _extract_delay(self):
        return retry_after_seconds(self._pipeline_response) or next(self._schedule)

    def _sleep(self, delay):
        # Never sleep past the deadline; then the next status check reports the timeout.
        if self._deadline is not None:
            delay = min(delay, max(0.0, self._deadline - self._clock()))
        super()._sleep(delay)

    def _check_deadline(self):
        if self._deadline is not None and self._clock() >= self._deadline:
            raise WaitTimedOut()

    def update_status(self):
        # azure-core checks once right after the initial response; a Retry-After on that response says to wait.
        if not self._polled:
            self._polled = True
            initial_delay = retry_after_seconds(self._initial_response)
            if initial_delay:
                self._sleep(initial_delay)
        self._poll_through_outages()
        messages = ()
        if self._observe and not self.finished() and self._progress.wants_details:
            messages = self._observe()
        self._progress.update(self.status(), messages)

    def _poll_through_outages(self):
        """One status check; failures that may pass are retried for up to OUTAGE_BUDGET seconds (a time budget:
        a long wait rides out an outage of minutes however many polls fail in it), never past the deadline."""
        failing_since, schedule = None, backoff_schedule()
        while True:
            self._check_deadline()
            try:
                super().update_status()
                return
            except Exception as err:  # pylint: disable=broad-except
                if not self._is_transient(err):
                    raise
                now = self._clock()
                failing_since = now if failing_since is None else failing_since
                if now - failing_since >= OUTAGE_BUDGET:
                    raise
                logger.info("Checking the operation's status failed (%s); checking again.", _short(err))
                self._sleep(next(schedule))

    def _is_transient(self, err):
        """Throttling, a server error, no connection or an unreadable answer: worth polling again."""
        from azure.core.exceptions import DecodeError, HttpResponseError, ServiceRequestError, ServiceResponseError
        from azure.core.polling.base_polling import BadResponse, BadStatus
        if isinstance(err, (ServiceRequestError, ServiceResponseError, DecodeError, BadResponse)):
            return True
        if isinstance(err, (BadStatus, HttpResponseError)):
            response = getattr(err, 'response', None) or getattr(self._pipeline_response, 'http_response', None)
            status = getattr(response, 'status_code', None)
            return status is None or status in (408, 429) or status >= 500
        return False


def _short(err):
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def wait_until(fetch, is_done, progress, *, interval=None, timeout=None, clock=time.monotonic, sleep=None):
    """Call fetch() until is_done(result) is true and return that result; raise TimeoutError after timeout seconds.

    fetch returns (result, state, status messages); the state and messages are shown as progress.
    A fixed interval (wait --interval) replaces the growing schedule.
    """
    sleep = sleep or time.sleep  # looked up per call, so a patched time.sleep (record-and-replay tests) applies
    schedule = backoff_schedule(interval, interval) if interval else poll_schedule(clock)
    deadline = clock() + timeout if timeout else None
    while True:
        result, state, messages = fetch()
        progress.update(state, messages)
        if is_done(result):
            return result
        delay = next(schedule)
        if deadline is not None:
            remaining = deadline - clock()
            if remaining <= 0:
                raise TimeoutError(timeout)
            delay = min(delay, remaining)
        sleep(delay)
