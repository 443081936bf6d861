"""Rules of well-known extension types and the AKS preflight: a refused create or update sends no PUT or PATCH."""
import pytest

from .helpers import RG, extension_requests, redacted, run_batch, unique

WORKSPACE = ('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/logs/providers/'
             'Microsoft.OperationalInsights/workspaces/ws1')
WORKLOAD_IAM = 'microsoft.entraworkloadiam'


# Callers give the name, cluster and cluster type positionally, then any flags.
# pylint: disable-next=keyword-arg-before-vararg
def create(extension_type, name=None, cluster='demo-aks', cluster_type='managedClusters', *extra):
    return ['k8s-extension', 'create', '-g', RG, '-c', cluster, '--cluster-type', cluster_type,
            '-n', name or unique('x'), '--extension-type', extension_type] + list(extra)


REFUSED = [
    ('flux-namespace-scope', create('microsoft.flux', None, 'demo-aks', 'managedClusters', '--scope', 'namespace',
                                    '--target-namespace', 'apps'), 'cluster scope only'),
    ('dapr-namespace-scope', create('microsoft.dapr', None, 'demo-arc', 'connectedClusters', '--target-namespace',
                                    'apps'), 'cluster scope only'),
    ('azureml-nothing-enabled', create('microsoft.azureml.kubernetes'), 'enableTraining=true or enableInference'),
    ('azureml-inference-without-https', create('microsoft.azureml.kubernetes', None, 'demo-aks', 'managedClusters',
                                               '--config', 'enableInference=true',
                                               'inferenceRouterServiceType=loadBalancer'), 'allowInsecureConnections'),
    ('azureml-insecure-and-ssl', create('microsoft.azureml.kubernetes', None, 'demo-aks', 'managedClusters',
                                        '--config', 'enableInference=true', 'allowInsecureConnections=true',
                                        'inferenceRouterServiceType=nodePort', '--config-protected',
                                        'sslCertPemFile=c', 'sslKeyPemFile=k'), 'contradicts the SSL settings'),
    ('azureml-bad-router-type', create('microsoft.azureml.kubernetes', None, 'demo-aks', 'managedClusters',
                                       '--config', 'enableInference=true', 'allowInsecureConnections=true',
                                       'inferenceRouterServiceType=ingress'), 'loadBalancer, nodePort, clusterIP'),
    ('azureml-nodeport-with-internal-lb', create('microsoft.azureml.kubernetes', None, 'demo-aks', 'managedClusters',
                                                 '--config', 'enableInference=true', 'allowInsecureConnections=true',
                                                 'inferenceRouterServiceType=NodePort',
                                                 'internalLoadBalancerProvider=azure'), 'cannot go with it'),
    ('azureml-ssl-without-cname', create('microsoft.azureml.kubernetes', None, 'demo-aks', 'managedClusters',
                                         '--config', 'enableInference=true', 'inferenceRouterServiceType=loadBalancer',
                                         'sslSecret=router-tls'), 'sslCname'),
    ('workload-iam-long-name', create(WORKLOAD_IAM, 'workload-iam-extension', 'demo-arc', 'connectedClusters',
                                      '--config', 'trustDomain=td', 'tenantId=t', '--config-protected', 'joinToken=x'),
     'at most 20'),
    ('workload-iam-token-in-plain-settings', create(WORKLOAD_IAM, None, 'demo-arc', 'connectedClusters', '--config',
                                                    'trustDomain=td', 'tenantId=t', 'JoinToken=x'),
     '--config-protected-settings joinToken'),
    ('workload-iam-no-tenant', create(WORKLOAD_IAM, None, 'demo-arc', 'connectedClusters', '--config',
                                      'TrustDomain=td', '--config-protected', 'joinToken=x'), 'tenantId'),
    ('workload-iam-no-token', create(WORKLOAD_IAM, None, 'demo-arc', 'connectedClusters', '--config',
                                     'trustDomain=td', 'tenantId=t'), 'localAuthority'),
    ('workload-iam-namespace-scope', create(WORKLOAD_IAM, None, 'demo-arc', 'connectedClusters', '--scope',
                                            'namespace', '--target-namespace', 'apps'), 'cluster scope only'),
    ('backup-on-arc', create('microsoft.dataprotection.kubernetes', None, 'demo-arc', 'connectedClusters'),
     'runs on managedClusters only'),
    ('backup-missing-storage', create('microsoft.dataprotection.kubernetes', None, 'demo-aks', 'managedClusters',
                                      '--config', 'blobContainer=backups'), 'storageAccount'),
    ('monitor-bad-workspace', create('microsoft.azuremonitor.containers', 'azuremonitor-containers', 'demo-arc',
                                     'connectedClusters', '--config', 'logAnalyticsWorkspaceResourceID=ws1'),
     'not a Log Analytics workspace resource ID'),
    ('defender-namespace-scope', create('microsoft.azuredefender.kubernetes', None, 'demo-arc', 'connectedClusters',
                                        '--scope', 'namespace', '--target-namespace', 'mdc'), 'cluster scope only'),
    ('fleet-not-flux', create('microsoft.dapr', None, 'demo-fleet', 'fleets'),
     "The supported extension type is 'microsoft.flux'"),
    ('aks-service-principal', create('microsoft.flux', None, 'demo-aks-sp'),
     'az aks update -g demo-rg -n demo-aks-sp --enable-managed-identity'),
    ('aks-missing', create('microsoft.flux', None, 'no-such-aks'), "Cluster not found: there is no AKS cluster"),
    ('aks-group-update-monitor-workspace', ['aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n',
                                            'azuremonitor-containers', '-t', 'microsoft.azuremonitor.containers',
                                            '--config', 'logAnalyticsWorkspaceResourceID=bad'],
     'not a Log Analytics workspace'),
]


