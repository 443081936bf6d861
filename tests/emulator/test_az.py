"""The real az CLI against the emulator, for a representative set of commands."""
from .conftest import unique

EXTENSION = ('/subscriptions/{}/resourceGroups/demo-rg/providers/Microsoft.ContainerService/managedClusters/demo-aks'
             '/providers/Microsoft.KubernetesConfiguration/extensions/{}')


def test_group_create_show_delete(az):
    name = unique('rg')
    created = az.json('group', 'create', '-n', name, '-l', 'westeurope')
    assert created['name'] == name and created['location'] == 'westeurope'
    assert az.json('group', 'show', '-n', name)['properties']['provisioningState'] == 'Succeeded'
    assert az.run('group', 'delete', '-n', name, '-y').returncode == 0
    missing = az.run('group', 'show', '-n', name)
    assert missing.returncode != 0 and 'ResourceGroupNotFound' in missing.stderr


def test_provider_register_and_show(az):
    az.json('provider', 'register', '-n', 'Microsoft.KubernetesConfiguration', '--wait')
    shown = az.json('provider', 'show', '-n', 'Microsoft.KubernetesConfiguration')
    assert shown['registrationState'] == 'Registered'
    assert 'extensions' in [t['resourceType'] for t in shown['resourceTypes']]


def test_rest_and_resource_show(az, emulator, admin):
    name = unique('flux')
    path = EXTENSION.format(emulator.endpoint['subscription'], name)
    created = az.json('rest', '--method', 'put', '--url', path + '?api-version=2025-03-01',
                      '--body', '{"properties":{"extensionType":"microsoft.flux"}}')
    assert created['properties']['provisioningState'] == 'Creating'
    shown = az.json('resource', 'show', '--ids', path, '--api-version', '2025-03-01')
    assert shown['name'] == name and shown['properties']['extensionType'] == 'microsoft.flux'
    versions = az.json('rest', '--url', f"/subscriptions/{emulator.endpoint['subscription']}/providers/"
                       'Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes/microsoft.flux/versions'
                       '?api-version=2024-11-01-preview')
    assert versions['value'][0]['name'] == '1.16.2'
    puts = [r for r in admin.requests() if r['method'] == 'PUT']
    assert puts[0]['headers']['user-agent'].startswith('python/') or 'AZURECLI' in puts[0]['headers']['user-agent']


def test_aks_show_of_service_principal_cluster(az):
    cluster = az.json('aks', 'show', '-g', 'demo-rg', '-n', 'demo-aks-sp')
    assert cluster['identity'] is None
    assert cluster['servicePrincipalProfile']['clientId'] != 'msi'


def test_rest_error_surfaces_the_arm_error(az, emulator):
    missing = az.run('rest', '--url', EXTENSION.format(emulator.endpoint['subscription'], 'nope')
                     + '?api-version=2025-03-01')
    assert missing.returncode != 0 and 'ResourceNotFound' in missing.stderr
