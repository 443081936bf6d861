"""Create, list, show, update, wait and delete through the real az command line against the emulator, checking
what reached the service and what the user saw."""
import json
import subprocess

import pytest

from .helpers import AKS_CLUSTER, API_VERSION, ARC_CLUSTER, RG, aks_ext, extension_requests, k8s, redacted, unique


def test_create_with_settings_files_waits_for_succeeded(aks, service, tmp_path):
    name = unique('flux')
    settings = tmp_path / 'settings.yaml'
    settings.write_text('helm-controller:\n  enabled: true\nlogLevel: info\n')
    secrets = tmp_path / 'secrets.json'
    secrets.write_text(json.dumps({'sshKey': 'k3y-value-1'}))
    result = aks.json(*k8s('create', name), '--extension-type', 'microsoft.flux',
                      '--config-settings-file', str(settings), '--config-protected-file', str(secrets))
    assert result['provisioningState'] == 'Succeeded'
    assert result['name'] == name and result['extensionType'] == 'microsoft.flux'
    assert result['configurationSettings'] == {'helm-controller.enabled': 'true', 'logLevel': 'info'}
    assert result['resourceGroup'] == RG

    puts = extension_requests(service, 'PUT')
    assert len(puts) == 1
    assert puts[0]['path'].endswith(f'/managedClusters/{AKS_CLUSTER}/providers/Microsoft.KubernetesConfiguration/'
                                    f'extensions/{name}')
    assert puts[0]['query']['api-version'] == API_VERSION
    assert puts[0]['body'] == {'properties': {
        'extensionType': 'microsoft.flux',
        'scope': {'cluster': {'releaseNamespace': 'flux-system'}},
        'configurationSettings': {'helm-controller.enabled': 'true', 'logLevel': 'info'},
        'configurationProtectedSettings': {'sshKey': redacted('k3y-value-1')}}}


def test_list_show_and_table(aks, service):
    name = unique('dapr')
    aks.json(*k8s('create', name), '--extension-type', 'microsoft.dapr', '--version', '1.6.0',
             '--release-train', 'stable', '--auto-upgrade', 'false', '--configuration-settings',
             'skipExistingDaprCheck=true')
    listed = aks.json(*k8s('list'))
    assert name in [item['name'] for item in listed]
    shown = aks.json(*k8s('show', name))
    assert (shown['releaseTrain'], shown['version'], shown['extensionType']) == ('stable', '1.6.0', 'microsoft.dapr')
    assert shown['autoUpgradeMinorVersion'] is False
    table = aks.run(*k8s('show', name), '-o', 'table')
    assert table.returncode == 0
    header, _, row = table.stdout.splitlines()[:3]
    assert header.split() == ['Name', 'ExtensionType', 'Version', 'AutoUpgrade', 'ReleaseTrain', 'ProvisioningState']
    assert row.split() == [name, 'microsoft.dapr', '1.6.0', 'False', 'stable', 'Succeeded']
    listing = aks.run(*k8s('list'), '-o', 'table')
    assert any(line.split()[:1] == [name] for line in listing.stdout.splitlines())


