"""Azure ML: on an Arc cluster the Relay namespace, hybrid connection and azureml_rw rule (and, on request, the
Service Bus namespace), the settings derived from the cluster, a re-run that makes nothing new, an update that
sends the connection strings again; on AKS the derived settings without a relay."""
from .helpers import ARC, RG, Arm, companion_writes, extension_requests, redacted, valid_name

NAME = 'azureml-kubernetes-connector'


def test_azureml_on_arc_makes_its_relay(aks, service, emulator):
    arm = Arm(emulator)
    command = ['k8s-extension', 'create', *ARC, '--extension-type', 'Microsoft.AzureML.Kubernetes', '--name', NAME,
               '--release-namespace', 'azureml', '--configuration-settings', 'enableTraining=true',
               'servicebus.enabled=true', 'domain=ml.contoso.com']
    done = aks.run(*command, '--verbose', '-o', 'json')
    assert done.returncode == 0, done.stderr
    relay = valid_name(f'demo-arc-{arm.sub}-{RG}-relay', 50)
    namespace = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.Relay/namespaces/{relay}'
    made = arm.get(namespace, '2017-04-01')
    assert made['location'] == 'eastus' and made['tags']['createdBy'] == 'aksext'
    hybrid = arm.get(namespace + '/hybridConnections/demo-arc', '2017-04-01')
    assert hybrid['properties']['requiresClientAuthorization'] is True
    rule = namespace + '/hybridConnections/demo-arc/authorizationRules/azureml_rw'
    assert sorted(arm.get(rule, '2017-04-01')['properties']['rights']) == ['Listen', 'Manage', 'Send']
    relay_string = arm.call('POST', rule + '/listKeys', '2017-04-01').json()['primaryConnectionString']
    service_bus = valid_name(f'demo-arc-{arm.sub}-{RG}-service-bus', 50)
    bus = f'/subscriptions/{arm.sub}/resourceGroups/{RG}/providers/Microsoft.ServiceBus/namespaces/{service_bus}'
    assert arm.get(bus + '/topics/jobstate-updatedby-computeprovider/subscriptions/compute-scheduler-jobstate',
                   '2021-11-01') is not None
    bus_string = arm.call('POST', bus + '/AuthorizationRules/RootManageSharedAccessKey/listKeys',
                          '2021-11-01').json()['primaryConnectionString']
    assert relay_string not in done.stdout + done.stderr and bus_string not in done.stdout + done.stderr

    body = extension_requests(service, 'PUT')[0]['body']['properties']
    settings = body['configurationSettings']
    cluster_id = arm.cluster()
    assert {key: settings[key] for key in (
        'enableTraining', 'clusterId', 'location', 'jobSchedulerLocation', 'cluster_name_friendly', 'domain',
        'relayserver.enabled', 'nginxIngress.enabled', 'relayserver.hybridConnectionResourceID',
        'relayserver.hybridConnectionName', 'servicebus.resourceID',
        'servicebus.topicSubMapping.jobstate-updatedby-computeprovider')} == {
        'enableTraining': 'true', 'clusterId': cluster_id, 'location': 'eastus', 'jobSchedulerLocation': 'eastus',
        'cluster_name_friendly': 'demo-arc', 'domain': 'ml.contoso.com', 'relayserver.enabled': 'true',
        'nginxIngress.enabled': 'false', 'relayserver.hybridConnectionResourceID': hybrid['id'],
        'relayserver.hybridConnectionName': 'demo-arc', 'servicebus.resourceID': arm.get(bus, '2021-11-01')['id'],
        'servicebus.topicSubMapping.jobstate-updatedby-computeprovider': 'compute-scheduler-jobstate'}
    assert body['configurationProtectedSettings'] == {
        'relayServerConnectionString': redacted(relay_string),
        'relayserver.relayConnectionString': redacted(relay_string),
        'serviceBusConnectionString': redacted(bus_string), 'servicebus.connectionString': redacted(bus_string)}

    # An update with protected settings sends the connection strings again, reading only.
    service.clear_requests()
    updated = aks.run('k8s-extension', 'update', *ARC, '--name', NAME, '--config-protected-settings', 'a=b', '--yes',
                      '-o', 'json')
    assert updated.returncode == 0, updated.stderr
    patch = extension_requests(service, 'PATCH')[0]['body']['properties']
    assert set(patch['configurationProtectedSettings']) == {
        'a', 'relayServerConnectionString', 'relayserver.relayConnectionString', 'serviceBusConnectionString',
        'servicebus.connectionString'}
    assert [m for m, p in companion_writes(service) if 'listKeys' not in p] == []

    # Re-running the create (after a delete, which leaves the relay) makes nothing new.
    assert aks.run('k8s-extension', 'delete', *ARC, '--name', NAME, '--yes').returncode == 0
    assert arm.get(namespace, '2017-04-01') is not None
    service.clear_requests()
    again = aks.run(*command, '--verbose', '-o', 'json')
    assert again.returncode == 0, again.stderr
    assert [p for m, p in companion_writes(service) if not p.endswith('/listKeys')] == []
    assert 'Reusing Relay hybrid connection' in again.stderr
    aks.run('k8s-extension', 'delete', *ARC, '--name', NAME, '--yes')


def test_azureml_on_aks_derives_settings_without_a_relay(aks, service):
    """Through az aks extension: both command groups share the companion step."""
    done = aks.run('aks', 'extension', 'create', '--cluster-name', 'demo-aks', '--resource-group', RG,
                   '--extension-type', 'Microsoft.AzureML.Kubernetes', '--name', 'aml',
                   '--configuration-settings', 'enableInference=true', 'allowInsecureConnections=true',
                   'inferenceRouterServiceType=loadBalancer', '-o', 'json')
    assert done.returncode == 0, done.stderr
    properties = extension_requests(service, 'PUT')[0]['body']['properties']
    assert properties['releaseTrain'] == 'stable'  # as the official tool, when no train is given
    settings = properties['configurationSettings']
    assert settings['relayserver.enabled'] == 'false' and settings['nginxIngress.enabled'] == 'true'
    assert settings['domain'] == 'eastus.cloudapp.azure.com' and settings['location'] == 'eastus'
    assert 'relayserver.hybridConnectionResourceID' not in settings
    assert companion_writes(service) == []
    aks.run('aks', 'extension', 'delete', '-g', RG, '-c', 'demo-aks', '-n', 'aml', '--yes')
