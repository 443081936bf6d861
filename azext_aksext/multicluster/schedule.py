"""Each target cluster's maintenance window for a rollout, and when it next opens on ARM's clock.

An AKS cluster's window is its maintenance configuration (`--maintenance-config`, by default
aksManagedAutoUpgradeSchedule and then default), read once per cluster through the containerservice SDK (all before
a plan is shown; during a rollout, as each cluster's turn comes, so that thousands of them are not read first); a
cluster without one (every Arc cluster, an AKS cluster without a configuration of that name) has `--window`, or none
(any time). A configuration that cannot be read (refused, an outage, a document windows.py cannot make sense of) is one
warning for the whole rollout, and those clusters fall back to `--window`, or to any time without it: a read of
aksext's own never blocks a rollout. Every answer's Date header sets ARM's clock (a rollout of Arc clusters only reads
one extension for it).
"""
import threading
from concurrent.futures import ThreadPoolExecutor

from knack.log import get_logger

from ..core.clusters import AKS
from .windows import ALWAYS, choose_configuration, configuration_window, parse_window

logger = get_logger(__name__)
READERS = 16   # maintenance configurations read at once


def _fallback(gating):
    return parse_window(gating.window) if gating.window else ALWAYS


# What was read, what failed, and what reads them: one object shared by a rollout's workers.
class Windows:  # pylint: disable=too-many-instance-attributes
    """The maintenance windows of a rollout's clusters, each read once: all at once for a plan (windows_of), or
    when a cluster's turn comes (of), so that a rollout of thousands of clusters starts without reading them all
    first and spreads the reads over its waves."""

    def __init__(self, cmd, gating, clock):
        self.cmd, self.gating, self.clock = cmd, gating, clock
        self.fallback = _fallback(gating)
        self.found, self.failed = {}, []
        self.lock = threading.Lock()
        self.make = None
        self.planning = self.clock_read = False

    def of(self, item):
        """The cluster's window (read now when not read yet)."""
        if self.gating.ignore_windows:
            return ALWAYS
        key = item.cluster_id.lower()
        with self.lock:
            if key in self.found:
                return self.found[key]
        window, error = self._read(item)
        with self.lock:
            self.found[key] = window
            first_failure = error is not None and not self.failed
            if error is not None:
                self.failed.append((item, error))
        if first_failure and not self.planning:
            logger.warning("Could not read the maintenance configurations of AKS cluster %s (%s); it, and any other "
                           "whose configurations cannot be read, is written to %s.", item.name, _short(error),
                           self._fallback_said())
        if window is not ALWAYS and not self.clock.known:
            with self.lock:
                if not self.clock_read:
                    self.clock_read = True
                    _read_clock(self.cmd, item, self.clock)
        return window

    def read_all(self, items):
        """Read the windows of these clusters, READERS at a time (for a plan); one warning for all that failed."""
        self.planning = True
        aks = [item for item in items if item.cluster_type.lower() == AKS.lower()]
        if aks:
            with ThreadPoolExecutor(max_workers=min(READERS, len(aks))) as pool:
                list(pool.map(self.of, aks))
        if self.failed:
            item, error = self.failed[0]
            logger.warning("Could not read the maintenance configurations of %d AKS cluster(s) (%s: %s); they are "
                           "written to %s.", len(self.failed), item.name, _short(error), self._fallback_said())
        for item in items:
            self.of(item)   # the others (Arc) too: a --window of theirs reads ARM's clock before the plan uses it

    def _fallback_said(self):
        return f'in --window "{self.gating.window}"' if self.gating.window else 'at any time (no --window given)'

    def _read(self, item):
        """(window, error): the cluster's configuration chosen by --maintenance-config; the fallback for an Arc
        cluster, for one without such a configuration and for one whose configurations cannot be read."""
        if item.cluster_type.lower() != AKS.lower():
            return self.fallback, None
        if self.make is None:
            from .._client_factory import maintenance_configurations_clients
            with self.lock:
                self.make = self.make or maintenance_configurations_clients(self.cmd.cli_ctx)
        try:
            pages = self.make(item.subscription).list_by_managed_cluster(
                item.resource_group, item.name, raw_response_hook=self.clock.observe)
            chosen = choose_configuration(list(pages), self.gating.maintenance_config)
        except Exception as err:  # pylint: disable=broad-except
            return self.fallback, err
        return (self.fallback if chosen is None else configuration_window(chosen)), None


def windows_of(cmd, items, gating, clock, plan=False):
    """The rollout's Windows (read as each cluster's turn comes); with plan, read now, with item.window and
    item.next_window set for the plan's rows. No read at all with --ignore-windows."""
    windows = Windows(cmd, gating, clock)
    if not plan:
        return windows
    windows.read_all(items)
    now = clock.now()
    for item in items:
        window = windows.of(item)
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
