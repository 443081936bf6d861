"""`az k8s-extension rollout`: install or change one extension on many clusters, in waves, resumably. The steps:
find the targets, plan each cluster, execute the plan in waves, conclude with a row per cluster.

Targets and their current extensions come from Azure Resource Graph (a few requests for thousands of clusters);
each cluster's extension is re-read from the resource provider just before a write, since Resource Graph may lag.
"""
import sys
import time

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError

from ..core.clusters import cluster_id_of
from ..core.defaults import ROLLOUT_CANARY, ROLLOUT_MAX_FAILURES, ROLLOUT_MAX_PARALLEL
from . import graph as resource_graph
from .journal import SUBMITTED, SUBMITTING
from .plan import BLOCKED, CREATE, NOTHING, UPDATE, change_id, decide
from .offers import Offers
from .report import Item, print_rows, rows_of

logger = get_logger(__name__)
STATE_BY_JOURNAL = {'succeeded': 'Succeeded', 'failed': 'Failed'}


def _targets(graph, cluster_ids, resource_group, cluster_types, tags):
    if cluster_ids:
        rows = []
        for start in range(0, len(cluster_ids), 200):
            batch = ', '.join(resource_graph.kql_string(value) for value in cluster_ids[start:start + 200])
            rows += graph.rows(f'Resources | where id in~ ({batch}) | {resource_graph.CLUSTER_COLUMNS}')
        return rows
    return list(graph.rows(resource_graph.cluster_query(resource_group, cluster_types, tags)))


def _installed(graph, name):
    kql = resource_graph.kql_string
    query = (f"KubernetesConfigurationResources | where type =~ {kql(resource_graph.EXTENSION_TYPE)} "
             f"and name =~ {kql(name)} | project id, name, properties | order by id asc")
    return {cluster_id_of(row['id']).lower(): row for row in graph.rows(query)}


def _count(value, total):
    """--max-parallel / --max-failures: a count, or a percentage of the clusters to change."""
    if value.endswith('%'):
        return int(total * float(value[:-1]) / 100.0)
    return int(value)


def _plan(items, desired, journal, installed, offers):
    for item in items:
        entry = journal.last(item.cluster_id) if journal else None
        status = (entry or {}).get('status')
        if status in STATE_BY_JOURNAL:
            # Finished by an earlier run of this same change: no request at all, whatever it was.
            item.action = (entry or {}).get('action') or NOTHING
            item.finish(STATE_BY_JOURNAL[status], error=entry.get('error'), resumed=True)
            continue
        if status in (SUBMITTING, SUBMITTED):
            item.action, item.reason = entry.get('action') or UPDATE, 'resuming an operation sent earlier'
            continue
        extension = installed.get(item.cluster_id.lower())
        decision = decide(desired, item.cluster, extension)
        item.action, item.reason = decision.action, decision.reason
        if decision.action in (CREATE, UPDATE):
            offered = offers.blocker(item.cluster.get('location'), item.cluster_type)
            if offered:
                item.action, item.reason = BLOCKED, offered
        if item.action == NOTHING:
            item.finish('Unchanged', extension=extension)
        elif item.action == BLOCKED:
            item.finish('Blocked', error=item.reason)


def run_rollout(cmd, desired, *, cluster_ids=None, resource_group_name=None, cluster_types=None, tags=None,
                subscriptions=None, only=None, dry_run=False, canary=ROLLOUT_CANARY, max_parallel=ROLLOUT_MAX_PARALLEL,
                max_failures=ROLLOUT_MAX_FAILURES, journal_path=None):
    from .journal import Journal, default_path
    clusters, installed, change = _find(cmd, desired, cluster_ids, resource_group_name, cluster_types=cluster_types,
                                        tags=tags, subscriptions=subscriptions, only=only)
    path = journal_path or default_path(cmd.cli_ctx, change)
    journal = None if dry_run else Journal(path)
    items = [Item(row, desired.name, cmd.name.rsplit(' ', 1)[0]) for row in clusters]
    offers = Offers(cmd.cli_ctx, desired.extension_type, desired.version, desired.release_train)
    _plan(items, desired, journal, installed, offers)
    if dry_run:
        return rows_of(items, plan=True)
    work = [item for item in items if item.result is None]
    stopped = _execute(cmd, desired, journal, items, work, path=path, canary=canary, max_parallel=max_parallel,
                       max_failures=max_failures)
    return _conclude(cmd, items, stopped, path)


