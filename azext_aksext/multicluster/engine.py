"""Running a planned rollout: a canary wave that must finish first, then at most --max-parallel clusters at a
time (a new cluster starts as soon as one finishes, so one slow cluster does not hold up a whole wave; with a soak,
in waves of --max-parallel, each started once the last one passed its gate), one operation per cluster, stopping
once failures pass --max-failures and leaving the clusters not yet started untouched.

One operation per cluster per change: before a write, a `submitting` record (with the extension's last-modified
time) goes to the journal; a write is sent once; when its outcome is unknown (no answer, a server error), or when a
killed run left it unknown, the extension is read again and the write is sent again only if it did not land. A
409 means another operation runs: it is waited for and the cluster decided again. After an accepted write, only
the service's own end (Succeeded, Failed, Canceled) or --timeout ends the cluster: a failed status read is read
again, never taken for a failure of the change.

The gates (gates.py): a cluster whose maintenance window is closed waits for it (on ARM's clock, read again while it
waits) or is skipped; a cluster is done only when its extension is Succeeded without an error status and, with a
soak, still is when the soak ends (read again then); one that turns Failed meanwhile has failed.
With a soak, a wave's reads are made while the wave before it soaks (ahead.py), so that it starts with its writes.

The same engine runs a rollback: its decider says what each cluster needs (restore, delete, nothing) and its journal
is the rollback phase's.

The workers are daemon threads, and every wait of theirs ends when the rollout stops: Ctrl-C ends the command at
once, whatever a worker is waiting for.
"""
import queue
import threading
import time
from collections import Counter

from ..core.defaults import MAX_POLL_INTERVAL, OUTAGE_BUDGET
from . import journal as states
from .calls import ACCEPTED, CONFLICT, REFUSED, THROTTLED, Calls, Pacer, Stopped, backoff, pause
from .gates import before_of, health_error
from .ahead import NOT_READ, ReadAhead
from .journal import JournalError
from .plan import BLOCKED, CREATE, NOTHING, converged, last_modified

