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

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError

from ..core.defaults import OPERATION_TIMEOUT, ROLLOUT_CANARY, ROLLOUT_MAX_FAILURES, ROLLOUT_MAX_PARALLEL
from ..core.operations import EXIT_INTERRUPTED, EXIT_NOT_CONFIRMED, say
from . import graph as resource_graph
from .engine import (BLOCKED_RESULT, FAILED, INTERRUPTED, NOT_CONFIRMED, NOT_STARTED, SUCCEEDED, UNCHANGED)
from .journal import FAILED as JOURNAL_FAILED, SUBMITTED, SUBMITTING, SUCCEEDED as JOURNAL_SUCCEEDED
from .plan import BLOCKED, NOTHING, UPDATE, change_id, converged, view
from .report import Item, print_rows, rows_of

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
                max_failures=ROLLOUT_MAX_FAILURES, journal_path=None, timeout=OPERATION_TIMEOUT, scope_given=False):
    from .blobstore import journal_backend
    from .journal import Journal, default_path
    from .offers import SharedAnswers
    from .prepare import Pipeline
    backend = journal_backend(cmd.cli_ctx, journal_path) if journal_path else None  # a wrong URL: before any request
    clusters, installed, targets = _find(cmd, desired, cluster_ids, resource_group_name, cluster_types=cluster_types,
                                         tags=tags, subscriptions=subscriptions, only=only)
    backend = backend or journal_backend(cmd.cli_ctx, default_path(cmd.cli_ctx, change_id(desired, targets)))
    path = backend.path
    journal = None if dry_run else Journal(backend, change_of(desired, targets), desired.protected)
    once = _WarnOnce.install()
    try:
        items = [Item(row, desired.name, cmd.name.rsplit(' ', 1)[0]) for row in clusters]
        pipeline = Pipeline(cmd, desired, SharedAnswers(cmd.cli_ctx), scope_given)
        _plan(items, pipeline, journal, installed)
        if dry_run:
            print_rows(cmd, rows_of(items, plan=True))
            return None
        work = [item for item in items if item.result is None]
        engine, stopped = _execute(cmd, pipeline, journal, items, work, path=path, canary=canary,
                                   max_parallel=max_parallel, max_failures=max_failures, timeout=timeout)
    finally:
        once.remove()
        if journal is not None:
            journal.close()
    return _conclude(cmd, items, stopped, path, engine)


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


def _plan(items, pipeline, journal, installed):
    """Decide every cluster before anything is sent. A journal's record counts only while the extension as Resource
    Graph shows it agrees: one deleted since is created again, one fixed since is no longer failed."""
    for item in items:
        extension = view(installed.get(item.cluster_id.lower()))
        entry = journal.last(item.cluster_id) if journal else None
        status = (entry or {}).get('status')
        if status == JOURNAL_SUCCEEDED and extension is not None and converged(pipeline.desired, extension):
            item.action = entry.get('action') or NOTHING
            item.finish(SUCCEEDED if item.action != NOTHING else UNCHANGED, extension=extension, resumed=True)
            continue
        if status == JOURNAL_FAILED and extension is not None and not converged(pipeline.desired, extension):
            # Failed by an earlier run of this same change: reported again, not sent a second operation.
            item.action = entry.get('action') or UPDATE
            item.finish(FAILED, error=entry.get('error'), extension=extension, resumed=True)
            continue
        if status in (SUBMITTING, SUBMITTED):
            item.action, item.reason = entry.get('action') or UPDATE, 'resuming an operation sent earlier'
            continue
        decision, _ = pipeline.decide(item, extension, companions=False,
                                      journaled_done=status == JOURNAL_SUCCEEDED)
        item.action, item.reason = decision.action, decision.reason
        if item.action == NOTHING:
            item.finish(UNCHANGED, extension=extension)
        elif item.action == BLOCKED:
            item.finish(BLOCKED_RESULT, error=item.reason)


# The rollout's settings, passed on by name: pylint: disable-next=too-many-arguments
def _execute(cmd, pipeline, journal, items, work, *, path, canary, max_parallel, max_failures, timeout):
    """Send the planned changes: (engine, True when the rollout stopped after too many failures)."""
    from ..core.progress import Progress
    from .._client_factory import extensions_clients
    from .engine import Engine, Tally
    earlier = (f", {sum(1 for item in items if item.resumed)} done earlier" if journal.resumed else '')
    say(f"{'Resuming on' if journal.resumed else 'Rolling out to'} {len(items)} cluster(s): {len(work)} to change, "
        f"{sum(1 for item in items if item.result == UNCHANGED)} unchanged, "
        f"{sum(1 for item in items if item.result == BLOCKED_RESULT)} blocked{earlier}. Journal: {path}\n")
    parallel = max(1, _count(max_parallel, len(work)))
    allowed = _count(max_failures, len(work))
    engine = Engine(extensions_clients(cmd.cli_ctx, parallel), pipeline, journal, parallel, timeout)
    progress = Progress(cmd.cli_ctx, f"Rolling out '{pipeline.desired.name}'")
    started = time.monotonic()
    try:
        stopped = engine.run(work, max(0, canary), allowed, Tally(progress, len(work)))
    except KeyboardInterrupt:
        progress.finish()
        _interrupted(cmd, items, engine, path)
    finally:
        progress.finish()
    for item in work:
        if item.result is None:
            item.finish(NOT_STARTED, error='not started: the rollout stopped after too many failures' if stopped
                        else 'not started: the journal could not be written' if engine.journal_error else None)
    logger.info('Rollout took %.1f s; %d throttled answers were waited out.', time.monotonic() - started,
                engine.throttled)
    return engine, stopped


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


def _conclude(cmd, items, stopped, path, engine):
    """Print the result rows; an error (exit 1, or 4 when every cluster that did not converge was started but not
    confirmed) when some cluster did not converge, or when the journal could not be written."""
    import sys
    rows = rows_of(items)
    bad = [row for row in rows if row['result'] not in CONVERGED]
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
