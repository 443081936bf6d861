"""A rollout under hostile conditions, driven by the real az against an emulator of its own: kills and concurrent
runs through real processes, faults through the emulator. Every test counts the writes each cluster got from the
request log: one operation per cluster per change, never more.

Exit codes (README): 0 every cluster converged, 1 refused or failed, 4 started but not confirmed, 130 interrupted."""
import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from arm_emulator.harness.azcli import AzCli
from arm_emulator.harness.control import EmulatorProcess

from .helpers import clean_group, run_batch, unique, writes

GRAPH = '/providers/Microsoft.ResourceGraph/resources'
FLUX = ['-n', 'flux', '--extension-type', 'microsoft.flux']


@pytest.fixture(scope='module')
def fleet(aksext_wheel, tmp_path_factory):
    home = tmp_path_factory.mktemp('hostile')
    with EmulatorProcess(home / 'emulator', op_seconds=0.3) as emulator:
        cli = AzCli(emulator.endpoint, home / 'config', extension_dir=home / 'extensions')
        cli.login()
        cli.add_extension(aksext_wheel)
        yield emulator, cli


@pytest.fixture
def admin(fleet):
    emulator = fleet[0]
    emulator.admin.clear_requests()
    emulator.admin.clear_faults()
    emulator.admin.config(op_seconds=0.3, throttle_scale=1.0, graph_page_size=1000)
    yield emulator.admin
    emulator.admin.clear_faults()


def rollout(cli, group, *args, env=None, timeout=300):
    """`az k8s-extension rollout -g group ...`, its stdout parsed when it is JSON."""
    done = subprocess.run([cli.az, 'k8s-extension', 'rollout', '-g', group, *args, '-o', 'json'],
                          env=dict(cli.env, **(env or {})), capture_output=True, text=True, timeout=timeout,
                          check=False, stdin=subprocess.DEVNULL, cwd=cli.config_dir)
    try:
        rows = json.loads(done.stdout) if done.stdout.strip() else None
    except ValueError:
        rows = None
    return done, rows


def start(cli, group, *args, env=None):
    # The test waits for it, signals it, or kills it.  pylint: disable-next=consider-using-with
    return subprocess.Popen([cli.az, 'k8s-extension', 'rollout', '-g', group, *args, '-o', 'json'],
                            env=dict(cli.env, **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, stdin=subprocess.DEVNULL, cwd=cli.config_dir)


def cluster_ids(admin, group):
    return sorted(r['id'] for r in _graph_clusters(admin, group))


def _graph_clusters(admin, group):
    sub = admin.endpoint['subscription']
    response = admin.session.post(admin.endpoint['arm'] + 'providers/Microsoft.ResourceGraph/resources',
                                  params={'api-version': '2021-03-01'}, verify=admin.verify, timeout=60,
                                  headers={'Authorization': 'Bearer ' + admin.token()},
                                  json={'subscriptions': [sub],
                                        'query': f"Resources | where resourceGroup =~ '{group}'"})
    return response.json()['data']


def journal_records(path):
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip().endswith('}')]


def wait_for(predicate, timeout=60, message='the rollout did not get there in time'):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message)


def clean(done):
    assert 'Traceback' not in done.stderr and 'unexpected error' not in done.stderr, done.stderr[-3000:]


# 1. One path for one cluster and for many -----------------------------------------------------------------------------

