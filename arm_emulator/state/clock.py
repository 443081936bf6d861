"""The emulator's notion of "now": the machine's time plus an offset that the admin API sets.

It times extension operations (and the delays planned with ``/_emulator/fail-after-success``), stamps what the
emulator records, and is what every answer's ``Date`` header says, so a client that reads time from ARM's answers
and the emulator agree on it. It always runs: setting it to a time starts it from there. Token lifetimes and the
throttling buckets keep the machine's time: MSAL, Azurite and the buckets judge them against their own clocks.
The offset is kept in the data directory, so a restarted emulator keeps its time.
"""
import datetime
import email.utils
import time

META_KEY = 'clock_offset'


def parse_time(text):
    """An ISO 8601 time (``2026-03-07T01:55:00Z``, ``...+02:00``; no zone means UTC) as epoch seconds."""
    moment = datetime.datetime.fromisoformat(str(text).strip().replace('Z', '+00:00').replace('z', '+00:00'))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def http_date(epoch):
    """RFC 7231's IMF-fixdate, as in a Date header: ``Sat, 07 Mar 2026 01:55:00 GMT``."""
    return email.utils.formatdate(epoch, usegmt=True)


class Clock:
    """Callable: ``clock()`` is the emulator's time in epoch seconds."""

    def __init__(self, store, real=time.time):
        self.store = store
        self.real = real
        self.offset = float(store.meta(META_KEY, 0.0))

    def __call__(self):
        return self.real() + self.offset

    def set(self, *, now=None, offset=None, advance=None):
        """Set the time (``now``: an ISO time or epoch seconds), the offset from the machine's time, or move it
        on by ``advance`` seconds (never back: operations already timed would run backwards)."""
        given = [name for name, value in (('now', now), ('offset', offset), ('advance', advance)) if value is not None]
        if len(given) != 1:
            raise ValueError('give exactly one of now, offset, advance')
        if now is not None:
            target = float(now) if isinstance(now, (int, float)) else parse_time(now)
            self.offset = target - self.real()
        elif offset is not None:
            self.offset = float(offset)
        else:
            if float(advance) < 0:
                raise ValueError('advance must not be negative')
            self.offset += float(advance)
        self.store.set_meta(META_KEY, self.offset)

    def reset(self):
        self.offset = 0.0
        self.store.set_meta(META_KEY, 0.0)

    def describe(self):
        now = self()
        return {'now': iso(now), 'epoch': now, 'offset': self.offset}
