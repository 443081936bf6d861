"""Scripts written for the official k8s-extension 1.6.4 and aks-preview's `az aks extension` get the same result
with aksext: exit code, output keys and what reaches the service, read from the emulator's request log."""
import json
import subprocess

import pytest

from .helpers import API_VERSION, RG, extension_requests, unique

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
AKS = ['-g', RG, '-c', 'demo-aks', '--cluster-type', 'managedClusters']
KC = 'Microsoft.KubernetesConfiguration'
RESOURCES_API = '2024-11-01'  # az's resource client (providers, generic resources) in this azure-cli
# Both command groups: (command, cluster arguments, extension type flag).
GROUPS = {'k8s': (['k8s-extension'], ARC, '--extension-type'),
          'aks': (['aks', 'extension'], ['-g', RG, '-c', 'demo-aks'], '-t')}

# Every key 1.6.4 prints for an extension (its SDK model, flattened), and those 1.9.x adds with api-version
# 2025-03-01; null where the service sends nothing.
OFFICIAL_KEYS = {'id', 'name', 'type', 'systemData', 'identity', 'plan', 'extensionType', 'autoUpgradeMinorVersion',
                 'releaseTrain', 'version', 'scope', 'configurationSettings', 'configurationProtectedSettings',
                 'currentVersion', 'provisioningState', 'statuses', 'errorInfo', 'customLocationSettings',
                 'packageUri', 'aksAssignedIdentity', 'isSystemExtension', 'resourceGroup',
                 'managedBy', 'autoUpgradeMode', 'managementDetails', 'additionalDetails', 'extensionState'}


def put_body(service):
    puts = extension_requests(service, 'PUT')
    assert len(puts) == 1, puts
    return puts[0]['body']


def without_terminal(aks, *args):
    return subprocess.run([aks.az] + list(args), env=aks.env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, check=False)


# 1. Identity on clusters other than AKS; 8. the type lower-cased.

def test_arc_create_asks_for_a_system_identity_and_prints_its_principal(aks, service):
    done = aks.run('k8s-extension', 'create', *ARC, '-n', unique('id'), '--extension-type', 'Microsoft.Flux',
                   '--query', 'identity.principalId', '-o', 'tsv')
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) == 36
    body = put_body(service)
    assert body['identity'] == {'type': 'SystemAssigned'}
    assert body['properties']['extensionType'] == 'microsoft.flux'
    found = aks.json('k8s-extension', 'list', *ARC, '--query', "[?extensionType=='microsoft.flux'].identity.type")
    assert found and set(found) == {'SystemAssigned'}


@pytest.mark.parametrize('cluster,extension_type', [(AKS, 'microsoft.flux'), (ARC, 'microsoft.dapr')],
                         ids=['aks', 'dapr-on-arc'])
