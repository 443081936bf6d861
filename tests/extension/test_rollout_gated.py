"""Rollout gates through the real az against an emulator of this module's own (its clock is moved here): a soak
that catches an extension failing after it succeeded, approval pauses continued from another process, AKS
maintenance windows on ARM's clock, and rollback from the journal."""
import json
import subprocess
import time

import pytest

from arm_emulator.harness.azcli import AzCli

from .helpers import az_json, clean_group, own_emulator, run_batch, writes

EXT_API = '2023-05-01'
# A Saturday 01:55 UTC: five minutes before the weekly window below opens.
SATURDAY = '2026-03-07T01:55:00Z'
WEEKLY = {'name': 'aksManagedAutoUpgradeSchedule', 'properties': {'maintenanceWindow': {
    'schedule': {'weekly': {'intervalWeeks': 1, 'dayOfWeek': 'Saturday'}}, 'durationHours': 4,
    'utcOffset': '+00:00', 'startTime': '02:00'}}}
MAINTENANCE = 'maintenanceConfigurations'


@pytest.fixture(scope='module')
def gated(aksext_wheel, tmp_path_factory):
    home = tmp_path_factory.mktemp('gated')
    with own_emulator(aksext_wheel, home) as (emulator, cli):
        yield emulator, cli, home


@pytest.fixture
def admin(gated):
    """The admin API with the request log and faults cleared, and the clock on this machine's time."""
    gated[0].admin.set_clock(offset=0)
    gated[0].admin.clear_requests()
    gated[0].admin.clear_faults()
    yield gated[0].admin
    gated[0].admin.clear_faults()


def rollout(group, *extra):
    return ['k8s-extension', 'rollout', '-g', group, '-n', 'flux', '--extension-type', 'microsoft.flux', *extra]


def by_cluster(rows):
    return {row['cluster']: row for row in rows or []}


def arm(emulator, method, path, body=None, api_version=EXT_API):
    import requests
    response = requests.request(method, emulator.endpoint['arm'].rstrip('/') + path,
                                params={'api-version': api_version}, json=body,
                                headers={'Authorization': 'Bearer ' + emulator.admin.token()},
                                verify=emulator.endpoint['ca_bundle'], timeout=30)
    return response.json() if response.content else None


def extension_of(emulator, row):
    return arm(emulator, 'GET', row['inspect'].split('--ids ', 1)[1])


# --- soak ----------------------------------------------------------------------------------------------------------

def test_soak_catches_an_extension_that_fails_after_it_succeeded_and_stops_the_rollout(gated, admin):
    _, cli, _ = gated
    group = clean_group(admin, 'soak', clusters=3)
    admin.fail_after_success(name='flux', seconds=3, message='pods of flux are in CrashLoopBackOff')
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--soak', '6s', '--ignore-windows'))
    assert done.returncode == 1, done.stderr
    failed = [row for row in rows if row['result'] == 'Failed']
    assert len(failed) == 1 and 'CrashLoopBackOff' in failed[0]['error'] and 'soak' in failed[0]['error']
    assert failed[0]['passedAt'] is None
    assert {row['result'] for row in rows if row is not failed[0]} == {'NotStarted'}  # the next wave never started
    assert sum(writes(admin).values()) == 1
    assert 'passed --max-failures' in done.stderr

    # Healthy after its soak: passedAt is ARM's time, at least the soak after the write.
    admin.clear_requests()
    before = admin.clock()['epoch']
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--soak', '2s', '--ignore-windows',
                                       '--journal', str(gated[2] / 'soak-2.jsonl'), '--max-parallel', '5'))
    assert done.returncode == 1, done.stderr   # the failed cluster is refused again: it is Failed, not converged
    passed = [row for row in rows if row['result'] == 'Succeeded']
    assert len(passed) == 2
    from datetime import datetime
    for row in passed:
        moment = datetime.strptime(row['passedAt'], '%Y-%m-%dT%H:%M:%SZ').timestamp()
        assert before + 2 <= moment + 1 < before + 60


