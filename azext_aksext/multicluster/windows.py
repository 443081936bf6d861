"""Maintenance windows: when a cluster accepts a write. Pure functions over documents, no I/O.

A window answers, for a time ``at`` (an aware datetime, or epoch seconds): is it open (:meth:`Window.is_open`), the
opening that holds ``at`` or comes next (:meth:`Window.opening`, ``(start, end)`` in UTC), and when it next opens
(:meth:`Window.next_open`, ``at`` itself when open). Read ``at`` from ARM's clock (``armclock.ArmClock``), not the
local one.

AKS clusters: :func:`cluster_window` reads the cluster's ``maintenanceConfigurations`` (ARM's camelCase or the SDK's
snake_case) and takes the one named, by default ``aksManagedAutoUpgradeSchedule`` and then ``default``. A cluster
without one (every Arc cluster) is always open. What the documents mean, where AKS's documentation leaves room:

- ``maintenanceWindow``: on each scheduled day the window opens at ``startTime`` in ``utcOffset`` (a fixed offset,
  so no daylight saving time: a window at 02:00 +01:00 stays at 01:00 UTC all year) and lasts ``durationHours``,
  across midnight if need be. Days: ``daily`` every ``intervalDays`` days from ``startDate``; ``weekly`` on
  ``dayOfWeek`` every ``intervalWeeks`` weeks, counting weeks from Sunday to Saturday with the week of ``startDate``
  as the first (a day before ``startDate`` in that week is skipped, as AKS does); ``absoluteMonthly`` on
  ``dayOfMonth`` every ``intervalMonths`` months from the month of ``startDate`` (a month without that day has no
  window); ``relativeMonthly`` on the ``weekIndex`` (First ... Fourth, Last) ``dayOfWeek`` of the month. Before
  ``startDate`` there is no window; without one, intervals count from the day it was created (``systemData``),
  else from 1970-01-01. ``notAllowedDates`` close whole days, ``start`` to ``end`` inclusive, in ``utcOffset``.
- ``timeInWeek``: each ``hourSlots`` hour ``h`` of ``day`` is open from h:00 to h+1:00 UTC; ``notAllowedTime`` spans
  are closed. A ``default`` with only ``notAllowedTime`` is open outside those spans.
- A closed span cuts an opening short or in two; what is left of it is still open.

A user's window (``--window``) is :func:`parse_window`'s syntax, documented there.
"""
import datetime
import heapq
import re

from azure.cli.core.azclierror import InvalidArgumentValueError

UTC = datetime.timezone.utc
DAY = datetime.timedelta(days=1)
WEEKDAYS = ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')   # date.weekday() order
WEEK_INDEXES = ('first', 'second', 'third', 'fourth')
DEFAULT_CONFIGURATIONS = ('aksManagedAutoUpgradeSchedule', 'default')
# How far ahead a window is searched for its next opening; none within it is "no opening".
HORIZON = datetime.timedelta(days=800)
EPOCH_DATE = datetime.date(1970, 1, 1)
LONGEST_OPENING = datetime.timedelta(days=7)
WINDOW_EXAMPLES = ('Examples: --window "Sat,Sun 02:00-06:00 UTC", --window "daily 22:00+4h", '
                   '--window "Mon-Fri 22:00-02:00 Europe/Berlin; Sat 00:00+12h".')


def as_utc(at):
    """``at`` (an aware datetime, or epoch seconds) in UTC."""
    if isinstance(at, (int, float)):
        return datetime.datetime.fromtimestamp(at, UTC)
    if at.tzinfo is None:
        raise ValueError('a time without a zone is ambiguous: give an aware datetime')
    return at.astimezone(UTC)


# ---- windows ----------------------------------------------------------------------------------------------------

