"""Across clusters: `list` without a cluster (Resource Graph) and `rollout`, against an emulator seeded with a small
seeded of its own (three subscriptions), driven by the real az."""
import json
import math
import os
import signal
import subprocess
import time
from collections import Counter

import pytest

from arm_emulator.harness.azcli import AzCli
from arm_emulator.harness.control import EmulatorProcess

from .helpers import az_json, clean_group, run_batch, writes

GRAPH = '/providers/Microsoft.ResourceGraph/resources'


@pytest.fixture(scope='module')
def many_env(aksext_wheel, tmp_path_factory):
    home = tmp_path_factory.mktemp('fleet')
    with EmulatorProcess(home / 'emulator', op_seconds=0.3) as emulator:
        seeded = emulator.admin.seed_clusters(subscriptions=3, groups=2, clusters=90, extensions_per_cluster=3,
                                              stopped_share=0.08, sp_share=0.08)
        cli = AzCli(emulator.endpoint, home / 'config', extension_dir=home / 'extensions')
        cli.login()
        cli.add_extension(aksext_wheel)
        yield emulator, cli, seeded


@pytest.fixture
def many_admin(many_env):
    emulator = many_env[0]
    emulator.admin.clear_requests()
    emulator.admin.clear_faults()
    emulator.admin.config(op_seconds=0.3)
    yield emulator.admin
    emulator.admin.clear_faults()


# --- list across clusters ---------------------------------------------------------------------------------------

def test_list_without_a_cluster_reads_every_extension_of_every_subscription_in_few_requests(many_env, many_admin):
    _, cli, seeded = many_env
    done, rows = az_json(cli, 'k8s-extension', 'list', '--subscriptions', *seeded['subscriptions'])
    assert done.returncode == 0, done.stderr
    assert len(rows) == seeded['extensions'] and len({row['id'] for row in rows}) == len(rows)
    assert {row['subscriptionId'] for row in rows} == set(seeded['subscriptions'])
    graph = [r for r in many_admin.requests() if r['path'] == GRAPH]
    assert len(graph) == math.ceil(len(rows) / 1000)
    assert not [r for r in many_admin.requests() if '/extensions' in r['path']]  # no per-cluster reads
    row = rows[0]
    assert {'clusterName', 'resourceGroup', 'extensionType', 'currentVersion', 'provisioningState'} <= set(row)


def test_list_follows_every_page_and_waits_for_the_query_quota_instead_of_meeting_429(many_env, many_admin):
    _, cli, seeded = many_env
    many_admin.config(graph_page_size=50, throttle_scale=0.2)  # 3 queries per 5 s
    try:
        done, rows = az_json(cli, 'k8s-extension', 'list', '--subscriptions', *seeded['subscriptions'])
    finally:
        many_admin.config(graph_page_size=1000, throttle_scale=1.0)
    assert done.returncode == 0, done.stderr
    assert len(rows) == seeded['extensions'] and len({row['id'] for row in rows}) == len(rows)
    graph = [r for r in many_admin.requests() if r['path'] == GRAPH]
    assert len(graph) == math.ceil(seeded['extensions'] / 50)
    assert all(r['status'] == 200 for r in graph)  # the quota headers were read: no query was refused


def test_list_filters_by_type_state_version_and_cluster_type(many_env, many_admin):
    _, cli, seeded = many_env
    subs = ['--subscriptions'] + seeded['subscriptions']
    _, everything = az_json(cli, 'k8s-extension', 'list', *subs)
    _, failed_flux = az_json(cli, 'k8s-extension', 'list', *subs, '--extension-type', 'Microsoft.Flux',
                             '--provisioning-state', 'Failed', '-t', 'connectedClusters')
    expected = [row for row in everything if row['extensionType'] == 'microsoft.flux'
                and row['provisioningState'] == 'Failed' and row['clusterType'] == 'connectedClusters']
    assert sorted(row['id'] for row in failed_flux) == sorted(row['id'] for row in expected)
    version = everything[0]['currentVersion']
    _, by_version = az_json(cli, 'k8s-extension', 'list', *subs, '--version', version)
    assert by_version and all(row['currentVersion'] == version for row in by_version)
    _, aks_only = az_json(cli, 'aks', 'extension', 'list', *subs)
    assert aks_only and all(row['clusterType'] == 'managedClusters' for row in aks_only)


