"""The clusters' Kubernetes API with the real `kubernetes` client, unchanged: objects that follow each extension's
ARM state and its cause, Helm records as Helm writes them, bounded logs, tokens per cluster and role, RBAC's 403,
no writes; and the kubeconfig `az aks get-credentials` gets from listClusterUserCredential."""
import base64
import gzip
import json

import pytest
import yaml
# kubernetes is the extension's runtime dependency (setup.py), absent from the shared lint environment.
from kubernetes import client, config  # pylint: disable=import-error

from .conftest import RG, Arm, unique


@pytest.fixture(scope='module')
def cluster(emulator):
    """An AKS cluster of this module's own with a healthy, a crash-looping and an updating extension."""
    arm = Arm(emulator)
    path = arm.cluster_path(('Microsoft.ContainerService', 'managedClusters', unique('kube')))
    assert arm.call('PUT', path, '2025-03-01', {'location': 'eastus'}).status_code in (200, 201)
    admin = emulator.admin
    admin.kubernetes_cause(cluster_id=path, name='ok', extension_type='microsoft.flux', release_namespace='ok-ns',
                           cause=None, pods=3, log_bytes=200_000)
    admin.kubernetes_cause(cluster_id=path, name='crash', extension_type='microsoft.flux',
                           release_namespace='crash-ns', cause='crash_loop')
    return path


def apis(kubeconfig_text, tmp_path):
    path = tmp_path / 'kubeconfig.yaml'
    path.write_text(kubeconfig_text)
    configuration = client.Configuration()
    config.load_kube_config(str(path), client_configuration=configuration)
    api_client = client.ApiClient(configuration)
    return client.CoreV1Api(api_client), client.AppsV1Api(api_client)


def test_objects_follow_the_extensions_state_through_the_typed_client(emulator, cluster, tmp_path):
    core, apps = apis(emulator.admin.kubeconfig(cluster), tmp_path)
    assert {'ok-ns', 'crash-ns', 'kube-system'} <= {item.metadata.name for item in core.list_namespace().items}
    healthy = core.list_namespaced_pod('ok-ns').items
    assert len(healthy) == 3 and all(pod.status.container_statuses[0].ready for pod in healthy)
    assert [(item.spec.replicas, item.status.ready_replicas) for item in apps.list_namespaced_deployment('ok-ns')
            .items] == [(3, 3)]
    crashing = core.list_namespaced_pod('crash-ns').items[0].status.container_statuses[0]
    assert crashing.state.waiting.reason == 'CrashLoopBackOff' and crashing.last_state.terminated.exit_code == 1
    assert [event.reason for event in core.list_namespaced_event('crash-ns').items] == ['BackOff']


def test_helm_records_are_helm_s_and_hold_the_values(emulator, cluster, tmp_path):
    core, _ = apis(emulator.admin.kubeconfig(cluster), tmp_path)
    secrets = core.list_namespaced_secret('crash-ns', label_selector='owner=helm,name=crash').items
    assert [(item.metadata.name, item.type) for item in secrets] == [('sh.helm.release.v1.crash.v1',
                                                                      'helm.sh/release.v1')]
    release = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(secrets[0].data['release']))))
    assert release['info']['status'] == 'failed' and release['version'] == 1
    assert release['config']['Azure']['Extension']['Name'] == 'crash'


def test_logs_honour_tail_lines_limit_bytes_and_previous(emulator, cluster, tmp_path):
    core, _ = apis(emulator.admin.kubeconfig(cluster), tmp_path)
    pod = core.list_namespaced_pod('ok-ns').items[0].metadata.name
    whole = core.read_namespaced_pod_log(pod, 'ok-ns')
    assert len(whole) > 150_000 and 'AccountKey=' in whole
    assert len(core.read_namespaced_pod_log(pod, 'ok-ns', tail_lines=5).splitlines()) == 5
    assert len(core.read_namespaced_pod_log(pod, 'ok-ns', limit_bytes=1000)) == 1000
    with pytest.raises(client.ApiException) as raised:
        core.read_namespaced_pod_log(pod, 'ok-ns', previous=True)
    assert raised.value.status == 400
    crash = core.list_namespaced_pod('crash-ns').items[0].metadata.name
    assert 'x509' in core.read_namespaced_pod_log(crash, 'crash-ns', previous=True, tail_lines=3)


def test_tokens_are_per_cluster_and_role_and_rbac_denies_a_namespace(emulator, cluster, tmp_path):
    other = Arm(emulator).cluster_path(('Microsoft.ContainerService', 'managedClusters', 'demo-aks'))
    wrong = yaml.safe_load(emulator.admin.kubeconfig(cluster))
    wrong['users'][0]['user']['token'] = yaml.safe_load(emulator.admin.kubeconfig(other))['users'][0]['user']['token']
    core, _ = apis(yaml.safe_dump(wrong), tmp_path)
    with pytest.raises(client.ApiException) as raised:
        core.list_namespace()
    assert raised.value.status == 401
    emulator.admin.kubernetes_access(cluster_id=cluster, forbidden_namespaces=['crash-ns'])
    try:
        user, _ = apis(emulator.admin.kubeconfig(cluster), tmp_path)
        with pytest.raises(client.ApiException) as raised:
            user.list_namespaced_pod('crash-ns')
        assert raised.value.status == 403 and json.loads(raised.value.body)['reason'] == 'Forbidden'
        assert user.list_namespaced_pod('ok-ns').items
        cluster_admin, _ = apis(emulator.admin.kubeconfig(cluster, role='admin'), tmp_path)
        assert cluster_admin.list_namespaced_pod('crash-ns').items
        # The access rules are the emulator's own record: ARM's listings of the group do not show or trip on it.
        listed = Arm(emulator).call('GET', f'{Arm(emulator).subscription}/resourceGroups/{RG}/resources', '2021-04-01')
        assert listed.status_code == 200 and all(item.get('id') for item in listed.json()['value'])
    finally:
        emulator.admin.kubernetes_access(cluster_id=cluster, forbidden_namespaces=[])


def test_the_api_is_read_only(emulator, cluster, tmp_path):
    core, _ = apis(emulator.admin.kubeconfig(cluster), tmp_path)
    with pytest.raises(client.ApiException) as raised:
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name='new')))
    assert raised.value.status == 405


def test_az_aks_get_credentials_gets_a_kubeconfig_for_it(az, emulator, tmp_path):
    target = tmp_path / 'config'
    done = az.run('aks', 'get-credentials', '-g', RG, '-n', 'demo-aks', '--file', str(target))
    assert done.returncode == 0, done.stderr
    core, _ = apis(target.read_text(), tmp_path)
    assert 'kube-system' in {item.metadata.name for item in core.list_namespace().items}
    admin = az.run('aks', 'get-credentials', '-g', RG, '-n', 'demo-aks', '--admin', '--file', str(target),
                   '--overwrite-existing')
    assert admin.returncode == 0, admin.stderr
    assert 'clusterAdmin_demo-rg_demo-aks' in target.read_text()


def test_a_cause_needs_a_cluster_type_it_applies_to(emulator):
    arm = Arm(emulator)
    path = arm.cluster_path(('Microsoft.ContainerService', 'managedClusters', 'demo-aks'))
    with pytest.raises(RuntimeError, match='connectedClusters'):
        emulator.admin.kubernetes_cause(cluster_id=path, name=unique('x'), cause='agent_offline')
    with pytest.raises(RuntimeError, match='Unknown cause'):
        emulator.admin.kubernetes_cause(cluster_id=path, name=unique('x'), cause='gremlins')
