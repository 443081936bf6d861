"""Versions the cluster cannot run, AKS's patch-only rule, create-only properties and managed extensions: each is
refused before anything is written, and the allowed cases go through. The emulator's catalog excludes some
Kubernetes versions and distributions (arm_emulator/resources/extension_types/catalog.py UNSUPPORTED); the demo
seed has a managed extension."""
import json

import pytest

from .helpers import RG, extension_requests, unique

OLD_AKS = 'compat-aks'   # Kubernetes 1.28.5
GKE = 'compat-gke'       # Arc, GKE, 1.27.3


@pytest.fixture(scope='module')
def old_clusters(emulator):
    base = f"/subscriptions/{emulator.endpoint['subscription']}/resourceGroups/{RG}/providers/"
    emulator.admin.put(base + 'Microsoft.ContainerService/managedClusters/' + OLD_AKS, {
        'location': 'eastus', 'properties': {'kubernetesVersion': '1.28.5', 'currentKubernetesVersion': '1.28.5'}},
        '2025-03-01')
    emulator.admin.put(base + 'Microsoft.Kubernetes/connectedClusters/' + GKE, {
        'location': 'eastus', 'properties': {'kubernetesVersion': '1.27.3-gke.100', 'distribution': 'GKE'}},
        '2024-01-01')


def on(cluster, cluster_type='managedClusters'):
    return ['-g', RG, '-c', cluster, '--cluster-type', cluster_type]


def writes(service):
    return [r for r in extension_requests(service) if r['method'] in ('PUT', 'PATCH', 'DELETE')]


def refused(done, error, *fragments):
    assert done.returncode == 1, done.stdout
    assert 'Traceback' not in done.stderr  # (error: the azclierror class the message comes from)
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


# Compatibility with the cluster's Kubernetes version and distribution

def test_create_following_a_train_is_refused_when_its_newest_version_excludes_the_cluster(aks, service,
                                                                                          old_clusters):
    done = aks.run('k8s-extension', 'create', *on(OLD_AKS), '-n', unique('fx'), '--extension-type', 'microsoft.flux')
    refused(done, 'InvalidArgumentValueError', 'does not support Kubernetes 1.28.5', "'<1.29'", '1.16.2',
            'Newest versions in train', '1.15.1, 1.14.1, 1.14.0', '--version')
    assert writes(service) == []


def test_a_pinned_version_excluded_on_the_clusters_distribution_is_refused(aks, service, old_clusters):
    done = aks.run('k8s-extension', 'create', *on(GKE, 'connectedClusters'), '-n', unique('fx'),
                   '--extension-type', 'microsoft.flux', '--version', '1.15.1')
    refused(done, 'InvalidArgumentValueError', 'Version 1.15.1', 'Kubernetes 1.27.3-gke.100', "'<1.28' on gke",
            'distribution GKE', '1.14.1, 1.14.0, 1.13.1')
    assert writes(service) == []


def test_the_same_version_passes_on_another_distribution_and_a_supported_version_passes(aks, service,
                                                                                        old_clusters):
    created = aks.json('k8s-extension', 'create', *on('demo-arc', 'connectedClusters'), '-n', unique('fx'),
                       '--extension-type', 'microsoft.flux', '--version', '1.15.1')
    assert created['provisioningState'] == 'Succeeded'
    created = aks.json('aks', 'extension', 'create', '-g', RG, '-c', OLD_AKS, '-n', unique('dapr'),
                       '-t', 'microsoft.dapr', '--version', '1.14.4')
    assert created['version'] == '1.14.4'
    assert len(extension_requests(service, 'PUT')) == 2


def test_update_to_a_version_that_excludes_the_cluster_is_refused(aks, service, old_clusters):
    name = unique('dapr')
    aks.json('k8s-extension', 'create', *on(OLD_AKS), '-n', name, '--extension-type', 'microsoft.dapr',
             '--version', '1.13.6')
    service.clear_requests()
    done = aks.run('k8s-extension', 'update', *on(OLD_AKS), '-n', name, '--version', '1.15.5')
    refused(done, 'InvalidArgumentValueError', 'Version 1.15.5', 'Kubernetes 1.28.5', "'<1.29' on aks", '1.14.4')
    assert writes(service) == []