def test_list_summary_counts_by_type_version_and_state(many_env, many_admin):
    _, cli, seeded = many_env
    subs = ['--subscriptions'] + seeded['subscriptions']
    _, rows = az_json(cli, 'k8s-extension', 'list', *subs)
    _, summary = az_json(cli, 'k8s-extension', 'list', *subs, '--summary')
    expected = Counter((row['extensionType'], row['currentVersion'], row['provisioningState']) for row in rows)
    assert {(s['extensionType'], s['version'], s['provisioningState']): s['count'] for s in summary} == expected
    table = cli.run('k8s-extension', 'list', *subs, '--summary', '-o', 'table').stdout.splitlines()
    assert table[0].split() == ['ExtensionType', 'Version', 'ProvisioningState', 'Count']


def test_list_table_shows_cluster_group_name_type_version_state(many_env, many_admin):
    cli = many_env[1]
    table = cli.run('k8s-extension', 'list', '-g', 'fleet-rg-0', '-o', 'table').stdout.splitlines()
    assert table[0].split() == ['Cluster', 'ResourceGroup', 'Name', 'ExtensionType', 'Version', 'ProvisioningState']
    assert len(table) > 2 and all(' fleet-rg-0 ' in line for line in table[2:])


def test_list_mistakes_are_refused_before_any_request(many_env, many_admin):
    cli = many_env[1]
    results = run_batch(cli, [
        ['k8s-extension', 'list', '-g', 'fleet-rg-0', '-c', 'fleet-aks-00000', '-t', 'managedClusters', '--summary'],
        ['k8s-extension', 'list', '--subscriptions', 'not-a-guid'],
        ['k8s-extension', 'list', '-c', 'fleet-aks-00000', '-t', 'managedClusters'],
    ])
    assert [r['exit_code'] for r in results] == [1, 1, 1] or all(r['exit_code'] != 0 for r in results)
    assert '--summary' in results[0]['error_message'] and '--cluster-name' in results[0]['error_message']
    assert '--subscriptions' in results[1]['error_message']
    assert '--resource-group' in results[2]['error_message']
    assert many_admin.requests() == [] or all('/extensions' not in r['path'] and r['path'] != GRAPH
                                              for r in many_admin.requests())


def test_graph_errors_reach_the_user_as_the_service_reason(many_env, many_admin):
    cli = many_env[1]
    many_admin.fault(method='POST', path='ResourceGraph', count=1, status=400, code='BadRequest',
                     message='Query is invalid.')
    done = cli.run('k8s-extension', 'list')
    assert done.returncode != 0 and 'Resource Graph' in done.stderr and 'Traceback' not in done.stderr


# --- rollout -----------------------------------------------------------------------------------------------------

def test_dry_run_plans_every_cluster_and_sends_no_write(many_env, many_admin):
    _, cli, seeded = many_env
    done, plan = az_json(cli, 'k8s-extension', 'rollout', '-n', 'flux', '--extension-type', 'microsoft.flux',
                         '--version', '1.16.2', '--subscriptions', *seeded['subscriptions'], '--dry-run')
    assert done.returncode == 0, done.stderr
    assert len(plan) == seeded['clusters'] and not writes(many_admin)
    actions = Counter(row['action'] for row in plan)
    assert actions['update'] and actions['blocked'] and actions['create'] + actions['nothing'] + actions[
        'update'] + actions['blocked'] == len(plan)
    reasons = ' '.join(row['reason'] or '' for row in plan if row['action'] == 'blocked')
    assert 'stopped' in reasons
    # A create goes through create's own checks: a service-principal AKS cluster is refused, with the fix.
    done, plan = az_json(cli, 'k8s-extension', 'rollout', '-n', 'osm', '--extension-type', 'microsoft.openservicemesh',
                         '--subscriptions', *seeded['subscriptions'], '--dry-run')
    assert done.returncode == 0, done.stderr
    refused = [row['reason'] for row in plan if 'service principal' in (row['reason'] or '')]
    assert refused and all('az aks update' in reason and '--enable-managed-identity' in reason for reason in refused)


