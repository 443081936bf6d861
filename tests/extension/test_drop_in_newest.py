"""Scripts written for the newest official k8s-extension (1.9.x, api-version 2025-03-01) get what it gives: the keys
its output prints, nested ones included; the reason of a failure in errorInfo; what 2025-03-01 returns; and its
flag rules. Each test runs the real az against the emulator and reads the emulator's requests and state."""
import json

import pytest

from .helpers import RG, Arm, extension_requests, run_batch, unique

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
AKS = ['-g', RG, '-c', 'demo-aks', '--cluster-type', 'managedClusters']
KC = 'Microsoft.KubernetesConfiguration'


@pytest.fixture
def arm(emulator):
    return Arm(emulator)


# 6. Every key the official output prints, nested objects included.

def test_plan_and_nested_objects_keep_every_official_key(aks, service):
    name = unique('plan')
    done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux',
                   '--plan-name', 'flux-plan', '--plan-product', 'flux-offer', '--plan-publisher', 'contoso',
                   '-o', 'json')
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created['plan'] == {'name': 'flux-plan', 'product': 'flux-offer', 'publisher': 'contoso',
                               'promotionCode': None, 'version': None}
    assert extension_requests(service, 'PUT')[0]['body']['plan'] == {
        'name': 'flux-plan', 'product': 'flux-offer', 'publisher': 'contoso'}
    assert created['identity'].keys() == {'principalId', 'tenantId', 'type'}
    assert created['scope'] == {'cluster': {'releaseNamespace': 'flux-system'}, 'namespace': None}
    assert set(created['systemData']) == {'createdBy', 'createdByType', 'createdAt', 'lastModifiedBy',
                                          'lastModifiedByType', 'lastModifiedAt'}
    assert created['additionalDetails'] == {'docs': None, 'releaseNotes': None, 'troubleshootingGuide': None}
    shown = aks.json('k8s-extension', 'show', *ARC, '-n', name, '--query', 'plan.promotionCode')
    assert shown is None


# 8. The reason of a failed operation is in errorInfo, at the api-version aksext reads.

def test_a_failed_extension_carries_the_service_error_in_error_info(aks, service):
    name = unique('fail')
    service.fail_next_operation(name=name, code='HelmInstallFailed',
                                message='Helm installation failed: pod healthcheck failed')
    done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    assert done.returncode == 1 and 'pod healthcheck failed' in done.stderr
    results = run_batch(aks, [
        ['k8s-extension', 'show', *ARC, '-n', name, '--query', 'errorInfo.message', '-o', 'tsv'],
        ['k8s-extension', 'show', *ARC, '-n', name, '-o', 'json']])
    assert [result['exit_code'] for result in results] == [0, 0]
    assert results[0]['stdout'].strip() == 'Helm installation failed: pod healthcheck failed'
    shown = json.loads(results[1]['stdout'])
    assert shown['errorInfo'] == {'code': 'HelmInstallFailed',
                                  'message': 'Helm installation failed: pod healthcheck failed',
                                  'target': None, 'details': None, 'additionalInfo': None}
    assert shown['provisioningState'] == 'Failed'
    get = [r for r in service.requests() if r['method'] == 'GET' and r['path'].endswith('/extensions/' + name)]
    assert {r['query']['api-version'] for r in get} == {'2025-03-01'}


# 11. What 2025-03-01 returns is kept, and tables flag managed and system extensions.

def test_output_keeps_the_2025_03_01_fields_and_tables_flag_managed_and_system_extensions(aks, service, arm):
    cluster = unique('arc')
    cluster_id = arm.cluster(name=cluster)
    arm.call('PUT', cluster_id, '2024-01-01', {'location': 'eastus'})
    details = {'category': 'managed', 'accessDetails': [
        {'entity': 'Microsoft.Kubernetes', 'allowedActions': ['read', 'write', 'delete']},
        {'entity': 'User', 'allowedActions': ['read']}]}
    service.bulk_extensions(cluster_id=cluster_id, count=1, prefix='platform', isSystemExtension=True,
                            managementDetails=details, managedBy=cluster_id)
    service.bulk_extensions(cluster_id=cluster_id, count=1, prefix='mine')
    backup = unique('backup')
    arm.call('PUT', arm.cluster('Microsoft.ContainerService/managedClusters', 'demo-aks') +
             f'/providers/{KC}/extensions/{backup}', '2025-03-01',
             {'properties': {'extensionType': 'microsoft.dataprotection.kubernetes'}})
    target = ['-g', RG, '-c', cluster, '--cluster-type', 'connectedClusters']
    results = run_batch(aks, [
        ['k8s-extension', 'list', *target, '-o', 'json'],
        ['k8s-extension', 'list', *target, '-o', 'table'],
        ['k8s-extension', 'show', *AKS, '-n', backup, '--query', 'aksAssignedIdentity.principalId', '-o', 'tsv']])
    assert [result['exit_code'] for result in results] == [0, 0, 0], results
    listed = {item['name']: item for item in json.loads(results[0]['stdout'])}
    platform = listed['platform00000']
    assert platform['managedBy'] == cluster_id and platform['isSystemExtension'] is True
    assert platform['managementDetails']['category'] == 'managed'
    assert platform['managementDetails']['accessDetails'][1] == {'entity': 'User', 'allowedActions': ['read'],
                                                                 'description': None}
    assert listed['mine00000']['managedBy'] is None and listed['mine00000']['extensionState'] is None
    header, _, *rows = results[1]['stdout'].splitlines()
    assert header.split()[-2:] == ['ManagedBy', 'System']
    flags = {row.split()[0]: row.split()[6:] for row in rows}
    assert flags == {'platform00000': ['Microsoft.Kubernetes', 'yes'], 'mine00000': []}
    assert len(results[2]['stdout'].strip()) == 36
