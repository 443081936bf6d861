"""Running a planned rollout: a canary wave that must finish first, then at most --max-parallel clusters at a
time (a new cluster starts as soon as one finishes, so one slow cluster does not hold up a whole wave), one
operation per cluster, stopping once failures pass --max-failures and leaving the clusters not yet started
untouched."""
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ..core.defaults import MAX_POLL_INTERVAL, OPERATION_TIMEOUT
from . import journal as states
from .calls import Calls, Pacer
from .plan import CREATE, NOTHING, UPDATE, converged, decide

TERMINAL = ('succeeded', 'failed', 'canceled')
# Seconds between reads of a running operation: a short one is seen finishing within a second or so, a long one
# is read every 30 s at most, which keeps a thousand clusters' polls inside ARM's read budget.
POLL_DELAYS = (2.0, 1.0, 1.0, 2.0, 4.0, 8.0, 15.0)
POLL_MAX = MAX_POLL_INTERVAL


def error_of(extension):
    """The service's reason for a failed extension: its error, else its status messages."""
    properties = (extension or {}).get('properties') or extension or {}
    info = properties.get('error_info') or properties.get('errorInfo') or {}
    messages = [info.get('message')] if info.get('message') else []
    messages += [status.get('message') for status in properties.get('statuses') or [] if status.get('message')]
    return '; '.join(messages) or (
        f"the operation ended {properties.get('provisioning_state') or properties.get('provisioningState')}")


def state_of(extension):
    properties = (extension or {}).get('properties') or extension or {}
    return (properties.get('provisioning_state') or properties.get('provisioningState') or '').lower()


def camel(extension):
    """The SDK's as_dict() uses snake_case; the planner reads ARM's camelCase (or Resource Graph's PascalCase)."""
    if extension is None:
        return None
    properties = extension.get('properties') or extension
    renamed = {''.join(part.capitalize() if index else part for index, part in enumerate(key.split('_'))): value
               for key, value in properties.items()}
    return {'properties': renamed}