# --- approval pauses -----------------------------------------------------------------------------------------------

def test_pause_after_the_canary_then_approve_from_another_process_with_a_fresh_config_dir(gated, admin, tmp_path):
    emulator, cli, home = gated
    group = clean_group(admin, 'pause', clusters=4)
    journal = tmp_path / 'pause.jsonl'
    flags = rollout(group, '--version', '1.16.2', '--pause-after', 'canary', '--ignore-windows', '--journal',
                    str(journal))
    done, rows = az_json(cli, *flags)
    assert done.returncode == 5, done.stderr
    assert sum(writes(admin).values()) == 1
    assert [row['result'] for row in rows].count('Succeeded') == 1
    assert 'paused after 1 cluster(s) (--pause-after canary)' in done.stderr
    command = done.stderr.split('To go on (from any machine that reaches the journal):\n', 1)[1].strip()
    assert command.startswith('az k8s-extension rollout') and command.endswith('--approve')

    # Run again without --approve: where it stands, the same exit code, nothing sent.
    again, rows = az_json(cli, *flags)
    assert again.returncode == 5 and sum(writes(admin).values()) == 1
    assert [row['result'] for row in rows].count('NotStarted') == 3

    other = AzCli(emulator.endpoint, tmp_path / 'other-config', extension_dir=home / 'extensions')
    other.login()
    approved, rows = az_json(other, *flags, '--approve')
    assert approved.returncode == 0, approved.stderr
    assert {row['result'] for row in rows} == {'Succeeded'}
    assert sorted(writes(admin).values()) == [1, 1, 1, 1]   # one write per cluster across the three runs
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [r['record'] for r in records if r['record'] in ('pause', 'approve')] == ['pause', 'approve']


# --- maintenance windows -------------------------------------------------------------------------------------------

def _window_group(admin, prefix):
    group = clean_group(admin, prefix, clusters=4, arc_share=0.5, window_share=1.0, windows=[WEEKLY])
    admin.set_clock(now=SATURDAY)
    return group


def _maintenance_reads(admin):
    return [r for r in admin.requests() if r['path'].lower().endswith('/maintenanceconfigurations')]


def test_windows_plan_skip_and_ignore_on_arm_clock(gated, admin):
    _, cli, _ = gated
    group = _window_group(admin, 'winskip')
    done, plan = az_json(cli, *rollout(group, '--version', '1.16.2', '--dry-run', '--window', 'daily 03:00+2h'))
    assert done.returncode == 0, done.stderr
    aks = [row for row in plan if row['clusterType'] == 'managedClusters']
    arc = [row for row in plan if row['clusterType'] == 'connectedClusters']
    assert aks and arc
    assert {row['nextWindow'] for row in aks} == {'2026-03-07T02:00:00Z'}
    assert {row['nextWindow'] for row in arc} == {'2026-03-07T03:00:00Z'}   # --window for Arc
    assert len(_maintenance_reads(admin)) == len(aks)   # one read per AKS cluster, none for Arc
    done, plan = az_json(cli, *rollout(group, '--version', '1.16.2', '--dry-run', '--window', 'Sat 03:00+1h',
                                       '--cluster-type', 'connectedClusters'))
    assert {row['nextWindow'] for row in plan} == {'2026-03-07T03:00:00Z'}   # ARM's clock, with no AKS answer
    done, plan = az_json(cli, *rollout(group, '--version', '1.16.2', '--dry-run', '--maintenance-config', 'default',
                                       '--cluster-type', 'managedClusters'))
    assert {row['nextWindow'] for row in plan} == {'now'}   # no configuration of that name, no --window: any time

    admin.clear_requests()
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--outside-window', 'skip',
                                       '--window', 'daily 03:00+2h'))
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Skipped'} and not writes(admin)
    assert 'next opens at 2026-03-07T02:00:00Z' in by_cluster(rows)[aks[0]['cluster']]['error']

    admin.clear_requests()
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--ignore-windows'))
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and len(writes(admin)) == len(rows)
    assert not _maintenance_reads(admin)


