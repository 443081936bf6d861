"""`az k8s-extension rollout`: install or change one extension on many clusters, in waves, resumably. The steps:
find the targets, open the change's journal, plan each cluster, execute the plan in waves, conclude with a row per
cluster.

Targets and their current extensions come from Azure Resource Graph (a few requests for thousands of clusters);
each cluster's extension is re-read from the resource provider just before a write, since Resource Graph may lag.
Each cluster goes through what `create` or `update` would do (prepare.py), so the plan refuses what they refuse.
"""
import logging
import threading
import time
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError

from ..core.defaults import OPERATION_TIMEOUT, ROLLOUT_CANARY, ROLLOUT_MAX_FAILURES, ROLLOUT_MAX_PARALLEL
from ..core.operations import EXIT_INTERRUPTED, EXIT_NOT_CONFIRMED, EXIT_PAUSED, say
from . import graph as resource_graph
from .engine import (BLOCKED_RESULT, FAILED, INTERRUPTED, NOT_CONFIRMED, NOT_STARTED, SKIPPED, SUCCEEDED, UNCHANGED)
from .gates import ARGS_KEY, GATING_OFF, continue_command, pause_counts
from .journal import FAILED as JOURNAL_FAILED, ROLLBACK, ROLLOUT, SUBMITTED, SUBMITTING, SUCCEEDED as JOURNAL_SUCCEEDED
from .plan import BLOCKED, NOTHING, UPDATE, change_id, converged, view
from .report import Item, print_rows, rows_of
from .schedule import windows_of

logger = get_logger(__name__)
CONVERGED = (SUCCEEDED, UNCHANGED)


def _count(value, total):
    """--max-parallel / --max-failures: a count, or a percentage of the clusters to change."""
    if value.endswith('%'):
        return int(total * float(value[:-1]) / 100.0)
    return int(value)


def change_of(desired, targets):
    """The change a journal belongs to: the extension, the desired values, the targets (protected values only by
    their keys here; the journal adds a salted digest of them)."""
    return {'name': desired.name, 'extensionType': desired.extension_type, 'version': desired.version,
            'releaseTrain': desired.release_train, 'autoUpgradeMinorVersion': desired.auto_upgrade,
            'settings': dict(desired.settings or {}), 'scope': desired.scope,
            'releaseNamespace': desired.release_namespace, 'targetNamespace': desired.target_namespace,
            'targets': targets}


# The flags of the command, passed on by name: pylint: disable-next=too-many-arguments,too-many-locals
def run_rollout(cmd, desired, *, cluster_ids=None, resource_group_name=None, cluster_types=None, tags=None,
                subscriptions=None, only=None, dry_run=False, canary=ROLLOUT_CANARY, max_parallel=ROLLOUT_MAX_PARALLEL,
                max_failures=ROLLOUT_MAX_FAILURES, journal_path=None, timeout=OPERATION_TIMEOUT, scope_given=False,
                gating=GATING_OFF):
    from .armclock import ArmClock
    from .blobbackend import journal_backend
    from .journal import default_path
    from .offers import SharedAnswers
    from .prepare import Pipeline
    backend = journal_backend(cmd.cli_ctx, journal_path) if journal_path else None  # a wrong URL: before any request
    clusters, installed, targets = _find(cmd, desired, cluster_ids, resource_group_name, cluster_types=cluster_types,
                                         tags=tags, subscriptions=subscriptions, only=only)
    backend = backend or journal_backend(cmd.cli_ctx, default_path(cmd.cli_ctx, change_id(desired, targets)))
    run = Run(cmd, backend.path, Waves(canary, max_parallel, max_failures, timeout), gating, ArmClock(), backend)
    if gating.rollback:
        from .rollback import run_rollback
        return run_rollback(run, desired, clusters, installed, change_of(desired, targets), dry_run=dry_run)
    journal = None if dry_run else open_journal(backend, change_of(desired, targets), desired.protected)
    once = _WarnOnce.install()
    try:
        items = [Item(row, desired.name, cmd.name.rsplit(' ', 1)[0]) for row in clusters]
        pipeline = Pipeline(cmd, desired, SharedAnswers(cmd.cli_ctx), scope_given)
        _plan(items, pipeline, journal, installed)
        if journal is not None:
            approve_or_report(run, items, journal.phase(ROLLOUT))
        work = [item for item in items if item.result is None]
        windows = windows_of(cmd, work, gating, run.clock, plan=dry_run)
        if dry_run:
            _mark_protected(items, desired)
            print_rows(cmd, rows_of(items, plan=True))
            return None
        outcome = execute(run, pipeline, journal.phase(ROLLOUT), items, work, windows=windows)
        if outcome.stopped and gating.on_failure == 'rollback':
            from .rollback import rollback_after_failure
            return rollback_after_failure(run, desired, items, journal, windows)
    finally:
        once.remove()
        if journal is not None:
            journal.close()
    return conclude(run, items, outcome)


