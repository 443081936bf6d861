"""The per-cluster plan of a rollout: what needs a write, what is refused and why, and exactly which targets."""
import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_aksext.multicluster.plan import BLOCKED, CREATE, NOTHING, UPDATE, Desired, change_id, converged, decide, view
from azext_aksext.multicluster.targets import parse_cluster_ids

AKS = {'id': '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a',
       'type': 'microsoft.containerservice/managedclusters', 'identity': {'type': 'SystemAssigned'},
       'properties': {'provisioningState': 'Succeeded', 'powerState': {'code': 'Running'},
                      'servicePrincipalProfile': {'clientId': 'msi'}}}
SUB = '00000000-0000-0000-0000-000000000001'
AKS_ID = f'/subscriptions/{SUB}/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a'
ARC_ID = f'/subscriptions/{SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/b'


def desired(**values):
    base = {'name': 'flux', 'extension_type': 'microsoft.flux', 'version': '1.16.2', 'release_train': None,
            'auto_upgrade': None, 'settings': {}, 'protected': {}, 'scope': None, 'release_namespace': None,
            'target_namespace': None}
    base.update(values)
    return Desired(**base)


def graph_row(**properties):
    """An extension as Resource Graph shows it: PascalCase keys."""
    base = {'ExtensionType': 'microsoft.flux', 'ProvisioningState': 'Succeeded', 'Version': '1.15.1',
            'ReleaseTrain': 'Stable', 'AutoUpgradeMinorVersion': False, 'ConfigurationSettings': {},
            'Scope': {'cluster': {'ReleaseNamespace': 'flux-system'}}}
    base.update(properties)
    return {'properties': base}


def test_an_extension_reads_the_same_from_resource_graph_and_from_the_resource_provider():
    shown = view(graph_row(Version='1.16.2'))
    assert shown['extensionType'] == 'microsoft.flux' and shown['version'] == '1.16.2'
    assert shown['scope'] == {'cluster': {'releaseNamespace': 'flux-system'}}
    assert view({'extensionType': 'microsoft.flux', 'version': '1.16.2'})['version'] == '1.16.2'


def test_missing_extension_is_a_create():
    assert decide(desired(settings={'a': '1'}), AKS, None).action == CREATE


def test_a_create_needs_an_extension_type():
    decision = decide(desired(extension_type=None), AKS, None)
    assert decision.action == BLOCKED and '--extension-type' in decision.reason


def test_update_sends_only_the_fields_that_differ():
    decision = decide(desired(settings={'same': 'x', 'new': 'y'}), AKS,
                      graph_row(ConfigurationSettings={'same': 'x'}))
    assert decision.action == UPDATE
    assert decision.fields == {'version': '1.16.2', 'autoUpgradeMinorVersion': False,
                               'configurationSettings': {'new': 'y'}}


def test_a_converged_extension_needs_nothing_and_counts_as_converged():
    row = graph_row(Version='1.16.2')
    assert decide(desired(), AKS, row).action == NOTHING and converged(desired(), row)


def test_protected_settings_are_always_sent_once_since_they_cannot_be_compared():
    row = graph_row(Version='1.16.2')
    decision = decide(desired(protected={'token': 's3cret'}), AKS, row)
    assert decision.action == UPDATE and decision.fields == {'configurationProtectedSettings': {'token': 's3cret'}}
    assert decide(desired(protected={'token': 's3cret'}), AKS, row, journaled_done=True).action == NOTHING


@pytest.mark.parametrize('cluster_change, reason', [
    ({'properties': dict(AKS['properties'], provisioningState='Updating')}, 'Updating'),
    ({'properties': dict(AKS['properties'], powerState={'code': 'Stopped'})}, 'stopped'),
])
def test_clusters_that_cannot_take_an_operation_now_are_blocked_with_the_reason(cluster_change, reason):
    cluster = dict(AKS, **cluster_change)
    decision = decide(desired(), cluster, None)
    assert decision.action == BLOCKED and reason in decision.reason


@pytest.mark.parametrize('row, reason', [
    (graph_row(ExtensionType='microsoft.dapr'), 'extension type cannot change'),
    (graph_row(isSystemExtension=True), 'managed by Azure'),
    (graph_row(managementDetails={'category': 'managed', 'accessDetails': [
        {'entity': 'Microsoft.ContainerService', 'allowedActions': ['write']},
        {'entity': 'User', 'allowedActions': ['read']}]}), 'managed by Microsoft.ContainerService'),
    (graph_row(ProvisioningState='Updating'), 'operation on the extension is running'),
    (graph_row(Version='1.16.2', ProvisioningState='Failed'), 'delete it and create it'),
])
def test_extensions_that_cannot_be_changed_are_blocked_with_the_reason(row, reason):
    decision = decide(desired(), AKS, row)
    assert decision.action == BLOCKED and reason in decision.reason


def test_a_different_release_namespace_is_a_create_only_difference():
    decision = decide(desired(scope='cluster', release_namespace='other'), AKS, graph_row())
    assert decision.action == BLOCKED and 'scope cannot change' in decision.reason and 'other' in decision.reason


def test_the_change_id_differs_with_the_change_and_never_contains_a_protected_value():
    first = change_id(desired(protected={'token': 'one'}), ['g'])
    assert first != change_id(desired(protected={'token': 'two'}), ['g']) != change_id(desired(), ['g'])
    assert 'one' not in first and len(first) == 12


def test_cluster_ids_are_taken_as_given_once_each():
    assert parse_cluster_ids([f'{AKS_ID}\n{ARC_ID.upper()}\n\n', f'{AKS_ID.lower()},{ARC_ID}']) == [AKS_ID,
                                                                                                    ARC_ID.upper()]


@pytest.mark.parametrize('values', [[''], ['  \n \n'], [], [', ,']])
def test_an_empty_cluster_list_is_an_error_never_a_selector(values):
    with pytest.raises(InvalidArgumentValueError, match='names no cluster'):
        parse_cluster_ids(values)


def test_every_bad_cluster_entry_is_named():
    storage = f'/subscriptions/{SUB}/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/s'
    with pytest.raises(InvalidArgumentValueError) as raised:
        parse_cluster_ids([f'{AKS_ID}\ngarbage line\n{storage}\n{AKS_ID}x\x00y\n/subscriptions/x'])
    message = raised.value.error_msg
    assert "'garbage'" in message and "'line'" in message and 'Microsoft.Storage/storageAccounts' in message
    assert 'control characters' in message and '\\x00' in message and '\x00' not in message
    assert "'/subscriptions/x' is not the resource ID of a cluster" in message
    assert '5 entries' in message


def test_an_aks_rollout_takes_aks_clusters_only():
    with pytest.raises(InvalidArgumentValueError, match='AKS clusters only'):
        parse_cluster_ids([AKS_ID, ARC_ID], ['managedClusters'])