def test_a_rollout_makes_what_create_makes_for_each_cluster(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('ci'), clusters=3, arc_share=1.0, extensions_per_cluster=0)
    done, rows = rollout(cli, group, '-n', 'monitoring', '--extension-type', 'microsoft.azuremonitor.containers')
    assert done.returncode == 0, done.stderr
    clean(done)
    assert "using that instead of 'monitoring'" in done.stderr  # the type's fixed name, as create says
    assert [row['result'] for row in rows] == ['Succeeded'] * 3
    puts = [r for r in admin.requests() if r['method'] == 'PUT' and r['status'] < 300]
    extensions = [r for r in puts if r['path'].endswith('/extensions/azuremonitor-containers')]
    assert len(extensions) == 3
    for request in extensions:
        body = request['body']
        assert body['identity'] == {'type': 'SystemAssigned'}  # an Arc cluster's extension gets its own identity
        assert body['properties']['scope'] == {'cluster': {'releaseNamespace': 'azuremonitor-containers'}}
        protected = body['properties']['configurationProtectedSettings']
        assert {'omsagent.secret.wsid', 'amalogs.secret.wsid'} <= set(protected)
        assert 'logAnalyticsWorkspaceResourceID' in body['properties']['configurationSettings']
    rules = [r for r in puts if '/dataCollectionRules/' in r['path']]
    associations = [r for r in puts if '/dataCollectionRuleAssociations/' in r['path']]
    workspace = f"/workspaces/defaultworkspace-{admin.endpoint['subscription']}-eus"
    workspaces = [r for r in puts if r['path'].lower().endswith(workspace)]
    assert len(rules) == 3 and len(associations) == 3 and len(workspaces) <= 1


def test_the_plan_refuses_what_create_would_refuse_and_a_run_sends_nothing_for_it(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('rules'), clusters=3, arc_share=0.0, extensions_per_cluster=0)
    old = f"/subscriptions/{admin.endpoint['subscription']}/resourceGroups/{group}/providers/" \
          f"Microsoft.ContainerService/managedClusters/{unique('old')}"
    admin.put(old, {'location': 'eastus', 'properties': {'kubernetesVersion': '1.28.5',
                                                         'currentKubernetesVersion': '1.28.5'}}, '2025-03-01')
    results = run_batch(cli, [
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '--scope', 'namespace', '--target-namespace', 'apps',
         '--dry-run', '-o', 'json'],
        ['k8s-extension', 'rollout', '-g', group, '-n', 'ml', '--extension-type', 'microsoft.azureml.kubernetes',
         '--dry-run', '-o', 'json'],
        ['k8s-extension', 'rollout', '--clusters', old, *FLUX, '--version', '1.16.2', '--dry-run', '-o', 'json'],
        ['k8s-extension', 'rollout', '--clusters', old, *FLUX, '--version', '1.16.2', '-o', 'json'],
    ])
    for result in results[:3]:
        assert result['exit_code'] == 0, result
    scoped, ml, excluded, sent = (json.loads(result['stdout']) for result in results)
    assert {row['action'] for row in scoped} == {'blocked'}
    assert all('cluster scope only' in row['reason'] for row in scoped)
    assert all(row['action'] == 'blocked' and 'enableTraining=true' in row['reason'] for row in ml)
    assert excluded[0]['action'] == 'blocked' and 'does not support Kubernetes 1.28.5' in excluded[0]['reason']
    assert results[3]['exit_code'] == 1 and sent[0]['result'] == 'Blocked'
    assert not writes(admin)


# 2. Exactly one operation per cluster per change ----------------------------------------------------------------------

def test_a_slow_write_then_sigkill_then_a_rerun_sends_one_operation_per_cluster(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('slow'), clusters=4, extensions_per_cluster=0)
    slow = cluster_ids(admin, group)[0]
    admin.fault(method='PUT', path=slow.split('/')[-1] + '/providers/Microsoft.KubernetesConfiguration/'
                'extensions/flux$', count=1, latency=6)
    journal = tmp_path / 'journal.jsonl'
    env = {'AKSEXT_READ_TIMEOUT': '30'}
    process = start(cli, group, *FLUX, '--canary', '0', '--max-parallel', '4', '--journal', journal, env=env)
    wait_for(lambda: any(r.get('status') == 'submitting' and r['cluster'] == slow
                         for r in journal_records(journal)))
    lands_by = time.time() + 7  # the slow PUT reaches the resource provider 6 s after it was sent
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done, rows = rollout(cli, group, *FLUX, '--canary', '0', '--max-parallel', '4', '--journal', journal, env=env)
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'}
    time.sleep(max(0.0, lands_by - time.time()))
    assert sorted(writes(admin).values()) == [1] * 4  # the slow write landed late and was followed, not sent again


