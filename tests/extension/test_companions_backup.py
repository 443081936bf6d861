"""AKS Backup: the storage account lookup, the settings derived from it, unknown keys dropped, and a storage
account in another location refused before anything is sent."""
import pytest

from .helpers import Arm, RG, extension_requests, unique

STORAGE_API = '2023-05-01'
LOCATION = 'configuration.backupStorageLocation.'


@pytest.fixture
def storage(emulator):
    arm = Arm(emulator)

    def make(location):
        name = unique('sa').replace('-', '')
        path = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Storage/storageAccounts/{name}'
        arm.call('PUT', path, STORAGE_API, {'location': location, 'kind': 'StorageV2',
                                            'sku': {'name': 'Standard_LRS'}})
        return arm.sub, name
    return make


def _create(aks, subscription, account, *extra):
    return aks.run('k8s-extension', 'create', '--name', 'azure-aks-backup', '--extension-type',
                   'microsoft.dataprotection.kubernetes', '--scope', 'cluster', '--cluster-type', 'managedClusters',
                   '--cluster-name', 'demo-aks', '--resource-group', RG, '--release-train', 'stable',
                   '--configuration-settings', 'blobContainer=backups', 'storageAccount=' + account,
                   'storageAccountResourceGroup=' + RG, 'storageAccountSubscriptionId=' + subscription, *extra,
                   '-o', 'json')


def test_backup_docs_example_derives_its_settings(aks, service, storage, emulator):
    subscription, account = storage('eastus')
    done = _create(aks, subscription, account, 'cpuLimit=1', 'colour=blue', 'DisableInformerCache=true')
    assert done.returncode == 0, done.stderr
    assert "Ignoring unrecognized configuration setting 'colour'" in done.stderr
    body = extension_requests(service, 'PUT')[0]['body']['properties']
    assert body['configurationSettings'] == {
        LOCATION + 'bucket': 'backups', LOCATION + 'config.storageAccount': account,
        LOCATION + 'config.resourceGroup': RG, LOCATION + 'config.subscriptionId': subscription,
        'resources.limits.cpu': '1', 'configuration.disableInformerCache': 'true',
        LOCATION + 'config.storageAccountURI': f'https://{account}.blob.core.windows.net/',
        LOCATION + 'config.useAAD': 'true', 'credentials.tenantId': emulator.endpoint['tenant']}
    assert body['scope'] == {'cluster': {'releaseNamespace': 'dataprotection-microsoft'}}
    # The test's own PUT made the account; the extension only read it.
    assert [r['method'] for r in service.requests() if 'storageAccounts' in r['path']] == ['PUT', 'GET']
    aks.run('aks', 'extension', 'delete', '-g', RG, '-c', 'demo-aks', '-n', 'azure-aks-backup', '--yes')


def test_backup_storage_in_another_location_is_refused(aks, service, storage):
    subscription, account = storage('westus2')
    done = _create(aks, subscription, account)
    assert done.returncode == 1 and done.stdout == ''
    assert 'is in westus2' in done.stderr and "'demo-aks' is in eastus" in done.stderr
    assert extension_requests(service, 'PUT') == []


def test_backup_missing_storage_account_names_it(aks, service, emulator):
    done = _create(aks, emulator.endpoint['subscription'], 'nosuchaccount')
    # A missing resource exits 3, as README promises and as every az command does.
    assert done.returncode == 3 and 'Could not read storage account nosuchaccount' in done.stderr
    assert 'ResourceNotFound' in done.stderr
    assert 'Traceback' not in done.stderr and extension_requests(service, 'PUT') == []


def test_backup_update_of_the_storage_checks_the_new_account(aks, service, storage):
    subscription, account = storage('eastus')
    assert _create(aks, subscription, account).returncode == 0
    _, other = storage('eastus')
    base = ['aks', 'extension', 'update', '-g', RG, '-c', 'demo-aks', '-n', 'azure-aks-backup', '--yes']
    partial = aks.run(*base, '--configuration-settings', 'storageAccount=' + other)
    assert partial.returncode != 0 and 'missing' in partial.stderr and 'blobContainer' in partial.stderr
    service.clear_requests()
    done = aks.run(*base, '--configuration-settings', 'blobContainer=b2', 'storageAccount=' + other,
                   'storageAccountResourceGroup=' + RG, 'storageAccountSubscriptionId=' + subscription, '-o', 'json')
    assert done.returncode == 0, done.stderr
    sent = extension_requests(service, 'PATCH')[0]['body']['properties']['configurationSettings']
    assert sent[LOCATION + 'config.storageAccountURI'] == f'https://{other}.blob.core.windows.net/'
    aks.run('aks', 'extension', 'delete', '-g', RG, '-c', 'demo-aks', '-n', 'azure-aks-backup', '--yes')


def test_backup_runs_the_latest_version_of_stable_and_says_what_it_ignores(aks, service, storage):
    """Through az aks extension, as the official tool: no version and no protected settings are sent, auto-upgrade
    stays on and the train defaults to stable; keys are read without regard to case and values stripped."""
    subscription, account = storage('eastus')
    done = aks.run('aks', 'extension', 'create', '--cluster-name', 'demo-aks', '--resource-group', RG,
                   '--extension-type', 'microsoft.dataprotection.kubernetes', '--name', 'azure-aks-backup',
                   '--version', '1.2.3', '--configuration-protected-settings', 'token=hunter2',
                   '--configuration-settings', 'BLOBCONTAINER= backups ', 'storageaccount=' + account,
                   'StorageAccountResourceGroup=' + RG, 'storageAccountSubscriptionId=' + subscription,
                   'memoryRequest=256Mi', '-o', 'json')
    assert done.returncode == 0, done.stderr
    ignored = [line for line in done.stderr.splitlines() if 'Ignoring' in line]
    assert len(ignored) == 1 and '--version 1.2.3 and the protected settings' in ignored[0]
    assert 'latest version of its release train' in ignored[0] and 'hunter2' not in done.stderr
    body = extension_requests(service, 'PUT')[0]['body']['properties']
    assert body['releaseTrain'] == 'stable' and body['autoUpgradeMinorVersion'] is True
    assert 'version' not in body and 'configurationProtectedSettings' not in body
    assert body['configurationSettings'][LOCATION + 'bucket'] == 'backups'
    assert body['configurationSettings']['resources.requests.memory'] == '256Mi'
    service.clear_requests()
    base = ['aks', 'extension', 'update', '-g', RG, '-c', 'demo-aks', '-n', 'azure-aks-backup', '--yes']
    pinned = aks.run(*base, '--auto-upgrade-minor-version', 'false', '-o', 'json')
    assert pinned.returncode == 0, pinned.stderr
    assert 'Ignoring --auto-upgrade-minor-version false' in pinned.stderr
    patch = extension_requests(service, 'PATCH')[0]['body']['properties']
    assert patch['autoUpgradeMinorVersion'] is True and 'version' not in patch
    aks.run('aks', 'extension', 'delete', '-g', RG, '-c', 'demo-aks', '-n', 'azure-aks-backup', '--yes')
