"""troubleshoot's pure parts: the masks, Helm record decoding, the diagnosis rules and their ranking, the bundle's
bounds and permissions, and the checks on its flags."""
import base64
import gzip
import json
from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError

from azext_aksext import _validators, custom
from azext_aksext.troubleshoot import helm
from azext_aksext.troubleshoot.bundle import Bundle, BundleFull
from azext_aksext.troubleshoot.diagnose import diagnose
from azext_aksext.troubleshoot.redact import Masker, keys_only

from .validation import namespace_for

NOW = 1_800_000_000.0
VERBS = ('update', 'delete', 'delete_force', 'create', 'connectivity', 'start')
COMMANDS = {key: f'az k8s-extension {key}' for key in VERBS}


@pytest.mark.parametrize('line,hidden', [
    ('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=abc123XYZ=', 'abc123XYZ='),
    ('DefaultEndpointsProtocol=https;AccountName=st;AccountKey=Zm9vYmFy+/==;EndpointSuffix=core', 'Zm9vYmFy+/=='),
    ('GET https://st.blob.core.windows.net/c?sv=2023&sig=AbC%2Fdef123 200', 'AbC%2Fdef123'),
    ('Authorization: Bearer abc.def-ghi', 'abc.def-ghi'),
    ('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl used', 'eyJhbGciOiJIUzI1NiJ9'),
    ('{"password": "hunter22"}', 'hunter22'),
])
def test_credentials_in_text_are_masked(line, hidden):
    masked = Masker().line(line)
    assert hidden not in masked and '***' in masked


def test_known_values_and_a_private_key_across_lines_are_masked():
    masker = Masker()
    masker.learn('{"apiKey": "s3cret-value-1", "short": "abc"}')
    lines = ['using s3cret-value-1 now', 'abc stays', '-----BEGIN RSA PRIVATE KEY-----', 'MIIEow', 'AKCAQ',
             '-----END RSA PRIVATE KEY----- done']
    masked = [masker.line(line) for line in lines]
    assert masked == ['using *** now', 'abc stays', '***', '***', '***', '*** done']


def test_secret_data_and_helm_values_become_their_keys():
    assert keys_only({'a': {'b': 'x'}, 'c': 'y'}) == {'a': {'b': '***'}, 'c': '***'}
    release = {'name': 'flux', 'version': 2, 'info': {'status': 'failed', 'description': 'boom'},
               'chart': {'metadata': {'version': '1.2.3'}}, 'config': {'apiKey': 'v', 'Azure': {'Region': 'x'}},
               'manifest': 'kind: Secret\nstringData: v'}
    summary = helm.summary(release)
    assert summary['values'] == {'apiKey': '***', 'Azure': {'Region': '***'}} and 'manifest' not in summary
    assert helm.secret_values(release, public=()) == ['v']


def _release_secret(document):
    inner = base64.b64encode(gzip.compress(json.dumps(document).encode()))
    return {'type': 'helm.sh/release.v1', 'data': {'release': base64.b64encode(inner).decode()}}


def test_helm_records_decode_and_a_bomb_is_not_read():
    assert helm.decode(_release_secret({'name': 'x', 'version': 1}))['name'] == 'x'
    bomb = base64.b64encode(base64.b64encode(gzip.compress(b'0' * (helm.MAX_RELEASE_BYTES + 10)))).decode()
    assert helm.decode({'type': 'helm.sh/release.v1', 'data': {'release': bomb}}) is None
    assert helm.decode({'type': 'Opaque', 'data': {'release': 'x'}}) is None


def container(state, restarts=0, last=None, name='manager'):
    return {'name': name, 'image': 'mcr.microsoft.com/x:1', 'ready': False, 'restartCount': restarts,
            'state': state, 'lastState': last or {}}


def evidence(pods=(), service=None, **namespace):
    found = dict({'name': 'ns', 'pods': list(pods), 'events': [], 'workloads': [], 'jobs': [], 'claims': [],
                  'releases': [], 'namespace': {'phase': 'Active', 'conditions': []}}, **namespace)
    return {'name': 'ext', 'now': NOW, 'service': service, 'namespaces': [found], 'region': 'westeurope',
            'commands': COMMANDS}


def pod(*containers, conditions=(), owner=None):
    return {'name': 'p', 'containers': list(containers), 'conditions': list(conditions), 'owner': owner}


def test_an_oom_kill_names_the_memory_limit():
    killed = {'terminated': {'reason': 'OOMKilled', 'exitCode': 137}}
    oom = container({'waiting': {'reason': 'CrashLoopBackOff'}}, 5, killed)
    [finding] = diagnose(evidence([pod(oom)]))
    assert finding['code'] == 'ContainerOOMKilled' and 'memory limit' in finding['fix']