def test_dry_run_blocks_types_and_versions_not_offered_for_a_cluster_type(many_env, many_admin):
    _, cli, _ = many_env
    done, plan = az_json(cli, 'k8s-extension', 'rollout', '-g', 'fleet-rg-0', '-n', 'backup', '--extension-type',
                         'microsoft.dataprotection.kubernetes', '--dry-run')
    assert done.returncode == 0, done.stderr
    arc = [row for row in plan if row['clusterType'] == 'connectedClusters']
    assert arc and all(row['action'] == 'blocked' and 'runs on managedClusters only' in row['reason']
                       for row in arc)
    done, plan = az_json(cli, 'aks', 'extension', 'rollout', '-g', 'fleet-rg-0', '-n', 'flux', '-t',
                         'microsoft.flux', '--version', '1.16.9', '--dry-run')
    assert done.returncode == 0, done.stderr
    assert plan and {row['clusterType'] for row in plan} == {'managedClusters'}
    offered = [row for row in plan if 'does not exist' in (row['reason'] or '')]
    assert offered and all('1.16.2' in row['reason'] for row in offered)  # the nearest offered versions
    types_calls = [r for r in many_admin.requests() if '/extensionTypes/' in r['path']]
    assert 0 < len(types_calls) <= 4  # one question per location and cluster type, not one per cluster
    assert not writes(many_admin)


def test_targets_by_ids_from_a_file_by_tags_and_by_presence_of_the_extension(many_env, many_admin, tmp_path):
    _, cli, seeded = many_env
    _, everything = az_json(cli, 'k8s-extension', 'rollout', '-n', 'flux', '--subscriptions', *seeded['subscriptions'],
                            '--dry-run')
    chosen = sorted(everything, key=lambda row: row['inspect'])[::20]
    ids = [row['inspect'].split('--ids ', 1)[1].split('/providers/Microsoft.KubernetesConfiguration')[0]
           for row in chosen]
    (tmp_path / 'clusters.txt').write_text('\n'.join(ids) + '\n')
    _, by_file = az_json(cli, 'k8s-extension', 'rollout', '-n', 'flux', '--clusters',
                         '@' + str(tmp_path / 'clusters.txt'), '--dry-run')
    assert sorted(row['cluster'] for row in by_file) == sorted(row['cluster'] for row in chosen)
    _, prod = az_json(cli, 'k8s-extension', 'rollout', '-n', 'flux', '--subscriptions', *seeded['subscriptions'],
                      '--tags', 'env=prod', '--dry-run')
    assert 0 < len(prod) < len(everything)
    # The third extension of each seeded cluster is Azure ML on AKS clusters, Azure Monitor on Arc ones.
    ml = ['k8s-extension', 'rollout', '-n', 'azureml-kubernetes', '--subscriptions', *seeded['subscriptions'],
          '--dry-run']
    _, missing = az_json(cli, *ml, '--only', 'missing', '--extension-type', 'microsoft.azureml.kubernetes')
    _, installed = az_json(cli, *ml, '--only', 'installed')
    assert len(missing) + len(installed) == len(everything) and missing and installed
    assert all(row['action'] in ('create', 'blocked') for row in missing)
    assert not writes(many_admin)


def test_rollout_mistakes_are_refused_before_any_request(many_env, many_admin):
    cli = many_env[1]
    results = run_batch(cli, [
        ['k8s-extension', 'rollout', '-n', 'flux', '--clusters', '/subscriptions/x/resourceGroups/g', '--dry-run'],
        ['k8s-extension', 'rollout', '-n', 'flux', '--clusters',
         '/subscriptions/x/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c', '-g', 'g'],
        ['k8s-extension', 'rollout', '-n', 'flux', '-g', 'g', '--max-parallel', 'ten'],
        ['k8s-extension', 'rollout', '-n', 'flux', '-g', 'g', '--tags', 'env'],
        ['k8s-extension', 'rollout', '-n', 'flux', '-g', 'g', '--version', '1.0.0', '--auto-upgrade', 'true'],
    ])
    assert all(r['exit_code'] != 0 and r['error_type'] for r in results), results
    for result, flag in zip(results, ('--clusters', '--clusters', '--max-parallel', '--tags', '--version')):
        assert flag in result['error_message']
    assert many_admin.requests() == []


def test_rollout_converges_every_cluster_with_one_write_each_and_a_rerun_writes_nothing(many_env, many_admin):
    cli = many_env[1]
    group = clean_group(many_admin, 'conv', clusters=9, extensions_per_cluster=0)
    args = ['k8s-extension', 'rollout', '-g', group, '-n', 'dapr', '--extension-type', 'microsoft.dapr',
            '--version', '1.14.4', '--max-parallel', '50%', '--configuration-settings', 'mode=fleet']
    done, rows = az_json(cli, *args)
    assert done.returncode == 0, done.stderr
    assert [row['result'] for row in rows] == ['Succeeded'] * 9 and {row['action'] for row in rows} == {'create'}
    assert all(row['version'] == '1.14.4' for row in rows)
    assert sorted(writes(many_admin).values()) == [1] * 9
    many_admin.clear_requests()
    again, rows = az_json(cli, *args)
    assert again.returncode == 0 and not writes(many_admin)
    assert [r for r in many_admin.requests() if r['method'] != 'POST'] == []  # only Resource Graph was asked
    again_fresh, rows = az_json(cli, *args, '--journal', str(many_env[0].data_dir / 'other.jsonl'))
    assert again_fresh.returncode == 0 and {row['result'] for row in rows} == {'Unchanged'}
    assert not writes(many_admin)


