"""troubleshoot, with the real az against the emulator's clusters: each cause of failure is found and its fix
named, the bundle holds the evidence and no secret, the official flags behave as 1.9.x documents them, and what
cannot be read (an unreachable server, bad credentials, a forbidden namespace, a slow answer) is said, not fatal."""
import json
import subprocess
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
import yaml

from .helpers import RG, Arm, run_batch, unique

NAME = unique('ts')
AKS, ARC, OLD = f'{NAME}-aks', f'{NAME}-arc', f'{NAME}-old'
AKS_TYPE, ARC_TYPE = 'Microsoft.ContainerService/managedClusters', 'Microsoft.Kubernetes/connectedClusters'
# (extension, namespace, cause) installed on the AKS cluster.
CAUSES = (('pull', 'pull-ns', 'image_pull'), ('sched', 'sched-ns', 'unschedulable'),
          ('volume', 'volume-ns', 'pending_volume'), ('hook', 'hook-ns', 'failed_hook'),
          ('stuck', 'stuck-ns', 'stuck_namespace'), ('healthy', 'healthy-ns', None),
          ('locked', 'forbidden-ns', None))
SECRET = 'pr0tected-' + unique('value')
ACCOUNT_KEY = 'Acc0untKey' + unique('k') * 3


def aks_troubleshoot(name, *extra):
    return ['aks', 'extension', 'troubleshoot', '-g', RG, '-c', AKS, '-n', name, '-o', 'json'] + list(extra)


def k8s_troubleshoot(*extra):
    return ['k8s-extension', 'troubleshoot', '-o', 'json'] + list(extra)


def kubeconfig_file(path, text, **changes):
    document = yaml.safe_load(text)
    for key, value in changes.items():
        if key == 'contexts':
            document['contexts'] += value
        elif key == 'users':
            document['users'] += value
        elif key == 'server':
            document['clusters'][0]['cluster']['server'] = value
        elif key == 'no_ca':
            document['clusters'][0]['cluster'].pop('certificate-authority-data')
        else:
            document[key] = value
    path.write_text(yaml.safe_dump(document))
    return str(path)


@pytest.fixture(scope='module')
def world(aks, emulator, tmp_path_factory):
    """Three clusters of this module's own: AKS with one extension per cause, Arc offline, AKS on Kubernetes 1.28;
    an extension made by az with protected settings, then crash-looping; and kubeconfig files of every kind."""
    arm, admin, home = Arm(emulator), emulator.admin, tmp_path_factory.mktemp('troubleshoot')
    ids = {AKS: arm.cluster(AKS_TYPE, AKS), ARC: arm.cluster(ARC_TYPE, ARC), OLD: arm.cluster(AKS_TYPE, OLD)}
    admin.put(ids[AKS], {'location': 'eastus'}, '2025-03-01')
    admin.put(ids[ARC], {'location': 'eastus'}, '2024-01-01')
    admin.put(ids[OLD], {'location': 'eastus', 'properties': {'kubernetesVersion': '1.28.5',
                                                              'currentKubernetesVersion': '1.28.5'}}, '2025-03-01')
    for name, namespace, cause in CAUSES:
        admin.kubernetes_cause(cluster_id=ids[AKS], name=name, extension_type='microsoft.flux',
                               release_namespace=namespace, cause=cause)
    admin.kubernetes_cause(cluster_id=ids[ARC], name='flux', extension_type='microsoft.flux', cause='agent_offline')
    admin.kubernetes_cause(cluster_id=ids[OLD], name='flux', extension_type='microsoft.flux', version='1.16.2',
                           cause=None)
    admin.kubernetes_access(cluster_id=ids[AKS], forbidden_namespaces=['forbidden-ns'])
    protected = home / 'protected.json'
    protected.write_text(json.dumps({'apiKey': SECRET, 'storage.connection': 'DefaultEndpointsProtocol=https;'
                                     f'AccountName=st1;AccountKey={ACCOUNT_KEY};EndpointSuffix=core.windows.net'}))
    done = aks.run('aks', 'extension', 'create', '-g', RG, '-c', AKS, '-n', 'secret', '-t', 'microsoft.flux',
                   '--release-namespace', 'secret-ns', '--config-protected-file', str(protected), '-o', 'none')
    assert done.returncode == 0, done.stderr
    admin.kubernetes_cause(extension_id=ids[AKS] + '/providers/Microsoft.KubernetesConfiguration/extensions/secret',
                           cause='crash_loop')
    user = admin.kubeconfig(ids[AKS])
    token = yaml.safe_load(user)['users'][0]['user']['token']
    stale = {'name': 'stale', 'context': {'cluster': AKS, 'user': 'stale-user'}}
    files = SimpleNamespace(
        good=kubeconfig_file(home / 'good.yaml', user, contexts=[stale],
                             users=[{'name': 'stale-user', 'user': {'token': 'user.0000'}}]),
        stale=kubeconfig_file(home / 'stale.yaml', user, contexts=[stale], **{'current-context': 'stale'},
                              users=[{'name': 'stale-user', 'user': {'token': 'user.0000'}}]),
        no_ca=kubeconfig_file(home / 'no-ca.yaml', user, no_ca=True),
        unreachable=kubeconfig_file(home / 'unreachable.yaml', user, server='https://127.0.0.1:9'),
        arc=kubeconfig_file(home / 'arc.yaml', admin.kubeconfig(ids[ARC])),
        old=kubeconfig_file(home / 'old.yaml', admin.kubeconfig(ids[OLD])))
    return SimpleNamespace(ids=ids, files=files, token=token, home=home)


