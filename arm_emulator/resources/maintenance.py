"""AKS planned maintenance: ``Microsoft.ContainerService/managedClusters/{name}/maintenanceConfigurations`` (list, get,
put, delete), the windows in which a cluster accepts disruptive changes.

Three names are allowed, as on the service: ``default`` (``timeInWeek`` with ``day`` and ``hourSlots``, UTC hours,
and ``notAllowedTime`` spans; or, since 2025-03-01, a weekly ``maintenanceWindow``), and
``aksManagedAutoUpgradeSchedule`` and ``aksManagedNodeOSUpgradeSchedule`` (a ``maintenanceWindow``: ``schedule``
daily / weekly / absoluteMonthly / relativeMonthly, ``durationHours`` 4-24, ``utcOffset``, ``startDate``,
``startTime``, ``notAllowedDates``). A PUT is answered at once (200) and stores the properties as sent; a document
that breaks the service's public rules is refused with 400 ``InvalidParameter`` (the name rule's wording is the
service's; the others are the emulator's, the service's are not public). Documents live in the store's
``resources`` table under ``<cluster id>/maintenanceconfigurations/<name>`` (lower-cased) and go with their cluster.
"""
import datetime
import re

from ..frontdoor import errors
from ..frontdoor.errors import json_response
from . import clusters
from .groups import GROUP

# The service serves this child type with the api-versions of managedClusters (the containerservice SDK 41.x uses
# 2026-06-01 for maintenance_configurations.list_by_managed_cluster).
API_VERSIONS = clusters.MANAGED_CLUSTERS
TYPE = 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations'
CONFIGS = GROUP + r'/providers/Microsoft\.ContainerService/managedClusters/(?P<cluster>[^/]+)/maintenanceConfigurations'
CONFIG = CONFIGS + r'/(?P<config>[^/]+)'

DEFAULT = 'default'
NAMES = (DEFAULT, 'aksManagedAutoUpgradeSchedule', 'aksManagedNodeOSUpgradeSchedule')
DAYS = ('Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday')
WEEK_INDEXES = ('First', 'Second', 'Third', 'Fourth', 'Last')
# schedule kind -> (its interval field, that field's range, the other fields it requires)
SCHEDULES = {'daily': ('intervalDays', (1, 7), ()),
             'weekly': ('intervalWeeks', (1, 4), ('dayOfWeek',)),
             'absoluteMonthly': ('intervalMonths', (1, 6), ('dayOfMonth',)),
             'relativeMonthly': ('intervalMonths', (1, 6), ('weekIndex', 'dayOfWeek'))}
DURATION_HOURS = (4, 24)
TIME_OF_DAY = re.compile(r'^([01]\d|2[0-3]):[0-5]\d$')
UTC_OFFSET = re.compile(r'^[+-](0\d|1[0-4]):[0-5]\d$')
NAME_RULE = ("Only 'default', 'aksManagedAutoUpgradeSchedule' and 'aksManagedNodeOSUpgradeSchedule' are allowed "
             "configNames for maintenance configuration.")


def invalid(message):
    return errors.ArmError(400, 'InvalidParameter', message)


def canonical_name(name):
    for known in NAMES:
        if known.lower() == name.lower():
            return known
    raise invalid(NAME_RULE)


def _cluster(service, params):
    return clusters.find(service, dict(params, rp='Microsoft.ContainerService', ctype='managedClusters'))[1]


def key_of(cluster_id, name):
    return f'{cluster_id}/maintenanceConfigurations/{name}'.lower()


def _date(value, field):
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise invalid(f"'{field}' must be a date (YYYY-MM-DD), not '{value}'.") from error


def _datetime(value, field):
    try:
        return datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
    except ValueError as error:
        raise invalid(f"'{field}' must be a date and time (RFC 3339), not '{value}'.") from error


def _integer(container, field, low, high, where):
    value = container.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise invalid(f"'{where}.{field}' must be a whole number from {low} to {high}, not {value!r}.")


def _one_of(container, field, allowed, where):
    value = container.get(field)
    if value not in allowed:
        raise invalid(f"'{where}.{field}' must be one of {', '.join(allowed)}, not {value!r}.")


def _check_schedule(schedule, name):
    kinds = [kind for kind in SCHEDULES if (schedule or {}).get(kind) is not None]
    if len(kinds) != 1:
        raise invalid("'maintenanceWindow.schedule' must have exactly one of 'daily', 'weekly', 'absoluteMonthly' or "
                      "'relativeMonthly'.")
    kind = kinds[0]
    if name == DEFAULT and (kind != 'weekly' or schedule['weekly'].get('intervalWeeks') != 1):
        raise invalid('Only weekly schedule is supported for control plane upgrade maintenance configuration: '
                      'default.')
    interval, (low, high), required = SCHEDULES[kind]
    body, where = schedule[kind], f'maintenanceWindow.schedule.{kind}'
    _integer(body, interval, low, high, where)
    for field in required:
        if field == 'dayOfMonth':
            _integer(body, field, 1, 31, where)
        else:
            _one_of(body, field, WEEK_INDEXES if field == 'weekIndex' else DAYS, where)


