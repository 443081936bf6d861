"""`rollout --rollback` and `--on-failure rollback`: put back every cluster a rollout changed, from its journal.

The journal keeps, for each cluster the rollout wrote to, what its extension held before the first write (gates.py
`before_of`). A rollback runs through the same engine, waves and gates as the rollout (canary, --max-parallel,
--max-failures, --soak, --pause-after, maintenance windows), one operation per cluster, its steps in the same
journal as the rollback phase, so that it resumes too. What each cluster needs is decided again on a fresh read just
before its write (gates.py `rollback_decision`): a PATCH of what the change moved, a delete of an extension the
rollout created, nothing when it already holds its old values, or a report (left as it is) when someone else
changed it since.

Protected settings cannot be read back: the protected values given to `--rollback` are sent to the clusters it
restores when they are not the change's own; otherwise those clusters keep the change's protected values and their
rows say so.
"""
from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError

from ..core.operations import say
from .engine import BLOCKED_RESULT, DELETE, FAILED, UNCHANGED
from .gates import DELETE as STEP_DELETE, KEEP, RESTORE, rollback_decision
from .journal import FAILED as JOURNAL_FAILED, ROLLBACK, SUBMITTED, SUBMITTING, SUCCEEDED as JOURNAL_SUCCEEDED
from .plan import BLOCKED, NOTHING, UPDATE, Decision, view
from .report import Item, print_rows, rows_of

logger = get_logger(__name__)


class RollbackDecider:  # pylint: disable=too-few-public-methods  # the engine's decider of a rollback
    """What a rollback sends to one cluster, from the journal's record of it before the rollout."""

    def __init__(self, desired, journal, protected):
        self.desired, self.journal, self.protected = desired, journal, protected

    def decide(self, item, extension, *, companions=True, journaled_done=False):  # pylint: disable=unused-argument
        """(Decision, body), as prepare.Pipeline.decide answers for a rollout."""
        before = self.journal.before.get(item.cluster_id.lower())
        if before is None:
            return Decision(NOTHING, 'the rollout sent this cluster nothing', None), None
        step = rollback_decision(before, self.desired, extension, self.protected,
                                 self.journal.left.get(item.cluster_id.lower()))
        if step.action == RESTORE and step.properties:
            reason = None
            if self.desired.protected and not self.protected:
                reason = ("its protected settings stay the rollout's (they cannot be read back): give the earlier "
                          "ones with --config-protected-settings")
            return Decision(UPDATE, reason, step.properties), {'properties': step.properties}
        if step.action == STEP_DELETE:
            return Decision(DELETE, step.reason, None), None
        if step.action in (KEEP, RESTORE):
            return Decision(NOTHING, step.reason, None), None
        return Decision(BLOCKED, step.reason, None), None


def _plan(items, decider, phase, installed, dry_run=False):
    """Decide every cluster of the rollback. Only a dry run's plan is final: Resource Graph may lag and has no
    last-modified time, so a run decides each cluster again on the fresh read before its write (installed None:
    after a failed wave, only then)."""
    from .rollout import resume
    for item in items:
        entry = phase.last(item.cluster_id) or {}
        status = entry.get('status')
        extension = view((installed or {}).get(item.cluster_id.lower()))
        if status in (JOURNAL_SUCCEEDED, JOURNAL_FAILED, SUBMITTING, SUBMITTED):
            resume(item, entry, extension)
            continue
        if installed is None:
            item.action, item.reason = UPDATE, 'decided on a fresh read of the extension'
            continue
        decision, _ = decider.decide(item, extension)
        item.action, item.reason = decision.action, decision.reason
        if not dry_run:
            continue
        if decision.action == NOTHING:
            item.finish(UNCHANGED, extension=extension)
        elif decision.action == BLOCKED:
            item.finish(BLOCKED_RESULT, error=decision.reason, extension=extension)


def _decider(desired, journal):
    protected = desired.protected if desired.protected and not journal.same_protected(desired.protected) else None
    return RollbackDecider(desired, journal, protected)


def run_rollback(run, desired, clusters, installed, change, *, dry_run):
    """`rollout --rollback`: the change's journal must exist (any protected values may be given: the ones to
    restore)."""
    from .rollout import approve_or_report, conclude, execute, open_journal
    from .schedule import windows_of
    journal = open_journal(run.backend, change, desired.protected, existing=True, any_protected=True,
                           writing=not dry_run)
    try:
        touched = journal.before
        group = run.cmd.name.rsplit(' ', 1)[0]
        items = [Item(row, desired.name, group) for row in clusters if row['id'].lower() in touched]
        gone = len(set(touched) - {item.cluster_id.lower() for item in items})
        if gone:
            logger.warning('%d cluster(s) the rollout changed are no longer among its targets (deleted, or their '
                           'tags or group changed): they are not rolled back.', gone)
        decider, phase = _decider(desired, journal), journal.phase(ROLLBACK)
        _plan(items, decider, phase, installed, dry_run)
        if not dry_run:
            approve_or_report(run, items, phase, ROLLBACK)
        work = [item for item in items if item.result is None]
        windows = windows_of(run.cmd, work, run.gating, run.clock, plan=dry_run)
        if dry_run:
            print_rows(run.cmd, rows_of(items, plan=True))
            return None
        outcome = execute(run, decider, phase, items, work, windows=windows, phase=ROLLBACK)
    finally:
        journal.close()
    return conclude(run, items, outcome, ROLLBACK)


def rollback_after_failure(run, desired, rollout_items, journal, windows):
    """--on-failure rollback: the rollout stopped after too many failures; every cluster it wrote to goes back.
    Ends with an error whatever the rollback's outcome: the rollout failed."""
    from .rollout import conclude, execute
    failed = [item for item in rollout_items if item.result == FAILED]
    say(f"\nThe rollout stopped: {len(failed)} cluster(s) failed, more than --max-failures allows "
        f"({'; '.join(f'{item.name}: {item.error}' for item in failed[:5])}"
        f"{f'; and {len(failed) - 5} more' if len(failed) > 5 else ''}). Rolling back every cluster it changed "
        "(--on-failure rollback).\n")
    touched = journal.before
    group = run.cmd.name.rsplit(' ', 1)[0]
    items = [Item(item.cluster, desired.name, group) for item in rollout_items if item.cluster_id.lower() in touched]
    decider, phase = _decider(desired, journal), journal.phase(ROLLBACK)
    _plan(items, decider, phase, None)
    work = [item for item in items if item.result is None]
    outcome = execute(run, decider, phase, items, work, windows=windows, phase=ROLLBACK)
    conclude(run, items, outcome, ROLLBACK)
    raise AzureResponseError(
        f"The rollout failed on {len(failed)} cluster(s), more than --max-failures allows; the {len(items)} "
        "cluster(s) it changed were rolled back (see the rows above).",
        f"Fix the cause shown for the failed clusters, then start the rollout again with a new --journal (this one, "
        f"{run.path}, holds the rollout and its rollback).")