def test_failures_past_the_threshold_stop_the_rollout_and_list_each_failure(many_env, many_admin):
    cli = many_env[1]
    group = clean_group(many_admin, 'fail', clusters=10, extensions_per_cluster=0)
    for _ in range(3):
        many_admin.fail_next_operation(name='dapr', code='HelmInstallFailed', message='chart values are invalid')
    done = cli.run('k8s-extension', 'rollout', '-g', group, '-n', 'dapr', '--extension-type', 'microsoft.dapr',
                   '--canary', '1', '--max-parallel', '2', '--max-failures', '1', '-o', 'json')
    assert done.returncode == 1 and 'Traceback' not in done.stderr
    assert '--max-failures' in done.stderr
    rows = json.loads(done.stdout)
    results = Counter(row['result'] for row in rows)
    assert results['Failed'] == 3 and results['NotStarted'] == 7
    for row in rows:
        if row['result'] == 'Failed':
            assert 'chart values are invalid' in row['error'] and row['inspect'].startswith('az k8s-extension show')
    assert sum(writes(many_admin).values()) == 3  # the clusters after the threshold were left untouched


def test_conflicts_throttling_5xx_and_dropped_connections_are_ridden_out(many_env, many_admin):
    cli = many_env[1]
    group = clean_group(many_admin, 'storm', clusters=8)
    many_admin.fault(method='PATCH', path='/extensions/flux', count=2, status=409, code='Conflict',
                     message='An operation is in progress on the extension.')
    many_admin.fault(method='GET', path='/extensions/flux', count=6, status=429, retry_after=1)
    many_admin.fault(method='GET', path='/extensions/flux', count=2, status=503)
    many_admin.fault(method='PATCH', path='/extensions/flux', count=1, drop=True)
    done, rows = az_json(cli, 'k8s-extension', 'rollout', '-g', group, '-n', 'flux', '--version', '1.16.2',
                         '--max-parallel', '4')
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'}
    assert sorted(writes(many_admin).values()) == [1] * 8
    statuses = Counter(r['status'] for r in many_admin.requests())
    assert statuses[409] == 2 and statuses[429] >= 6 and statuses[503] == 2 and statuses[444] == 1


def _rollout_process(cli, group, journal):
    return subprocess.Popen([cli.az, 'k8s-extension', 'rollout', '-g', group, '-n', 'flux', '--version', '1.16.2',
                             '--max-parallel', '3', '--journal', str(journal), '-o', 'json'],
                            env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_writes(admin, count, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(writes(admin).values()) >= count:
            return
        time.sleep(0.2)
    raise AssertionError('the rollout sent no write in time')


def test_killed_mid_wave_a_rerun_converges_without_a_second_operation(many_env, many_admin, tmp_path):
    cli = many_env[1]
    group = clean_group(many_admin, 'kill', clusters=10)
    many_admin.config(op_seconds=1.5)
    process = _rollout_process(cli, group, tmp_path / 'journal.jsonl')
    _wait_for_writes(many_admin, 2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    sent_before = sum(writes(many_admin).values())
    assert 0 < sent_before < 10
    done, rows = az_json(cli, 'k8s-extension', 'rollout', '-g', group, '-n', 'flux', '--version', '1.16.2',
                         '--max-parallel', '3', '--journal', str(tmp_path / 'journal.jsonl'))
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and len(rows) == 10
    assert sorted(writes(many_admin).values()) == [1] * 10


def test_an_emulator_restart_during_a_rollout_loses_and_duplicates_nothing(many_env, many_admin, tmp_path):
    emulator, cli, _ = many_env
    group = clean_group(many_admin, 'restart', clusters=8)
    many_admin.config(op_seconds=1)
    process = _rollout_process(cli, group, tmp_path / 'journal.jsonl')
    _wait_for_writes(many_admin, 2)
    emulator.restart()
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    rows = json.loads(out)
    assert {row['result'] for row in rows} == {'Succeeded'} and len(rows) == 8
    assert sorted(writes(emulator.admin).values()) == [1] * 8
