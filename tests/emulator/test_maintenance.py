"""AKS planned maintenance (managedClusters/{name}/maintenanceConfigurations) through the real containerservice SDK and
raw HTTPS: the documents, the service's rules, deletion with the cluster, and the many-cluster seed's windows."""
import datetime

import pytest

from arm_emulator.harness.control import EmulatorProcess

from .conftest import ARC, Arm, error_code, unique

API = '2026-06-01'
WEEKLY = {'maintenanceWindow': {'schedule': {'weekly': {'intervalWeeks': 2, 'dayOfWeek': 'Sunday'}},
                                'durationHours': 6, 'utcOffset': '+05:30', 'startDate': '2026-04-14',
                                'startTime': '22:00', 'notAllowedDates': [{'start': '2026-12-23',
                                                                           'end': '2027-01-03'}]}}


@pytest.fixture(scope='module')
def aks_client(emulator, credential):
    from azure.mgmt.containerservice import ContainerServiceClient
    return ContainerServiceClient(credential, emulator.endpoint['subscription'], base_url=emulator.url,
                                  connection_verify=emulator.endpoint['ca_bundle'])


@pytest.fixture
def cluster(arm):
    """An AKS cluster of its own, deleted afterwards."""
    name = unique('aks')
    path = arm.cluster_path(('Microsoft.ContainerService', 'managedClusters', name))
    assert arm.call('PUT', path, API, {'location': 'eastus'}).status_code == 201
    yield name, path
    arm.call('DELETE', path, API)


def test_the_sdk_puts_lists_gets_and_deletes_them(aks_client, cluster, admin):
    from azure.mgmt.containerservice.models import MaintenanceConfiguration, TimeInWeek, TimeSpan
    name, _ = cluster
    configs = aks_client.maintenance_configurations
    configs.create_or_update('demo-rg', name, 'aksManagedAutoUpgradeSchedule', {'properties': WEEKLY})
    configs.create_or_update('demo-rg', name, 'default', MaintenanceConfiguration(
        time_in_week=[TimeInWeek(day='Saturday', hour_slots=[1, 2])],
        not_allowed_time=[TimeSpan(start=datetime.datetime(2026, 12, 24, tzinfo=datetime.timezone.utc),
                                   end=datetime.datetime(2026, 12, 26, tzinfo=datetime.timezone.utc))]))
    listed = {config.name: config for config in configs.list_by_managed_cluster('demo-rg', name)}
    assert set(listed) == {'aksManagedAutoUpgradeSchedule', 'default'}
    window = listed['aksManagedAutoUpgradeSchedule'].properties.maintenance_window
    assert window.schedule.weekly.day_of_week == 'Sunday' and window.duration_hours == 6
    assert window.utc_offset == '+05:30' and window.start_date == datetime.date(2026, 4, 14)
    assert window.not_allowed_dates[0].end == datetime.date(2027, 1, 3)
    shown = configs.get('demo-rg', name, 'default')
    assert shown.type == 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations'
    assert shown.properties.time_in_week[0].hour_slots == [1, 2]
    assert shown.id.endswith(f'/managedClusters/{name}/maintenanceConfigurations/default')
    configs.delete('demo-rg', name, 'default')
    assert [config.name for config in configs.list_by_managed_cluster('demo-rg', name)] == [
        'aksManagedAutoUpgradeSchedule']
    sent = [(r['method'], r['query'].get('api-version')) for r in admin.requests() if 'maintenance' in r['path']]
    assert {version for _, version in sent} == {API}  # the api-version the SDK azure-cli ships uses


