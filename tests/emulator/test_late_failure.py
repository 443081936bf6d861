"""An extension that fails after it succeeded (/_emulator/fail-after-success): Succeeded first, then Failed once its
seconds have passed on the emulator's clock, in an ARM read, a list and Resource Graph alike."""
import pytest

from .conftest import ARC, EXTENSIONS_API, unique

GRAPH = '/providers/Microsoft.ResourceGraph/resources'


@pytest.fixture
def clock(admin):
    yield admin
    admin.set_clock(offset=0)


def create(arm, name, cluster=ARC):
    assert arm.call('PUT', arm.extension_path(name, cluster), EXTENSIONS_API,
                    {'properties': {'extensionType': 'microsoft.dapr'}}).status_code in (200, 201)


def state(arm, name, api_version=EXTENSIONS_API):
    return arm.call('GET', arm.extension_path(name, ARC), api_version).json()['properties']


def graph_row(arm, name):
    rows = arm.call('POST', GRAPH, '2021-03-01', {
        'subscriptions': [arm.endpoint['subscription']],
        'query': f"KubernetesConfigurationResources | where name == '{name}'"}).json()['data']
    return rows[0]['properties']


def test_it_succeeds_then_fails_once_its_seconds_have_passed(clock, arm):
    name = unique('dapr')
    clock.fail_after_success(name=name, seconds=300, code='HelmHookFailed', message='post-install hook failed',
                             statuses=['Job dapr-post-install failed', 'Pod dapr-operator is in CrashLoopBackOff'])
    create(arm, name)
    clock.set_clock(advance=1.5)  # the operation (op_seconds 1) is over
    assert state(arm, name)['provisioningState'] == 'Succeeded' and state(arm, name)['statuses'] == []
    assert graph_row(arm, name)['ProvisioningState'] == 'Succeeded'
    clock.set_clock(advance=290)
    assert state(arm, name)['provisioningState'] == 'Succeeded'
    clock.set_clock(advance=15)
    failed = state(arm, name)
    assert failed['provisioningState'] == 'Failed'
    assert [status['message'] for status in failed['statuses']] == [
        'Job dapr-post-install failed', 'Pod dapr-operator is in CrashLoopBackOff']
    assert state(arm, name, '2023-05-01')['errorInfo'] == {'code': 'HelmHookFailed',
                                                           'message': 'post-install hook failed'}
    row = graph_row(arm, name)
    assert row['ProvisioningState'] == 'Failed' and row['ErrorInfo']['code'] == 'HelmHookFailed'
    assert row['Version'] == failed['currentVersion']  # it stays installed at the version it reached


def test_a_list_and_resource_graph_see_it_without_a_read_of_the_extension(clock, arm):
    name = unique('dapr')
    clock.fail_after_success(name=name, seconds=60)
    create(arm, name)
    clock.set_clock(advance=70)
    assert graph_row(arm, name)['ProvisioningState'] == 'Failed'
    listed = arm.call('GET', arm.cluster_path(ARC) + '/providers/Microsoft.KubernetesConfiguration/extensions',
                      EXTENSIONS_API).json()['value']
    mine = [item for item in listed if item['name'] == name][0]['properties']
    assert mine['provisioningState'] == 'Failed'
    assert 'CrashLoopBackOff' in mine['statuses'][0]['message']  # the default message


def test_a_plan_without_a_name_takes_the_next_operation_only(clock, arm):
    first, second = unique('dapr'), unique('dapr')
    clock.fail_after_success(seconds=10)
    create(arm, first)
    create(arm, second)
    clock.set_clock(advance=20)
    assert state(arm, first)['provisioningState'] == 'Failed'
    assert state(arm, second)['provisioningState'] == 'Succeeded'


def test_a_write_before_its_time_replaces_it(clock, arm):
    name = unique('dapr')
    clock.fail_after_success(name=name, seconds=60)
    create(arm, name)
    clock.set_clock(advance=2)
    patched = arm.call('PATCH', arm.extension_path(name, ARC), EXTENSIONS_API,
                       {'properties': {'configurationSettings': {'a': 'b'}}})
    assert patched.status_code == 202
    clock.set_clock(advance=120)
    assert state(arm, name)['provisioningState'] == 'Succeeded'


def test_a_failed_operation_does_not_take_the_plan(clock, arm):
    name = unique('dapr')
    clock.fail_next_operation(name=name)
    clock.fail_after_success(name=name, seconds=10)
    create(arm, name)
    clock.set_clock(advance=2)
    assert state(arm, name)['provisioningState'] == 'Failed'
    create(arm, name)  # the retry succeeds, then fails late
    clock.set_clock(advance=2)
    assert state(arm, name)['provisioningState'] == 'Succeeded'
    clock.set_clock(advance=10)
    assert state(arm, name)['provisioningState'] == 'Failed'


@pytest.mark.parametrize('spec,says', [({'seconds': -1}, 'must not be negative'), ({'seconds': 'soon'}, 'number'),
                                       ({'statuses': 'crashed'}, 'list of status messages')])
def test_a_wrong_plan_is_refused(clock, spec, says):
    with pytest.raises(RuntimeError, match=says):
        clock.fail_after_success(**spec)
