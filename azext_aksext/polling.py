"""Waiting for long-running operations: one schedule, one progress display, shared by create, update, delete
and wait.

The SDK's default is a flat 30 s between polls when the service sends no Retry-After, so a 3-second operation
costs half a minute. Here the service's Retry-After always wins; without it polls come after 1 s, 2 s, 4 s ...
up to the service's 30 s default.
"""
import sys
import time

from azure.mgmt.core.polling.arm_polling import ARMPolling
from azure.core.pipeline.policies._utils import get_retry_after
from knack.log import get_logger

logger = get_logger(__name__)

FIRST_INTERVAL = 1.0
SERVICE_DEFAULT_INTERVAL = 30.0


def backoff_schedule(first=FIRST_INTERVAL, cap=SERVICE_DEFAULT_INTERVAL):
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


class Progress:
    """A live line on a terminal; in a non-interactive run, one log line (visible with --verbose) per change."""

    def __init__(self, activity, stream=None, clock=time.monotonic, verbose=False, known_messages=()):
        self.activity = activity
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.verbose = verbose
        self._clock = clock
        self._start = clock()
        self._state = None
        self._seen_messages = set(known_messages)  # what the resource said before this operation is not news
        self._width = 0

    @property
    def wants_details(self):
        """Worth an extra read of the resource per poll: someone is watching (a terminal, or --verbose)."""
        return self.live or self.verbose

    def update(self, state, messages=()):
        elapsed = int(self._clock() - self._start)
        if state and state != self._state:
            logger.info("%s: %s after %ds", self.activity, state, elapsed)
        self._state = state or self._state
        for message in messages:
            if message and message not in self._seen_messages:
                self._seen_messages.add(message)
                self._clear()
                logger.warning("%s: %s", self.activity, message)
        if self.live:
            line = "{}: {} ({}s)".format(self.activity, self._state or 'waiting', elapsed)
            self.stream.write('\r' + line.ljust(self._width))
            self.stream.flush()
            self._width = len(line)

    def finish(self):
        self._clear()

    def _clear(self):
        if self.live and self._width:
            self.stream.write('\r' + ' ' * self._width + '\r')
            self.stream.flush()
            self._width = 0


class AdaptivePolling(ARMPolling):
    """ARM polling on the Azure-AsyncOperation URL with the schedule above, reporting each state it sees.

    observe(), when given, returns the resource's status messages; it is called while the operation runs, and
    only when someone is watching the progress."""

    def __init__(self, progress, observe=None, schedule=None, **kwargs):
        super().__init__(timeout=SERVICE_DEFAULT_INTERVAL,
                         lro_options={'final-state-via': 'azure-async-operation'}, **kwargs)
        self._progress = progress
        self._observe = observe
        self._schedule = schedule or backoff_schedule()
        self._polled = False

    def _extract_delay(self):
        return get_retry_after(self._pipeline_response) or next(self._schedule)

    def update_status(self):
        # azure-core checks once right after the initial response; a Retry-After on that response says to wait.
        if not self._polled:
            self._polled = True
            initial_delay = get_retry_after(self._initial_response)
            if initial_delay:
                self._sleep(initial_delay)
        super().update_status()
        messages = ()
        if self._observe and not self.finished() and self._progress.wants_details:
            messages = self._observe()
        self._progress.update(self.status(), messages)


def wait_until(fetch, is_done, progress, interval=None, timeout=None, clock=time.monotonic, sleep=None):
    """Call fetch() until is_done(result) is true and return that result; raise TimeoutError after timeout seconds.

    fetch returns (result, state, status messages); the state and messages are shown as progress.
    A fixed interval (wait --interval) replaces the growing schedule.
    """
    sleep = sleep or time.sleep  # looked up per call, so a patched time.sleep (record-and-replay tests) applies
    schedule = backoff_schedule(interval, interval) if interval else backoff_schedule()
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