# What a run of a rollout (or of its rollback) works with, besides its clusters.
Waves = namedtuple('Waves', 'canary max_parallel max_failures timeout')
# backend: the journal's storage (a file, or an append blob), path: how the user names it.
Run = namedtuple('Run', 'cmd path waves gating clock backend')
# How a run of the engine ended: stopped (failures passed --max-failures), paused ((point, clusters done) or None).
Outcome = namedtuple('Outcome', 'engine stopped paused')


def open_journal(backend, change, protected, **options):
    """The change's journal (journal.py) in its storage (a file or a blob), held until closed."""
    from .journal import Journal
    return Journal(backend, change, protected, **options)


def _mark_protected(items, desired):
    """Protected settings cannot be read back: a rollback of a cluster they replace on would need them again."""
    if not desired.protected:
        return
    for item in items:
        if item.action == UPDATE:
            item.reason = ((item.reason + '; ') if item.reason else '') + (
                'a rollback would need its protected settings from before again (they cannot be read back): give '
                'them with --rollback --config-protected-settings')


class _WarnOnce(logging.Filter):
    """A warning the same for every cluster (a types API that cannot answer, protected settings replaced as a whole)
    is said once, not once per cluster."""

    def __init__(self):
        super().__init__()
        self.seen, self.lock, self.handlers = set(), threading.Lock(), []

    @classmethod
    def install(cls):
        once = cls()
        for handler in logging.getLogger().handlers + logging.getLogger('cli').handlers:
            handler.addFilter(once)
            once.handlers.append(handler)
        return once

    def remove(self):
        for handler in self.handlers:
            handler.removeFilter(self)

    def filter(self, record):
        if record.levelno != logging.WARNING:
            return True
        message = record.getMessage()
        with self.lock:
            if message in self.seen:
                return False
            self.seen.add(message)
        return True


def _find(cmd, desired, cluster_ids, resource_group_name, *, cluster_types, tags, subscriptions, only):
    """The target clusters, the extensions already installed (by cluster ID), and the targets as the journal
    names them."""
    from .targets import find_listed, find_selected, installed as installed_extensions
    scope = sorted({value.split('/')[2].lower() for value in cluster_ids or ()}) or subscriptions or \
        [resource_graph.current_subscription(cmd.cli_ctx)]
    graph = resource_graph.Graph(cmd.cli_ctx, scope)
    from azure.core.exceptions import AzureError
    try:
        if cluster_ids:
            clusters = find_listed(graph, cluster_ids)
        else:
            clusters = find_selected(graph, resource_group_name, cluster_types, tags)
        installed = installed_extensions(graph, desired.name)
    except (AzureError, ValueError, resource_graph.GraphAnswerError) as err:
        raise resource_graph.graph_error(err) from err
    if only:
        clusters = [row for row in clusters if (row['id'].lower() in installed) == (only == 'installed')]
    if cluster_ids:
        targets = {'clusters': sorted(value.lower() for value in cluster_ids)}
    else:
        targets = {'resourceGroup': resource_group_name, 'clusterTypes': cluster_types, 'tags': tags,
                   'subscriptions': sorted(value.lower() for value in scope)}
    targets['only'] = only
    return clusters, installed, targets


def resume(item, entry, extension):
    """A cluster as its journal record leaves it: done (succeeded or failed) by an earlier run, or an operation sent
    earlier that this run follows."""
    status = entry.get('status')
    if status == JOURNAL_SUCCEEDED:
        item.action = entry.get('action') or NOTHING
        item.finish(SUCCEEDED if item.action != NOTHING else UNCHANGED, extension=extension, resumed=True)
        item.passed_at = entry.get('passedAt')
    elif status == JOURNAL_FAILED:
        item.action = entry.get('action') or UPDATE
        item.finish(FAILED, error=entry.get('error'), extension=extension, resumed=True)
    else:
        item.action, item.reason = entry.get('action') or UPDATE, 'resuming an operation sent earlier'


def _plan(items, pipeline, journal, installed):
    """Decide every cluster before anything is sent. A journal's record counts only while the extension as Resource
    Graph shows it agrees: one deleted since is created again, one fixed since is no longer failed."""
    for item in items:
        extension = view(installed.get(item.cluster_id.lower()))
        entry = journal.last(item.cluster_id) if journal else None
        status = (entry or {}).get('status')
        if status == JOURNAL_SUCCEEDED and extension is not None and converged(pipeline.desired, extension):
            resume(item, entry, extension)
            continue
        if status == JOURNAL_FAILED and extension is not None and not converged(pipeline.desired, extension):
            # Failed by an earlier run of this same change: reported again, not sent a second operation.
            resume(item, entry, extension)
            continue
        if status in (SUBMITTING, SUBMITTED):
            resume(item, entry, extension)
            continue
        decision, _ = pipeline.decide(item, extension, companions=False,
                                      journaled_done=status == JOURNAL_SUCCEEDED)
        item.action, item.reason = decision.action, decision.reason
        if item.action == NOTHING:
            item.finish(UNCHANGED, extension=extension)
        elif item.action == BLOCKED:
            item.finish(BLOCKED_RESULT, error=item.reason)