def test_two_rollouts_on_one_journal_the_second_refuses_naming_the_first(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('twice'), clusters=4, extensions_per_cluster=0)
    admin.config(op_seconds=3)
    journal = tmp_path / 'journal.jsonl'
    first = start(cli, group, *FLUX, '--max-parallel', '4', '--journal', journal)
    wait_for(lambda: any(r.get('record') == 'run' for r in journal_records(journal)))
    second, _ = rollout(cli, group, *FLUX, '--max-parallel', '4', '--journal', journal)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert 'is in use by process' in second.stderr and str(first.pid) in second.stderr
    clean(second)
    assert sorted(writes(admin).values()) == [1] * 4
    assert {row['result'] for row in json.loads(out)} == {'Succeeded'}


def test_lost_answers_conflicts_and_server_errors_are_read_again_before_any_second_write(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('lost'), clusters=6, extensions_per_cluster=1)
    ids = cluster_ids(admin, group)
    flux = '/providers/Microsoft.KubernetesConfiguration/extensions/flux$'
    name = [cluster.split('/')[-1] for cluster in ids]
    admin.fault(method='PATCH', path=name[0] + flux, count=1, drop=True, after=True)  # landed, answer lost
    admin.fault(method='PATCH', path=name[1] + flux, count=1, status=502)
    admin.fault(method='PATCH', path=name[2] + flux, count=2, status=409, code='Conflict',
                message='An operation is in progress on the extension.')
    admin.fault(method='PATCH', path=name[3] + flux, count=1, drop=True)  # never reached the service
    admin.fault(method='PATCH', path=name[4] + flux, count=1, latency=3, after=True)  # landed, answer late
    # Landed, then a gateway answered 409: read again, it is this change's own operation, not another's.
    admin.fault(method='PATCH', path=name[5] + flux, count=1, status=409, code='Conflict', after=True)
    done, rows = rollout(cli, group, '-n', 'flux', '--configuration-settings', 'logLevel=debug',
                         '--max-parallel', '6', env={'AKSEXT_READ_TIMEOUT': '1'})
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded', 'Unchanged'}
    assert sorted(writes(admin).values()) == [1] * 6
    dropped = [r for r in admin.requests() if r.get('fault') == 'answer dropped']
    assert len(dropped) == 1 and dropped[0]['status'] < 300


# 3. A journal belongs to one change -----------------------------------------------------------------------------------

def test_a_journal_of_another_change_is_refused_and_an_extension_deleted_since_is_created_again(
        fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('owned'), clusters=3, extensions_per_cluster=0)
    journal = ['--journal', str(tmp_path / 'journal.jsonl')]
    done, _ = rollout(cli, group, *FLUX, '--version', '1.16.2', *journal)
    assert done.returncode == 0, done.stderr
    admin.clear_requests()
    other_version, _ = rollout(cli, group, *FLUX, '--version', '1.15.1', *journal)
    other_type, _ = rollout(cli, group, '-n', 'dapr', '--extension-type', 'microsoft.dapr', *journal)
    for refused, named in ((other_version, 'version 1.15.1'), (other_type, 'microsoft.dapr')):
        assert refused.returncode == 1 and 'belongs to another change' in refused.stderr, refused.stderr
        assert named in refused.stderr and 'version 1.16.2' in refused.stderr
        clean(refused)
    assert not writes(admin) and not [r for r in admin.requests() if '/extensions/' in r['path']]
    gone = cluster_ids(admin, group)[0] + '/providers/Microsoft.KubernetesConfiguration/extensions/flux'
    response = admin.session.delete(admin.endpoint['arm'].rstrip('/') + gone, verify=admin.verify, timeout=60,
                                    params={'api-version': '2025-03-01', 'forceDelete': 'true'},
                                    headers={'Authorization': 'Bearer ' + admin.token()})
    assert response.status_code == 200
    done, rows = rollout(cli, group, *FLUX, '--version', '1.16.2', *journal)
    assert done.returncode == 0, done.stderr
    assert writes(admin) == {gone.lower(): 1}  # the others were done and are still as the journal says
    assert sorted(row['result'] for row in rows) == ['Succeeded'] * 3