@pytest.fixture(scope='module')
def refused(aks, emulator):
    emulator.admin.clear_requests()
    results = run_batch(aks, [args for _, args, _ in REFUSED])
    return dict(zip([case_id for case_id, _, _ in REFUSED], results)), emulator.admin.requests()


@pytest.mark.parametrize('case_id,fragment', [(case_id, fragment) for case_id, _, fragment in REFUSED])
def test_rule_refuses_with_the_accepted_values(refused, case_id, fragment):
    result = refused[0][case_id]
    text = result['error_message'] + ' ' + ' '.join(result['recommendations'])
    # az's convention: 3 for a resource that does not exist, 1 for other errors.
    assert result['exit_code'] == (3 if case_id == 'aks-missing' else 1), result['stderr']
    assert fragment in text, result['stderr']
    assert 'Traceback' not in result['stderr']


def test_refused_creates_send_no_put(refused):
    assert [r['path'] for r in refused[1] if r['method'] in ('PUT', 'PATCH')] == []


def test_preflight_gets_the_aks_cluster_once_and_skips_arc(refused):
    cluster_gets = [r['path'] for r in refused[1] if r['method'] == 'GET' and 'managedClusters' in r['path']
                    and '/extensions' not in r['path']]
    assert sorted(path.rsplit('/', 1)[-1] for path in cluster_gets) == ['demo-aks-sp', 'no-such-aks']
    assert not any('connectedClusters' in r['path'] for r in refused[1])


def test_entra_workload_iam_sends_the_charts_keys_and_the_protected_join_token(aks, service):
    done = aks.run(*create(WORKLOAD_IAM, unique('wiam'), 'demo-arc', 'connectedClusters'), '--config',
                   'TrustDomain=contoso.example', 'tenantID=72f988bf-86f1-41af-91ab-2d7cd011db47', 'replicas=2',
                   '--config-protected', 'JOINTOKEN=one-time-token', '-o', 'json')
    assert done.returncode == 0, done.stderr
    body = extension_requests(service, 'PUT')[0]['body']
    properties = body['properties']
    assert properties['releaseTrain'] == 'preview' and properties['scope'] == {'cluster': {}}
    assert properties['configurationSettings'] == {
        'replicas': '2', 'global.workload-iam.trustDomain': 'contoso.example',
        'global.workload-iam.tenantID': '72f988bf-86f1-41af-91ab-2d7cd011db47'}
    assert properties['configurationProtectedSettings'] == {
        'workload-iam-local-authority.localAuthorityArgs.joinToken': redacted('one-time-token')}
    assert body['identity'] == {'type': 'SystemAssigned'}
    assert 'one-time-token' not in done.stdout + done.stderr


def test_entra_workload_iam_without_a_token_names_the_command_that_makes_one(aks, service):
    done = aks.run(*create(WORKLOAD_IAM, unique('wiam'), 'demo-arc', 'connectedClusters'), '--config',
                   'trustDomain=td', 'tenantId=t', 'localAuthority=la')
    assert done.returncode == 1 and 'Traceback' not in done.stderr
    assert 'az workload-iam local-authority attestation-method create --td td --la la' in done.stderr
    assert extension_requests(service, 'PUT') == []


def test_dapr_installs_without_a_question(aks, service):
    done = aks.run(*create('microsoft.dapr', unique('dapr'), 'demo-arc', 'connectedClusters'), '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert extension_requests(service, 'PUT')[0]['body']['properties']['scope'] == {
        'cluster': {'releaseNamespace': 'dapr-system'}}