def test_a_name_the_service_does_not_allow_is_refused(arm, cluster):
    _, path = cluster
    refused = arm.call('PUT', path + '/maintenanceConfigurations/weekend', API, {'properties': WEEKLY})
    assert refused.status_code == 400 and error_code(refused) == 'InvalidParameter'
    assert refused.json()['error']['message'] == (
        "Only 'default', 'aksManagedAutoUpgradeSchedule' and 'aksManagedNodeOSUpgradeSchedule' are allowed "
        "configNames for maintenance configuration.")
    put = arm.call('PUT', path + '/maintenanceConfigurations/AKSMANAGEDNODEOSUPGRADESCHEDULE', API,
                   {'properties': WEEKLY})
    assert put.status_code == 200 and put.json()['name'] == 'aksManagedNodeOSUpgradeSchedule'


def _window(**changes):
    window = dict(WEEKLY['maintenanceWindow'], **changes)
    return {'properties': {'maintenanceWindow': {key: value for key, value in window.items() if value is not None}}}


@pytest.mark.parametrize('name,body,says', [
    ('aksManagedAutoUpgradeSchedule', _window(durationHours=3), "'maintenanceWindow.durationHours' must be"),
    ('aksManagedAutoUpgradeSchedule', _window(durationHours=25), 'from 4 to 24'),
    ('aksManagedAutoUpgradeSchedule', _window(startTime='24:00'), "from '00:00' to '23:59'"),
    ('aksManagedAutoUpgradeSchedule', _window(startTime=None), 'startTime'),
    ('aksManagedAutoUpgradeSchedule', _window(utcOffset='+5:30'), '+HH:mm or -HH:mm'),
    ('aksManagedAutoUpgradeSchedule', _window(startDate='2026-02-30'), "'maintenanceWindow.startDate' must be a date"),
    ('aksManagedAutoUpgradeSchedule', _window(schedule={'daily': {'intervalDays': 1}, 'weekly': {}}), 'exactly one'),
    ('aksManagedAutoUpgradeSchedule', _window(schedule={'daily': {'intervalDays': 8}}), 'from 1 to 7'),
    ('aksManagedAutoUpgradeSchedule', _window(schedule={'absoluteMonthly': {'intervalMonths': 1, 'dayOfMonth': 32}}),
     'dayOfMonth'),
    ('aksManagedAutoUpgradeSchedule', _window(schedule={'relativeMonthly': {
        'intervalMonths': 1, 'weekIndex': 'Fifth', 'dayOfWeek': 'Monday'}}), 'First, Second, Third, Fourth, Last'),
    ('aksManagedAutoUpgradeSchedule', _window(notAllowedDates=[{'start': '2026-12-23', 'end': '2026-12-01'}]),
     'ends before it starts'),
    ('aksManagedAutoUpgradeSchedule', {'properties': {'timeInWeek': [{'day': 'Monday', 'hourSlots': [1]}]}},
     'maintenanceWindow'),
    ('default', _window(), 'Only weekly schedule is supported'),
    ('default', {'properties': {}}, 'needs'),
    ('default', {'properties': {'timeInWeek': [{'day': 'Funday', 'hourSlots': [1]}]}}, "'timeInWeek.day'"),
    ('default', {'properties': {'timeInWeek': [{'day': 'Monday', 'hourSlots': [24]}]}}, 'from 0 to 23'),
])
def test_a_document_that_breaks_the_rules_is_refused(arm, cluster, name, body, says):
    _, path = cluster
    refused = arm.call('PUT', f'{path}/maintenanceConfigurations/{name}', API, body)
    assert refused.status_code == 400 and error_code(refused) == 'InvalidParameter'
    assert says in refused.json()['error']['message']
    assert arm.call('GET', path + '/maintenanceConfigurations', API).json() == {'value': []}


def test_default_takes_a_weekly_window_of_one_week(arm, cluster):
    _, path = cluster
    body = _window(schedule={'weekly': {'intervalWeeks': 1, 'dayOfWeek': 'Monday'}})
    assert arm.call('PUT', path + '/maintenanceConfigurations/default', API, body).status_code == 200