def parsed(result):
    assert result['exit_code'] == 0, result['stderr'] + (result['error_message'] or '')
    return json.loads(result['stdout'])


def codes(output):
    return [finding['code'] for finding in output['findings']]


def bundle_text(output):
    """Every file of the bundle folder and of its archive, as one text."""
    folder = Path(output['bundle'])
    texts = [path.read_text(errors='replace') for path in folder.rglob('*') if path.is_file()]
    with tarfile.open(output['archive']) as archive:
        texts += [archive.extractfile(member).read().decode(errors='replace') for member in archive.getmembers()
                  if member.isfile()]
    return '\n'.join(texts)


@pytest.fixture(scope='module')
def diagnosed(aks, world):
    """The causes diagnosed, in one az process (the validation cases are in a batch of their own)."""
    commands = {name: aks_troubleshoot(name) for name, _, _ in CAUSES if name != 'locked'}
    commands['offline'] = k8s_troubleshoot('-g', RG, '-c', ARC, '--cluster-type', 'connectedClusters', '-n', 'flux',
                                           '--kube-config', world.files.arc)
    commands['old'] = ['aks', 'extension', 'troubleshoot', '-g', RG, '-c', OLD, '-n', 'flux', '-o', 'json']
    results = run_batch(aks, list(commands.values()))
    return dict(zip(commands, results))


@pytest.mark.parametrize('name,code,fix', [
    ('pull', 'ImagePullFailed', 'mcr.microsoft.com'),
    ('sched', 'Unschedulable', 'az aks nodepool scale'),
    ('volume', 'VolumePending', 'storage class'),
    ('hook', 'HelmHookFailed', 'az aks extension update -g {rg} -c {aks} -n hook'),
    ('stuck', 'StuckDelete', 'az aks extension delete -g {rg} -c {aks} -n stuck --force --yes'),
    ('offline', 'AgentOffline', 'az k8s-extension delete -g {rg} -c {arc} -n flux --cluster-type connectedClusters '
                                '--yes'),
    ('old', 'VersionUnsupported', 'az aks extension update -g {rg} -c {old} -n flux --version 1.15'),
], ids=lambda value: value if value in [name for name, _, _ in CAUSES] + ['offline', 'old'] else '')
def test_each_cause_is_the_first_finding_with_its_fix(diagnosed, name, code, fix):
    output = parsed(diagnosed[name])
    first = output['findings'][0]
    assert first['code'] == code and first['severity'] == 'error' and first['rank'] == 1
    assert fix.format(rg=RG, aks=AKS, arc=ARC, old=OLD) in first['fix'] and first['evidence']
    assert output['archive'].endswith('.tar.gz') and Path(output['archive']).is_file()


def test_the_bundle_holds_the_evidence_of_each_cause(diagnosed):
    pull, hook, stuck = (parsed(diagnosed[name]) for name in ('pull', 'hook', 'stuck'))
    assert 'ImagePullBackOff' in bundle_text(pull) and 'Failed to pull image' in bundle_text(pull)
    text = bundle_text(hook)
    assert 'BackoffLimitExceeded' in text and 'admission webhook' in text  # the hook job's log
    assert '"status": "failed"' in text and '"chartVersion"' in text  # the Helm release history
    assert 'NamespaceFinalizersRemaining' in bundle_text(stuck) and 'kubernetes.io/pvc-protection' in bundle_text(stuck)
    offline = parsed(diagnosed['offline'])
    assert 'azure-arc' in bundle_text(offline) and 'lastConnectivityTime' in bundle_text(offline)
    assert 'dial tcp' in bundle_text(offline)  # the config agent's log says why it cannot reach Azure