class Interrupted(Exception):
    """Ctrl-C reached the rollout while this worker waited for an operation."""


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
    def __init__(self, client_for, desired, journal, parallel):
        self.client_for = client_for      # subscription -> extensions client
        self.desired = desired
        self.journal = journal
        self.parallel = parallel
        self.pacers, self.calls = {}, {}
        self.durations = []               # seconds from accepted write to seen finished, of this rollout's ops
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def calls_for(self, subscription):
        with self.lock:
            if subscription not in self.calls:
                self.pacers[subscription] = Pacer()
                self.calls[subscription] = Calls(self.client_for(subscription), self.pacers[subscription])
            return self.calls[subscription]

    @property
    def throttled(self):
        return sum(pacer.throttled for pacer in self.pacers.values())

    def run(self, items, canary, max_failures, progress):
        """Run the canary wave, then the rest; returns True when the failure threshold stopped the rollout.

        Ctrl-C stops the workers' waiting (the operations go on in Azure; the journal knows them) and re-raises."""
        pool = ThreadPoolExecutor(max_workers=max(1, min(self.parallel, len(items))))
        try:
            return self._run(pool, items, canary, max_failures, progress)
        except KeyboardInterrupt:
            self.stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, pool, items, canary, max_failures, progress):
        canary_wave, rest = items[:canary], items[canary:]
        failures = sum(1 for outcome in pool.map(lambda item: self._one(item, progress), canary_wave)
                       if outcome == 'Failed')
        if failures > max_failures:
            return True
        pending, running = list(reversed(rest)), set()
        while pending or running:
            while pending and len(running) < self.parallel and failures <= max_failures:
                item = pending.pop()
                running.add(pool.submit(self._one, item, progress))
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            failures += sum(1 for future in done if future.result() == 'Failed')
        return failures > max_failures

    def _one(self, item, progress):
        if self.stop.is_set():
            return None
        progress.update(running=1)
        try:
            self._apply(item)
        except Interrupted:
            item.finish('Interrupted', error='interrupted; the operation goes on in Azure and a re-run follows it')
        except Exception as err:  # pylint: disable=broad-except
            item.finish('Failed', error=_message(err))
            sent = (self.journal.last(item.cluster_id) or {}).get('status') == states.SUBMITTED
            # Only a change the service accepted is final; one refused or never sent is tried again by a re-run.
            self.journal.record(item.cluster_id, states.FAILED if sent else states.REJECTED, error=item.error)
        progress.update(running=-1, done=1, failed=1 if item.result == 'Failed' else 0)
        return item.result

    def _apply(self, item):
        calls = self.calls_for(item.subscription)
        entry = self.journal.last(item.cluster_id) or {}
        current = camel(calls.get(item.ref, self.desired.name))
        landed = self._landed(entry, current)
        if not landed:
            decision = decide(self.desired, item.cluster, current)
            item.action, item.reason = decision.action, decision.reason
            if decision.action == NOTHING:
                item.finish('Unchanged', extension=current)
                self.journal.record(item.cluster_id, states.SUCCEEDED, action=NOTHING)
                return
            if decision.action not in (CREATE, UPDATE):
                item.finish('Blocked', error=decision.reason, extension=current)
                return
            self.journal.record(item.cluster_id, states.SUBMITTING, action=decision.action)
            calls.write(decision.action, item.ref, self.desired.name, decision.fields,
                        lambda: self._landed({'status': states.SUBMITTING, 'action': decision.action},
                                             camel(calls.get(item.ref, self.desired.name))))
            self.journal.record(item.cluster_id, states.SUBMITTED, action=decision.action)
        final = self._wait(calls, item)
        if state_of(final) == 'succeeded':
            item.finish('Succeeded', extension=final)
            self.journal.record(item.cluster_id, states.SUCCEEDED, action=item.action)
        else:
            item.finish('Failed', error=error_of(final), extension=final)
            self.journal.record(item.cluster_id, states.FAILED, action=item.action, error=item.error)

    def _landed(self, entry, current):
        """True when this change was already sent to the cluster (by this run or an interrupted one)."""
        status = entry.get('status')
        if status == states.SUBMITTED:
            return True
        if status != states.SUBMITTING:
            return False
        if entry.get('action') == CREATE:
            return current is not None
        return current is not None and (state_of(current) in ('creating', 'updating', 'failed')
                                        or converged(self.desired, current))

    def _first_poll(self):
        """Operations of one change take about as long on every cluster: the first read waits for a little less
        than the median duration seen so far (the canary's, at first), so most clusters need a single poll. A
        little less, so that the estimate can come down as well as go up."""
        with self.lock:
            seen = sorted(self.durations)
        return min(POLL_MAX, max(POLL_DELAYS[0], 0.9 * seen[len(seen) // 2])) if seen else POLL_DELAYS[0]

    def _wait(self, calls, item):
        started = time.monotonic()
        deadline, polls = started + OPERATION_TIMEOUT, 0
        while time.monotonic() < deadline:
            later = POLL_DELAYS[polls] if polls < len(POLL_DELAYS) else POLL_MAX
            delay = self._first_poll() if polls == 0 else later
            if self.stop.wait(delay):
                raise Interrupted()
            polls += 1
            asked = time.monotonic() - started
            current = calls.get(item.ref, self.desired.name)
            if current is None or state_of(current) in TERMINAL:
                with self.lock:
                    self.durations.append(asked)
                return current
        return {'properties': {'provisioningState': 'Failed', 'statuses': [
            {'message': f'still running after {OPERATION_TIMEOUT:.0f} s; check it later'}]}}


def _message(err):
    from ..core.errors import error_code_and_message
    code, message = error_code_and_message(err)
    return f'({code}) {message}' if code else (message or str(err))