# 4. A read error is not a failure of the change -----------------------------------------------------------------------

def test_status_reads_that_fail_in_every_way_are_read_again_until_the_operation_ends(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('reads'), clusters=2, extensions_per_cluster=0)
    flux = '/providers/Microsoft.KubernetesConfiguration/extensions/flux$'
    for cluster in cluster_ids(admin, group):
        path = cluster.split('/')[-1] + flux
        for status in (401, 403, 404, 400, 502):  # skip: the read before the write gets through
            admin.fault(method='GET', path=path, count=1, status=status, skip=1)
        admin.fault(method='GET', path=path, count=1, status=200, body='<html>proxy</html>', skip=1)
        admin.fault(method='GET', path=path, count=1, drop=True, skip=1)
    done, rows = rollout(cli, group, *FLUX, '--max-parallel', '2')
    assert done.returncode == 0, done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and sorted(writes(admin).values()) == [1, 1]
    statuses = {r['status'] for r in admin.requests() if r['method'] == 'GET'}
    assert {401, 403, 400, 502, 444} <= statuses


def test_a_timeout_is_exit_4_and_a_rerun_follows_the_operation_without_a_second_write(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('late'), clusters=2, extensions_per_cluster=0)
    admin.config(op_seconds=6)
    journal = ['--journal', str(tmp_path / 'journal.jsonl')]
    done, rows = rollout(cli, group, *FLUX, '--timeout', '1', *journal)
    assert done.returncode == 4, done.stderr
    assert {row['result'] for row in rows} == {'NotConfirmed'} and 'started but not confirmed' in done.stderr
    assert all('wait --ids' in row['error'] for row in rows)
    again, rows = rollout(cli, group, *FLUX, *journal)
    assert again.returncode == 0, again.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and sorted(writes(admin).values()) == [1, 1]


# 5. Targets are exactly what was asked --------------------------------------------------------------------------------

def test_targets_are_exactly_what_was_asked_or_an_error_naming_each_bad_entry(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('exact'), clusters=2, arc_share=0.5, extensions_per_cluster=0)
    ids = cluster_ids(admin, group)
    arc = next(value for value in ids if 'connectedClusters' in value)
    sub = admin.endpoint['subscription']
    missing = f'/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/gone'
    storage = f'/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts/files'
    (tmp_path / 'empty.txt').write_text('')
    (tmp_path / 'bad.txt').write_bytes(f'{ids[0]}\nnot-an-id\n{ids[1]}\x00tail\n'.encode())
    admin.clear_requests()
    results = run_batch(cli, [
        ['k8s-extension', 'rollout', *FLUX, '--clusters', ''],
        ['k8s-extension', 'rollout', *FLUX, '--clusters', '@' + str(tmp_path / 'empty.txt')],
        ['k8s-extension', 'rollout', *FLUX, '--clusters', '@' + str(tmp_path / 'bad.txt')],
        ['k8s-extension', 'rollout', *FLUX, '--clusters', storage, ids[0]],
        ['aks', 'extension', 'rollout', '-n', 'flux', '-t', 'microsoft.flux', '--clusters', *ids],
        ['k8s-extension', 'rollout', *FLUX, '-g', group, '--tags', 'env=prod', 'env=dev'],
        ['k8s-extension', 'rollout', *FLUX, '--clusters', ids[0], missing],
    ])
    assert all(result['exit_code'] == 1 and result['error_type'] for result in results), results
    messages = [result['error_message'] for result in results]
    assert 'names no cluster' in messages[0] and 'names no cluster' in messages[1]
    assert "'not-an-id'" in messages[2] and '\\x00' in messages[2] and '2 entries' in messages[2]
    assert 'Microsoft.Storage/storageAccounts, not of a cluster' in messages[3]
    assert f"'{arc}' is a connectedClusters cluster" in messages[4] and 'AKS clusters only' in messages[4]
    assert "'env' twice" in messages[5]
    assert missing in messages[6] and ids[0] not in messages[6]
    assert not writes(admin)
    graph = [r for r in admin.requests() if r['path'] == GRAPH]
    assert len(graph) == 1  # only the last one needed Resource Graph to find that its cluster does not exist