@pytest.mark.parametrize('message,fix', [
    ('0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}.', 'tolerations'),
    ("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", 'node selector'),
])
def test_unschedulable_pods_get_the_fix_their_message_calls_for(message, fix):
    condition = {'type': 'PodScheduled', 'status': 'False', 'reason': 'Unschedulable', 'message': message}
    [finding] = diagnose(evidence([pod(conditions=[condition])]))
    assert finding['code'] == 'Unschedulable' and fix in finding['fix']


def arc(status, last):
    return {'clusterType': 'connectedClusters', 'extension': {'provisioningState': 'Succeeded'},
            'cluster': {'properties': {'connectivityStatus': status, 'lastConnectivityTime': last}}}


def test_an_agent_offline_for_less_than_48_hours_is_a_warning_and_after_it_a_fresh_create():
    recent = diagnose(evidence(service=arc('Offline', '2027-01-15T06:00:00.0000000Z')))  # 2 hours before NOW
    assert [(item['code'], item['severity']) for item in recent] == [('AgentOffline', 'warning')]
    old = diagnose(evidence(service=arc('Offline', '2027-01-10T08:00:00Z')))
    assert old[0]['severity'] == 'error' and 'az k8s-extension delete' in old[0]['fix']
    assert 'westeurope.dp.kubernetesconfiguration.azure.com' in old[0]['fix']


def test_findings_rank_root_causes_first_and_fallbacks_only_when_nothing_explains():
    pulling = container({'waiting': {'reason': 'ImagePullBackOff'}})
    service = dict(arc('Offline', '2027-01-01T00:00:00Z'), extension={'provisioningState': 'Failed',
                                                                      'statuses': []})
    ranked = diagnose(evidence([pod(pulling)], service=service))
    assert [(item['rank'], item['code']) for item in ranked] == [(1, 'AgentOffline'), (2, 'ImagePullFailed')]
    failed = {'clusterType': 'managedClusters', 'extension': {'provisioningState': 'Failed', 'statuses': [
        {'code': 'InstallationFailed', 'message': 'helm  failed'}]}}
    [only] = diagnose(evidence(service=failed))
    assert only['code'] == 'ExtensionFailed' and 'status InstallationFailed: helm failed' in only['evidence']
    assert diagnose(evidence()) == []


def test_the_bundle_is_private_and_bounded(tmp_path):
    bundle = Bundle.create(tmp_path, 'my ext!', limit=100)
    assert bundle.root.name.startswith('myext-') and bundle.root.stat().st_mode & 0o777 == 0o700
    bundle.write_json({'a': 1}, 'ns', 'x.json')
    assert (bundle.root / 'ns' / 'x.json').stat().st_mode & 0o777 == 0o600
    with pytest.raises(BundleFull):
        bundle.write_json({'a': 'x' * 200}, 'y.json')
    assert not (bundle.root / 'y.json').exists()
    again = Bundle.create(tmp_path, 'my ext!', limit=100)
    assert again.root != bundle.root
    assert bundle.archive().stat().st_mode & 0o777 == 0o600


def validate(**given):
    namespace = namespace_for(custom.troubleshoot_extension, **given)
    _validators.validate_troubleshoot(SimpleNamespace(name='k8s-extension troubleshoot'), namespace)
    return namespace


def test_the_namespace_list_is_split_trimmed_and_checked():
    assert validate(name='flux', namespace_list=' flux-system, ,kube-system,flux-system').namespace_list == [
        'flux-system', 'kube-system']
    with pytest.raises(RequiredArgumentMissingError):
        validate(name='flux', namespace_list=',')
    with pytest.raises(InvalidArgumentValueError, match='Kube_System'):
        validate(name='flux', namespace_list='Kube_System')


def test_a_quoted_kube_config_path_is_unquoted(tmp_path):
    path = tmp_path / 'config'
    path.write_text('{}')
    assert validate(name='flux', kube_config=f'"{path}"').kube_config == str(path)


def test_a_stopped_aks_cluster_comes_first_and_says_start_it():
    stopped = {'clusterType': 'managedClusters', 'extension': {'provisioningState': 'Failed', 'statuses': []},
               'cluster': {'properties': {'powerState': {'code': 'Stopped'}, 'provisioningState': 'Succeeded'}}}
    ranked = diagnose(evidence(service=stopped))
    assert [item['code'] for item in ranked] == ['ClusterStopped']  # it explains the failure
    assert 'az k8s-extension start' in ranked[0]['fix']


def test_the_time_limit_stops_reads_before_they_are_sent():
    from azext_aksext.troubleshoot.kube import Cluster, Unreadable
    cluster = Cluster(SimpleNamespace(server='https://k'), request_timeout=5, deadline=0, source='x')
    with pytest.raises(Unreadable, match='time limit') as raised:
        cluster.get('core', 'list_namespace')
    assert raised.value.fatal and cluster.requests == 0