def test_azureml_inference_on_a_test_cluster_is_accepted(aks, service):
    done = aks.run(*create('microsoft.azureml.kubernetes', unique('aml'), 'demo-arc', 'connectedClusters'),
                   '--config', 'enableInference=true', 'allowInsecureConnections=true',
                   'inferenceRouterServiceType=nodePort', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert len(extension_requests(service, 'PUT')) == 1


def test_rules_apply_to_update(aks, service):
    name = 'azuremonitor-containers'
    aks.json(*create('microsoft.azuremonitor.containers', name, 'demo-arc', 'connectedClusters'), '--config',
             'logAnalyticsWorkspaceResourceID=' + WORKSPACE, 'skipPrerequisites=true')
    service.clear_requests()
    done = aks.run('k8s-extension', 'update', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters',
                   '-n', name, '--config', 'logAnalyticsWorkspaceResourceID=not-an-id')
    assert done.returncode == 1
    assert 'not a Log Analytics workspace resource ID' in done.stderr
    assert extension_requests(service, 'PATCH') == []
    aks.run('k8s-extension', 'delete', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters', '-n', name,
            '--yes', '--force')


def test_unregistered_provider_error_names_the_fix(aks, service):
    """The provider is registered on the way (test_drop_in.py); when that fails, the error gives the command."""
    unregistered = aks.run('provider', 'unregister', '--namespace', 'Microsoft.KubernetesConfiguration')
    assert unregistered.returncode == 0, unregistered.stderr
    service.fault(method='POST', path='/register$', status=403, code='AuthorizationFailed', message='No.')
    try:
        done = aks.run(*create('microsoft.flux', unique('unreg'), 'demo-arc', 'connectedClusters'))
    finally:
        aks.run('provider', 'register', '--namespace', 'Microsoft.KubernetesConfiguration', '--wait')
    assert done.returncode == 1
    assert 'az provider register --namespace Microsoft.KubernetesConfiguration' in done.stderr


def test_fixed_name_and_namespace_are_used_with_a_warning(aks, service):
    done = aks.run(*create('microsoft.azuremonitor.containers', 'monitor', 'demo-arc', 'connectedClusters',
                           '--release-namespace', 'kube-system', '--config', 'skipPrerequisites=true',
                           'logAnalyticsWorkspaceResourceID=' + WORKSPACE + '/'), '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert "always installed under the name 'azuremonitor-containers'" in done.stderr
    assert "installs into namespace 'azuremonitor-containers' only" in done.stderr
    put = extension_requests(service, 'PUT')[0]
    assert put['path'].endswith('/extensions/azuremonitor-containers')
    assert put['body']['properties']['scope'] == {'cluster': {'releaseNamespace': 'azuremonitor-containers'}}
    assert put['body']['properties']['configurationSettings'] == {'logAnalyticsWorkspaceResourceID': WORKSPACE,
                                                                  'skipPrerequisites': 'true'}
    aks.run('k8s-extension', 'delete', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters', '-n',
            'azuremonitor-containers', '--yes', '--force')


def test_azureml_inference_router_settings_are_sent_as_the_official_tool_sends_them(aks, service, tmp_path):
    import base64
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    cert.write_text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    key.write_text('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')
    name = unique('aml')
    done = aks.run(*create('microsoft.azureml.kubernetes', name, 'demo-arc', 'connectedClusters'),
                   '--config', 'enableInference=true', 'inferenceRouterServiceType=NodePort', 'sslCname=ml.contoso.com',
                   '--config-protected', f'sslCertPemFile={cert}', f'sslKeyPemFile={key}',
                   '-o', 'none')
    assert done.returncode == 0, done.stderr
    body = extension_requests(service, 'PUT')[0]['body']['properties']
    settings, sent = body['configurationSettings'], body['configurationProtectedSettings']
    # The flag not given goes as False, the router type as the chart's key, as the official tool sends them.
    assert {k: settings[k] for k in ('enableInference', 'enableTraining', 'scoringFe.serviceType.nodePort')} == {
        'enableInference': 'true', 'enableTraining': 'False', 'scoringFe.serviceType.nodePort': 'True'}
    # On an Arc cluster the Relay connection strings come along (see test_companions_azureml.py); the PEM paths are
    # sent as given, beside their contents.
    assert {k: v for k, v in sent.items() if 'elay' not in k} == {
        'sslCertPemFile': redacted(str(cert)), 'sslKeyPemFile': redacted(str(key)),
        'scoringFe.sslCert': redacted(base64.b64encode(cert.read_bytes()).decode()),
        'scoringFe.sslKey': redacted(base64.b64encode(key.read_bytes()).decode())}

    service.clear_requests()
    updated = aks.run('k8s-extension', 'update', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters',
                      '-n', name, '--config', 'inferenceRouterServiceType=LoadBalancer',
                      'internalLoadBalancerProvider=azure', 'sslSecret=router-tls', '-o', 'none')
    assert updated.returncode == 0, updated.stderr
    assert 'Internal load balancer only supported on AKS and AKS Engine Clusters' in updated.stderr
    patched = extension_requests(service, 'PATCH')[0]['body']['properties']['configurationSettings']
    assert {k: v for k, v in patched.items() if k.startswith('scoringFe')} == {
        'scoringFe.serviceType.nodePort': 'False', 'scoringFe.serviceType.internalLoadBalancer': 'True',
        'scoringFe.sslSecret': 'router-tls'}