# 6. Every wait is bounded ---------------------------------------------------------------------------------------------

def test_absurd_waits_and_widths_are_refused_or_clamped(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('bound'), clusters=3, extensions_per_cluster=0)
    results = run_batch(cli, [
        ['k8s-extension', 'rollout', *FLUX, '-g', group, '--max-parallel', '100000000'],
        ['k8s-extension', 'rollout', *FLUX, '-g', group, '--max-parallel', '250%'],
        ['k8s-extension', 'rollout', *FLUX, '-g', group, '--canary', '99999999'],
        ['k8s-extension', 'rollout', *FLUX, '-g', group, '--timeout', 'inf'],
    ])
    for result, flag in zip(results, ('--max-parallel', '--max-parallel', '--canary', '--timeout')):
        assert result['exit_code'] == 1 and flag in result['error_message'], result
    flux = '/providers/Microsoft.KubernetesConfiguration/extensions/flux$'
    for cluster, value in zip(cluster_ids(admin, group), ('nan', '-5', 'soon')):
        admin.fault(method='PUT', path=cluster.split('/')[-1] + flux, count=1, status=429, retry_after=value)
    admin.fault(method='POST', path='ResourceGraph', count=5, headers={
        'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': 'inf'})
    admin.config(graph_page_size=1)
    done, rows = rollout(cli, group, *FLUX, '--max-parallel', '3', '--verbose')
    assert done.returncode == 0, done.stderr
    assert "Ignored x-ms-user-quota-resets-after 'inf'" in done.stderr and "Ignored Retry-After 'nan'" in done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and sorted(writes(admin).values()) == [1] * 3


