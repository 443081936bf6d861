"""The rules of well-known extension types, on plain values: what each type allows, the defaults it fills in, and
the settings it checks or rewrites."""
import pytest
from azure.cli.core.azclierror import (ArgumentUsageError, InvalidArgumentValueError, MutuallyExclusiveArgumentError,
                                       RequiredArgumentMissingError)

from azext_aksext.types import DEFAULT, known_types, type_for
from azext_aksext.types._rules import Request, Versions, apply_rules, apply_version_rules

WORKSPACE = ('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/'
             'Microsoft.OperationalInsights/workspaces/ws')


def create(extension_type, cluster_type='connectedClusters', *, name='x', scope=None, release_namespace=None,
           settings=None, protected=None):
    return apply_rules(Request(name, scope, release_namespace, settings, protected), extension_type, cluster_type,
                       creating=True)


def update(extension_type, settings=None, protected=None, cluster_type='connectedClusters'):
    return apply_rules(Request('x', None, None, settings, protected), extension_type, cluster_type, creating=False)


@pytest.mark.parametrize('extension_type,namespace', [
    ('microsoft.flux', 'flux-system'), ('microsoft.dapr', 'dapr-system'),
    ('microsoft.openservicemesh', 'arc-osm-system'), ('microsoft.azuredefender.kubernetes', 'mdc'),
    ('microsoft.azuremonitor.containers', 'azuremonitor-containers'),
    ('microsoft.azuremonitor.containers.metrics', 'kube-system'),
])
def test_cluster_scoped_types_get_cluster_scope_and_their_release_namespace(extension_type, namespace):
    checked = create(extension_type, settings={'skipPrerequisites': 'true'}
                     if 'azuremonitor' in extension_type else None)
    assert checked.scope == 'cluster' and checked.release_namespace == namespace


@pytest.mark.parametrize('extension_type', sorted(known_types()))
def test_cluster_scoped_types_refuse_namespace_scope(extension_type):
    with pytest.raises(InvalidArgumentValueError) as raised:
        create(extension_type, scope='namespace', cluster_type='managedClusters')
    assert 'cluster scope only' in raised.value.error_msg and '--scope cluster' in str(raised.value.recommendations)


def test_flux_keeps_a_release_namespace_the_user_chose():
    assert create('microsoft.flux', release_namespace='gitops').release_namespace == 'gitops'


@pytest.mark.parametrize('extension_type,namespace', [
    ('microsoft.openservicemesh', 'arc-osm-system'), ('microsoft.azuredefender.kubernetes', 'mdc')])
def test_fixed_namespaces_replace_the_users_with_a_warning(extension_type, namespace, caplog):
    assert create(extension_type, release_namespace='other').release_namespace == namespace
    assert f"installs into namespace '{namespace}' only" in caplog.text


@pytest.mark.parametrize('extension_type,name', [
    ('microsoft.azuredefender.kubernetes', 'microsoft.azuredefender.kubernetes'),
    ('microsoft.azuremonitor.containers', 'azuremonitor-containers'),
    ('microsoft.azuremonitor.containers.metrics', 'azuremonitor-metrics'),
])
def test_fixed_instance_names_replace_the_users_with_a_warning(extension_type, name, caplog):
    assert create(extension_type, name='mine', settings={'skipPrerequisites': 'true'}).name == name
    assert f"always installed under the name '{name}'" in caplog.text


def test_types_are_looked_up_case_insensitively_and_unknown_types_get_the_default():
    assert type_for('Microsoft.Flux') is known_types()['microsoft.flux']
    assert type_for('contoso.app') is DEFAULT
    checked = create('contoso.app', scope='namespace')
    assert checked.scope == 'namespace' and checked.release_namespace is None


def test_only_flux_runs_on_a_fleet():
    assert create('microsoft.flux', cluster_type='fleets').scope == 'cluster'
    with pytest.raises(InvalidArgumentValueError) as raised:
        create('microsoft.dapr', cluster_type='fleets')
    assert 'cannot be installed on a fleet' in raised.value.error_msg


def test_aks_backup_runs_on_aks_only():
    with pytest.raises(InvalidArgumentValueError) as raised:
        create('microsoft.dataprotection.kubernetes', cluster_type='connectedClusters')
    assert 'runs on managedClusters only' in raised.value.error_msg


def test_aks_backup_short_keys_map_to_the_charts_keys():
    checked = create('microsoft.dataprotection.kubernetes', cluster_type='managedClusters', settings={
        'blobContainer': 'c', 'storageAccount': 'sa', 'storageAccountResourceGroup': 'rg',
        'storageAccountSubscriptionId': 's'})
    assert checked.settings == {
        'configuration.backupStorageLocation.bucket': 'c',
        'configuration.backupStorageLocation.config.storageAccount': 'sa',
        'configuration.backupStorageLocation.config.resourceGroup': 'rg',
        'configuration.backupStorageLocation.config.subscriptionId': 's'}