def execute(run, decider, journal, items, work, *, windows, phase=ROLLOUT):
    """Send the planned changes of one phase (the rollout, or its rollback) in waves, through its gates."""
    from ..core.progress import Progress
    from .._client_factory import extensions_clients
    from .engine import Engine, Tally
    waves, gating = run.waves, run.gating
    earlier = (f", {sum(1 for item in items if item.resumed)} done earlier" if journal.resumed else '')
    say(f"{'Resuming on' if journal.resumed else 'Rolling back' if phase == ROLLBACK else 'Rolling out to'} "
        f"{len(items)} cluster(s): {len(work)} to change, "
        f"{sum(1 for item in items if item.result == UNCHANGED)} unchanged, "
        f"{sum(1 for item in items if item.result == BLOCKED_RESULT)} blocked{earlier}. Journal: {run.path}\n")
    parallel = max(1, _count(waves.max_parallel, len(work)))
    allowed = _count(waves.max_failures, len(work))
    engine = Engine(extensions_clients(run.cmd.cli_ctx, parallel), decider, journal, parallel, waves.timeout,
                    clock=run.clock, soak=gating.soak, windows=windows, outside=gating.outside_window or 'wait')
    progress = Progress(run.cmd.cli_ctx,
                        f"{'Rolling back' if phase == ROLLBACK else 'Rolling out'} '{decider.desired.name}'")
    started = time.monotonic()
    done_before = sum(1 for item in items if item.resumed and item.action != NOTHING)
    points = pause_counts(gating.pause_after, waves.canary, done_before + len(work))
    try:
        stopped, paused = _segments(engine, work, Tally(progress, len(work)), canary=max(0, waves.canary),
                                    allowed=allowed, pauses=(done_before, points,
                                                             journal.journal_of().approved(phase), phase))
    except KeyboardInterrupt:
        progress.finish()
        _interrupted(run.cmd, items, engine, run.path)
    finally:
        progress.finish()
    for item in work:
        if item.result is None:
            item.finish(NOT_STARTED, error=f'not started: waiting for approval (--pause-after {paused[0]})' if paused
                        else 'not started: the rollout stopped after too many failures' if stopped
                        else 'not started: the journal could not be written' if engine.journal_error else None)
    logger.info('Rollout took %.1f s; %d throttled answers were waited out.', time.monotonic() - started,
                engine.throttled)
    return Outcome(engine, stopped, paused)


def _segments(engine, work, tally, *, canary, allowed, pauses):
    """Run the work up to each pause point not approved yet: (stopped, paused). The first pause reached is
    recorded in the journal and ends the run."""
    done_before, points, approved, phase = pauses
    start = failures = 0
    for count, point in points:
        if point in approved:
            continue
        end = max(start, count - done_before)
        if end > start:
            stopped = engine.run(work[start:end], canary if start == 0 else 0, allowed - failures, tally)
            failures += sum(1 for item in work[start:end] if item.result == FAILED)
            start = end
            if stopped or engine.journal_error:
                return stopped, None
        engine.journal.journal_of().gate('pause', phase, point, done=done_before + start)
        return False, (point, done_before + start)
    return engine.run(work[start:], canary if start == 0 else 0, allowed - failures, tally), None


def approve_or_report(run, items, journal, phase=ROLLOUT):
    """A rollout paused and not approved since: with --approve, the approval goes to the journal and the run goes
    on; without, the rows as they stand and the pause exit code, nothing sent."""
    waiting = journal.journal_of().paused(phase)
    if not waiting:
        return
    if run.gating.approve:
        for point in waiting:
            journal.journal_of().gate('approve', phase, point)
        say(f"Approved: going on past --pause-after {', '.join(waiting)}.\n")
        return
    point, record = next(reversed(waiting.items()))
    for item in items:
        if item.result is None:
            item.finish(NOT_STARTED, error=f'not started: waiting for approval (--pause-after {point})')
    paused_exit(run, items, (point, record.get('done')), phase)