class Window:
    """Open spans in time: subclasses give :meth:`spans`, the open ``(start, end)`` pairs in UTC, sorted by start,
    from one that may hold ``since`` on; closed spans are cut out of them here."""

    description = ''
    closed = ()   # (start, end) spans in UTC, sorted

    def spans(self, since):
        raise NotImplementedError

    def opening(self, at):
        """``(start, end)``: the opening that holds ``at`` (``start <= at < end``) or, when closed, the next one;
        ``None`` when there is none within the horizon."""
        at = as_utc(at)
        limit = at + HORIZON
        for start, end in self._open_spans(at - LONGEST_OPENING):
            if start > limit:
                return None
            if end > at:
                return start, end
        return None

    def is_open(self, at):
        found = self.opening(at)
        return found is not None and found[0] <= as_utc(at)

    def next_open(self, at):
        """``at`` when open, the start of the next opening otherwise, ``None`` when none comes within the horizon."""
        found = self.opening(at)
        return None if found is None else max(found[0], as_utc(at))

    def _open_spans(self, since):
        merged = _merge(self.spans(since))
        return _cut(merged, self.closed) if self.closed else merged

    def __repr__(self):
        return f'<{type(self).__name__} {self.description}>'


class AlwaysOpen(Window):
    description = 'any time'

    def spans(self, since):
        yield since - DAY, datetime.datetime.max.replace(tzinfo=UTC)


ALWAYS = AlwaysOpen()


def _merge(spans):
    """Sorted spans with the overlapping and touching ones joined."""
    current = None
    for start, end in spans:
        if current is None:
            current = [start, end]
        elif start <= current[1]:
            current[1] = max(current[1], end)
        else:
            yield tuple(current)
            current = [start, end]
    if current is not None:
        yield tuple(current)


def _cut(spans, closed):
    """Sorted, merged spans less the ``closed`` ones."""
    for start, end in spans:
        for closed_start, closed_end in closed:
            if closed_end <= start or closed_start >= end:
                continue
            if closed_start > start:
                yield start, closed_start
            start = max(start, closed_end)
            if start >= end:
                break
        if start < end:
            yield start, end


class DailySpans(Window):
    """On each day ``day_is_on`` accepts (a date in ``zone``), open from ``start`` (a time in ``zone``) for
    ``length`` (a timedelta, or a function of the local start giving the end)."""

    def __init__(self, zone, start, length, day_is_on, *, closed=(), description=''):
        self.zone, self.start, self.length, self.day_is_on = zone, start, length, day_is_on
        self.closed = tuple(sorted(closed))
        self.description = description

    def spans(self, since):
        day = since.astimezone(self.zone).date() - DAY
        last = (since + HORIZON + LONGEST_OPENING).astimezone(self.zone).date()
        while day <= last:
            if self.day_is_on(day):
                local = datetime.datetime.combine(day, self.start, tzinfo=self.zone)
                start = local.astimezone(UTC)
                # A duration is elapsed time (aware arithmetic in one zone would be wall-clock time).
                end = start + self.length if isinstance(self.length, datetime.timedelta) else self.length(local)
                yield start, end.astimezone(UTC)
            day += DAY


class AnyOf(Window):
    """Open when any of ``windows`` is."""

    def __init__(self, windows, description=''):
        self.windows = list(windows)
        self.description = description

    def spans(self, since):
        return heapq.merge(*(window._open_spans(since) for window in self.windows))  # pylint: disable=protected-access


# ---- AKS maintenance configurations -----------------------------------------------------------------------------

def _camel(key):
    head, *rest = key.split('_')
    return head + ''.join(part[:1].upper() + part[1:] for part in rest)


def normalized(document):
    """A configuration as ARM's camelCase JSON: from a dict in either spelling, or an SDK model."""
    if hasattr(document, 'as_dict'):
        document = document.as_dict()
    if isinstance(document, dict):
        return {_camel(key): normalized(value) for key, value in document.items()}
    if isinstance(document, list):
        return [normalized(item) for item in document]
    return document


def _properties(document):
    document = normalized(document) or {}
    properties = dict(document.get('properties') or {})
    for key in ('timeInWeek', 'notAllowedTime', 'maintenanceWindow'):   # the SDK flattens them onto the model
        if document.get(key) is not None and properties.get(key) is None:
            properties[key] = document[key]
    return properties