def test_a_healthy_extension_has_no_finding_and_says_what_was_checked(diagnosed):
    output = parsed(diagnosed['healthy'])
    assert output['findings'] == [] and output['notRead'] == []
    assert output['summary'].startswith('No problem found. Checked:') and 'namespace healthy-ns' in output['summary']
    assert 'the extension in Azure (Succeeded' in output['summary']


def test_a_protected_setting_is_nowhere_not_even_under_debug(aks, world):
    done = aks.run(*aks_troubleshoot('secret', '--debug'))
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert codes(output)[0] == 'CrashLoop' and 'x509' in ' '.join(output['findings'][0]['evidence'])
    bundle = bundle_text(output)
    server = next(line for line in output['checked'] if 'Kubernetes API at ' in line)
    pod_log = requests.get(server.split('Kubernetes API at ')[1].split(' (')[0] +
                           '/api/v1/namespaces/secret-ns/pods', headers={'Authorization': 'Bearer ' + world.token},
                           verify=aks.endpoint['ca_bundle'], timeout=30).json()
    pod = pod_log['items'][0]['metadata']['name']
    generated_key = [line for line in bundle.splitlines() if 'AccountName=st' in line]
    assert generated_key and all('AccountKey=***' in line for line in generated_key)
    for secret in (SECRET, ACCOUNT_KEY, world.token):
        assert secret not in done.stdout and secret not in done.stderr and secret not in bundle
    assert '"apiKey": "***"' in bundle and 'setting apiKey=***' in bundle  # the Helm values' keys, the leaky log
    assert pod in bundle and '--debug' not in bundle


def test_the_bundle_is_readable_by_the_user_only(diagnosed):
    output = parsed(diagnosed['healthy'])
    folder = Path(output['bundle'])
    modes = {path.stat().st_mode & 0o777 for path in [folder, *folder.rglob('*')] if path.is_dir()}
    assert modes == {0o700}
    assert {path.stat().st_mode & 0o777 for path in folder.rglob('*') if path.is_file()} == {0o600}
    assert Path(output['archive']).stat().st_mode & 0o777 == 0o600


@pytest.fixture(scope='module')
def flags(aks, world, emulator):
    """The official flags, and what cannot be read, in one az process whose default kubeconfig is a good one."""
    env = dict(aks.env, KUBECONFIG=kubeconfig_file(world.home / 'current.yaml', emulator.admin.kubeconfig(
        world.ids[AKS])))
    commands = {
        'official': k8s_troubleshoot('--name', 'pull', '--namespace-list', 'pull-ns'),
        'namespaces': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns, nosuch-ns,pull-ns',
                                       '--kube-config', world.files.good),
        'context': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-config',
                                    world.files.stale, '--kube-context', AKS),
        'stale': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-config', world.files.stale),
        'no-context': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-context', 'nope'),
        'untrusted': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-config',
                                      world.files.no_ca),
        'skip-ssl': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-config',
                                     world.files.no_ca, '--skip-ssl-verification'),
        'unreachable': k8s_troubleshoot('-n', 'pull', '--namespace-list', 'pull-ns', '--kube-config',
                                        world.files.unreachable),
        'unreachable-with-azure': k8s_troubleshoot('-n', 'pull', '-g', RG, '-c', AKS, '--cluster-type',
                                                   'managedClusters', '--kube-config', world.files.unreachable),
        'forbidden': k8s_troubleshoot('-n', 'locked', '--namespace-list', 'forbidden-ns,pull-ns'),
        'found-namespace': k8s_troubleshoot('-n', 'flux', '--kube-config', world.files.old),
    }
    results = run_batch(SimpleNamespace(env=env), list(commands.values()))
    return dict(zip(commands, results))


def test_name_and_namespace_list_alone_use_the_default_kubeconfig(flags, aks):
    output = parsed(flags['official'])
    assert codes(output) == ['ImagePullFailed'] and output['cluster'] is None
    assert Path(output['bundle']).parent == aks.config_dir / 'arc_ext_diagnostic_logs'
    assert Path(output['bundle']).name.startswith('pull-') and (Path(output['bundle']) / 'pull-ns').is_dir()


def test_namespace_list_is_comma_separated_and_a_missing_namespace_is_said(flags):
    output = parsed(flags['namespaces'])
    assert 'namespace nosuch-ns: it does not exist' in output['checked']
    assert sum(line.startswith('namespace pull-ns:') for line in output['checked']) == 1


def test_kube_context_picks_the_context_and_bad_credentials_are_named(flags):
    assert codes(parsed(flags['context'])) == ['ImagePullFailed']
    stale = flags['stale']
    assert stale['exit_code'] == 1 and stale['error_type'] == 'UnauthorizedError'
    assert '401' in stale['error_message'] and 'Traceback' not in stale['stderr']
    missing = flags['no-context']
    assert missing['exit_code'] == 1 and missing['error_type'] == 'InvalidArgumentValueError'
    assert "'nope'" in missing['error_message']