def test_a_closed_window_is_waited_for_until_arm_clock_reaches_it(gated, admin):
    _, cli, _ = gated
    group = _window_group(admin, 'winwait')
    with subprocess.Popen([cli.az, *rollout(group, '--version', '1.16.2', '--window', 'Sat 02:00+1h',
                                            '--max-parallel', '5', '-o', 'json')],
                          env=cli.env, cwd=cli.config_dir, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        deadline = time.time() + 60
        while time.time() < deadline and not _maintenance_reads(admin):
            time.sleep(0.5)
        time.sleep(3)
        assert not writes(admin)   # closed: nothing sent yet
        admin.set_clock(advance=330)   # 02:00:30
        out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    rows = json.loads(out)
    assert {row['result'] for row in rows} == {'Succeeded'} and sorted(writes(admin).values()) == [1] * len(rows)
    writes_at = [r for r in admin.requests() if r['method'] == 'PATCH' and '/extensions/' in r['path']]
    assert writes_at


def test_an_unreadable_maintenance_configuration_warns_once_and_falls_back(gated, admin):
    _, cli, _ = gated
    group = _window_group(admin, 'winfail')
    admin.fault(method='GET', path='maintenanceConfigurations', status=403, code='AuthorizationFailed', count=50)
    done, plan = az_json(cli, *rollout(group, '--version', '1.16.2', '--dry-run', '--window', 'Sat 04:00+1h'))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not read the maintenance configurations') == 1
    assert {row['nextWindow'] for row in plan} == {'2026-03-07T04:00:00Z'}   # --window, the documented fallback


# --- rollback ------------------------------------------------------------------------------------------------------

def _seed_rollback(emulator, cli, admin):
    """Four AKS clusters with Flux; one pinned at 1.15.1 with a setting, one without the extension."""
    group = clean_group(admin, 'back', clusters=4, arc_share=0)
    _, listed = az_json(cli, 'k8s-extension', 'list', '-g', group)
    names = sorted(row['clusterName'] for row in listed)
    ids = {row['clusterName']: row['id'] for row in listed}
    arm(emulator, 'DELETE', ids[names[-1]])   # the rollout creates it there
    arm(emulator, 'PATCH', ids[names[2]], {'properties': {'version': '1.15.1', 'autoUpgradeMinorVersion': False,
                                                          'configurationSettings': {'logLevel': 'info'}}})
    _settled(emulator, ids[names[2]])
    _, listed = az_json(cli, 'k8s-extension', 'list', '-g', group)
    before = {row['clusterName']: row for row in listed}
    assert before[names[2]]['currentVersion'] == '1.15.1' and names[-1] not in before
    settings = {name: arm(emulator, 'GET', ids[name])['properties'].get('configurationSettings') or {}
                for name in names[:3]}
    assert settings[names[2]] == {'logLevel': 'info'}
    return group, names, before, settings


def _settled(emulator, extension_id):
    deadline = time.time() + 10
    while time.time() < deadline and arm(emulator, 'GET', extension_id)['properties']['provisioningState'] != \
            'Succeeded':
        time.sleep(0.3)


def _assert_restored(emulator, patch, row, before, settings):
    properties = patch['body']['properties']
    now = extension_of(emulator, row)['properties']
    if before['autoUpgradeMinorVersion']:   # auto-upgrade on again, not a pinned version
        assert properties['autoUpgradeMinorVersion'] is True and 'version' not in properties
    else:
        assert properties['version'] == before['currentVersion'] == now['version']
    assert properties['configurationSettings'] == {'logLevel': settings.get('logLevel')}
    assert now['autoUpgradeMinorVersion'] == before['autoUpgradeMinorVersion']
    assert (now.get('configurationSettings') or {}) == settings


def test_rollback_after_a_failed_wave_restores_deletes_and_reports_changes_by_others(gated, admin, tmp_path):
    emulator, cli, _ = gated
    group, names, before, settings = _seed_rollback(emulator, cli, admin)
    created_on, other = names[-1], names[1]
    flags = rollout(group, '--version', '1.16.2', '--configuration-settings', 'logLevel=debug', '--ignore-windows',
                    '--max-parallel', '1', '--max-failures', '1', '--journal', str(tmp_path / 'back.jsonl'))
    admin.fail_next_operation(name='flux', state='Failed')   # the canary's update fails
    done, rows = az_json(cli, *flags)
    assert done.returncode == 1
    rows = by_cluster(rows)
    assert rows[names[0]]['result'] == 'Failed'
    assert all(rows[name]['result'] == 'Succeeded' for name in names[1:]) and rows[created_on]['action'] == 'create'

    # Someone else changes one of the clusters after the rollout.
    arm(emulator, 'PATCH', rows[other]['inspect'].split('--ids ', 1)[1],
        {'properties': {'configurationSettings': {'logLevel': 'warn'}}})
    _settled(emulator, rows[other]['inspect'].split('--ids ', 1)[1])

    admin.clear_requests()
    done, plan = az_json(cli, *flags, '--rollback', '--dry-run')
    assert done.returncode == 0, done.stderr
    assert len(plan) == 4 and not writes(admin)
    done, back = az_json(cli, *flags, '--rollback')
    assert done.returncode == 1, done.stderr   # the cluster changed by someone else is reported
    back = by_cluster(back)
    log = [r for r in admin.requests() if r['method'] in ('PATCH', 'PUT', 'DELETE') and '/extensions/' in r['path']]
    assert len({r['path'] for r in log}) == len(log) == 3   # one operation per cluster, none to the other's
    assert back[created_on]['action'] == 'delete' and back[created_on]['result'] == 'Succeeded'
    assert [r['method'] for r in log if created_on in r['path']] == ['DELETE']
    assert back[other]['result'] == 'Blocked' and 'changed since' in back[other]['error']
    for name in (names[0], names[2]):
        assert back[name]['result'] == 'Succeeded'
        _assert_restored(emulator, next(r for r in log if name in r['path']), rows[name], before[name],
                         settings[name])

    # Resumable: run again, nothing more is sent.
    admin.clear_requests()
    again, _ = az_json(cli, *flags, '--rollback')
    assert again.returncode == 1 and not [r for r in admin.requests()
                                          if r['method'] in ('PUT', 'PATCH', 'DELETE')]


def test_on_failure_rollback_undoes_the_rollout_at_once_and_a_rollback_of_another_change_is_refused(
        gated, admin, tmp_path):
    emulator, cli, _ = gated
    group = clean_group(admin, 'onfail', clusters=3, arc_share=0)
    _, listed = az_json(cli, 'k8s-extension', 'list', '-g', group)
    settings = {row['clusterName']: arm(emulator, 'GET', row['id'])['properties'].get('configurationSettings') or {}
                for row in listed}
    journal = str(tmp_path / 'onfail.jsonl')
    flags = rollout(group, '--configuration-settings', 'logLevel=trace', '--ignore-windows', '--canary', '2',
                    '--journal', journal)
    admin.clear_requests()
    admin.fail_next_operation(name='flux', state='Failed')
    done, rows = az_json(cli, *flags, '--on-failure', 'rollback')
    assert done.returncode == 1 and 'were rolled back' in done.stderr, done.stderr
    rows = by_cluster(rows)
    assert len(rows) == 2 and {row['result'] for row in rows.values()} == {'Succeeded'}   # the canary wave
    for name in rows:
        assert (arm(emulator, 'GET', rows[name]['inspect'].split('--ids ', 1)[1])['properties'].get(
            'configurationSettings') or {}) == settings[name]
    log = [r for r in admin.requests() if r['method'] == 'PATCH' and '/extensions/' in r['path']]
    assert len(log) == 4 and len({r['path'] for r in log}) == 2   # one write and one restore each

    admin.clear_requests()
    results = run_batch(cli, [rollout(group, '--configuration-settings', 'logLevel=other', '--rollback'),
                              rollout(group, '--configuration-settings', 'logLevel=other', '--rollback',
                                      '--journal', journal)])
    assert [result['error_type'] for result in results] == ['ValidationError', 'ValidationError']
    assert 'holds no rollout of this change' in results[0]['error_message']
    assert 'belongs to another change' in results[1]['error_message']
    assert not writes(admin)


def test_with_a_soak_the_next_wave_starts_only_once_every_cluster_of_the_last_passed_its_gate(gated, admin):
    _, cli, _ = gated
    group = clean_group(admin, 'waves', clusters=5, arc_share=0)
    _, listed = az_json(cli, 'k8s-extension', 'list', '-g', group)
    slow = sorted(row['clusterName'] for row in listed)[2]   # in the second wave (canary, then two at a time)
    admin.fault(method='GET', path=f'/{slow}/providers/Microsoft.KubernetesConfiguration/extensions/flux$',
                latency=2.5, count=20)
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--soak', '1s', '--max-parallel', '2',
                                       '--ignore-windows', '--auto-upgrade-minor-version', 'false'))
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'}
    requests = admin.requests()
    patches = sorted((r for r in requests if r['method'] == 'PATCH' and '/extensions/' in r['path']),
                     key=lambda r: r['time'])
    assert len(patches) == 5
    slow_reads = [r['time'] for r in requests if r['method'] == 'GET' and f'/{slow}/' in r['path']
                  and r['path'].endswith('/extensions/flux')]
    last_wave = patches[3:]
    assert slow in ''.join(r['path'] for r in patches[1:3])
    # The slow cluster's last read (its soak's end) comes before any write of the third wave.
    assert max(slow_reads) < min(r['time'] for r in last_wave)


