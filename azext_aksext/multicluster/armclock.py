"""The time Azure Resource Manager says it is, read from the ``Date`` header of its answers.

Maintenance windows are read against it rather than against this machine's clock, which may be skewed (a CI runner
minutes off, a laptop in the wrong zone): ARM is the clock the clusters' own schedules follow. Pass
``clock.observe`` as ``raw_response_hook=`` to any SDK call (azure-core's hook policy hands it the answer), then
``clock.now()`` gives ARM's time, moving on with this machine's clock between answers. Before any answer it is this
machine's time.
"""
import datetime
import email.utils
import threading
import time

UTC = datetime.timezone.utc


def date_of(headers):
    """Epoch seconds of a ``Date`` header (RFC 7231 IMF-fixdate, or the obsolete forms), ``None`` without a readable
    one. ``headers``: any mapping with ``get``."""
    if headers is None:
        return None
    value = headers.get('Date') or headers.get('date')
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _headers(response):
    """The headers of an azure-core PipelineResponse, an HttpResponse, or a plain mapping."""
    response = getattr(response, 'http_response', response)
    return getattr(response, 'headers', response)


class ArmClock:
    """ARM's time, kept as an offset from this machine's clock, updated by every answer observed."""

    def __init__(self, local=time.time):
        self.local = local
        self.offset = None   # seconds ARM is ahead of this machine; None before an answer
        self.lock = threading.Lock()

    def observe(self, response):
        """Take the time from an answer's Date header (a raw_response_hook: ``response`` is a PipelineResponse)."""
        stated = date_of(_headers(response))
        if stated is None:
            return
        # The header counts whole seconds: ARM's time is within [stated, stated + 1) when it answered, a moment ago.
        with self.lock:
            self.offset = stated + 0.5 - self.local()

    @property
    def known(self):
        return self.offset is not None

    def epoch(self):
        """ARM's time in epoch seconds."""
        return self.local() + (self.offset or 0.0)

    def now(self):
        """ARM's time as an aware datetime in UTC."""
        return datetime.datetime.fromtimestamp(self.epoch(), UTC)