def test_skip_ssl_verification_reads_a_cluster_whose_ca_the_kubeconfig_lacks(flags):
    untrusted = flags['untrusted']
    assert untrusted['exit_code'] == 1 and '--skip-ssl-verification' in untrusted['error_message']
    assert codes(parsed(flags['skip-ssl'])) == ['ImagePullFailed']


def test_an_unreachable_cluster_fails_alone_and_is_a_warning_beside_azure(flags):
    alone = flags['unreachable']
    assert alone['exit_code'] == 1 and alone['error_type'] == 'AzureConnectionError'
    assert 'could not be reached' in alone['error_message'] and 'Traceback' not in alone['stderr']
    beside = flags['unreachable-with-azure']
    output = parsed(beside)
    assert 'Could not read the cluster' in beside['stderr'] and codes(output) == ['ExtensionFailed']
    assert 'context deadline exceeded' in ' '.join(output['findings'][0]['evidence'])


def test_a_forbidden_namespace_is_named_and_the_others_are_read(flags):
    result = flags['forbidden']
    output = parsed(result)
    assert 'Could not read namespace forbidden-ns: HTTP 403' in result['stderr']
    assert any(item['what'].startswith('pods, events, deployments') and item['what'].endswith(' in namespace '
                                                                                              'forbidden-ns')
               and item['why'].startswith('HTTP 403') for item in output['notRead'])
    assert codes(output) == ['ImagePullFailed']


def test_without_namespace_list_the_helm_records_name_the_namespace(flags):
    output = parsed(flags['found-namespace'])
    assert output['findings'] == [] and any(line.startswith('namespace flux-system: 1 pods') for line in
                                            output['checked'])


def test_a_slow_answer_is_bounded_and_said(aks, service, world):
    service.fault(method='GET', path='/healthy-ns/pods/.*/log', latency=30, count=2)
    env = dict(aks.env, AKSEXT_READ_TIMEOUT='1')
    done = subprocess.run([aks.az] + aks_troubleshoot('healthy'), env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert any('did not answer within 1 s' in item['why'] for item in output['notRead'])
    assert 'namespace healthy-ns: 1 pods' in ' '.join(output['checked'])


def test_bad_flags_are_refused_before_anything_is_sent(aks, service, world):
    results = run_batch(aks, [
        k8s_troubleshoot('-n', 'pull', '--namespace-list', ' , '),
        k8s_troubleshoot('-n', 'pull', '--namespace-list', 'Pull_NS'),
        k8s_troubleshoot('-n', 'pull', '--kube-config', str(world.home / 'absent.yaml')),
        k8s_troubleshoot('-n', 'pull', '--cluster-type', 'managedClusters'),
        k8s_troubleshoot('-n', 'pull', '-c', AKS, '--cluster-type', 'managedClusters'),
        ['aks', 'extension', 'troubleshoot', '-n', 'pull', '-c', AKS],
    ])
    assert [(result['exit_code'], result['error_type']) for result in results[:5]] == [
        (1, 'RequiredArgumentMissingError'), (1, 'InvalidArgumentValueError'), (1, 'FileOperationError'),
        (1, 'RequiredArgumentMissingError'), (1, 'RequiredArgumentMissingError')]
    assert (results[5]['exit_code'], results[5]['error_type']) == (1, 'RequiredArgumentMissingError')
    assert '--namespace-list' in results[1]['error_message'] and '--kube-config' in results[2]['error_message']
    assert [request for request in service.requests() if '/oauth2/' not in request['path']] == []


def test_aks_credentials_fall_back_to_admin_and_no_kubeconfig_is_written(aks, service, tmp_path):
    service.fault(method='POST', path='/listClusterUserCredential', status=403, count=1, code='AuthorizationFailed',
                  message='The client does not have authorization to perform action listClusterUserCredential.')
    env = dict(aks.env, HOME=str(tmp_path), KUBECONFIG=str(tmp_path / 'absent' / 'config'))
    done = subprocess.run([aks.az] + aks_troubleshoot('healthy'), env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    checked = ' '.join(json.loads(done.stdout)['checked'])
    assert f"through the cluster admin credentials of AKS cluster '{AKS}'" in checked
    assert [request['path'].rsplit('/', 1)[1] for request in service.requests() if request['method'] == 'POST'
            and 'Credential' in request['path']] == ['listClusterUserCredential', 'listClusterAdminCredential']
    assert not (tmp_path / '.kube').exists() and not (tmp_path / 'absent').exists()