def paused_exit(run, items, paused, phase=ROLLOUT):
    import sys
    rows = rows_of(items)
    print_rows(run.cmd, rows)
    point, done = paused
    started = sum(1 for item in items if item.action != NOTHING and item.result != NOT_STARTED)
    say(f"\n{'Rollback' if phase == ROLLBACK else 'Rollout'} paused after {done} cluster(s) (--pause-after {point}): "
        f"{sum(1 for row in rows if row['result'] in CONVERGED and row['action'] != NOTHING)} changed, "
        f"{sum(1 for row in rows if row['result'] == FAILED)} failed, "
        f"{sum(1 for row in rows if row['result'] == NOT_STARTED)} waiting; {started} started in all. "
        f"Journal: {run.path}\nTo go on (from any machine that reaches the journal):\n"
        f"  {continue_command(run.cmd.cli_ctx.data.get(ARGS_KEY), run.cmd.name.rsplit(' ', 1)[0])}\n")
    sys.exit(EXIT_PAUSED)


def _interrupted(cmd, items, engine, path):
    """Ctrl-C: the rows as they stand and what was sent, then exit 130 (like a shell; a typed az error exits 1).
    No worker is waited for: operations already sent go on in Azure, and the journal knows them."""
    import sys
    for item in items:
        if item.result is None:
            sent = (engine.journal.last(item.cluster_id) or {}).get('status') in (SUBMITTING, SUBMITTED)
            item.finish(INTERRUPTED if sent else NOT_STARTED,
                        error='interrupted: its operation goes on in Azure, and a re-run follows it' if sent
                        else 'not started: interrupted')
    try:
        print_rows(cmd, rows_of(items))
    except Exception:  # pylint: disable=broad-except
        pass  # a closed standard output: the summary below still goes to stderr
    accepted, unknown = engine.sent['accepted'], engine.sent['unknown']
    say(f"\nInterrupted. Sent {accepted + unknown} write(s) before the interrupt: {accepted} accepted (their "
        f"operations go on in Azure){f', {unknown} without an answer (they may have been applied)' if unknown else ''}"
        f"; {sum(1 for item in items if item.result in CONVERGED)} cluster(s) done, "
        f"{sum(1 for item in items if item.result == NOT_STARTED)} not started.\n"
        f"Run the same command again to resume from the journal {path}: it follows what was sent and sends nothing "
        "twice.\n")
    sys.exit(EXIT_INTERRUPTED)


def conclude(run, items, outcome, phase=ROLLOUT):
    """Print the result rows; an error (exit 1, or 4 when every cluster that did not converge was started but not
    confirmed) when some cluster did not converge, or when the journal could not be written; exit 5 at a pause."""
    import sys
    cmd, path, engine, stopped = run.cmd, run.path, outcome.engine, outcome.stopped
    if outcome.paused and engine.journal_error is None:
        paused_exit(run, items, outcome.paused, phase)
    rows = rows_of(items)
    skipped = sum(1 for row in rows if row['result'] == SKIPPED)
    if skipped:   # asked for (--outside-window skip): not a failure
        logger.warning('%d cluster(s) were skipped outside their maintenance window: run the same command again '
                       'inside it to change them.', skipped)
    bad = [row for row in rows if row['result'] not in CONVERGED + (SKIPPED,)]
    printed = None
    try:
        print_rows(cmd, rows)
    except Exception as err:  # pylint: disable=broad-except
        printed = err
    if engine.journal_error is not None:
        raise type(engine.journal_error)(
            f"{engine.journal_error.error_msg} The rollout stopped starting clusters: "
            f"{sum(1 for row in rows if row['result'] == NOT_STARTED)} not started, "
            f"{len(rows) - len(bad)} of {len(rows)} converged.",
            engine.journal_error.recommendations)
    if not bad:
        if printed is not None:
            raise printed
        return None
    counts = {result: sum(1 for row in bad if row['result'] == result)
              for result in (FAILED, BLOCKED_RESULT, NOT_STARTED, NOT_CONFIRMED, INTERRUPTED)}
    message = (f"{len(bad)} of {len(rows)} cluster(s) did not converge ({counts[FAILED]} failed, "
               f"{counts[BLOCKED_RESULT]} blocked, {counts[NOT_STARTED]} not started, {counts[NOT_CONFIRMED]} started "
               f"but not confirmed)"
               f"{': the failures passed --max-failures, so the rollout stopped' if stopped else ''}.")
    if printed is not None:
        message += f' The rows could not be printed: {getattr(printed, "error_msg", printed)}'
    if counts[NOT_CONFIRMED] == len(bad):
        say(f"{message}\nTheir operations were started and may still succeed: run the same command again to follow "
            f"them (journal {path}), or `az ... wait` as each row says.\n")
        sys.exit(EXIT_NOT_CONFIRMED)  # a typed az error would exit 1, which means refused or failed
    raise AzureResponseError(
        message,
        f'Fix the causes shown above, then run the same command again: it resumes from the journal {path} and '
        'sends nothing to clusters already done.')
