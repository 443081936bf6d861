"""Maintenance windows (azext_aksext/multicluster/windows.py): AKS maintenance configurations and --window specs, read
against a given time: open or not, the opening that holds it or comes next."""
import datetime

import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_aksext.multicluster import windows

UTC = datetime.timezone.utc


def at(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def config(name, **window):
    schedule = window.pop('schedule')
    return {'name': name, 'properties': {'maintenanceWindow': dict(
        {'schedule': schedule, 'durationHours': 4, 'startTime': '00:00'}, **window)}}


def weekly(day, every=1):
    return {'weekly': {'intervalWeeks': every, 'dayOfWeek': day}}


def opening(window, when):
    found = window.opening(at(when))
    return None if found is None else tuple(moment.strftime('%Y-%m-%dT%H:%MZ') for moment in found)


# ---- which configuration ----

def test_a_cluster_without_a_configuration_is_always_open():
    for configurations in ([], None, [config('aksManagedNodeOSUpgradeSchedule', schedule=weekly('Monday'))]):
        window = windows.cluster_window(configurations)
        assert window is windows.ALWAYS
        assert window.is_open(at('2026-03-07T01:55:00Z')) and window.next_open(0) == at('1970-01-01T00:00:00Z')


def test_the_auto_upgrade_schedule_comes_before_default_and_a_name_chooses():
    auto = config('aksManagedAutoUpgradeSchedule', schedule=weekly('Saturday'))
    default = {'name': 'default', 'properties': {'timeInWeek': [{'day': 'Monday', 'hourSlots': [1]}]}}
    node = config('aksManagedNodeOSUpgradeSchedule', schedule=weekly('Sunday'))
    assert windows.choose_configuration([default, node, auto]) is auto
    assert windows.choose_configuration([default, node]) is default
    assert windows.choose_configuration([default, node, auto], 'AKSMANAGEDNODEOSUPGRADESCHEDULE') is node
    assert windows.choose_configuration([default], 'aksManagedAutoUpgradeSchedule') is None
    assert windows.cluster_window([default, node], 'aksManagedAutoUpgradeSchedule') is windows.ALWAYS
    monday = windows.cluster_window([default, node])
    assert monday.is_open(at('2026-03-09T01:30:00Z')) and not monday.is_open(at('2026-03-08T01:30:00Z'))


def test_sdk_models_and_snake_case_documents_read_the_same():
    from azure.mgmt.containerservice.models import (MaintenanceConfiguration, MaintenanceWindow, Schedule,
                                                    WeeklySchedule)
    model = MaintenanceConfiguration(maintenance_window=MaintenanceWindow(
        schedule=Schedule(weekly=WeeklySchedule(interval_weeks=1, day_of_week='Saturday')), duration_hours=8,
        start_time='22:00', utc_offset='+01:00', start_date=datetime.date(2026, 1, 1)))
    snake = {'name': 'aksManagedAutoUpgradeSchedule', 'properties': {'maintenance_window': {
        'schedule': {'weekly': {'interval_weeks': 1, 'day_of_week': 'Saturday'}}, 'duration_hours': 8,
        'start_time': '22:00', 'utc_offset': '+01:00', 'start_date': '2026-01-01'}}}
    for document in (model, snake):
        window = windows.configuration_window(document)
        assert opening(window, '2026-03-04T00:00:00Z') == ('2026-03-07T21:00Z', '2026-03-08T05:00Z')


# ---- maintenanceWindow schedules ----

def test_weekly_window_crosses_midnight():
    window = windows.configuration_window(config('aksManagedAutoUpgradeSchedule', schedule=weekly('Saturday'),
                                                 startTime='22:00', durationHours=8))
    assert window.is_open(at('2026-03-07T22:00:00Z')) and window.is_open(at('2026-03-08T05:59:59Z'))
    assert not window.is_open(at('2026-03-08T06:00:00Z')) and not window.is_open(at('2026-03-07T21:59:59Z'))
    assert window.next_open(at('2026-03-09T12:00:00Z')) == at('2026-03-14T22:00:00Z')
    assert window.next_open(at('2026-03-08T03:00:00Z')) == at('2026-03-08T03:00:00Z')  # open: now
    assert opening(window, '2026-03-08T03:00:00Z') == ('2026-03-07T22:00Z', '2026-03-08T06:00Z')


def test_the_utc_offset_is_fixed_with_no_daylight_saving():
    window = windows.configuration_window(config('default', schedule=weekly('Sunday'), startTime='02:00',
                                                 utcOffset='+05:30'))
    # Sunday 2026-03-01 02:00 at +05:30 is Saturday 20:30 UTC: at midnight UTC that window is open.
    assert opening(window, '2026-03-01T00:00:00Z') == ('2026-02-28T20:30Z', '2026-03-01T00:30Z')
    assert opening(window, '2026-03-01T00:30:00Z') == ('2026-03-07T20:30Z', '2026-03-08T00:30Z')
    pacific = windows.configuration_window(config('a', schedule={'daily': {'intervalDays': 1}}, startTime='02:00',
                                                  utcOffset='-07:00'))
    assert opening(pacific, '2026-01-15T00:00:00Z') == ('2026-01-15T09:00Z', '2026-01-15T13:00Z')
    assert opening(pacific, '2026-07-15T00:00:00Z') == ('2026-07-15T09:00Z', '2026-07-15T13:00Z')


def test_daily_every_three_days_from_the_start_date():
    window = windows.configuration_window(config('a', schedule={'daily': {'intervalDays': 3}}, startTime='10:00',
                                                 startDate='2026-03-02'))
    assert opening(window, '2026-03-02T00:00:00Z') == ('2026-03-02T10:00Z', '2026-03-02T14:00Z')
    assert opening(window, '2026-03-02T14:00:00Z') == ('2026-03-05T10:00Z', '2026-03-05T14:00Z')
    assert opening(window, '2026-02-20T00:00:00Z')[0] == '2026-03-02T10:00Z'  # nothing before the start date


def test_weekly_intervals_count_from_the_week_of_the_start_date():
    # Every two weeks on Sunday from Tuesday 2026-04-14: that week's Sunday (the 12th) came before the start date,
    # so the first window is two weeks on, the 26th, as AKS schedules it.
    window = windows.configuration_window(config('a', schedule=weekly('Sunday', every=2), startDate='2026-04-14'))
    assert opening(window, '2026-04-14T00:00:00Z')[0] == '2026-04-26T00:00Z'
    assert opening(window, '2026-04-27T00:00:00Z')[0] == '2026-05-10T00:00Z'
    friday = windows.configuration_window(config('a', schedule=weekly('Friday', every=2), startDate='2026-04-14'))
    assert opening(friday, '2026-04-14T00:00:00Z')[0] == '2026-04-17T00:00Z'  # later that week: the first one


def test_without_a_start_date_intervals_count_from_creation():
    document = config('a', schedule={'daily': {'intervalDays': 2}}, startTime='01:00')
    document['systemData'] = {'createdAt': '2026-03-03T12:00:00Z'}
    window = windows.configuration_window(document)
    assert opening(window, '2026-03-04T00:00:00Z')[0] == '2026-03-05T01:00Z'
    document['systemData']['createdAt'] = '2026-03-04T12:00:00Z'
    assert opening(windows.configuration_window(document), '2026-03-04T00:00:00Z')[0] == '2026-03-04T01:00Z'


def monthly_on(day, every=1):
    return {'absoluteMonthly': {'intervalMonths': every, 'dayOfMonth': day}}


def test_a_month_without_the_day_has_no_window():
    window = windows.configuration_window(config('a', schedule=monthly_on(31)))
    assert opening(window, '2026-02-01T00:00:00Z')[0] == '2026-03-31T00:00Z'
    assert opening(window, '2026-04-01T00:00:00Z')[0] == '2026-05-31T00:00Z'  # no 31 April
    leap = windows.configuration_window(config('a', schedule=monthly_on(29)))
    assert opening(leap, '2027-02-01T00:00:00Z')[0] == '2027-03-29T00:00Z'
    assert opening(leap, '2028-02-01T00:00:00Z')[0] == '2028-02-29T00:00Z'


def test_absolute_monthly_every_three_months_from_the_start_month():
    window = windows.configuration_window(config('a', schedule=monthly_on(15, every=3), startDate='2026-01-20',
                                                 startTime='23:00', durationHours=6))
    assert opening(window, '2026-01-20T00:00:00Z') == ('2026-04-15T23:00Z', '2026-04-16T05:00Z')  # not January's
    assert opening(window, '2026-12-31T00:00:00Z')[0] == '2027-01-15T23:00Z'  # across the year


@pytest.mark.parametrize('index,day,expected', [
    ('First', 'Monday', '2026-06-01'), ('Second', 'Monday', '2026-06-08'), ('Fourth', 'Sunday', '2026-05-24'),
    ('Last', 'Friday', '2026-05-29'), ('Last', 'Sunday', '2026-05-31'), ('Fourth', 'Friday', '2026-05-22'),
])
def test_relative_monthly(index, day, expected):
    window = windows.configuration_window(config('a', schedule={'relativeMonthly': {
        'intervalMonths': 1, 'weekIndex': index, 'dayOfWeek': day}}))
    assert opening(window, '2026-05-15T00:00:00Z')[0] == expected + 'T00:00Z'


def test_relative_monthly_every_other_month():
    window = windows.configuration_window(config('a', schedule={'relativeMonthly': {
        'intervalMonths': 2, 'weekIndex': 'Last', 'dayOfWeek': 'Tuesday'}}, startDate='2026-01-01'))
    assert opening(window, '2026-02-01T00:00:00Z')[0] == '2026-03-31T00:00Z'  # February is off


def test_not_allowed_dates_close_whole_days_in_the_utc_offset():
    # AKS's example: with +02:00, 2026-12-23 to 2027-01-03 is closed from 2026-12-22 22:00 to 2027-01-03 22:00 UTC.
    window = windows.configuration_window(config(
        'a', schedule={'daily': {'intervalDays': 1}}, startTime='23:00', utcOffset='+02:00',
        notAllowedDates=[{'start': '2026-12-23', 'end': '2027-01-03'}]))
    assert opening(window, '2026-12-22T20:00:00Z') == ('2026-12-22T21:00Z', '2026-12-22T22:00Z')  # cut short
    assert not window.is_open(at('2026-12-22T22:00:00Z')) and not window.is_open(at('2027-01-01T21:30:00Z'))
    assert opening(window, '2026-12-23T00:00:00Z') == ('2027-01-03T22:00Z', '2027-01-04T01:00Z')  # what is left


def test_a_future_start_date_keeps_it_closed_until_then():
    window = windows.configuration_window(config('a', schedule={'daily': {'intervalDays': 1}},
                                                 startDate='2026-06-01'))
    assert not window.is_open(at('2026-05-31T01:00:00Z'))
    assert window.next_open(at('2026-03-07T01:55:00Z')) == at('2026-06-01T00:00:00Z')


def test_no_opening_within_the_horizon_is_none():
    window = windows.configuration_window(config('a', schedule={'daily': {'intervalDays': 1}},
                                                 notAllowedDates=[{'start': '2026-01-01', 'end': '2029-12-31'}]))
    assert window.opening(at('2026-03-07T00:00:00Z')) is None and window.next_open(at('2026-03-07T00:00:00Z')) is None
    assert not window.is_open(at('2026-03-07T00:00:00Z'))


# ---- default: timeInWeek and notAllowedTime ----

def test_time_in_week_hour_slots_are_utc_hours_joined_into_one_opening():
    window = windows.configuration_window({'name': 'default', 'properties': {'timeInWeek': [
        {'day': 'Monday', 'hourSlots': [1, 2]}, {'day': 'Monday', 'hourSlots': [5]},
        {'day': 'Sunday', 'hourSlots': [23]}]}})
    assert opening(window, '2026-03-08T12:00:00Z') == ('2026-03-08T23:00Z', '2026-03-09T00:00Z')
    assert opening(window, '2026-03-09T00:00:00Z') == ('2026-03-09T01:00Z', '2026-03-09T03:00Z')
    assert opening(window, '2026-03-09T03:00:00Z') == ('2026-03-09T05:00Z', '2026-03-09T06:00Z')
    assert not window.is_open(at('2026-03-09T04:00:00Z'))


def test_not_allowed_time_closes_spans_of_time_in_week():
    window = windows.configuration_window({'name': 'default', 'properties': {
        'timeInWeek': [{'day': 'Monday', 'hourSlots': [1, 2, 3]}],
        'notAllowedTime': [{'start': '2026-03-09T00:00:00Z', 'end': '2026-03-09T02:00:00Z'},
                           {'start': '2026-03-16T00:00:00Z', 'end': '2026-03-16T12:00:00Z'}]}})
    assert opening(window, '2026-03-08T00:00:00Z') == ('2026-03-09T02:00Z', '2026-03-09T04:00Z')
    assert opening(window, '2026-03-10T00:00:00Z')[0] == '2026-03-23T01:00Z'  # the 16th is closed whole


def test_default_with_only_not_allowed_time_is_open_around_it():
    window = windows.configuration_window({'name': 'default', 'properties': {'notAllowedTime': [
        {'start': '2026-12-24T00:00:00Z', 'end': '2026-12-27T00:00:00Z'}]}})
    assert window.is_open(at('2026-12-23T23:59:00Z')) and not window.is_open(at('2026-12-25T12:00:00Z'))
    assert window.next_open(at('2026-12-25T12:00:00Z')) == at('2026-12-27T00:00:00Z')


# ---- --window ----

def test_weekend_hours_in_utc():
    window = windows.parse_window('Sat,Sun 02:00-06:00 UTC')
    assert opening(window, '2026-03-06T12:00:00Z') == ('2026-03-07T02:00Z', '2026-03-07T06:00Z')
    assert opening(window, '2026-03-07T06:00:00Z') == ('2026-03-08T02:00Z', '2026-03-08T06:00Z')
    assert opening(window, '2026-03-08T06:00:00Z')[0] == '2026-03-14T02:00Z'


def test_daily_with_a_duration_across_midnight():
    window = windows.parse_window('daily 22:00+4h')
    assert window.is_open(at('2026-03-07T01:59:00Z')) and not window.is_open(at('2026-03-07T02:00:00Z'))
    assert opening(window, '2026-03-07T12:00:00Z') == ('2026-03-07T22:00Z', '2026-03-08T02:00Z')


def test_an_end_before_the_start_is_the_next_day_and_whole_days_join():
    window = windows.parse_window('Fri 22:00-02:00 +01:00')
    assert opening(window, '2026-03-06T00:00:00Z') == ('2026-03-06T21:00Z', '2026-03-07T01:00Z')
    weekend = windows.parse_window('Sat,Sun 00:00-24:00')
    assert opening(weekend, '2026-03-05T00:00:00Z') == ('2026-03-07T00:00Z', '2026-03-09T00:00Z')


def test_ranges_lists_and_parts():
    window = windows.parse_window('Fri-Mon 09:00+1h; weekdays 12:00+30m UTC+02:00')
    assert window.is_open(at('2026-03-09T09:30:00Z'))        # Monday, in Fri-Mon
    assert not window.is_open(at('2026-03-10T09:30:00Z'))    # Tuesday
    assert window.is_open(at('2026-03-10T10:15:00Z'))        # Tuesday noon at +02:00
    assert not window.is_open(at('2026-03-07T10:15:00Z'))    # Saturday is no weekday
    assert windows.parse_window('mon,WED-friday 01:00+1h').is_open(at('2026-03-12T01:30:00Z'))  # Thursday


def test_an_iana_zone_follows_daylight_saving_time():
    window = windows.parse_window('Sun 02:00-06:00 Europe/Berlin')
    assert opening(window, '2026-03-01T00:00:00Z') == ('2026-03-01T01:00Z', '2026-03-01T05:00Z')      # CET
    assert opening(window, '2026-03-29T00:00:00Z') == ('2026-03-29T01:00Z', '2026-03-29T04:00Z')      # 3 h
    assert opening(window, '2026-04-05T00:00:00Z') == ('2026-04-05T00:00Z', '2026-04-05T04:00Z')      # CEST
    assert opening(window, '2026-10-25T00:00:00Z') == ('2026-10-25T00:00Z', '2026-10-25T05:00Z')      # 5 h
    elapsed = windows.parse_window('Sun 02:00+4h Europe/Berlin')
    assert opening(elapsed, '2026-03-29T00:00:00Z') == ('2026-03-29T01:00Z', '2026-03-29T05:00Z')     # still 4 h


def test_epoch_seconds_and_aware_times_agree_and_a_naive_time_is_refused():
    window = windows.parse_window('daily 00:00+1h')
    assert window.is_open(at('2026-03-07T00:30:00Z').timestamp())
    assert window.is_open(at('2026-03-07T01:30:00+01:00'))
    with pytest.raises(ValueError, match='without a zone'):
        window.is_open(datetime.datetime(2026, 3, 7, 0, 30))


@pytest.mark.parametrize('spec,says', [
    ('', 'it is empty'),
    ('Sat', "'Sat' is not DAYS TIME [ZONE]"),
    ('Sat 02:00 06:00 UTC', "'Sat 02:00 06:00 UTC' is not DAYS TIME [ZONE]"),
    ('Sat 25:00-06:00', "'25:00' is not a time of day"),
    ('Sat 02:00-06:60', "'06:60' is not a time of day"),
    ('Funday 02:00-06:00', "'Funday' is not a day of the week"),
    ('Sat 02:00-06:00 Mars/Olympus', "'Mars/Olympus' is not a time zone"),
    ('Sat 02:00-06:00 UTC+15:00', "'+15:00' is not a UTC offset"),
    ('Sat 02:00+0h', "'+0h' must be longer than nothing"),
    ('Sat 02:00+8d', 'at most 7 days'),
    ('Sat 02:00+4 hours', "'hours' is not a time zone"),
    ('Sat 02:00+4x', "'+4x' is not a duration"),
    ('Sat 02:00-02:00', 'starts and ends at the same time'),
    ('Sat 02:00', "'02:00' is not HH:MM-HH:MM or HH:MM+DURATION"),
    ('Sat 02:00+1h;', 'a part between semicolons is empty'),
])
def test_a_wrong_window_names_the_flag_and_the_mistake(spec, says):
    with pytest.raises(InvalidArgumentValueError) as refused:
        windows.parse_window(spec)
    assert str(refused.value).startswith(f'--window "{spec}": ') and says in str(refused.value)
    assert 'Sat,Sun 02:00-06:00 UTC' in refused.value.recommendations[0]