def _check_window(window, name):
    if not isinstance(window, dict):
        raise invalid("'maintenanceWindow' must be an object.")
    _check_schedule(window.get('schedule'), name)
    _integer(window, 'durationHours', *DURATION_HOURS, 'maintenanceWindow')
    if not TIME_OF_DAY.match(str(window.get('startTime') or '')):
        raise invalid(f"'maintenanceWindow.startTime' must be a time from '00:00' to '23:59', not "
                      f"{window.get('startTime')!r}.")
    if window.get('utcOffset') is not None and not UTC_OFFSET.match(str(window['utcOffset'])):
        raise invalid(f"'maintenanceWindow.utcOffset' must be +HH:mm or -HH:mm, not {window['utcOffset']!r}.")
    if window.get('startDate') is not None:
        _date(window['startDate'], 'maintenanceWindow.startDate')
    for span in window.get('notAllowedDates') or []:
        start = _date((span or {}).get('start'), 'maintenanceWindow.notAllowedDates.start')
        if _date(span.get('end'), 'maintenanceWindow.notAllowedDates.end') < start:
            raise invalid("A 'maintenanceWindow.notAllowedDates' span ends before it starts.")


def _check_time_in_week(properties):
    for slot in properties.get('timeInWeek') or []:
        _one_of(slot or {}, 'day', DAYS, 'timeInWeek')
        hours = slot.get('hourSlots') or []
        if not all(isinstance(hour, int) and 0 <= hour <= 23 for hour in hours):
            raise invalid(f"'timeInWeek.hourSlots' must be hours from 0 to 23, not {hours!r}.")
    for span in properties.get('notAllowedTime') or []:
        start = _datetime((span or {}).get('start'), 'notAllowedTime.start')
        if _datetime(span.get('end'), 'notAllowedTime.end') < start:
            raise invalid("A 'notAllowedTime' span ends before it starts.")


def check(name, body):
    """The properties of a PUT, once they keep the service's rules."""
    properties = (body or {}).get('properties') if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise invalid("The maintenance configuration needs 'properties'.")
    window = properties.get('maintenanceWindow')
    if name == DEFAULT:
        if window is not None and (properties.get('timeInWeek') or properties.get('notAllowedTime')):
            raise invalid("The 'default' configuration takes either 'maintenanceWindow' or 'timeInWeek' and "
                          "'notAllowedTime', not both.")
        if window is None and not (properties.get('timeInWeek') or properties.get('notAllowedTime')):
            raise invalid("The 'default' configuration needs 'timeInWeek', 'notAllowedTime' or 'maintenanceWindow'.")
        _check_time_in_week(properties)
    elif window is None or properties.get('timeInWeek') or properties.get('notAllowedTime'):
        raise invalid(f"The '{name}' configuration takes 'maintenanceWindow' only.")
    if window is not None:
        _check_window(window, name)
    return {field: properties[field] for field in ('timeInWeek', 'notAllowedTime', 'maintenanceWindow')
            if properties.get(field) is not None}


def document(service, cluster, name, properties, created=None):
    """The resource as the service answers it; ``created``: the createdAt of the document it replaces."""
    now = _timestamp(service)
    return {'id': f"{cluster['id']}/maintenanceConfigurations/{name}", 'name': name, 'type': TYPE,
            'systemData': {'createdBy': service.values['client_id'], 'createdByType': 'Application',
                           'createdAt': created or now, 'lastModifiedBy': service.values['client_id'],
                           'lastModifiedByType': 'Application', 'lastModifiedAt': now},
            'properties': properties}


def _timestamp(service):
    moment = datetime.datetime.fromtimestamp(service.clock(), datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


async def list_configs(service, call):
    cluster = _cluster(service, call.params)
    prefix = key_of(cluster['id'], '')
    return json_response({'value': [doc for doc in service.store.resources_under(prefix)
                                    if '/' not in doc['id'].lower()[len(prefix):]]})


async def get_config(service, call):
    cluster = _cluster(service, call.params)
    doc = service.store.get('resources', key_of(cluster['id'], call.params['config']))
    if doc is None:
        raise errors.resource_not_found(TYPE.split('/', 1)[1], call.params['config'], call.params['rg'])
    return json_response(doc)


async def put_config(service, call):
    cluster = _cluster(service, call.params)
    name = canonical_name(call.params['config'])
    properties = check(name, call.body)
    key = key_of(cluster['id'], name)
    existing = service.store.get('resources', key)
    doc = document(service, cluster, name, properties, (existing or {}).get('systemData', {}).get('createdAt'))
    service.store.put('resources', key, doc)
    return json_response(doc, status=200)


async def delete_config(service, call):
    cluster = _cluster(service, call.params)
    key = key_of(cluster['id'], call.params['config'])
    if service.store.get('resources', key) is None:
        return json_response(None, status=204)
    service.store.delete('resources', key)
    return json_response(None, status=200)


ROUTES = [
    (CONFIGS, {'GET': list_configs}, API_VERSIONS),
    (CONFIG, {'GET': get_config, 'PUT': put_config, 'DELETE': delete_config}, API_VERSIONS),
]