def test_version_alone_pins_and_turns_auto_upgrade_off(aks, service):
    name = unique('pin')
    done = aks.run(*aks_ext('create', name), '-t', 'microsoft.dapr', '--version', '1.6.0', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert 'auto-upgrade is turned off' in done.stderr
    body = extension_requests(service, 'PUT')[0]['body']
    assert body['properties']['version'] == '1.6.0'
    assert body['properties']['autoUpgradeMinorVersion'] is False


def test_update_sends_only_the_given_fields(aks, service):
    name = unique('upd')
    aks.json(*aks_ext('create', name), '-t', 'microsoft.flux', '--config', 'a=1')
    service.clear_requests()
    done = aks.run(*aks_ext('update', name), '--configuration-settings', 'b=2', '--config-protected', 'p=q', '-o',
                   'json')
    assert done.returncode == 0, done.stderr
    assert 'replaced as a whole' in done.stderr
    patches = extension_requests(service, 'PATCH')
    assert len(patches) == 1 and patches[0]['query']['api-version'] == API_VERSION
    assert patches[0]['body'] == {'properties': {'configurationSettings': {'b': '2'},
                                                 'configurationProtectedSettings': {'p': redacted('q')}}}
    assert json.loads(done.stdout)['provisioningState'] == 'Succeeded'


def test_delete_waits_until_gone_then_second_delete_warns(aks, service):
    name = unique('del')
    aks.json(*k8s('create', name, ARC_CLUSTER, 'connectedClusters'), '--extension-type', 'microsoft.flux')
    done = aks.run(*k8s('delete', name, ARC_CLUSTER, 'connectedClusters'), '--yes')
    assert done.returncode == 0, done.stderr
    assert done.stdout == ''
    deletes = extension_requests(service, 'DELETE')
    assert len(deletes) == 1 and 'forceDelete' not in deletes[0]['query']
    gone = aks.run(*k8s('show', name, ARC_CLUSTER, 'connectedClusters'))
    assert gone.returncode != 0 and f"Extension '{name}' was not found" in gone.stderr
    again = aks.run(*k8s('delete', name, ARC_CLUSTER, 'connectedClusters'), '-y')
    assert again.returncode == 0
    assert 'Nothing to delete' in again.stderr
    assert len(extension_requests(service, 'DELETE')) == 1


def test_force_delete_sends_force_delete(aks, service):
    name = unique('force')
    aks.json(*aks_ext('create', name), '-t', 'microsoft.flux')
    done = aks.run(*aks_ext('delete', name), '--force', '--yes')
    assert done.returncode == 0, done.stderr
    deletes = extension_requests(service, 'DELETE')
    assert [d['query'].get('forceDelete') for d in deletes] == ['true']


def test_delete_without_terminal_or_yes_fails_before_deleting(aks, service):
    name = unique('tty')
    aks.json(*aks_ext('create', name), '-t', 'microsoft.flux')
    service.clear_requests()
    done = aks.run(*aks_ext('delete', name))
    assert done.returncode != 0
    assert '--yes' in done.stderr and 'Traceback' not in done.stderr
    # The extension is read first (the question is only for one that exists); nothing is deleted.
    assert [r['method'] for r in service.requests()] == ['GET']


def test_disable_confirm_prompt_setting_skips_the_question(aks, service):
    name = unique('cfg')
    aks.json(*aks_ext('create', name), '-t', 'microsoft.flux')
    env = dict(aks.env, AZURE_CORE_DISABLE_CONFIRM_PROMPT='true')
    done = subprocess.run([aks.az] + aks_ext('delete', name), env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(extension_requests(service, 'DELETE')) == 1


def test_no_wait_returns_then_wait_created(aks, service):
    name = unique('nowait')
    # Long enough that the show below still sees the operation running on a busy machine.
    service.config(op_seconds=6)
    try:
        done = aks.run(*k8s('create', name, ARC_CLUSTER, 'connectedClusters'), '--extension-type', 'microsoft.dapr',
                       '--no-wait')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ''
    polls = [r for r in service.requests() if '/operations/' in r['path']]
    assert polls == []
    assert aks.json(*k8s('show', name, ARC_CLUSTER, 'connectedClusters'))['provisioningState'] == 'Creating'
    waited = aks.run(*k8s('wait', name, ARC_CLUSTER, 'connectedClusters'), '--created')
    assert waited.returncode == 0, waited.stderr
    assert aks.json(*k8s('show', name, ARC_CLUSTER, 'connectedClusters'))['provisioningState'] == 'Succeeded'


def test_wait_timeout_is_an_error(aks, service):
    name = unique('slow')
    service.config(op_seconds=30)
    try:
        aks.run(*aks_ext('create', name), '-t', 'microsoft.flux', '--no-wait')
        done = aks.run(*aks_ext('wait', name), '--updated', '--timeout', '2')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode != 0
    assert 'Timed out after 2' in done.stderr and '--timeout' in done.stderr


def test_failed_operation_exits_non_zero_with_the_service_reason(aks, service):
    name = unique('fail')
    service.fail_next_operation(name=name, code='InstallationFailed', message='helm install failed: quota')
    done = aks.run(*aks_ext('create', name), '-t', 'microsoft.flux')
    assert done.returncode != 0
    assert 'helm install failed: quota' in done.stderr
    assert f'az aks extension show -g {RG} -c {AKS_CLUSTER} -n {name}' in done.stderr
    assert 'invalid status' not in done.stderr and 'Traceback' not in done.stderr


def test_ids_work_for_show_and_delete(aks, service):
    name = unique('ids')
    created = aks.json(*aks_ext('create', name), '-t', 'microsoft.flux')
    shown = aks.json('k8s-extension', 'show', '--ids', created['id'])
    assert shown['name'] == name
    done = aks.run('aks', 'extension', 'delete', '--ids', created['id'], '--yes')
    assert done.returncode == 0, done.stderr
    assert len(extension_requests(service, 'DELETE')) == 1


@pytest.mark.parametrize('args,expected', [
    (k8s('show', 'nope'), "Extension 'nope' was not found on managedClusters cluster 'demo-aks'"),
    (['k8s-extension', 'show', '-g', RG, '-c', 'no-such-cluster', '--cluster-type', 'connectedClusters', '-n', 'x'],
     "Cluster not found: there is no connectedClusters cluster 'no-such-cluster'"),
    (['aks', 'extension', 'show', '-g', 'no-such-rg', '-c', AKS_CLUSTER, '-n', 'x'],
     "Resource group 'no-such-rg' was not found"),
])
def test_not_found_says_what_is_missing(aks, service, args, expected):
    done = aks.run(*args)
    assert done.returncode != 0
    assert expected in done.stderr
    if args[0] == 'k8s-extension':
        assert '--cluster-type' in done.stderr


def test_deprecated_spelling_still_works_and_says_so(aks, service):
    name = unique('old')
    done = aks.run(*k8s('create', name), '--extension-type', 'microsoft.flux', '--config-settings', 'a=b',
                   '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert "'--config-settings' has been deprecated" in done.stderr
    assert json.loads(done.stdout)['configurationSettings'] == {'a': 'b'}


def test_update_checks_a_version_against_the_extensions_own_train(aks, service):
    name = unique('train')
    aks.json(*k8s('create', name, ARC_CLUSTER, 'connectedClusters'), '--extension-type', 'microsoft.flux',
             '--release-train', 'preview')
    done = aks.run(*k8s('update', name, ARC_CLUSTER, 'connectedClusters'), '--version', '1.17.0-preview.2',
                   '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)['version'] == '1.17.0-preview.2'


def test_aks_group_refuses_an_id_of_another_cluster_kind(aks, service):
    name = unique('arcid')
    created = aks.json(*k8s('create', name, ARC_CLUSTER, 'connectedClusters'), '--extension-type', 'microsoft.flux')
    done = aks.run('aks', 'extension', 'delete', '--ids', created['id'], '--yes')
    assert done.returncode != 0
    assert 'az k8s-extension delete' in done.stderr
    assert extension_requests(service, 'DELETE') == []


@pytest.mark.parametrize('args,expected', [
    (['aks', 'extension', 'wait', '-g', RG, '-c', 'no-such-cluster', '-n', 'x', '--deleted'], 'Cluster not found'),
    (['aks', 'extension', 'create', '-g', 'no-such-rg', '-c', AKS_CLUSTER, '-n', 'x', '-t', 'microsoft.flux'],
     "Resource group 'no-such-rg' was not found"),
])
def test_a_wrong_group_or_cluster_is_an_error_not_success(aks, service, args, expected):
    done = aks.run(*args)
    assert done.returncode == 3, done.stderr
    assert expected in done.stderr


@pytest.mark.parametrize('args,expected', [
    (['-g', 'no-such-rg', '-c', AKS_CLUSTER], "resource group 'no-such-rg'"),
    (['-g', RG, '-c', 'no-such-cluster'], "cluster 'no-such-cluster'"),
])
def test_delete_on_a_wrong_group_or_cluster_is_nothing_to_delete(aks, service, args, expected):
    # As the official tool: what is not there is not an error for delete.
    done = aks.run('aks', 'extension', 'delete', *args, '-n', 'x', '--yes')
    assert done.returncode == 0, done.stderr
    assert 'Nothing to delete' in done.stderr and expected in done.stderr


@pytest.mark.parametrize('args,fragment', [
    (['--created', '--custom', 'x'], 'exactly one condition'),
    (['--custom', 'provisioningState==['], '--custom'),
    (['--created', '--timeout', 'nan'], '--timeout'),
])
def test_wait_flags_are_checked_before_sending(aks, service, args, fragment):
    done = aks.run(*aks_ext('wait', 'x'), *args)
    assert done.returncode in (1, 2) and fragment in done.stderr
    assert service.requests() == []


@pytest.mark.parametrize('ids', [
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-rg/providers/'
    'Microsoft.ContainerService/managedClusters/demo-aks/agentPools/flux',
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-rg/providers/'
    'Microsoft.Storage/storageAccounts/sa/blobServices/default',
])
def test_ids_of_other_resources_are_refused(aks, service, ids):
    done = aks.run('k8s-extension', 'show', '--ids', ids)
    assert done.returncode in (1, 2) and 'is not the ID of a cluster extension' in done.stderr
    assert service.requests() == []


def test_a_name_with_a_trailing_newline_is_refused(aks, service):
    done = aks.run(*aks_ext('create', 'nl\n'), '-t', 'microsoft.flux')
    assert done.returncode == 1 and '--name/-n' in done.stderr
    assert service.requests() == []