def choose_configuration(configurations, name=None):
    """The configuration in force: the one ``name``d (any case), or ``aksManagedAutoUpgradeSchedule`` and then
    ``default``; ``None`` when the cluster has none of them."""
    by_name = {}
    for document in configurations or ():
        flat = normalized(document) or {}
        if flat.get('name'):
            by_name.setdefault(str(flat['name']).lower(), document)
    for candidate in ([name] if name else DEFAULT_CONFIGURATIONS):
        if candidate.lower() in by_name:
            return by_name[candidate.lower()]
    return None


def cluster_window(configurations, name=None):
    """The window of a cluster with these ``maintenanceConfigurations``: ALWAYS when none applies."""
    chosen = choose_configuration(configurations, name)
    return ALWAYS if chosen is None else configuration_window(chosen)


def configuration_window(document):
    """The window one maintenance configuration describes. Raises ValueError for a document it cannot read."""
    flat = normalized(document) or {}
    name = flat.get('name') or 'maintenance configuration'
    properties = _properties(flat)
    created = ((flat.get('systemData') or {}).get('createdAt'))
    if properties.get('maintenanceWindow'):
        return _maintenance_window(properties['maintenanceWindow'], created, name)
    return _time_in_week(properties.get('timeInWeek') or [], properties.get('notAllowedTime') or [], name)


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _datetime(value):
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00').replace('z', '+00:00'))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fixed_offset(text):
    """``+05:30`` / ``-07:00`` (also ``+5``, ``-0700``) as a tzinfo."""
    found = re.fullmatch(r'([+-])(\d{1,2})(?::?(\d{2}))?', str(text).strip())
    if not found or int(found.group(2)) > 14 or int(found.group(3) or 0) > 59:
        raise ValueError(f"'{text}' is not a UTC offset (+HH:MM or -HH:MM)")
    minutes = int(found.group(2)) * 60 + int(found.group(3) or 0)
    return datetime.timezone(datetime.timedelta(minutes=-minutes if found.group(1) == '-' else minutes))