def test_with_a_soak_each_wave_is_read_while_the_last_soaks_and_every_soak_lasts_its_full_time(gated, admin):
    _, cli, _ = gated
    group = clean_group(admin, 'ahead', clusters=5, arc_share=0)
    admin.clear_requests()
    done, rows = az_json(cli, *rollout(group, '--version', '1.16.2', '--soak', '2s', '--max-parallel', '2',
                                       '--auto-upgrade-minor-version', 'false'))
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'}
    requests = sorted(admin.requests(), key=lambda r: r['time'])
    patches = [r for r in requests if r['method'] == 'PATCH' and '/extensions/' in r['path']]
    assert len(patches) == 5

    def cluster_of(request):
        path = request['path'].lower()
        return path.split('/managedclusters/')[1].split('/')[0] if '/managedclusters/' in path else None

    def reads(name, kind):
        return [r['time'] for r in requests if r['method'] == 'GET' and cluster_of(r) == name
                and r['path'].lower().endswith(kind)]
    written = {cluster_of(r): r['time'] for r in patches}
    waves = [[cluster_of(r) for r in patches[:1]], [cluster_of(r) for r in patches[1:3]],
             [cluster_of(r) for r in patches[3:]]]
    for before, wave in zip(waves, waves[1:]):
        last_soak_read = max(max(reads(name, '/extensions/flux')) for name in before)
        for name in wave:
            # Its maintenance configurations and its extension were read while the wave before it soaked.
            assert max(t for t in reads(name, '/extensions/flux') if t < written[name]) < last_soak_read
            assert reads(name, '/maintenanceconfigurations')[0] < last_soak_read
    for name, at in written.items():
        soak_end = max(reads(name, '/extensions/flux'))
        assert soak_end - at >= 0.3 + 2.0   # the operation (0.3 s), then the whole 2 s soak, on every cluster
        # One read before the write, its polls, one at the end of a soak this short: no read in between.
        assert len(reads(name, '/extensions/flux')) <= 6
