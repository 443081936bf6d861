"""The per-cluster plan of a rollout: what is sent, what is refused and why."""
import pytest

from azext_aksext.multicluster.plan import BLOCKED, CREATE, NOTHING, UPDATE, Desired, change_id, converged, decide

AKS = {'id': '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a',
       'type': 'microsoft.containerservice/managedclusters', 'identity': {'type': 'SystemAssigned'},
       'properties': {'provisioningState': 'Succeeded', 'powerState': {'code': 'Running'},
                      'servicePrincipalProfile': {'clientId': 'msi'}}}


def desired(**values):
    base = {'name': 'flux', 'extension_type': 'microsoft.flux', 'version': '1.16.2', 'release_train': None,
            'auto_upgrade': None, 'settings': {}, 'protected': {}, 'scope': None}
    base.update(values)
    return Desired(**base)


def graph_row(**properties):
    """An extension as Resource Graph shows it: PascalCase keys."""
    base = {'ExtensionType': 'microsoft.flux', 'ProvisioningState': 'Succeeded', 'Version': '1.15.1',
            'ReleaseTrain': 'Stable', 'AutoUpgradeMinorVersion': False, 'ConfigurationSettings': {},
            'Scope': {'cluster': {'ReleaseNamespace': 'flux-system'}}}
    base.update(properties)
    return {'properties': base}


def test_missing_extension_is_created_with_the_desired_properties():
    decision = decide(desired(settings={'a': '1'}), AKS, None)
    assert decision.action == CREATE
    assert decision.fields == {'extensionType': 'microsoft.flux', 'version': '1.16.2',
                               'autoUpgradeMinorVersion': False, 'configurationSettings': {'a': '1'}}


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
    ({'identity': None, 'properties': dict(AKS['properties'], servicePrincipalProfile={'clientId': 'abc'})},
     'service principal'),
])
def test_clusters_that_cannot_take_an_operation_are_blocked_with_the_reason(cluster_change, reason):
    cluster = dict(AKS, **cluster_change)
    decision = decide(desired(), cluster, None)
    assert decision.action == BLOCKED and reason in decision.reason


@pytest.mark.parametrize('row, reason', [
    (graph_row(ExtensionType='microsoft.dapr'), 'type cannot change'),
    (graph_row(isSystemExtension=True), 'managed by Azure'),
    (graph_row(ProvisioningState='Updating'), 'operation on the extension is running'),
    (graph_row(Version='1.16.2', ProvisioningState='Failed'), 'delete it and create it'),
])
def test_extensions_that_cannot_be_changed_are_blocked_with_the_reason(row, reason):
    decision = decide(desired(), AKS, row)
    assert decision.action == BLOCKED and reason in decision.reason


def test_a_different_release_namespace_is_an_immutable_difference():
    decision = decide(desired(scope={'cluster': {'releaseNamespace': 'other'}}), AKS, graph_row())
    assert decision.action == BLOCKED and 'scope cannot change' in decision.reason


def test_the_change_id_differs_with_the_change_and_never_contains_a_protected_value():
    first = change_id(desired(protected={'token': 'one'}), ['g'])
    assert first != change_id(desired(protected={'token': 'two'}), ['g']) != change_id(desired(), ['g'])
    assert 'one' not in first and len(first) == 12