def test_an_expression_aksext_cannot_read_is_a_warning_and_the_service_decides(aks, service, old_clusters):
    done = aks.run('k8s-extension', 'create', *on(GKE, 'connectedClusters'), '-n', unique('osm'),
                   '--extension-type', 'microsoft.openservicemesh', '--version', '1.2.8', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert "Cannot tell whether version 1.2.8" in done.stderr and "'~1.27'" in done.stderr
    assert len(extension_requests(service, 'PUT')) == 1


@pytest.mark.parametrize('status', [403, 503])
def test_a_cluster_that_cannot_be_read_is_one_warning_and_the_service_decides(aks, service, old_clusters, status):
    # Without the read, the flux 1.16.2 exclusion for GKE would refuse this create. Only aksext's read (by its
    # api-version): the official tool's read of the cluster before the create must be answered, or the create ends.
    service.fault(method='GET', path=f'/connectedClusters/{GKE}$', query='api-version=2024-01-01', count=10,
                  status=status,
                  code='AuthorizationFailed' if status == 403 else 'ServiceUnavailable', message='no')
    done = aks.run('k8s-extension', 'create', *on(GKE, 'connectedClusters'), '-n', unique('fx'),
                   '--extension-type', 'microsoft.flux', '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not read the Kubernetes version') == 1
    assert len(extension_requests(service, 'PUT')) == 1


@pytest.mark.parametrize('flags', [[], ['--version', '1.15.1']])
def test_versions_that_cannot_be_read_are_one_warning_and_the_service_decides(aks, service, old_clusters, flags):
    service.fault(method='GET', path='/extensionTypes/microsoft.flux/versions', count=20, status=503,
                  code='ServiceUnavailable', message='no')
    done = aks.run('k8s-extension', 'create', *on(GKE, 'connectedClusters'), '-n', unique('fx'),
                   '--extension-type', 'microsoft.flux', *flags, '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not') == 1, done.stderr
    assert len(extension_requests(service, 'PUT')) == 1


# AKS: patch upgrades only within the cluster's Kubernetes minor version

def test_aks_extension_update_refuses_a_minor_upgrade_and_allows_a_patch(aks, service):
    name = unique('fx')
    aks_args = ['-g', RG, '-c', 'demo-aks', '-n', name]
    aks.json('aks', 'extension', 'create', *aks_args, '-t', 'microsoft.flux', '--version', '1.14.0')
    service.clear_requests()
    done = aks.run('aks', 'extension', 'update', *aks_args, '--version', '1.15.1')
    refused(done, 'ValidationError', 'minor or major upgrade', 'installed: 1.14.0', 'Kubernetes 1.33.2',
            'only patch upgrades', 'az aks upgrade -g demo-rg -n demo-aks', 'patch version of 1.14')
    assert writes(service) == []
    updated = aks.json('aks', 'extension', 'update', *aks_args, '--version', '1.14.1')
    assert updated['version'] == '1.14.1'
    assert [r['body']['properties']['version'] for r in extension_requests(service, 'PATCH')] == ['1.14.1']


# Version listings and list-upgrades

def test_version_listings_by_cluster_mark_compatibility(aks, service, old_clusters):
    versions = aks.json('k8s-extension', 'extension-types', 'list-versions-by-cluster', *on(OLD_AKS),
                        '--extension-type', 'microsoft.dapr')
    marks = {item['properties']['version']: item['properties']['compatibleWithCluster'] for item in versions}
    assert marks['1.15.5'] is False and marks['1.14.4'] is True and marks['1.5.1'] is False
    table = aks.run('aks', 'extension', 'type', 'version', 'list', '-g', RG, '-c', OLD_AKS, '-t', 'microsoft.dapr',
                    '-o', 'table')
    lines = table.stdout.splitlines()
    assert lines[0].split()[-1] == 'Compatible'
    rows = {line.split()[0]: line.split()[-1] for line in lines[2:]}
    assert rows['1.15.5'] == 'no' and rows['1.14.4'] == 'yes'


def test_list_upgrades_shows_the_newest_compatible_version_and_who_is_behind(aks, service, old_clusters):
    name = unique('dapr')
    aks.json('aks', 'extension', 'create', '-g', RG, '-c', OLD_AKS, '-n', name, '-t', 'microsoft.dapr',
             '--version', '1.13.6')
    service.clear_requests()
    rows = {row['name']: row for row in aks.json('aks', 'extension', 'list-upgrades', '-g', RG, '-c', OLD_AKS)}
    row = rows[name]
    assert (row['installedVersion'], row['newestVersion'], row['newestCompatibleVersion'], row['upgradeAvailable'],
            row['kubernetesVersion']) == ('1.13.6', '1.15.5', '1.14.4', True, '1.28.5')
    assert writes(service) == []
    table = aks.run('k8s-extension', 'list-upgrades', *on(OLD_AKS), '-o', 'table')
    line = next(line for line in table.stdout.splitlines() if line.startswith(name))
    assert '1.14.4' in line and 'behind' in line


def test_list_upgrades_says_unknown_with_one_warning_when_the_types_api_cannot_answer(aks, service, old_clusters):
    for extension_type in ('microsoft.flux', 'microsoft.dapr'):
        aks.json('k8s-extension', 'create', *on('demo-arc', 'connectedClusters'), '-n', unique('up'),
                 '--extension-type', extension_type)
    service.fault(method='GET', path='/extensionTypes/', count=50, status=503, code='ServiceUnavailable', message='no')
    done = aks.run('k8s-extension', 'list-upgrades', *on('demo-arc', 'connectedClusters'), '-o', 'json')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not read the versions') == 1
    rows = json.loads(done.stdout)
    assert rows and all(row['upgradeAvailable'] is None and row['newestCompatibleVersion'] is None for row in rows)


# --auto-upgrade-mode

def test_auto_upgrade_mode_is_sent_and_shown(aks, service):
    name = unique('fx')
    args = on('demo-arc', 'connectedClusters') + ['-n', name]
    aks.json('k8s-extension', 'create', *args, '--extension-type', 'microsoft.flux', '--auto-upgrade-mode', 'patch')
    # As k8s-extension 1.9.x sends it: the mode alone, the service derives the rest.
    body = extension_requests(service, 'PUT')[0]['body']['properties']
    assert body['autoUpgradeMode'] == 'patch' and 'autoUpgradeMinorVersion' not in body
    shown = aks.json('k8s-extension', 'show', *args)
    assert (shown['autoUpgradeMode'], shown['autoUpgradeMinorVersion']) == ('patch', False)
    table = aks.run('k8s-extension', 'show', *args, '-o', 'table').stdout.splitlines()
    assert 'AutoUpgradeMode' in table[0].split() and 'patch' in table[2].split()
    aks.json('k8s-extension', 'update', *args, '--auto-upgrade-mode', 'compatible')
    patch = extension_requests(service, 'PATCH')[0]['body']['properties']
    assert patch == {'autoUpgradeMode': 'compatible'}
    # A pin with mode none: the version and the mode, nothing else.
    service.clear_requests()
    aks.json('k8s-extension', 'update', *args, '--version', '1.14.0', '--auto-upgrade-mode', 'none')
    pin = extension_requests(service, 'PATCH')[0]['body']['properties']
    assert pin == {'version': '1.14.0', 'autoUpgradeMode': 'none'}


@pytest.mark.parametrize('flags,fragment', [
    (['--auto-upgrade-mode', 'compatible', '--version', '1.14.0'], '--version pins the extension'),
    (['--auto-upgrade-mode', 'patch', '--version', '1.14.0'], '--auto-upgrade-mode none'),
    (['--auto-upgrade-mode', 'none', '--auto-upgrade-minor-version', 'true'], 'cannot be used together'),
    (['--auto-upgrade-mode', 'compatible', '--auto-upgrade-minor-version', 'true'], 'cannot be used together'),
])
@pytest.mark.parametrize('verb', ['create', 'update'])
def test_contradicting_auto_upgrade_flags_are_refused_before_sending(aks, service, flags, fragment, verb):
    extra = ['--extension-type', 'microsoft.flux'] if verb == 'create' else []
    done = aks.run('k8s-extension', verb, *on('demo-arc', 'connectedClusters'), '-n', 'anything', *extra, *flags)
    refused(done, 'MutuallyExclusiveArgumentError', fragment)
    assert service.requests() == []


# Properties fixed at create

def test_create_over_an_existing_extension_with_another_type_or_scope_is_refused(aks, service):
    name = unique('im')
    args = on('demo-arc', 'connectedClusters') + ['-n', name]
    aks.json('k8s-extension', 'create', *args, '--extension-type', 'microsoft.contoso.samples',
             '--target-namespace', 'apps')
    service.clear_requests()
    done = aks.run('k8s-extension', 'create', *args, '--extension-type', 'microsoft.flux')
    refused(done, 'InvalidArgumentValueError', 'already exists', 'extension type',
            "is 'microsoft.contoso.samples', the create asks for 'microsoft.flux'", 'delete the extension',
            f'az k8s-extension delete -g demo-rg -c demo-arc -n {name} --cluster-type connectedClusters --yes')
    done = aks.run('k8s-extension', 'create', *args, '--extension-type', 'microsoft.contoso.samples',
                   '--target-namespace', 'other')
    refused(done, 'InvalidArgumentValueError', 'scope', "'namespace apps'", "'namespace other'")
    done = aks.run('k8s-extension', 'create', *args, '--extension-type', 'microsoft.contoso.samples',
                   '--target-namespace', 'apps', '--plan-name', 'p', '--plan-product', 'o', '--plan-publisher', 'c')
    refused(done, 'InvalidArgumentValueError', 'plan')
    assert writes(service) == []
    again = aks.json('k8s-extension', 'create', *args, '--extension-type', 'microsoft.contoso.samples',
                     '--target-namespace', 'apps')
    assert again['provisioningState'] == 'Succeeded'
    assert len(extension_requests(service, 'PUT')) == 1


def test_the_create_asks_whether_the_extension_exists_and_reads_it_only_when_it_does(aks, service):
    name = unique('im')
    args = on('demo-arc', 'connectedClusters') + ['-n', name]
    aks.json('k8s-extension', 'create', *args, '--extension-type', 'microsoft.flux')
    methods = [r['method'] for r in extension_requests(service) if r['path'].endswith('/' + name)]
    assert methods[:methods.index('PUT')] == ['HEAD']  # no GET of aksext's own before the extension exists
    # Where the provider does not implement HEAD (405), the GET tells: the create-only rule holds all the same.
    service.clear_requests()
    service.fault(method='HEAD', path=f'/extensions/{name}$', status=405, code='MethodNotAllowed', message='no')
    done = aks.run('k8s-extension', 'create', *args, '--extension-type', 'microsoft.dapr')
    refused(done, 'InvalidArgumentValueError', 'already exists', 'extension type')
    assert [r['method'] for r in extension_requests(service) if r['path'].endswith('/' + name)] == ['HEAD', 'GET']


def test_the_emulator_refuses_a_put_that_changes_a_create_only_property(aks, service):
    name = unique('im')
    aks.json('k8s-extension', 'create', *on('demo-arc', 'connectedClusters'), '-n', name,
             '--extension-type', 'microsoft.flux')
    url = (f'/subscriptions/{{subscriptionId}}/resourceGroups/{RG}/providers/Microsoft.Kubernetes/connectedClusters/'
           f'demo-arc/providers/Microsoft.KubernetesConfiguration/extensions/{name}?api-version=2025-03-01')
    done = aks.run('rest', '--method', 'put', '--url', url, '--body',
                   json.dumps({'properties': {'extensionType': 'microsoft.dapr'}}))
    assert done.returncode == 1
    assert 'PropertyChangeNotAllowed' in done.stderr and 'properties.extensionType' in done.stderr


# Extensions only their owner may change

MANAGED = ['-g', RG, '-c', 'demo-aks-managed', '-n', 'flux']


@pytest.mark.parametrize('command', [
    ['aks', 'extension', 'update'] + MANAGED + ['--configuration-settings', 'a=b'],
    ['aks', 'extension', 'update'] + MANAGED + ['--version', '1.16.2'],
    ['k8s-extension', 'delete'] + MANAGED + ['--cluster-type', 'managedClusters', '--yes'],
    ['aks', 'extension', 'create'] + MANAGED + ['-t', 'microsoft.flux'],
])
def test_a_managed_extension_is_not_changed(aks, service, command):
    done = aks.run(*command)
    refused(done, 'ValidationError', 'managed by Microsoft.ContainerService', 'users may only read it', 'az aks')
    assert writes(service) == []


def test_show_and_list_say_an_extension_is_managed(aks, service):
    shown = aks.json('aks', 'extension', 'show', *MANAGED)
    assert shown['managementDetails']['category'] == 'managed'
    table = aks.run('aks', 'extension', 'list', '-g', RG, '-c', 'demo-aks-managed', '-o', 'table').stdout.splitlines()
    assert table[0].split()[-1] == 'ManagedBy' and table[2].split()[-1] == 'Microsoft.ContainerService'
