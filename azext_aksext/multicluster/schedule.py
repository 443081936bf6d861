"""Each target cluster's maintenance window for a rollout, and when it next opens on ARM's clock.

An AKS cluster's window is its maintenance configuration (`--maintenance-config`, by default
aksManagedAutoUpgradeSchedule and then default), read once per cluster through the containerservice SDK; a cluster
without one (every Arc cluster, an AKS cluster without a configuration of that name) has `--window`, or none (any
time). A configuration that cannot be read (refused, an outage, a document windows.py cannot make sense of) is one
warning for the whole rollout, and those clusters fall back to `--window`, or to any time without it: a read of
aksext's own never blocks a rollout. Every answer's Date header sets ARM's clock (a rollout of Arc clusters only reads
one extension for it).
"""
from concurrent.futures import ThreadPoolExecutor

from knack.log import get_logger

from ..core.clusters import AKS
from .windows import ALWAYS, choose_configuration, configuration_window, parse_window

logger = get_logger(__name__)
READERS = 16   # maintenance configurations read at once


def _fallback(gating):
    return parse_window(gating.window) if gating.window else ALWAYS


def windows_of(cmd, items, gating, clock):
    """{cluster ID (lower case): Window} of the items (those the rollout writes to), with item.window and
    item.next_window set for the plan. No read at all with --ignore-windows."""
    if gating.ignore_windows:
        return {}
    from .._client_factory import maintenance_configurations_clients
    fallback = _fallback(gating)
    aks = [item for item in items if item.cluster_type.lower() == AKS.lower()]
    found, failed = {}, []
    if aks:
        make = maintenance_configurations_clients(cmd.cli_ctx)

        def read(item):
            try:
                pages = make(item.subscription).list_by_managed_cluster(
                    item.resource_group, item.name, raw_response_hook=clock.observe)
                chosen = choose_configuration(list(pages), gating.maintenance_config)
                return item, (None if chosen is None else configuration_window(chosen)), None
            except Exception as err:  # pylint: disable=broad-except
                return item, None, err
        with ThreadPoolExecutor(max_workers=min(READERS, len(aks))) as pool:
            for item, window, error in pool.map(read, aks):
                if error is not None:
                    failed.append((item, error))
                elif window is not None:
                    found[item.cluster_id.lower()] = window
    if failed:
        item, error = failed[0]
        logger.warning("Could not read the maintenance configurations of %d AKS cluster(s) (%s: %s); they are "
                       "written to %s.", len(failed), item.name, _short(error),
                       f'in --window "{gating.window}"' if gating.window else 'at any time (no --window given)')
    if not clock.known and any(window is not ALWAYS for window in list(found.values()) + [fallback]):
        _read_clock(cmd, items[0], clock)
    windows = {}
    now = clock.now()
    for item in items:
        window = found.get(item.cluster_id.lower(), fallback)
        windows[item.cluster_id.lower()] = window
        item.window = window.description
        opens = window.next_open(now)
        item.next_window = 'now' if opens is not None and opens <= now else \
            (opens.strftime('%Y-%m-%dT%H:%M:%SZ') if opens else 'none within 800 days')
    return windows


def _read_clock(cmd, item, clock):
    """ARM's time before any answer gave it (a rollout of Arc clusters only): one read of the first cluster's
    extension (its answer's Date header is all that counts; a 404 is as good)."""
    from .._client_factory import cf_extensions
    try:
        cf_extensions(cmd.cli_ctx, subscription_id=item.subscription).get(
            *item.ref, item.extension_id.rsplit('/', 1)[1], raw_response_hook=clock.observe)
    except Exception as err:  # pylint: disable=broad-except
        logger.info("ARM's time could not be read (%s): this machine's clock is used.", _short(err))


def _short(error):
    from ..core.errors import error_code_and_message
    try:
        code, message = error_code_and_message(error)
    except Exception:  # pylint: disable=broad-except
        code, message = None, None
    text = f'({code}) {message}' if code else (message or str(error) or type(error).__name__)
    return text.splitlines()[0][:200] if text else type(error).__name__