def test_aks_backup_needs_its_storage_on_create_but_not_on_update():
    with pytest.raises(RequiredArgumentMissingError) as raised:
        create('microsoft.dataprotection.kubernetes', cluster_type='managedClusters', settings={'blobContainer': 'c'})
    assert 'storageAccount' in raised.value.error_msg
    assert update('microsoft.dataprotection.kubernetes', cluster_type='managedClusters').settings is None


@pytest.mark.parametrize('settings,error,fragment', [
    ({}, RequiredArgumentMissingError, 'enableTraining=true or enableInference=true'),
    ({'enableInference': 'true'}, RequiredArgumentMissingError, 'HTTPS settings'),
    ({'enableInference': 'true', 'allowInsecureConnections': 'true'}, RequiredArgumentMissingError,
     'inferenceRouterServiceType'),
    ({'enableInference': 'true', 'allowInsecureConnections': 'true', 'sslSecret': 's',
      'inferenceRouterServiceType': 'loadBalancer'}, ArgumentUsageError, 'contradicts'),
    ({'enableInference': 'true', 'allowInsecureConnections': 'true', 'inferenceRouterServiceType': 'ingress'},
     InvalidArgumentValueError, 'must be one of'),
    ({'enableInference': 'true', 'allowInsecureConnections': 'true', 'inferenceRouterServiceType': 'NodePort',
      'internalLoadBalancerProvider': 'azure'}, MutuallyExclusiveArgumentError, 'cannot go with it'),
    ({'enableInference': 'true', 'sslSecret': 'tls', 'inferenceRouterServiceType': 'loadBalancer'},
     RequiredArgumentMissingError, 'sslCname'),
])
def test_azure_ml_settings_must_fit_together(settings, error, fragment):
    with pytest.raises(error) as raised:
        create('microsoft.azureml.kubernetes', cluster_type='managedClusters', settings=settings)
    assert fragment in raised.value.error_msg


def test_azure_ml_router_settings_become_the_charts_keys_on_create_and_update():
    created = create('microsoft.azureml.kubernetes', cluster_type='managedClusters', settings={
        'enableInference': 'true', 'inferenceRouterServiceType': 'LoadBalancer', 'internalLoadBalancerProvider':
        'azure', 'sslSecret': 'router-tls', 'sslCname': 'ml.contoso.com', 'isAKSMigration': 'true'})
    assert {key: value for key, value in created.settings.items() if key.startswith(('scoringFe', 'enable', 'isAKS'))} \
        == {'enableInference': 'true', 'enableTraining': 'False', 'scoringFe.serviceType.internalLoadBalancer': 'True',
            'scoringFe.sslSecret': 'router-tls', 'scoringFe.namespace': 'default', 'isAKSMigration': 'true'}
    updated = update('microsoft.azureml.kubernetes', settings={'inferenceRouterServiceType': 'clusterIP',
                                                               'internalLoadBalancerProvider': 'none'})
    assert updated.settings == {'inferenceRouterServiceType': 'clusterIP', 'internalLoadBalancerProvider': 'none',
                                'scoringFe.serviceType.nodePort': 'False',
                                'scoringFe.serviceType.internalLoadBalancer': 'False'}


def test_azure_ml_refuses_a_key_given_twice_without_showing_its_value():
    with pytest.raises(InvalidArgumentValueError) as raised:
        create('microsoft.azureml.kubernetes', settings={'enableTraining': 'true', 'token': 'a'},
               protected={'token': 's3cret'})
    assert 'token' in raised.value.error_msg and 's3cret' not in raised.value.error_msg


def test_azure_ml_training_only_passes():
    checked = create('microsoft.azureml.kubernetes', cluster_type='managedClusters',
                     settings={'enableTraining': 'True'})
    assert checked.settings['enableTraining'] == 'True' and checked.release_namespace == 'azureml'


def test_azure_ml_pem_files_are_sent_as_their_base64_contents(tmp_path):
    cert, key = tmp_path / 'c.pem', tmp_path / 'k.pem'
    cert.write_bytes(b'CERT')
    key.write_bytes(b'KEY')
    checked = create('microsoft.azureml.kubernetes', cluster_type='managedClusters', settings={
        'enableInference': 'true', 'inferenceRouterServiceType': 'nodePort', 'sslCname': 'ml.contoso.com'},
        protected={'sslCertPemFile': str(cert), 'sslKeyPemFile': str(key)})
    # As the official tool: the contents as the chart's keys, and the paths as given.
    assert checked.protected == {'sslCertPemFile': str(cert), 'sslKeyPemFile': str(key),
                                 'scoringFe.sslCert': 'Q0VSVA==', 'scoringFe.sslKey': 'S0VZ'}
    assert checked.settings == {'enableInference': 'true', 'enableTraining': 'False',
                                'inferenceRouterServiceType': 'nodePort', 'sslCname': 'ml.contoso.com',
                                'scoringFe.serviceType.nodePort': 'True'}