def _time_of_day(text):
    found = re.fullmatch(r'(\d{1,2}):(\d{2})', str(text).strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValueError(f"'{text}' is not a time of day (HH:MM, 00:00 to 23:59)")
    return datetime.time(int(found.group(1)), int(found.group(2)))


def _weekday(text):
    name = str(text).strip().lower()
    for index, day in enumerate(WEEKDAYS):
        if name == day or (len(name) >= 3 and day.startswith(name)):
            return index
    raise ValueError(f"'{text}' is not a day of the week")


def _months_between(first, day):
    return (day.year - first.year) * 12 + day.month - first.month


def _sunday_week(day):
    """The Sunday that starts the Sunday-to-Saturday week of ``day``."""
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def _nth_weekday(day, weekday, index):
    """Whether ``day`` is the First ... Fourth or Last ``weekday`` of its month."""
    if day.weekday() != weekday:
        return False
    if index == 'last':
        return (day + datetime.timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 == WEEK_INDEXES.index(index)


def _schedule_days(schedule, first):
    """A predicate over local dates for a ``maintenanceWindow.schedule``, intervals counted from ``first``."""
    kinds = [kind for kind in ('daily', 'weekly', 'absoluteMonthly', 'relativeMonthly') if schedule.get(kind)]
    if len(kinds) != 1:
        raise ValueError('the schedule needs exactly one of daily, weekly, absoluteMonthly, relativeMonthly')
    kind, body = kinds[0], schedule[kinds[0]]
    if kind == 'daily':
        every = int(body.get('intervalDays') or 1)
        return (lambda day: (day - first).days % every == 0), f'every {every} day(s)'
    if kind == 'weekly':
        every, weekday = int(body.get('intervalWeeks') or 1), _weekday(body['dayOfWeek'])
        anchor = _sunday_week(first)
        return (lambda day: day.weekday() == weekday and ((_sunday_week(day) - anchor).days // 7) % every == 0), \
            f"{WEEKDAYS[weekday].capitalize()} every {every} week(s)"
    every = int(body.get('intervalMonths') or 1)
    if kind == 'absoluteMonthly':
        on = int(body['dayOfMonth'])
        return (lambda day: day.day == on and _months_between(first, day) % every == 0), \
            f'day {on} every {every} month(s)'
    weekday, index = _weekday(body['dayOfWeek']), str(body['weekIndex']).lower()
    if index not in WEEK_INDEXES + ('last',):
        raise ValueError(f"'{body['weekIndex']}' is not a week index (First, Second, Third, Fourth, Last)")
    return (lambda day: _nth_weekday(day, weekday, index) and _months_between(first, day) % every == 0), \
        f"{index.capitalize()} {WEEKDAYS[weekday].capitalize()} every {every} month(s)"


def _maintenance_window(window, created, name):
    zone = fixed_offset(window.get('utcOffset') or '+00:00')
    start = _time_of_day(window['startTime'])
    hours = int(window.get('durationHours') or 24)
    begins = _date(window['startDate']) if window.get('startDate') else None
    first = begins or (_datetime(created).astimezone(zone).date() if created else EPOCH_DATE)
    on_schedule, cadence = _schedule_days(window.get('schedule') or {}, first)

    def day_is_on(day):
        return (begins is None or day >= begins) and on_schedule(day)
    closed = []
    for span in window.get('notAllowedDates') or []:
        closed.append((datetime.datetime.combine(_date(span['start']), datetime.time(), tzinfo=zone).astimezone(UTC),
                       datetime.datetime.combine(_date(span['end']) + DAY, datetime.time(), tzinfo=zone)
                       .astimezone(UTC)))
    offset = window.get('utcOffset') or '+00:00'
    return DailySpans(zone, start, datetime.timedelta(hours=hours), day_is_on, closed=closed,
                      description=f"{name}: {cadence} at {start:%H:%M} {offset} for {hours}h")


def _time_in_week(slots, not_allowed, name):
    hours = {}
    for slot in slots:
        hours.setdefault(_weekday(slot['day']), set()).update(int(hour) for hour in slot.get('hourSlots') or [])
    closed = [(_datetime(span['start']).astimezone(UTC), _datetime(span['end']).astimezone(UTC))
              for span in not_allowed]
    if not hours:
        # Only closed times: open around them.
        return DailySpans(UTC, datetime.time(), DAY, lambda day: True, closed=closed,
                          description=f'{name}: any time but its closed times')
    windows = [DailySpans(UTC, datetime.time(hour), datetime.timedelta(hours=1),
                          lambda day, weekday=weekday: day.weekday() == weekday, closed=closed)
               for weekday, day_hours in hours.items() for hour in day_hours]
    listed = ', '.join(f"{WEEKDAYS[weekday].capitalize()} {','.join(str(h) for h in sorted(day_hours))}h"
                       for weekday, day_hours in sorted(hours.items()))
    return AnyOf(windows, f'{name}: {listed} UTC')


# ---- --window -----------------------------------------------------------------------------------------------------

def _zone(text):
    """UTC, UTC+HH:MM, +HH:MM, or an IANA name (Europe/Berlin)."""
    if text.upper() in ('UTC', 'GMT', 'Z'):
        return UTC
    offset = re.fullmatch(r'(?:UTC|GMT)?([+-].+)', text, re.IGNORECASE)
    if offset:
        return fixed_offset(offset.group(1))
    try:
        import zoneinfo
        return zoneinfo.ZoneInfo(text)
    except (ValueError, KeyError, ImportError, OSError) as error:
        raise ValueError(f"'{text}' is not a time zone this machine knows (UTC, UTC+02:00, or an IANA name such as "
                         "Europe/Berlin)") from error


def _days(text):
    """``daily``, ``weekdays``, ``weekends``, or day names and ranges joined by commas: ``Mon,Wed-Fri``."""
    lowered = text.lower()
    if lowered in ('daily', 'everyday'):
        return set(range(7))
    if lowered == 'weekdays':
        return set(range(5))
    if lowered == 'weekends':
        return {5, 6}
    days = set()
    for item in text.split(','):
        first, _, last = item.partition('-')
        start, end = _weekday(first), _weekday(last) if last else None
        days.update([start] if end is None else [(start + step) % 7 for step in range((end - start) % 7 + 1)])
    return days


def _duration(text):
    found = re.fullmatch(r'(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?', text.lower())
    if not text or not found:
        raise ValueError(f"'+{text}' is not a duration (such as +4h, +90m, +1h30m, +2d)")
    length = datetime.timedelta(days=int(found.group(1) or 0), hours=int(found.group(2) or 0),
                                minutes=int(found.group(3) or 0))
    if not datetime.timedelta(0) < length <= LONGEST_OPENING:
        raise ValueError(f"'+{text}' must be longer than nothing and at most 7 days")
    return length


def _part(text):
    words = text.split()
    if len(words) not in (2, 3):
        raise ValueError(f"'{text}' is not DAYS TIME [ZONE], such as 'Sat,Sun 02:00-06:00 UTC'")
    days = _days(words[0])
    zone = _zone(words[2]) if len(words) == 3 else UTC
    hours = words[1]
    if '+' in hours:
        begin, length = hours.split('+', 1)
        start, length = _time_of_day(begin), _duration(length)
    elif '-' in hours:
        begin, finish = hours.split('-', 1)
        start = _time_of_day(begin)
        end = datetime.time() if finish.strip() == '24:00' else _time_of_day(finish)
        if end == start and finish.strip() != '24:00':
            raise ValueError(f"'{hours}' starts and ends at the same time: give an end, or a duration (+24h)")

        def length(local, end=end):
            # The end is a wall-clock time: on a change of clocks the window is an hour shorter or longer.
            finish_day = local.date() if datetime.datetime.combine(local.date(), end) > local.replace(tzinfo=None) \
                else local.date() + DAY
            return datetime.datetime.combine(finish_day, end, tzinfo=local.tzinfo)
    else:
        raise ValueError(f"'{hours}' is not HH:MM-HH:MM or HH:MM+DURATION")
    return DailySpans(zone, start, length, lambda day: day.weekday() in days, description=text)


def parse_window(spec, option='--window'):
    """A user's window: one or more parts joined by ``;``, each ``DAYS TIME [ZONE]``, open when any part is.

    - DAYS: ``daily``, ``weekdays`` (Mon-Fri), ``weekends`` (Sat, Sun), or day names (``Mon`` or ``Monday``, any
      case) and ranges, joined by commas: ``Sat,Sun``, ``Mon-Fri``, ``Fri-Mon``, ``Mon,Wed-Fri``. A day is the day the
      window opens: ``Sat 22:00+4h`` runs into Sunday.
    - TIME: ``HH:MM-HH:MM`` (an end at or before the start is the next day; ``24:00`` is midnight at the end of the
      day), or ``HH:MM+DURATION`` with a duration of ``4h``, ``90m``, ``1h30m`` or ``2d`` (at most 7 days).
    - ZONE: ``UTC`` (the default), a fixed offset (``UTC+02:00``, ``UTC-5``, ``+05:30``), or an IANA name
      (``Europe/Berlin``), whose daylight saving time it follows: times are wall-clock times there; an ``HH:MM-HH:MM``
      window is an hour shorter or longer on the night clocks change, a ``+DURATION`` one keeps its length, and a
      start in the hour clocks skip or repeat is read with the offset before the change.

    Raises InvalidArgumentValueError naming ``option``, the spec and the mistake.
    """
    text = (spec or '').strip()
    try:
        if not text:
            raise ValueError('it is empty')
        parts = [part.strip() for part in text.split(';')]
        if not all(parts):
            raise ValueError('a part between semicolons is empty')
        windows = [_part(part) for part in parts]
    except ValueError as error:
        raise InvalidArgumentValueError(f'{option} "{spec}": {error}.', WINDOW_EXAMPLES) from error
    return windows[0] if len(windows) == 1 else AnyOf(windows, text)
