"""Under --debug, no key, shared key, connection string or workspace customer ID that a companion resource hands
out reaches stdout, stderr or the az config directory, for every extension type that has companion resources."""
from pathlib import Path

import pytest

from .helpers import RG, Arm, unique, valid_name

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
AKS = ['-g', RG, '-c', 'demo-aks', '--cluster-type', 'managedClusters']
LA_API, RELAY_API, BUS_API = '2020-08-01', '2017-04-01', '2021-11-01'


def _relay_and_bus(arm):
    base = f'demo-arc-{arm.sub}-{RG}'
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers'
    relay = (f"{group}/Microsoft.Relay/namespaces/{valid_name(base + '-relay', 50)}/hybridConnections/demo-arc/"
             'authorizationRules/azureml_rw')
    bus = (f"{group}/Microsoft.ServiceBus/namespaces/{valid_name(base + '-service-bus', 50)}/AuthorizationRules/"
           'RootManageSharedAccessKey')
    return [(relay + '/listKeys', RELAY_API), (bus + '/listKeys', BUS_API)]


def _handed_out(arm, workspaces):
    """Every secret value the emulator hands out for the companion resources these commands used."""
    secrets = {}
    for workspace in workspaces:
        keys = arm.call('POST', workspace + '/sharedKeys', LA_API).json()
        name = workspace.rsplit('/', 1)[-1]
        secrets.update({name + ' primarySharedKey': keys['primarySharedKey'],
                        name + ' secondarySharedKey': keys['secondarySharedKey'],
                        name + ' customerId': arm.get(workspace, LA_API)['properties']['customerId']})
    for path, api in _relay_and_bus(arm):
        keys = arm.call('POST', path, api).json()
        secrets.update({path.split('/providers/')[1].split('/')[0] + ' ' + name: keys[name] for name in (
            'primaryKey', 'secondaryKey', 'primaryConnectionString', 'secondaryConnectionString')})
    assert len(secrets) >= 11 and all(len(value) > 16 for value in secrets.values())
    return secrets


@pytest.fixture
def companion_commands(emulator):
    arm = Arm(emulator)
    group = f'/subscriptions/{arm.sub}/resourceGroups/{RG}'
    account = unique('sa').replace('-', '')
    arm.call('PUT', group + '/providers/Microsoft.Storage/storageAccounts/' + account, '2023-05-01',
             {'location': 'eastus', 'kind': 'StorageV2', 'sku': {'name': 'Standard_LRS'}})
    prometheus = group + '/providers/Microsoft.Monitor/accounts/' + unique('prom')
    arm.call('PUT', prometheus, '2023-04-03', {'location': 'eastus'})
    grafana = group + '/providers/Microsoft.Dashboard/grafana/' + unique('grafana')
    arm.call('PUT', grafana, '2022-08-01', {'location': 'eastus', 'identity': {'type': 'SystemAssigned'}})
    # Container Insights runs on Arc clusters: a second one takes the legacy mode.
    legacy = unique('arc')
    arm.call('PUT', group + '/providers/Microsoft.Kubernetes/connectedClusters/' + legacy, '2024-01-01',
             {'location': 'eastus', 'identity': {'type': 'SystemAssigned'}, 'properties': {}})
    create = ['k8s-extension', 'create']
    return arm, [
        # Container Insights with managed identity (the default), then in legacy mode with the shared key.
        create + ARC + ['-n', 'azuremonitor-containers', '--extension-type', 'microsoft.azuremonitor.containers'],
        create + ['-g', RG, '-c', legacy, '--cluster-type', 'connectedClusters', '-n', 'azuremonitor-containers',
                  '--extension-type', 'microsoft.azuremonitor.containers', '--configuration-settings',
                  'amalogs.useAADAuth=false'],
        create + ARC + ['-n', 'microsoft.azuredefender.kubernetes', '--extension-type',
                        'microsoft.azuredefender.kubernetes'],
        # Azure ML on Arc: Relay, and Service Bus on request (the command line).
        create + ARC + ['-n', 'azureml', '--extension-type', 'microsoft.azureml.kubernetes', '--config',
                        'enableTraining=true', 'servicebus.enabled=true'],
        create + AKS + ['-n', 'azure-aks-backup', '--extension-type', 'microsoft.dataprotection.kubernetes',
                        '--configuration-settings', 'blobContainer=backups', 'storageAccount=' + account,
                        'storageAccountResourceGroup=' + RG, 'storageAccountSubscriptionId=' + arm.sub],
        create + ARC + ['-n', 'azuremonitor-metrics', '--extension-type', 'microsoft.azuremonitor.containers.metrics',
                        '--configuration-settings', 'azure-monitor-workspace-resource-id=' + prometheus,
                        'grafana-resource-id=' + grafana],
        # An update with protected settings sends Azure ML's connection strings again, read from listKeys.
        ['k8s-extension', 'update'] + ARC + ['-n', 'azureml', '--config-protected-settings', 'extra=value1234'],
    ]


def test_debug_output_and_config_dir_never_hold_a_companion_secret(aks, service, companion_commands):
    arm, commands = companion_commands
    outputs = []
    for args in commands:
        done = aks.run(*args, '--debug')
        assert done.returncode == 0, done.stderr[-3000:]
        assert 'Request body' in done.stderr  # the network trace was on
        outputs.append((args, done.stdout + done.stderr))
    workspaces = {r['path'].rsplit('/sharedKeys', 1)[0].lower() for r in service.requests()
                  if r['path'].endswith('/sharedKeys')} | {arm.default_workspace.lower()}
    secrets = _handed_out(arm, sorted(workspaces))
    files = [(str(path), path.read_bytes().decode('utf-8', 'replace'))
             for path in Path(aks.config_dir).rglob('*') if path.is_file()]
    leaks = [f'{where}: {label}' for where, text in
             [(' '.join(args[:2] + args[-4:]), text) for args, text in outputs] + files
             for label, secret in secrets.items() if secret in text]
    assert not leaks, '\n'.join(leaks)
