"""The emulator's clock: settable through the admin API, stated in every answer's Date header, and timing the
extension operations."""
import email.utils
import time

import pytest

from .conftest import ARC, EXTENSIONS_API, unique


@pytest.fixture
def clock(admin):
    """The admin API; the emulator's clock is put back on this machine's time afterwards."""
    yield admin
    admin.set_clock(offset=0)


def date_of(response):
    return email.utils.parsedate_to_datetime(response.headers['Date']).timestamp()


def test_a_set_time_is_what_every_answer_says_and_it_runs_on(clock, arm):
    clock.set_clock(now='2026-03-07T01:55:00Z')
    start = email.utils.parsedate_to_datetime('Sat, 07 Mar 2026 01:55:00 GMT').timestamp()
    shown = clock.clock()
    assert shown['now'].startswith('2026-03-07T01:55:0') and abs(shown['epoch'] - start) < 5
    answers = [arm.call('GET', arm.cluster_path(), '2024-08-01'),                         # ARM
               arm.call('GET', arm.cluster_path() + '/nothing/here', '2024-08-01'),      # an ARM error
               arm.session.get(arm.endpoint['arm'] + arm.endpoint['tenant'] + '/v2.0/.well-known/openid-configuration',
                               verify=arm.endpoint['ca_bundle'], timeout=30)]            # Azure AD
    for answer in answers:
        assert answer.headers['Date'].endswith(' GMT')
        assert 0 <= date_of(answer) - start < 10
    time.sleep(1.1)
    assert date_of(arm.call('GET', arm.cluster_path(), '2024-08-01')) > date_of(answers[0])  # the clock runs


def test_an_offset_shifts_the_date_from_this_machines_time(clock, arm):
    clock.set_clock(offset=-7 * 86400)
    assert abs(date_of(arm.call('GET', arm.cluster_path(), '2024-08-01')) - (time.time() - 7 * 86400)) < 5
    clock.set_clock(offset=0)
    assert abs(date_of(arm.call('GET', arm.cluster_path(), '2024-08-01')) - time.time()) < 5


def test_moving_the_clock_on_finishes_a_running_operation(clock, arm):
    clock.config(op_seconds=600)
    name = unique('dapr')
    path = arm.extension_path(name, ARC)
    assert arm.call('PUT', path, EXTENSIONS_API, {'properties': {'extensionType': 'microsoft.dapr'}}).status_code == 201
    assert arm.call('GET', path, EXTENSIONS_API).json()['properties']['provisioningState'] == 'Creating'
    clock.set_clock(advance=599)
    assert arm.call('GET', path, EXTENSIONS_API).json()['properties']['provisioningState'] == 'Creating'
    clock.set_clock(advance=2)
    assert arm.call('GET', path, EXTENSIONS_API).json()['properties']['provisioningState'] == 'Succeeded'


@pytest.mark.parametrize('spec,reason', [
    ({'now': '2026-03-07T01:55:00Z', 'offset': 5}, 'exactly one'),
    ({}, 'exactly one'),
    ({'advance': -5}, 'must not be negative'),
    ({'now': 'next tuesday'}, 'Invalid isoformat'),
    ({'later': 5}, 'Unknown clock settings: later'),
])
def test_a_wrong_clock_setting_is_refused(clock, spec, reason):
    with pytest.raises(RuntimeError, match='400') as refused:
        clock._call('POST', 'clock', spec)  # pylint: disable=protected-access  # what set_clock cannot send
    assert reason in str(refused.value)


def test_aksexts_arm_clock_reads_the_emulators_time_through_the_sdk(clock, extensions_client):
    from azext_aksext.multicluster.armclock import ArmClock
    clock.set_clock(now='2026-12-24T23:30:00Z')
    arm_time = ArmClock()
    list(extensions_client.extensions.list('demo-rg', 'Microsoft.Kubernetes', 'connectedClusters', 'demo-arc',
                                           raw_response_hook=arm_time.observe))
    expected = email.utils.parsedate_to_datetime('Thu, 24 Dec 2026 23:30:00 GMT')
    assert abs((arm_time.now() - expected).total_seconds()) < 5