def _find(cmd, desired, cluster_ids, resource_group_name, *, cluster_types, tags, subscriptions, only):
    """The target clusters, the IDs of those that have the extension already, and the change's ID."""
    scope = sorted({value.split('/')[2] for value in cluster_ids or ()}) or subscriptions or \
        [resource_graph.current_subscription(cmd.cli_ctx)]
    graph = resource_graph.Graph(cmd.cli_ctx, scope)
    from azure.core.exceptions import HttpResponseError
    try:
        clusters = _targets(graph, cluster_ids, resource_group_name, cluster_types, tags)
        installed = _installed(graph, desired.name)
    except HttpResponseError as err:
        raise resource_graph.graph_error(err) from err
    if only:
        clusters = [row for row in clusters if (row['id'].lower() in installed) == (only == 'installed')]
    change = change_id(desired, cluster_ids or [resource_group_name, cluster_types, tags, scope, only])
    return clusters, installed, change


def _execute(cmd, desired, journal, items, work, *, path, canary, max_parallel, max_failures):
    """Send the planned changes; True when the rollout stopped after too many failures."""
    from ..core.progress import Progress
    from .._client_factory import extensions_clients
    from .engine import Engine, Tally
    earlier = (f", {sum(1 for item in items if getattr(item, 'resumed', False))} done earlier" if journal.resumed
               else '')
    sys.stderr.write(
        f"{'Resuming on' if journal.resumed else 'Rolling out to'} {len(items)} cluster(s): {len(work)} to change, "
        f"{sum(1 for item in items if item.result == 'Unchanged')} unchanged, "
        f"{sum(1 for item in items if item.result == 'Blocked')} blocked{earlier}. Journal: {path}\n")
    parallel = max(1, _count(max_parallel, len(work)))
    allowed = _count(max_failures, len(work))
    engine = Engine(extensions_clients(cmd.cli_ctx, parallel), desired, journal, parallel)
    progress = Progress(cmd.cli_ctx, f"Rolling out '{desired.name}'")
    started = time.monotonic()
    try:
        stopped = engine.run(work, max(0, canary), allowed, Tally(progress, len(work)))
    except KeyboardInterrupt:
        progress.finish()
        sys.stderr.write('Interrupted. Operations already sent go on in Azure. Run the same command again to resume '
                         f'from the journal {path}.\n')
        sys.exit(130)  # like a shell; a typed az error would exit 1
    finally:
        progress.finish()
        journal.close()
    for item in work:
        if item.result is None:
            item.finish('NotStarted', error='not started: the rollout stopped after too many failures'
                        if stopped else None)
    logger.info('Rollout took %.1f s; %d throttled answers were waited out.', time.monotonic() - started,
                engine.throttled)
    return stopped


def _conclude(cmd, items, stopped, path):
    """The result rows; an error (after printing them) when some cluster did not converge."""
    rows = rows_of(items)
    bad = [row for row in rows if row['result'] not in ('Succeeded', 'Unchanged')]
    if bad:
        print_rows(cmd, rows)
        failed = sum(1 for row in bad if row['result'] == 'Failed')
        raise AzureResponseError(
            f"{len(bad)} of {len(rows)} cluster(s) did not converge ({failed} failed, "
            f"{sum(1 for row in bad if row['result'] == 'Blocked')} blocked, "
            f"{sum(1 for row in bad if row['result'] == 'NotStarted')} not started)"
            f"{': the failures passed --max-failures, so the rollout stopped' if stopped else ''}.",
            f'Fix the causes shown above, then run the same command again: it resumes from the journal {path} and '
            'sends nothing to clusters already done.')
    return rows
