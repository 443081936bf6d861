"""Companion resources under faults: a re-run makes exactly what a failed step left missing; an answer missing a
field aksext needs, or one that would give an agent that cannot work, is a typed error before anything more is
made, naming what exists; truncated answers show no secret under --debug; Ctrl-C while companions are made exits
130 saying what was sent. Each test works on an Arc cluster of its own, so what it finds is what it made."""
import json
import signal
import subprocess
import time

import pytest

from .helpers import RG, Arm, companion_writes, extension_requests, unique, valid_name

LA_API, STORAGE_API = '2022-10-01', '2023-05-01'
ML = ['--extension-type', 'microsoft.azureml.kubernetes', '-n', 'ml', '--config', 'enableTraining=true']


@pytest.fixture
def arm(emulator):
    return Arm(emulator)


@pytest.fixture
def arc(arm):
    """A fresh Arc cluster in the demo group: (its name, the az flags that name it)."""
    name = unique('arc')
    arm.call('PUT', arm.cluster(name=name), '2024-01-01', {'location': 'eastus'})
    return name, ['-g', RG, '-c', name, '--cluster-type', 'connectedClusters']


def _create(aks, flags, *args, **run):
    return aks.run('k8s-extension', 'create', *flags, *args, '-o', 'json', **run)


def _no_traceback(done):
    assert 'Traceback' not in done.stderr and 'unexpected error' not in done.stderr, done.stderr[-3000:]


def test_relay_and_service_bus_parts_left_missing_by_a_refusal_are_made_by_the_rerun(aks, service, arm, arc):
    name, flags = arc
    bus = valid_name(f'{name}-{arm.sub}-{RG}-service-bus', 50)
    service.fault(method='PUT', path=f'hybridConnections/{name}/authorizationRules/azureml_rw$', count=1,
                  status=403, code='AuthorizationFailed', message='No write access to the rule.')
    service.fault(method='PUT', path=f'{bus}/topics/jobstate-updatedby-computeprovider$', count=1, status=403,
                  code='AuthorizationFailed', message='No write access to the topic.')
    runs = [_create(aks, flags, *ML, 'servicebus.enabled=true') for _ in range(3)]
    assert [run.returncode for run in runs] == [1, 1, 0], [run.stderr[-1500:] for run in runs]
    for run in runs[:2]:
        _no_traceback(run)
        assert 'The extension was not created' in run.stderr and 'Relay namespace' in run.stderr
    assert 'create Relay authorization rule azureml_rw' in runs[0].stderr
    assert 'create Service Bus topic jobstate-updatedby-computeprovider' in runs[1].stderr
    assert 'Found and reused: Relay namespace' in runs[1].stderr  # what exists is named, and reused
    made = [path for method, path in companion_writes(service) if method == 'PUT']
    # Refused once and made by the next run; everything else made once and then reused.
    for part, puts in (('/authorizationRules/azureml_rw', 2), ('/topics/jobstate-updatedby-computeprovider', 2),
                       ('/subscriptions/compute-scheduler-jobstate', 1), (f'/hybridConnections/{name}', 1)):
        assert sum(path.endswith(part) for path in made) == puts, (part, made)
    assert len([r for r in extension_requests(service, 'PUT') if r['status'] < 300]) == 1


def test_answers_missing_what_the_agent_needs_are_refused_naming_what_exists(aks, service, arm, arc):
    _, flags = arc
    # The default workspace exists, so the test knows which of its reads the fault answers.
    arm.call('PUT', arm.default_group, '2024-11-01', {'location': 'eastus'})
    arm.call('PUT', arm.default_workspace, '2015-11-01-preview', {'location': 'eastus', 'properties': {}})
    ci = ['--extension-type', 'microsoft.azuremonitor.containers', '-n', 'azuremonitor-containers']
    service.fault(method='GET', path='/workspaces/DefaultWorkspace-[^/]*$', count=1, skip=1,
                  body=json.dumps({'id': arm.default_workspace, 'location': 'eastus', 'properties': {}}))
    no_customer_id = _create(aks, flags, *ci)
    service.fault(method='POST', path='/sharedKeys$', count=1, body='{}')
    no_key = _create(aks, flags, *ci, '--config', 'amalogs.useAADAuth=false')
    service.fault(method='GET', path='/alertRuleRecommendations$', count=1, body='{"value": []}')
    no_rules = _create(aks, flags, '--extension-type', 'microsoft.azuremonitor.containers.metrics',
                       '-n', 'azuremonitor-metrics')
    for done, missing in ((no_customer_id, 'has no customerId'), (no_key, 'has no primarySharedKey'),
                          (no_rules, 'has no recording rules')):
        assert done.returncode == 1 and missing in done.stderr, done.stderr[-2000:]
        assert 'The extension was not created' in done.stderr
        _no_traceback(done)
    assert 'Created before the failure' in no_rules.stderr and 'data collection rule' in no_rules.stderr
    names = ('/azuremonitor-containers', '/azuremonitor-metrics')
    assert [r for r in extension_requests(service, 'PUT') if r['path'].endswith(names)] == []


