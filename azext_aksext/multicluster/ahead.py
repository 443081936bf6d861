"""Reads made ahead of a wave: with a soak, each wave waits for the last one's gate, and its clusters' reads (each
one's maintenance window, and its extension, which decides the write) are made while the last wave soaks, so that
the wave starts with its writes.

They start once every cluster of the running wave soaks (or is done) and the soaks end within AHEAD seconds, so
that a long soak does not make them stale; a read made ahead stands for the read before a write only for FRESH
seconds, and only for a cluster the journal knows nothing of (one that was resumed is decided afresh). A read that
fails here is simply made again by the worker: reading ahead never decides anything on its own.
"""
import queue
import threading
import time

from .calls import Stopped, pause

AHEAD = 10.0       # seconds before the running wave's soaks end
FRESH = 30.0       # seconds a read made ahead stands for the read before a write
READERS = 16       # reads at once
READ_BUDGET = 10.0  # seconds a read made ahead may take, retries included
NOT_READ = object()


class ReadAhead:  # pylint: disable=too-few-public-methods  # it reads by itself; a wave only takes
    """Reads the next wave's clusters while ``wave`` soaks, for ``engine`` (engine.Engine)."""

    def __init__(self, engine, wave, following):
        self.engine, self.wave, self.following = engine, wave, list(following)
        self.reads = {}     # cluster ID (lower case) -> (monotonic time of the read, the extension or None)
        self.lock = threading.Lock()
        if self.following:
            threading.Thread(target=self._run, name='rollout read-ahead', daemon=True).start()

    def taken(self, item):
        """The extension as read ahead (None: it is not there), or NOT_READ when no fresh read was made."""
        with self.lock:
            read = self.reads.pop(item.cluster_id.lower(), None)
        if read is None or time.monotonic() - read[0] > FRESH:
            return NOT_READ
        return read[1]

    def _run(self):
        try:
            self._until_soaking()
        except Stopped:
            return
        todo = queue.Queue()
        for item in self.following:
            todo.put(item)
        for _ in range(min(READERS, len(self.following))):
            threading.Thread(target=self._reader, args=(todo,), name='rollout read-ahead', daemon=True).start()

    def _until_soaking(self):
        engine = self.engine
        while True:
            if all(item.result is not None or item.soak_ends is not None for item in self.wave):
                ends = [item.soak_ends for item in self.wave if item.result is None]
                left = max(ends, default=0.0) - time.monotonic()
                if left <= AHEAD:
                    return
                pause(engine.stop, min(1.0, left - AHEAD))
            else:
                pause(engine.stop, 0.25)

    def _reader(self, todo):
        engine = self.engine
        while not engine.stop.is_set():
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            if engine.journal.last(item.cluster_id):
                continue
            try:
                engine.windows.of(item)
                current = engine.calls_for(item.subscription).read(item.ref, engine.desired.name,
                                                                   time.monotonic() + READ_BUDGET)
            except Exception:  # pylint: disable=broad-except  # the worker reads again, and says what failed
                continue
            with self.lock:
                self.reads[item.cluster_id.lower()] = (time.monotonic(), current)