def test_a_status_read_never_answered_times_out_as_aksext_read_timeout_says(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('hung'), clusters=1, extensions_per_cluster=0)
    admin.fault(method='GET', path='/extensions/flux$', count=1, latency=3600, skip=1)
    done, rows = rollout(cli, group, *FLUX, env={'AKSEXT_READ_TIMEOUT': '2'}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert rows[0]['result'] == 'Succeeded'


def test_resource_graph_pages_that_repeat_stop_with_an_error(fleet, admin):
    cli = fleet[1]
    admin.fault(method='POST', path='ResourceGraph', count=5, status=200,
                body='{"totalRecords": 9, "count": 0, "data": [], "$skipToken": "again"}')
    done, _ = rollout(cli, 'any-group', *FLUX, '--dry-run')
    assert done.returncode == 1 and 'already returned' in done.stderr
    clean(done)


def test_ctrl_c_ends_a_rollout_with_130_and_says_what_was_sent(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('sigint'), clusters=3, extensions_per_cluster=0)
    admin.config(op_seconds=30)
    journal = tmp_path / 'journal.jsonl'
    process = start(cli, group, *FLUX, '--canary', '0', '--max-parallel', '3', '--journal', journal)
    wait_for(lambda: len([r for r in journal_records(journal) if r.get('status') == 'submitted']) == 3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)  # a bound on hanging: it ends at once, waiting for no worker
    assert process.returncode == 130, err
    assert 'Interrupted. Sent 3 write(s) before the interrupt: 3 accepted' in err
    assert {row['result'] for row in json.loads(out)} == {'Interrupted'}
    assert 'Traceback' not in err


# 7. Journals are hostile input too ------------------------------------------------------------------------------------

def test_journals_that_are_not_journals_are_refused_before_any_write(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('jrnl'), clusters=1, extensions_per_cluster=0)
    (tmp_path / 'random').write_bytes(os.urandom(200))
    (tmp_path / 'types.jsonl').write_text('{"record": "header", "kind": "aksext-rollout-journal", "format": "one"}\n')
    (tmp_path / 'utf16.jsonl').write_text('{"record": "header"}\n', encoding='utf-16')
    os.mkfifo(tmp_path / 'fifo')
    (tmp_path / 'loop').symlink_to(tmp_path / 'loop')
    journals = [tmp_path / 'random', tmp_path / 'types.jsonl', tmp_path / 'utf16.jsonl', tmp_path, tmp_path / 'fifo',
                '/dev/full', '/proc/self/status', '/sys/kernel/mm/transparent_hugepage/enabled', tmp_path / 'loop']
    results = run_batch(cli, [['k8s-extension', 'rollout', '-g', group, *FLUX, '--journal', str(path)]
                              for path in journals])
    for path, result in zip(journals, results):
        assert result['exit_code'] == 1 and result['error_type'] == 'JournalError', (path, result)
        assert str(path) in result['error_message'] and 'Traceback' not in result['stderr']
    assert not writes(admin)


def test_a_disk_that_fills_mid_run_prints_the_rows_and_names_the_journal(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('full'), clusters=6, extensions_per_cluster=0)
    journal = tmp_path / 'journal.jsonl'

    def small_files():  # every file this az writes may hold 2.5 KB: the journal fills after a few records
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2500, 2500))
    done = subprocess.run([cli.az, 'k8s-extension', 'rollout', '-g', group, *FLUX, '--canary', '0', '--max-parallel',
                           '1', '--journal', str(journal), '-o', 'json'], env=cli.env, capture_output=True, text=True,
                          timeout=300, check=False, preexec_fn=small_files, stdin=subprocess.DEVNULL,
                          cwd=cli.config_dir)
    assert done.returncode == 1, done.stderr
    clean(done)
    assert f"Could not write to the rollout journal '{journal}'" in done.stderr and 'not started' in done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 6 and 'NotStarted' in {row['result'] for row in rows}
    submitting = {r['cluster'].lower() for r in journal_records(journal) if r.get('status') == 'submitting'}
    sent = {path.split('/providers/microsoft.kubernetesconfiguration')[0] for path in writes(admin)}
    assert sent and sent <= submitting  # nothing was sent that the journal does not know of


# 8. Resource Graph answers are checked --------------------------------------------------------------------------------

def test_resource_graph_answers_that_are_not_rows_are_errors_and_throttling_is_ridden_out(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('graph'), clusters=2, extensions_per_cluster=0)
    for body, count in (('{"data": [{"name": "no-id"}]}', 1), ('{"data": [{"id": "/subscriptions/x"}]}', 1),
                        ('{"data": [1, "two"]}', 1), ('', 3), ('{"data": "rows"}', 1), ('{"data": [{"x": 1}]}', 1)):
        admin.fault(method='POST', path='ResourceGraph', count=count, status=200, body=body)
    results = run_batch(cli, [['k8s-extension', 'rollout', '-g', group, *FLUX, '--dry-run']] * 5 +
                        [['k8s-extension', 'list', '-g', group]])
    for result, expected in zip(results, ('has no id', "id '/subscriptions/x'", 'is int, not an object',
                                          'could not be read', 'not a list of rows', 'has no id')):
        assert result['exit_code'] == 1 and expected in result['error_message'], result
        assert 'Traceback' not in result['stderr']
    admin.fault(method='POST', path='ResourceGraph', count=6, status=429, retry_after=1)
    admin.fault(method='POST', path='ResourceGraph', count=2, drop=True)
    done, rows = rollout(cli, group, *FLUX, '--dry-run')
    assert done.returncode == 0, done.stderr
    assert len(rows) == 2 and not writes(admin)


# 10, 11, 14. Secrets, streams and output ------------------------------------------------------------------------------