def test_no_identity_on_aks_or_for_dapr(aks, service, cluster, extension_type):
    done = aks.run('k8s-extension', 'create', *cluster, '-n', unique('noid'), '--extension-type', extension_type,
                   '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert 'identity' not in put_body(service)
    assert json.loads(done.stdout)['identity'] is None


# 2. The hidden deprecated commands take 1.6.4's arguments and ask what 1.6.4 asked.

@pytest.mark.parametrize('args,path', [
    (['show', '-l', 'eastus', '--extension-type', 'microsoft.flux'], '/locations/eastus/extensionTypes/microsoft.flux'),
    (['list-versions', '-g', RG, '-c', 'demo-arc', '-t', 'connectedClusters', '--extension-type', 'microsoft.flux'],
     '/connectedClusters/demo-arc/providers/Microsoft.KubernetesConfiguration/extensionTypes/microsoft.flux/versions'),
    (['list', '-g', RG, '-c', 'demo-arc', '-t', 'connectedClusters'],
     '/connectedClusters/demo-arc/providers/Microsoft.KubernetesConfiguration/extensionTypes'),
], ids=['show', 'list-versions', 'list'])
def test_deprecated_type_commands_answer_as_in_1_6_4(aks, service, args, path):
    done = aks.run('k8s-extension', 'extension-types', *args, '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)
    assert 'deprecated' in done.stderr
    assert any(r['path'].endswith(path) for r in service.requests()), [r['path'] for r in service.requests()]


def test_deprecated_type_commands_have_help(aks):
    done = aks.run('k8s-extension', 'extension-types', 'list-versions', '-h')
    assert done.returncode == 0 and 'list-versions-by-cluster' in done.stdout and 'Examples' in done.stdout


# 3. aksext's own pre-checks never need more than the operation: whatever keeps one of their reads from an answer
# (a refusal, no answer, an answer that cannot be read), one warning, and the create goes on.

NOT_JSON = {'status': 200, 'body': 'not json'}
CLUSTER, TYPES = r'/managedClusters/demo-aks$', r'/extensionTypes/'
VERSIONS = r'/extensionTypes/microsoft.flux/versions'


EXISTING = r'/extensions/{name}$'
# Where HEAD is not implemented, the existence check reads the extension: once only, as the create's own status
# checks read the same path.
NO_HEAD = {'method': 'HEAD', 'path': EXISTING, 'status': 405, 'count': 1}


@pytest.mark.parametrize('faults,warning', [
    ([{'path': CLUSTER, 'status': 403}], 'Could not read AKS cluster'),
    ([{'path': CLUSTER, 'status': 503}], 'Could not read AKS cluster'),
    ([{'path': CLUSTER, 'drop': True}], 'Could not read AKS cluster'),
    ([{'path': CLUSTER, 'status': 401, 'code': 'InvalidAuthenticationToken'}], 'Could not read AKS cluster'),
    ([dict(NOT_JSON, path=CLUSTER)], 'Could not read AKS cluster'),
    ([{'path': TYPES, 'status': 403}], 'Could not check extension type'),
    ([{'path': TYPES, 'drop': True}], 'Could not check extension type'),
    ([{'path': VERSIONS, 'status': 200, 'body': '{"value": 5}'}], 'Could not check extension type'),
    ([{'path': VERSIONS, 'status': 200, 'body': '{"value": [{"properties": "x"}, 7]}'}],
     'Could not check extension type'),
    ([{'method': 'HEAD', 'path': EXISTING, 'status': 409, 'code': 'Conflict', 'count': 1}], 'Could not check whether'),
    ([NO_HEAD, {'path': EXISTING, 'status': 200, 'body': '{"name": 3, "properties": 7}', 'count': 1}],
     'Could not check whether'),
    ([NO_HEAD, {'path': EXISTING, 'drop': True, 'count': 2}], 'Could not check whether'),
], ids=['cluster-403', 'cluster-503', 'cluster-no-answer', 'cluster-401', 'cluster-not-json', 'types-403',
        'types-no-answer', 'versions-not-a-list', 'versions-odd-items', 'existing-409', 'existing-odd-shape',
        'existing-no-answer'])
def test_a_failing_pre_check_read_is_one_warning(aks, service, faults, warning):
    name = unique('pre')
    for fault in faults:
        service.fault(**{'method': 'GET', 'count': 20, **fault, 'path': fault['path'].format(name=name)})
    done = aks.run('k8s-extension', 'create', *AKS, '-n', name, '--extension-type', 'microsoft.flux',
                   '--version', '1.14.0', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(warning) == 1 and done.stderr.count('Could not') == 1, done.stderr
    assert 'Traceback' not in done.stderr
    assert len(extension_requests(service, 'PUT')) == 1


def test_after_one_unanswered_pre_check_read_the_create_goes_on_as_the_official_tool(aks, service):
    name = unique('pre')
    service.fault(method='GET', path=CLUSTER, count=20, status=503)
    done = aks.run('k8s-extension', 'create', *AKS, '-n', name, '--extension-type', 'microsoft.flux',
                   '--version', '1.14.0', '--scope', 'cluster', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not') == 1, done.stderr
    # No types API, no Kubernetes versions, no read of the extension before its PUT.
    assert [r['path'] for r in service.requests() if '/extensionTypes' in r['path']] == []
    assert [r['method'] for r in extension_requests(service) if r['path'].endswith('/' + name)][0] == 'PUT'


@pytest.fixture
def extra_reads_off(aks):
    assert aks.run('config', 'set', 'aksext.extra_reads=false').returncode == 0
    yield
    assert aks.run('config', 'unset', 'aksext.extra_reads').returncode == 0


def arm_requests(service):
    """(method, path below the last /providers/, api-version) of each ARM request the emulator received."""
    return [(r['method'], r['path'].rsplit('/providers/', 1)[-1], r['query'].get('api-version'))
            for r in service.requests() if r['path'].startswith('/subscriptions/')]


def test_with_extra_reads_off_only_the_official_tools_requests_are_sent(aks, service, extra_reads_off):
    name = unique('off')
    done = aks.run('k8s-extension', 'create', *AKS, '-n', name, '--extension-type', 'microsoft.flux',
                   '--version', '1.14.0', '--scope', 'cluster', '--no-wait', '-o', 'none')
    assert done.returncode == 0, done.stderr
    # The official tool reads the registration first; an extension with an identity of its own reads the cluster.
    assert arm_requests(service) == [('GET', KC, RESOURCES_API), ('PUT', f'{KC}/extensions/{name}', API_VERSION)]
    service.clear_requests()
    done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux',
                   '--version', '1.14.0', '--scope', 'cluster', '--no-wait', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert arm_requests(service) == [('GET', KC, RESOURCES_API),
                                     ('GET', 'Microsoft.Kubernetes/connectedClusters/demo-arc', '2021-10-01'),
                                     ('PUT', f'{KC}/extensions/{name}', API_VERSION)]
    # Validation needs no request: it stays on.
    service.clear_requests()
    done = aks.run('k8s-extension', 'create', *AKS, '-n', unique('off'), '--extension-type', 'microsoft.flux',
                   '--release-namespace', 'Flux_System')
    assert done.returncode == 1 and '--release-namespace' in done.stderr and arm_requests(service) == []
    # As in the official tool, a cluster its read does not find ends the create before the extension is sent.
    done = aks.run('k8s-extension', 'create', *ARC[:2], '-c', 'no-such-arc', *ARC[4:], '-n', name,
                   '--extension-type', 'microsoft.flux')
    assert done.returncode == 3 and 'Cluster not found' in done.stderr and 'Traceback' not in done.stderr
    assert extension_requests(service) == []
    # A version listing by cluster says nothing of compatibility without reading the cluster.
    service.clear_requests()
    versions = aks.json('k8s-extension', 'extension-types', 'list-versions-by-cluster', *AKS,
                        '--extension-type', 'microsoft.flux')
    assert versions and {item['properties']['compatibleWithCluster'] for item in versions} == {None}
    assert [path for _, path, _ in arm_requests(service) if not path.startswith(KC)] == []
    # A value that is neither true nor false is refused before anything is sent.
    assert aks.run('config', 'set', 'aksext.extra_reads=sometimes').returncode == 0
    service.clear_requests()
    done = aks.run('k8s-extension', 'update', *AKS, '-n', name, '--version', '1.14.1')
    assert done.returncode == 1 and "aksext.extra_reads is 'sometimes'" in done.stderr, done.stderr
    assert arm_requests(service) == []


def test_update_reads_the_types_api_only_for_a_version_or_train(aks, service):
    name = unique('upd')
    aks.json('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    service.clear_requests()
    done = aks.run('k8s-extension', 'update', *ARC, '-n', name, '--config', 'a=b', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert not [r for r in service.requests() if '/extensionTypes' in r['path']]
    done = aks.run('k8s-extension', 'update', *ARC, '-n', name, '--version', '1.14.0', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert [r for r in service.requests() if '/extensionTypes' in r['path']]


# 4. An unregistered subscription is registered, as the official SDK pipeline does.

@pytest.fixture
def unregistered(aks):
    assert aks.run('provider', 'unregister', '--namespace', KC).returncode == 0
    yield
    aks.run('provider', 'register', '--namespace', KC, '--wait')


def test_an_unregistered_subscription_is_registered_and_the_create_goes_on(aks, service, unregistered):
    done = aks.run('k8s-extension', 'create', *ARC, '-n', unique('reg'), '--extension-type', 'microsoft.flux',
                   '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert f'Registered resource provider {KC}' in done.stderr
    assert json.loads(done.stdout)['provisioningState'] == 'Succeeded'
    registers = [r for r in service.requests() if r['method'] == 'POST' and r['path'].endswith(KC + '/register')]
    assert len(registers) == 1
    assert aks.json('provider', 'show', '--namespace', KC)['registrationState'] == 'Registered'


# 5. A release train with auto-upgrade off and no version installs the train's latest, pinned.

@pytest.mark.parametrize('kind,train,latest', [('aks', 'stable', '1.16.2'), ('k8s', 'preview', '1.17.0-preview.2')])
def test_release_train_without_auto_upgrade_or_version_installs_the_latest(aks, service, kind, train, latest):
    group, cluster, type_flag = GROUPS[kind]
    done = aks.run(*group, 'create', *cluster, '-n', unique('pin'), type_flag, 'microsoft.flux', '--release-train',
                   train, '--auto-upgrade', 'false', '-o', 'json')
    assert done.returncode == 0, done.stderr
    properties = put_body(service)['properties']
    assert properties['releaseTrain'] == train and properties['autoUpgradeMinorVersion'] is False
    assert 'version' not in properties
    shown = json.loads(done.stdout)
    assert shown['currentVersion'] == latest and shown['autoUpgradeMinorVersion'] is False


def test_update_to_a_train_without_auto_upgrade_is_sent(aks, service):
    name = unique('pinup')
    aks.json('aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n', name, '-t', 'microsoft.flux')
    service.clear_requests()
    done = aks.run('aks', 'extension', 'update', '-g', RG, '-c', 'demo-aks', '-n', name, '--release-train',
                   'stable', '--auto-upgrade', 'false', '--yes', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert [r['body'] for r in extension_requests(service, 'PATCH')] == [
        {'properties': {'autoUpgradeMinorVersion': False, 'releaseTrain': 'stable'}}]


# 6. The default scope of a type does not forbid the other scope.

@pytest.mark.parametrize('extra,scope', [
    (['--scope', 'cluster'], {'cluster': {}}),
    (['--scope', 'cluster', '--release-namespace', 'samples'], {'cluster': {'releaseNamespace': 'samples'}}),
], ids=['scope', 'scope-and-namespace'])
def test_cluster_scope_on_a_namespace_default_type(aks, service, extra, scope):
    done = aks.run('k8s-extension', 'create', *ARC, '-n', unique('scope'), '--extension-type',
                   'microsoft.contoso.samples', *extra, '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert put_body(service)['properties']['scope'] == scope


# 7. An update with nothing to change still goes to the service.

@pytest.mark.parametrize('kind', sorted(GROUPS))
def test_empty_update_sends_an_empty_patch(aks, service, kind):
    group, cluster, type_flag = GROUPS[kind]
    name = unique('empty')
    aks.json(*group, 'create', *cluster, '-n', name, type_flag, 'microsoft.flux')
    service.clear_requests()
    done = aks.run(*group, 'update', *cluster, '-n', name, '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert [r['body'] for r in extension_requests(service, 'PATCH')] == [{'properties': {}}]
    assert json.loads(done.stdout)['name'] == name


# 9. Every key the official tool prints, null where there is no value.

def test_json_output_holds_every_official_key(aks, service):
    name = unique('keys')
    created = aks.json('aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n', name, '-t', 'microsoft.flux')
    shown = aks.json('aks', 'extension', 'show', '-g', RG, '-c', 'demo-aks', '-n', name)
    listed = [item for item in aks.json('aks', 'extension', 'list', '-g', RG, '-c', 'demo-aks') if item['name'] == name]
    updated = aks.json('aks', 'extension', 'update', '-g', RG, '-c', 'demo-aks', '-n', name, '--config', 'a=b')
    for document in (created, shown, listed[0], updated):
        assert OFFICIAL_KEYS <= set(document), OFFICIAL_KEYS - set(document)
        assert document['plan'] is None and document['errorInfo'] is None and document['packageUri'] is None
        assert document['scope'] == {'cluster': {'releaseNamespace': 'flux-system'}, 'namespace': None}
    tsv = aks.run('aks', 'extension', 'show', '-g', RG, '-c', 'demo-aks', '-n', name, '--query',
                  '[name, extensionType, scope.cluster.releaseNamespace]', '-o', 'tsv')
    assert tsv.stdout.split() == [name, 'microsoft.flux', 'flux-system']


# 10. Nothing to delete is not an error, and the question comes only for an extension that exists.

@pytest.mark.parametrize('args', [
    ['-g', RG, '-c', 'demo-aks', '-n', 'no-such-extension'],
    ['-g', RG, '-c', 'no-such-cluster', '-n', 'x'],
    ['-g', 'no-such-rg', '-c', 'demo-aks', '-n', 'x'],
], ids=['extension', 'cluster', 'resource-group'])
def test_deleting_what_is_not_there_warns_and_succeeds_without_asking(aks, service, args):
    done = without_terminal(aks, 'aks', 'extension', 'delete', *args)
    assert done.returncode == 0, done.stderr
    assert 'Nothing to delete' in done.stderr and '--yes' not in done.stderr
    assert extension_requests(service, 'DELETE') == []


@pytest.mark.parametrize('status', [401, 403, 429, 503])
def test_delete_read_failures_stay_errors(aks, service, status):
    service.fault(method='GET', path='/extensions/gone$', status=status, count=20)
    done = aks.run('aks', 'extension', 'delete', '-g', RG, '-c', 'demo-aks', '-n', 'gone', '--yes')
    assert done.returncode != 0 and 'Nothing to delete' not in done.stderr
    assert extension_requests(service, 'DELETE') == []


# 11. Dapr as the official tool sets it up, without its prompt; Defender under its one name.

def test_dapr_on_aks_gets_the_cluster_type_and_the_stable_train(aks, service):
    name = unique('dapr')
    done = aks.run('aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n', name, '-t', 'microsoft.dapr',
                   '-o', 'none')
    assert done.returncode == 0, done.stderr
    properties = put_body(service)['properties']
    assert properties['configurationSettings'] == {'global.clusterType': 'managedclusters'}
    assert properties['releaseTrain'] == 'stable'
    assert properties['scope'] == {'cluster': {'releaseNamespace': 'dapr-system'}}


def test_dapr_adopts_an_existing_release(aks, service):
    done = aks.run('k8s-extension', 'create', *ARC, '-n', 'dapr-ext', '--extension-type', 'microsoft.dapr',
                   '--config', 'existingDaprReleaseName=mydapr', 'existingDaprReleaseNamespace=dapr-old', '-o', 'none')
    assert done.returncode == 0, done.stderr
    put = extension_requests(service, 'PUT')[0]
    assert put['path'].endswith('/extensions/mydapr')
    properties = put['body']['properties']
    assert properties['scope'] == {'cluster': {'releaseNamespace': 'dapr-old'}}
    assert properties['configurationSettings']['global.ha.enabled'] == 'false'
    assert 'global.clusterType' not in properties['configurationSettings']
    aks.run('k8s-extension', 'delete', *ARC, '-n', 'mydapr', '--yes', '--force')


@pytest.mark.parametrize('create_extra,update_extra,hook', [
    ([], ['--config', 'logLevel=debug'], 'false'),                      # auto-upgrade on, now pinned by omission
    (['--version', '1.13.6'], ['--version', '1.12.5'], 'false'),        # a downgrade
    (['--version', '1.12.5'], ['--version', '1.13.6'], 'true'),         # an upgrade
    (['--version', '1.12.5'], ['--config', 'hooks.applyCrds=maybe'], 'maybe'),
], ids=['pinned', 'downgrade', 'upgrade', 'given'])
def test_dapr_update_sets_the_crd_hook_as_the_official_tool(aks, service, create_extra, update_extra, hook):
    name = unique('daprup')
    aks.json('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.dapr', *create_extra)
    service.clear_requests()
    done = aks.run('k8s-extension', 'update', *ARC, '-n', name, *update_extra, '-o', 'none')
    assert done.returncode == 0, done.stderr
    patch = extension_requests(service, 'PATCH')[0]['body']['properties']
    assert patch['configurationSettings']['hooks.applyCrds'] == hook
    aks.run('k8s-extension', 'delete', *ARC, '-n', name, '--yes', '--force')


def test_defender_takes_its_one_instance_name(aks, service):
    done = aks.run('k8s-extension', 'create', *ARC, '-n', 'defender', '--extension-type',
                   'microsoft.azuredefender.kubernetes', '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert "'microsoft.azuredefender.kubernetes'" in done.stderr
    put = extension_requests(service, 'PUT')[0]
    assert put['path'].endswith('/extensions/microsoft.azuredefender.kubernetes')
    assert put['body']['properties']['scope'] == {'cluster': {'releaseNamespace': 'mdc'}}
    aks.run('k8s-extension', 'delete', *ARC, '-n', 'microsoft.azuredefender.kubernetes', '--yes', '--force')


# The short alias of --cluster-resource-provider in both groups.

def test_cluster_rp_alias_on_aks_extension(aks, service):
    name = unique('rp')
    aks.json('aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n', name, '-t', 'microsoft.flux')
    shown = aks.json('aks', 'extension', 'show', '-g', RG, '-c', 'demo-aks', '-n', name, '--cluster-rp',
                     'Microsoft.ContainerService')
    assert shown['name'] == name