TERMINAL = ('succeeded', 'failed', 'canceled')
RUNNING = ('creating', 'updating', 'deleting', 'accepted', 'running')
# The first read of a running operation comes when operations of this change have been seen to end (see
# _first_poll); before any has ended, after FIRST_POLL seconds. The reads after it come these seconds apart: one that
# was read a little early is seen finishing within a quarter of a second, a long one is read every 30 s at most,
# which keeps a thousand clusters' polls inside ARM's read budget.
FIRST_POLL, SHORTEST_FIRST_POLL = 2.0, 0.5
POLL_DELAYS = (0.25, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
POLL_MAX = MAX_POLL_INTERVAL
# Every PROBE_EVERY-th operation is first read a little early (PROBE_EARLY of the estimate), the others a little
# after the estimate (POLL_MARGIN seconds): the early reads keep the estimate honest, the late ones need one read.
PROBE_EVERY, PROBE_EARLY, POLL_MARGIN = 8, 0.9, 0.15
# A soak is read again at its end, and in between every SOAK_READ seconds (30 s at most), so that a long soak
# catches a failure early; a soak shorter than SOAK_READ is read once, at its end.
SOAK_READ = 10.0
# Writes to one cluster that were not accepted (throttled, conflicting, unanswered) before it is given up.
ATTEMPTS = 30
# A write whose answer is unknown may still land for as long as its sender could have waited for the answer.
ANSWER_MARGIN = 5.0
# Results of a cluster.
SUCCEEDED, FAILED, UNCHANGED, BLOCKED_RESULT = 'Succeeded', 'Failed', 'Unchanged', 'Blocked'
NOT_CONFIRMED, INTERRUPTED, NOT_STARTED = 'NotConfirmed', 'Interrupted', 'NotStarted'
SKIPPED = 'Skipped'      # outside its maintenance window, with --outside-window skip
DELETE = 'delete'
# Seconds between reads while a cluster waits for its window (each answer moves ARM's clock on).
WINDOW_POLL = 5.0


def error_of(extension):
    """The service's reason for a failed extension: its error, else its status messages (protected values given to
    this command masked, as the service may echo them)."""
    from ..core.redaction import mask_secrets
    extension = extension or {}
    info = extension.get('errorInfo') or {}
    messages = [info.get('message')] if info.get('message') else []
    messages += [status.get('message') for status in extension.get('statuses') or [] if status.get('message')]
    messages = list(dict.fromkeys(messages))   # the service often says the same in errorInfo and a status
    return mask_secrets('; '.join(messages) or f"the operation ended {extension.get('provisioningState')}")


def state_of(extension):
    return str((extension or {}).get('provisioningState') or '').lower()


def iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


class Refusal(Exception):
    """The service refused the write (a 4xx other than 409 and 429): nothing was started."""


class Tally:  # pylint: disable=too-few-public-methods  # a thread-safe counter behind the progress line
    """Counts of a rollout's clusters (done, running, failed, left), shown on the one progress display."""

    def __init__(self, progress, total):
        self.progress, self.total = progress, total
        self.done = self.running = self.failed = 0
        self.lock = threading.Lock()

    def update(self, running=0, done=0, failed=0):
        with self.lock:
            self.running += running
            self.done += done
            self.failed += failed
            text = (f'{self.done} done, {self.running} running, {self.failed} failed, '
                    f'{self.total - self.done - self.running} left')
        self.progress.count(text)


# The shared state of one run's worker threads (clients, journal, lock, counters): one object is clearer than groups.
class Engine:  # pylint: disable=too-many-instance-attributes
    # gates: soak (seconds), windows (cluster ID, lower case -> Window), outside ('wait' or 'skip'), clock (ARM's)
    def __init__(self, client_for, pipeline, journal, parallel, timeout, *, clock, soak=0, windows=None,
                 outside='wait'):
        from .._client_factory import read_timeout
        self.client_for = client_for      # subscription -> extensions client
        self.pipeline, self.desired = pipeline, pipeline.desired
        self.journal = journal
        self.parallel, self.timeout = parallel, timeout
        self.clock, self.soak, self.windows, self.outside = clock, soak, windows, outside
        self.ahead = None                 # the reads made ahead of the running wave (ahead.py)
        self.started = time.monotonic()
        self.answer_wait = read_timeout() + ANSWER_MARGIN
        self.pacers, self.calls = {}, {}
        self.ends = []                    # seconds from accepted write to the operation's end, as bracketed
        self.waits = 0                    # operations followed, to choose which are read early
        self.sent = Counter()             # writes sent, by outcome
        self.journal_error = None
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def calls_for(self, subscription):
        with self.lock:
            if subscription not in self.calls:
                self.pacers[subscription] = Pacer(self.stop)
                self.calls[subscription] = Calls(self.client_for(subscription), self.pacers[subscription],
                                                 self.clock)
            return self.calls[subscription]

    @property
    def throttled(self):
        return sum(pacer.throttled for pacer in self.pacers.values())

    def run(self, items, canary, max_failures, tally):
        """Run the canary wave, then the rest; returns True when the failure threshold stopped the rollout.

        Ctrl-C stops every worker's waiting (operations already sent go on in Azure; the journal knows them) and is
        re-raised at once: no worker is waited for."""
        finished = queue.Queue()

        def launch(item):
            def work():
                finished.put(self._one(item, tally))
            threading.Thread(target=work, name=f'rollout {item.name}', daemon=True).start()
        try:
            return self._waves(items, canary, max_failures, launch, finished)
        except KeyboardInterrupt:
            self.stop.set()
            raise

    def _waves(self, items, canary, max_failures, launch, finished):
        canary_wave, pending = items[:canary], list(reversed(items[canary:]))
        # With a soak, each wave's reads are made ahead, while the wave before it soaks (ahead.py).
        upcoming = ReadAhead(self, canary_wave, items[canary:canary + self.parallel] if self.soak else ())
        for item in canary_wave:
            launch(item)
        failures = sum(1 for _ in canary_wave if _next(finished) == FAILED)
        if failures > max_failures:
            return True
        if self.soak:
            # A soak gates whole waves: the next starts only once every cluster of the last one passed its gate.
            rest = items[canary:]
            for start in range(0, len(rest), self.parallel):
                if failures > max_failures or self.journal_error:
                    break
                wave = rest[start:start + self.parallel]
                self.ahead, upcoming = upcoming, ReadAhead(self, wave, rest[start + self.parallel:
                                                                            start + 2 * self.parallel])
                for item in wave:
                    launch(item)
                failures += sum(1 for _ in wave if _next(finished) == FAILED)
            return failures > max_failures
        running = 0
        while pending or running:
            while pending and running < self.parallel and failures <= max_failures and not self.journal_error:
                launch(pending.pop())
                running += 1
            if not running:
                break
            failures += 1 if _next(finished) == FAILED else 0
            running -= 1
        return failures > max_failures

    def _one(self, item, tally):
        if self.stop.is_set():
            return None
        tally.update(running=1)
        try:
            self._apply(item)
        except Stopped:
            item.finish(INTERRUPTED, error='interrupted; an operation already sent goes on in Azure, and a re-run '
                                           'follows it')
        except JournalError as err:
            with self.lock:
                self.journal_error = self.journal_error or err
            if item.result is None:
                item.finish(NOT_STARTED, error=f'not started: {err.error_msg}')
        except Exception as err:  # pylint: disable=broad-except
            if (self.journal.last(item.cluster_id) or {}).get('status') in (states.SUBMITTING, states.SUBMITTED):
                # A write was sent (or may have been): only the service's own end is final. The journal keeps the
                # write, so that a re-run follows it rather than sending another.
                item.finish(NOT_CONFIRMED, error=f'a write was sent, but then: {_message(err)}; a re-run follows it')
            else:
                item.finish(FAILED, error=_message(err))
                self._record(item, states.REJECTED, error=item.error)  # refused or never sent: a re-run tries again
        tally.update(running=-1, done=1, failed=1 if item.result == FAILED else 0)
        return item.result

    def _record(self, item, status, **details):
        """Append to the journal; a failed append stops the rollout from starting clusters (said at the end)."""
        try:
            self.journal.record(item.cluster_id, status, **details)
        except JournalError as err:
            with self.lock:
                self.journal_error = self.journal_error or err
            if status == states.SUBMITTING:
                raise  # never send a write the journal does not know of

    def _apply(self, item):
        calls = self.calls_for(item.subscription)
        entry = dict(self.journal.last(item.cluster_id) or {})
        if entry.get('status') not in (states.SUBMITTING, states.SUBMITTED) and not self._in_window(item, calls):
            return
        if not self._send(item, calls, entry):
            return
        deadline = time.monotonic() + self.timeout
        final, error = self._wait(calls, item, deadline)
        soaked = final is not None and state_of(final) == 'succeeded' and item.action != DELETE and self.soak > 0
        if soaked:
            final, error = self._soaked(calls, item, final)
        if final is None:
            item.finish(NOT_CONFIRMED, error=f"started, but its end could not be confirmed within --timeout "
                        f"{self.timeout:g}s{': ' + _message(error) if error else ''}; it may still be running: "
                        f"follow it with `{item.wait_command()}`")
            return
        unhealthy = health_error(final) if item.action != DELETE else None
        if unhealthy is None:
            item.passed_at = iso(self.clock.now())
            item.finish(SUCCEEDED, extension=None if item.action == DELETE else final)
            self._record(item, states.SUCCEEDED, action=item.action, passedAt=item.passed_at,
                         left=last_modified(final))
        else:
            why = error_of(final) if state_of(final) != 'succeeded' else unhealthy
            item.finish(FAILED, error=f'{why} (after it had succeeded, within its {self.soak:g}s soak)' if soaked
                        else why, extension=final)
            self._record(item, states.FAILED, action=item.action, error=item.error, left=last_modified(final))

    def _in_window(self, item, calls):
        """Wait (on ARM's clock) for the cluster's maintenance window, within --timeout from the start of the run;
        False when the cluster is done without a write (skipped, or its window opens too late)."""
        window = self.windows.of(item)
        while True:
            now = self.clock.now()
            if window.is_open(now):
                return True
            opens = window.next_open(now)
            when = f'it next opens at {iso(opens)}' if opens else 'it has no opening in the next 800 days'
            if self.outside == 'skip' or opens is None:
                item.finish(SKIPPED, error=f'outside its maintenance window ({window.description}): {when}')
                return False
            left = self.timeout - (time.monotonic() - self.started)
            if (opens - now).total_seconds() > left:
                item.finish(NOT_STARTED, error=f'not started: outside its maintenance window '
                                               f'({window.description}), and {when}, after --timeout')
                return False
            pause(self.stop, min(WINDOW_POLL, max(0.5, (opens - now).total_seconds())))
            calls.read(item.ref, self.desired.name, time.monotonic() + OUTAGE_BUDGET)  # ARM's clock, read again

    def _soaked(self, calls, item, extension):
        """The extension when its soak ends (read again then), or as soon as it fails its health gate; (None, error)
        when it cannot be read. A soak is a duration: it is timed on this machine's steady clock, not on ARM's,
        whose whole-second Date headers would make one soak up to a second shorter or longer than another."""
        if not self.soak or health_error(extension):
            return extension, None
        ends = item.soak_ends = time.monotonic() + self.soak
        interval = min(30.0, max(SOAK_READ, self.soak / 4.0))
        while True:
            left = ends - time.monotonic()
            if left > 0:
                pause(self.stop, min(interval, left))
            current, error = calls.read_status(item.ref, self.desired.name, time.monotonic() + OUTAGE_BUDGET)
            if current is None:
                return (None, error) if error else ({'provisioningState': 'Deleted', 'statuses': [
                    {'message': 'the extension was deleted during its soak'}]}, None)
            if health_error(current) or time.monotonic() >= ends:
                return current, None

    def _send(self, item, calls, entry):
        """Make sure this cluster's write was sent once: True when an operation of this change is to be followed,
        False when the cluster is done without one (unchanged, blocked). Waits (for a write a stopped run may still
        land, for another operation) end at --timeout; writes that were not accepted end after ATTEMPTS."""
        deadline, attempt = time.monotonic() + self.timeout, 0
        ahead = self.ahead.taken(item) if self.ahead is not None and not entry else NOT_READ
        while attempt < ATTEMPTS:
            current, ahead = ahead, NOT_READ
            if current is NOT_READ:
                current = calls.read(item.ref, self.desired.name,
                                     time.monotonic() + min(self.timeout, OUTAGE_BUDGET))
            if entry.get('status') == states.SUBMITTED:
                if current is not None or entry.get('action') == DELETE:
                    item.action = entry.get('action') or item.action
                    return True
                entry = {}  # accepted by an earlier run, and deleted since: decided afresh
            if self._landed(entry, current):
                item.action = entry.get('action') or item.action
                self._record(item, states.SUBMITTED, action=item.action)
                return True
            waiting = entry.get('status') == states.SUBMITTING and time.time() < entry.get('due', 0)
            if waiting or state_of(current) in RUNNING:
                # A write a stopped run sent may still land; another operation runs: read again, then decide.
                if time.monotonic() >= deadline:
                    raise Refusal('still waiting, at --timeout, for ' + ('a write sent earlier to land' if waiting
                                                                         else 'another operation to end'))
                pause(self.stop, min(2.0, entry['due'] - time.time()) if waiting else backoff(min(attempt, 3)))
                continue
            decision, body = self.pipeline.decide(item, current, companions=True)
            item.action, item.reason = decision.action, decision.reason
            if decision.action == NOTHING:
                item.finish(UNCHANGED, extension=current)
                self._record(item, states.SUCCEEDED, action=NOTHING)
                return False
            if decision.action == BLOCKED:
                item.finish(BLOCKED_RESULT, error=decision.reason, extension=current)
                return False
            # Before the record: a rollout stopped while it waits has sent nothing.
            calls.pacer.wait('deletes' if decision.action == DELETE else 'writes')
            entry = {'status': states.SUBMITTING, 'action': decision.action, 'seen': last_modified(current),
                     'due': time.time() + self.answer_wait}
            self._record(item, states.SUBMITTING, action=decision.action, seen=entry['seen'], due=entry['due'],
                         before=before_of(current))
            outcome, error = calls.write(decision.action, item.ref, self.desired.name, body)
            attempt += 1
            with self.lock:
                self.sent[outcome] += 1
            if outcome == ACCEPTED:
                self._record(item, states.SUBMITTED, action=decision.action)
                return True
            if outcome == REFUSED:
                self._record(item, states.REJECTED, action=decision.action, error=_message(error))
                raise Refusal(_message(error))
            if outcome in (CONFLICT, THROTTLED):
                entry = {}  # refused: nothing landed
                pause(self.stop, 0 if outcome == THROTTLED else backoff(attempt))
                continue
            entry['due'] = time.time()  # this run saw the request end: read again now, send again if it did not land
            pause(self.stop, backoff(attempt))
        raise Refusal(f'the write was not accepted after {ATTEMPTS} attempts (throttled, conflicting or unanswered)')

    def _landed(self, entry, current):
        """True when a write of this change reached the extension (sent by this run or by one that was stopped)."""
        if entry.get('status') != states.SUBMITTING:
            return False
        if entry.get('action') == DELETE:
            return current is None or state_of(current) == 'deleting'
        if current is None:
            return False
        modified = last_modified(current)
        if entry.get('action') == CREATE and entry.get('seen') is None:
            return True  # there was none before the write
        if modified is not None:
            return modified != entry.get('seen')
        return state_of(current) in ('creating', 'updating', 'failed') or converged(self.desired, current)

    def _first_poll(self):
        """(seconds to the first read, whether it is an early one). Operations of one change take about as long on
        every cluster: the first read comes just after the median end seen so far, so that most operations need a
        single read. Every PROBE_EVERY-th one is read a little before it, so that the estimate can come down as well
        as go up: an estimate made only of reads that came after the end would only ever grow."""
        with self.lock:
            seen = sorted(self.ends)
            self.waits += 1
            early = not seen or self.waits % PROBE_EVERY == 1
        if not seen:
            return FIRST_POLL, True
        estimate = seen[len(seen) // 2]
        delay = PROBE_EARLY * estimate if early else estimate + POLL_MARGIN
        return min(POLL_MAX, max(SHORTEST_FIRST_POLL, delay)), early

    def _wait(self, calls, item, deadline):
        """(the extension in a terminal state, None), or (None, the last read error) once the deadline passed.

        When the operation ended is bracketed by the last read that saw it running and the first that saw it
        ended; the middle of that bracket is what the next operations' first read is timed by (an early first read
        that already sees the end counts as its upper bound)."""
        started, polls, error, running_at = time.monotonic(), 0, None, None
        first, early = self._first_poll()
        while time.monotonic() < deadline:
            later = POLL_DELAYS[polls - 1] if 0 < polls <= len(POLL_DELAYS) else POLL_MAX
            pause(self.stop, min(first if polls == 0 else later, max(0.0, deadline - time.monotonic())))
            polls += 1
            asked = time.monotonic() - started
            current, error = calls.read_status(item.ref, self.desired.name, deadline)
            if current is None and error is None and item.action == DELETE:
                return {'provisioningState': 'Succeeded'}, None   # deleted
            if current is not None and state_of(current) in TERMINAL:
                if running_at is not None or early:
                    with self.lock:
                        self.ends.append(asked if running_at is None else (running_at + asked) / 2)
                return current, None
            if current is not None:
                running_at = asked
        return None, error


def _next(finished):
    """The next result a worker hands in; the wait stays interruptible (Ctrl-C)."""
    while True:
        try:
            return finished.get(timeout=0.5)
        except queue.Empty:
            continue


def _message(err):
    from ..core.errors import error_code_and_message
    if isinstance(err, Refusal):
        return str(err)
    code, message = error_code_and_message(err)
    return f'({code}) {message}' if code else (message or str(err) or type(err).__name__)