def test_a_service_error_that_echoes_a_secret_is_masked_in_rows_journal_and_logs(fleet, admin, tmp_path):
    cli = fleet[1]
    group = clean_group(admin, unique('echo'), clusters=1, extensions_per_cluster=0)
    secret, pem = 'Hush-Value-77123', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'
    admin.fail_next_operation(name='flux', code='HelmFailed', message=(
        f"value '{secret}' rejected; key {pem}-----END PRIVATE KEY----- conn "
        'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=Zm9vYmFyYmF6cXV4'))
    journal = tmp_path / 'journal.jsonl'
    done, rows = rollout(cli, group, *FLUX, '--config-protected-settings', f'token={secret}', '--journal', journal,
                         '--debug')
    assert done.returncode == 1 and rows[0]['result'] == 'Failed'
    assert 'rejected' in rows[0]['error'] and '***' in rows[0]['error']
    logs = ''.join(path.read_text(errors='replace') for path in Path(cli.config_dir).rglob('*.log'))
    for where in (done.stdout, done.stderr, journal.read_text(encoding='utf-8'), logs):
        assert 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' not in where and 'Zm9vYmFyYmF6cXV4' not in where
    assert secret not in done.stdout + journal.read_text(encoding='utf-8') + logs
    # az's own line of the command's arguments, before aksext runs, is the one place an inline value shows
    assert all('Command arguments' in line for line in done.stderr.splitlines() if secret in line)


@pytest.mark.parametrize('redirect', ['>/dev/full', '| head -1', '2>&-'])
def test_a_rollout_writing_to_a_broken_stream_ends_cleanly(fleet, admin, redirect):
    cli = fleet[1]
    group = clean_group(admin, unique('stream'), clusters=2, extensions_per_cluster=0)
    line = f"{cli.az} k8s-extension rollout -g {group} -n flux --extension-type microsoft.flux -o json {redirect}"
    done = subprocess.run(['bash', '-o', 'pipefail', '-c', line], env=cli.env, capture_output=True, text=True,
                          timeout=300, check=False, stdin=subprocess.DEVNULL, cwd=cli.config_dir)
    assert 'Traceback' not in done.stderr and 'Exception ignored' not in done.stderr, done.stderr
    if redirect == '2>&-':
        assert done.returncode == 0 and json.loads(done.stdout)[0]['result'] == 'Succeeded'
    elif redirect == '>/dev/full':
        assert done.returncode == 1 and 'Could not write the result to standard output' in done.stderr
    else:
        assert done.stdout == '[\n'
    assert sorted(writes(admin).values()) == [1, 1]


def test_rollout_rows_honour_query_and_output_like_every_az_command(fleet, admin):
    cli = fleet[1]
    group = clean_group(admin, unique('query'), clusters=2, extensions_per_cluster=0)
    results = run_batch(cli, [
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '--dry-run', '--query', '[].action', '-o', 'tsv'],
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '--query', "[?result=='Succeeded'].cluster", '-o', 'json'],
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '-o', 'yaml'],
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '-o', 'none'],
        ['k8s-extension', 'rollout', '-g', group, *FLUX, '--version', '9.9.9', '--query', 'length(@)', '-o', 'tsv'],
    ])
    assert results[0]['stdout'].split() == ['create', 'create']
    assert sorted(json.loads(results[1]['stdout'])) == sorted(name.split('/')[-1]
                                                              for name in cluster_ids(admin, group))
    assert 'result: Succeeded' in results[2]['stdout'] and 'cluster:' in results[2]['stdout']
    assert results[3]['stdout'] == '' and results[3]['exit_code'] == 0
    assert results[4]['exit_code'] == 1 and results[4]['stdout'].strip() == '2'
    # A warning the same for every cluster is said once.
    done, _ = rollout(cli, group, *FLUX, '--config-protected-settings', 'token=abcdefgh')
    assert done.returncode == 0 and done.stderr.count('Protected settings are replaced') == 1, done.stderr