def test_monitor_accepts_a_workspace_id_and_trims_its_trailing_slash():
    checked = create('microsoft.azuremonitor.containers', settings={'logAnalyticsWorkspaceResourceID': WORKSPACE + '/'})
    assert checked.settings['logAnalyticsWorkspaceResourceID'] == WORKSPACE


def test_monitor_refuses_an_id_that_is_not_a_workspace():
    with pytest.raises(InvalidArgumentValueError) as raised:
        create('microsoft.azuremonitor.containers', settings={'logAnalyticsWorkspaceResourceID': '/subscriptions/x'})
    assert 'is not a Log Analytics workspace resource ID' in raised.value.error_msg


def test_update_leaves_name_scope_and_namespace_alone():
    checked = update('microsoft.azuredefender.kubernetes', settings={'a': '1'})
    assert (checked.name, checked.scope, checked.release_namespace, checked.settings) == ('x', None, None, {'a': '1'})


BACKUP = 'microsoft.dataprotection.kubernetes'


@pytest.mark.parametrize('extension_type', ['microsoft.dapr', 'microsoft.azureml.kubernetes', BACKUP,
                                            'microsoft.azuremonitor.containers.metrics'])
def test_these_types_default_to_the_stable_train_on_create_only(extension_type):
    assert apply_version_rules(Versions(None, None, None, None), extension_type, creating=True).release_train == \
        'stable'
    assert apply_version_rules(Versions(None, 'preview', None, None), extension_type, creating=True).release_train \
        == 'preview'
    assert apply_version_rules(Versions(None, None, None, None), extension_type, creating=False).release_train is None


def test_other_types_keep_what_was_given(caplog):
    given = Versions('1.2.3', None, False, {'k': 'v'})
    assert apply_version_rules(given, 'microsoft.flux', creating=True) == given
    assert caplog.text == ''


def test_aks_backup_create_ignores_version_and_protected_settings_with_one_warning(caplog):
    checked = apply_version_rules(Versions('1.2.3', None, False, {'secret': 'hunter2'}), BACKUP, creating=True)
    assert checked == Versions(None, 'stable', True, None)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert 'Ignoring --version 1.2.3 and the protected settings' in warnings[0]
    assert 'latest version of its release train' in warnings[0] and 'hunter2' not in warnings[0]


def test_aks_backup_update_keeps_auto_upgrade_on_and_says_so(caplog):
    checked = apply_version_rules(Versions(None, None, False, {'p': 'v'}), BACKUP, creating=False)
    assert checked == Versions(None, None, True, {'p': 'v'})
    assert 'Ignoring --auto-upgrade-minor-version false' in caplog.text


def test_aks_backup_without_anything_to_ignore_is_silent(caplog):
    assert apply_version_rules(Versions(None, 'stable', None, None), BACKUP, creating=True).auto_upgrade is True
    assert caplog.text == ''


def test_aks_backup_keys_are_case_insensitive_and_values_stripped():
    checked = create(BACKUP, cluster_type='managedClusters', settings={
        'BLOBCONTAINER': ' c ', 'storageaccount': 'sa', 'StorageAccountResourceGroup': 'rg',
        'storageAccountSubscriptionId': 's', 'CPURequest': '500m', 'memoryLimit': '1Gi', 'useaad': 'true',
        'storageAccountUri': 'https://sa.blob/'})
    location = 'configuration.backupStorageLocation.'
    assert checked.settings == {
        location + 'bucket': 'c', location + 'config.storageAccount': 'sa', location + 'config.resourceGroup': 'rg',
        location + 'config.subscriptionId': 's', 'resources.requests.cpu': '500m', 'resources.limits.memory': '1Gi',
        location + 'config.useAAD': 'true', location + 'config.storageAccountURI': 'https://sa.blob/'}


def test_entra_workload_iam_rules():
    checked = create('microsoft.entraworkloadiam', settings={'trustdomain': 'td', 'TenantId': 't', 'a': 'b'},
                     protected={'joinToken': 'secret'})
    assert checked.settings == {'a': 'b', 'global.workload-iam.trustDomain': 'td', 'global.workload-iam.tenantID': 't'}
    assert checked.protected == {'workload-iam-local-authority.localAuthorityArgs.joinToken': 'secret'}
    assert checked.scope == 'cluster'
    assert apply_version_rules(Versions(None, None, None, None), 'microsoft.entraworkloadiam',
                               creating=True).release_train == 'preview'
    with pytest.raises(InvalidArgumentValueError, match='at most 20'):
        create('microsoft.entraworkloadiam', name='a' * 21, settings={'trustDomain': 'td', 'tenantId': 't'},
               protected={'joinToken': 'secret'})