def test_a_storage_account_without_a_location_is_refused_before_backup_is_sent(aks, service, arm):
    account = unique('sa').replace('-', '')
    path = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Storage/storageAccounts/{account}'
    arm.call('PUT', path, STORAGE_API, {'location': 'eastus', 'kind': 'StorageV2', 'sku': {'name': 'Standard_LRS'}})
    shown = arm.get(path, STORAGE_API)
    shown.pop('location')
    service.fault(method='GET', path=f'/storageAccounts/{account}$', count=1, body=json.dumps(shown))
    done = aks.run('k8s-extension', 'create', '-n', unique('backup'), '--extension-type',
                   'microsoft.dataprotection.kubernetes', '--cluster-type', 'managedClusters', '-c', 'demo-aks',
                   '-g', RG, '--configuration-settings', 'blobContainer=b', 'storageAccount=' + account,
                   'storageAccountResourceGroup=' + RG, 'storageAccountSubscriptionId=' + arm.sub)
    assert done.returncode == 1 and 'has no location' in done.stderr, done.stderr[-2000:]
    _no_traceback(done)
    assert extension_requests(service, 'PUT') == []


def test_truncated_answers_show_no_key_or_customer_id_under_debug(aks, service, arm, arc):
    _, flags = arc
    arm.call('PUT', arm.default_group, '2024-11-01', {'location': 'eastus'})
    arm.call('PUT', arm.default_workspace, '2015-11-01-preview', {'location': 'eastus', 'properties': {}})
    keys = arm.call('POST', arm.default_workspace + '/sharedKeys', '2020-08-01').json()
    customer_id = arm.get(arm.default_workspace, LA_API)['properties']['customerId']
    key_at = json.dumps(keys).index(keys['primarySharedKey'])
    service.fault(method='POST', path='/sharedKeys$', count=5, truncate=key_at + 12)
    service.fault(method='GET', path='/workspaces/DefaultWorkspace-[^/]*$', count=1, skip=1, truncate=400)
    runs = [_create(aks, flags, '--extension-type', 'microsoft.azuremonitor.containers', '-n',
                    'azuremonitor-containers', '--config', 'amalogs.useAADAuth=false', '--debug') for _ in range(2)]
    shown = ''.join(run.stdout + run.stderr for run in runs)
    assert 'Response content' in shown  # the trace was on
    assert keys['primarySharedKey'][:12] not in shown and customer_id[:8] not in shown
    assert all(run.returncode == 1 for run in runs)


def test_setting_names_with_control_characters_are_refused_through_a_file_too(aks, service, arc, tmp_path):
    _, flags = arc
    # az reads @file itself and drops one byte-order mark: a second one, or a line break, stays in the name.
    (tmp_path / 'bom.txt').write_text('\ufeff\ufeffkey=value', encoding='utf-8')
    (tmp_path / 'newline.txt').write_text('log\nlevel=debug', encoding='utf-8')
    (tmp_path / 'tab.yaml').write_text('"lo\\tg": debug\n')
    results = [_create(aks, flags, '--extension-type', 'microsoft.flux', '-n', unique('f'), *args) for args in (
        ['--configuration-settings', '@' + str(tmp_path / 'bom.txt')],
        ['--configuration-settings', '@' + str(tmp_path / 'newline.txt')],
        ['--config-protected-settings', 'a\tb=secret-value'],
        ['--config-settings-file', str(tmp_path / 'tab.yaml')])]
    for done, named in zip(results, ('\\ufeffkey', 'log\\nlevel', 'a\\tb', 'lo\\tg')):
        assert done.returncode == 1 and named in done.stderr and 'setting name' in done.stderr, done.stderr
        assert 'secret-value' not in done.stderr
    assert extension_requests(service) == []


def test_a_kubernetes_version_given_as_a_number_is_read(aks, service, arm):
    name = unique('num')
    arm.call('PUT', arm.cluster(name=name), '2024-01-01', {'location': 'eastus', 'properties': {
        'kubernetesVersion': 1.28, 'distribution': 'gke'}})
    done = _create(aks, ['-g', RG, '-c', name, '--cluster-type', 'connectedClusters'],
                   '--extension-type', 'microsoft.flux', '-n', 'flux', '--version', '1.16.2')
    assert done.returncode == 1 and 'does not support Kubernetes 1.28' in done.stderr, done.stderr[-2000:]
    _no_traceback(done)
    assert extension_requests(service, 'PUT') == []


def test_ctrl_c_while_companions_are_made_exits_130_saying_what_was_sent(aks, service, arm, arc):
    _, flags = arc
    service.fault(method='PUT', path='/dataCollectionRules/', count=1, latency=30)
    # Interrupted below, then waited for.  pylint: disable-next=consider-using-with
    process = subprocess.Popen([aks.az, 'k8s-extension', 'create', *flags, '--extension-type',
                                'microsoft.azuremonitor.containers', '-n', 'azuremonitor-containers'],
                               env=aks.env, cwd=aks.config_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not [r for r in service.requests() if '/dataCollectionRules/' in r['path']]:
        time.sleep(0.2)  # the rule's read (a 404) comes just before the PUT that is held
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert 'Interrupted. Sent before the interrupt:' in err and '/dataCollectionRules/' in err
    assert 'no answer yet' in err and 'Traceback' not in err
    assert extension_requests(service, 'PUT') == []