def test_missing_configurations_clusters_and_cluster_types(arm, cluster):
    name, path = cluster
    missing = arm.call('GET', path + '/maintenanceConfigurations/default', API)
    assert missing.status_code == 404 and error_code(missing) == 'ResourceNotFound'
    assert arm.call('DELETE', path + '/maintenanceConfigurations/default', API).status_code == 204
    no_cluster = arm.call('GET', path + 'x/maintenanceConfigurations', API)
    assert no_cluster.status_code == 404 and name + 'x' in no_cluster.json()['error']['message']
    arc = arm.call('GET', arm.cluster_path(ARC) + '/maintenanceConfigurations', '2024-01-01')
    assert arc.status_code == 404 and error_code(arc) == 'InvalidResourceType'  # Arc clusters have none


def test_they_go_with_their_cluster(arm, cluster):
    _, path = cluster
    assert arm.call('PUT', path + '/maintenanceConfigurations/default', API,
                    {'properties': {'timeInWeek': [{'day': 'Monday', 'hourSlots': [1]}]}}).status_code == 200
    assert arm.call('DELETE', path, API).status_code == 200
    assert arm.call('PUT', path, API, {'location': 'eastus'}).status_code == 201
    assert arm.call('GET', path + '/maintenanceConfigurations', API).json() == {'value': []}


def test_the_clock_dates_them(arm, cluster, admin):
    _, path = cluster
    admin.set_clock(now='2026-03-07T01:55:00Z')
    try:
        doc = arm.call('PUT', path + '/maintenanceConfigurations/default', API,
                       {'properties': {'timeInWeek': [{'day': 'Monday', 'hourSlots': [1]}]}}).json()
    finally:
        admin.set_clock(offset=0)
    assert doc['systemData']['createdAt'].startswith('2026-03-07T01:55')


def test_the_many_cluster_seed_gives_a_share_of_aks_clusters_a_window(tmp_path):
    with EmulatorProcess(tmp_path / 'data', op_seconds=0.2) as process:
        plain = process.admin.seed_clusters(clusters=60, prefix='plain', seed=7)
        windowed = process.admin.seed_clusters(clusters=60, prefix='win', seed=7, window_share=0.5)
        arm = Arm(process)
        graph = arm.call('POST', '/providers/Microsoft.ResourceGraph/resources', '2021-03-01', {
            'subscriptions': windowed['subscriptions'], 'query': 'Resources | project name, type',
            'options': {'$top': 1000}}).json()['data']
        kinds = {row['name']: row['type'] for row in graph}
        # The windows come from a generator of their own: the rest of the mix is the same for the same seed.
        assert plain['extensions'] == windowed['extensions']
        assert {name[6:]: kind for name, kind in kinds.items() if name.startswith('plain-')} == \
            {name[4:]: kind for name, kind in kinds.items() if name.startswith('win-')}
        assert plain['maintenance_configurations'] == 0
        aks = [name for name, kind in kinds.items() if name.startswith('win-') and kind.endswith('managedclusters')]
        with_window = []
        for name in aks:
            path = f"/subscriptions/{arm.endpoint['subscription']}/resourceGroups/win-rg-{int(name[-5:]) % 4}" \
                   f"/providers/Microsoft.ContainerService/managedClusters/{name}/maintenanceConfigurations"
            listed = arm.call('GET', path, API)
            if listed.status_code == 200 and listed.json()['value']:
                with_window.append(listed.json()['value'][0]['name'])
        assert len(with_window) == windowed['maintenance_configurations']
        assert 0.3 * len(aks) < len(with_window) < 0.7 * len(aks)
        assert set(with_window) == {'aksManagedAutoUpgradeSchedule', 'default'}
        again = process.admin.seed_clusters(clusters=60, prefix='win', seed=7, window_share=0.5)
        assert again['maintenance_configurations'] == windowed['maintenance_configurations']
        with pytest.raises(RuntimeError, match='allowed configNames'):
            process.admin.seed_clusters(clusters=2, prefix='bad', window_share=1,
                                        windows=[{'name': 'weekend', 'properties': {}}])
