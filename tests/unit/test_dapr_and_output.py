"""Dapr's settings as the official tool sets them, and the official output keys, without starting az."""
from types import SimpleNamespace

import pytest

from azext_aksext._format import OFFICIAL_KEYS, extension_output
from azext_aksext.core.registration import unregistered_namespace
from azext_aksext.types._rules import Request
from azext_aksext.types.dapr import TYPE as DAPR


def _create(settings=None, cluster_type='connectedClusters', name='dapr', release_namespace='dapr-system'):
    request = DAPR.prepare_create(Request(name, 'cluster', release_namespace, settings, None), cluster_type)
    return SimpleNamespace(configuration_settings=request.settings, name=request.name,
                           release_namespace=request.release_namespace)


def test_dapr_create_on_aks_sets_the_cluster_type():
    namespace = _create(cluster_type='managedClusters')
    assert namespace.configuration_settings == {'global.clusterType': 'managedclusters'}


def test_dapr_adopts_a_release_named_by_both_settings():
    namespace = _create({'existingDaprReleaseName': 'old', 'existingDaprReleaseNamespace': 'ns'})
    assert (namespace.name, namespace.release_namespace) == ('old', 'ns')
    assert namespace.configuration_settings['global.ha.enabled'] == 'false'


@pytest.mark.parametrize('settings', [{'existingDaprReleaseName': 'old'},
                                      {'existingDaprReleaseName': 'old', 'existingDaprReleaseNamespace': 'ns',
                                       'skipExistingDaprCheck': 'true'}], ids=['one-of-two', 'skip-check'])
def test_dapr_does_not_adopt_without_both_settings_or_when_told_to_skip(settings):
    namespace = _create(dict(settings))
    assert (namespace.name, namespace.release_namespace) == ('dapr', 'dapr-system')
    assert 'global.ha.enabled' not in namespace.configuration_settings


@pytest.mark.parametrize('current,version,auto_upgrade,given,hook', [
    ({'autoUpgradeMinorVersion': True, 'version': None}, None, None, {}, 'false'),
    ({'autoUpgradeMinorVersion': True, 'version': None}, None, True, {}, 'true'),
    ({'autoUpgradeMinorVersion': False, 'version': '1.13.6'}, '1.12.5', False, {}, 'false'),
    ({'autoUpgradeMinorVersion': False, 'version': '1.13.6'}, '1.13.6', False, {}, 'false'),
    ({'autoUpgradeMinorVersion': False, 'version': '1.12.5'}, '1.13.6', False, {}, 'true'),
    ({'autoUpgradeMinorVersion': False, 'version': '1.12.5'}, 'x.y', False, {}, 'false'),
    ({'autoUpgradeMinorVersion': True, 'version': None}, None, None, {'hooks.applyCrds': 'true'}, 'true'),
])
def test_dapr_update_crd_hook(current, version, auto_upgrade, given, hook):
    assert DAPR.prepare_update(given, current, version, auto_upgrade)['hooks.applyCrds'] == hook


def test_output_has_every_official_key_and_both_scope_sides():
    output = extension_output({'id': 'x', 'properties': {'scope': {'namespace': {'targetNamespace': 'a'}}}})
    assert set(OFFICIAL_KEYS) <= set(output)
    assert output['scope'] == {'cluster': None, 'namespace': {'targetNamespace': 'a'}}
    assert output['plan'] is None


def test_nested_objects_keep_every_key_the_official_output_prints():
    output = extension_output({'id': 'x', 'plan': {'name': 'p', 'product': 'o', 'publisher': 'pub'}, 'properties': {
        'scope': {'cluster': {}}, 'statuses': [{'code': 'InstallationFailed', 'message': 'm'}],
        'errorInfo': {'code': 'Failed', 'message': 'no', 'details': [{'code': 'Inner'}]},
        'managementDetails': {'category': 'managed', 'accessDetails': [{'entity': 'User'}]}}})
    assert output['plan'] == {'name': 'p', 'product': 'o', 'publisher': 'pub', 'promotionCode': None, 'version': None}
    assert output['scope'] == {'cluster': {'releaseNamespace': None}, 'namespace': None}
    assert output['statuses'] == [{'code': 'InstallationFailed', 'message': 'm', 'displayStatus': None,
                                   'level': None, 'time': None}]
    assert output['errorInfo']['target'] is None and output['errorInfo']['additionalInfo'] is None
    assert output['errorInfo']['details'] == [{'code': 'Inner', 'message': None, 'target': None, 'details': None,
                                               'additionalInfo': None}]
    assert output['managementDetails']['accessDetails'] == [{'entity': 'User', 'allowedActions': None,
                                                             'description': None}]
    for key in ('managedBy', 'autoUpgradeMode', 'extensionState', 'additionalDetails', 'aksAssignedIdentity'):
        assert key in output and output[key] is None


def test_registration_error_names_its_namespace():
    class Error(Exception):
        error = SimpleNamespace(code='MissingSubscriptionRegistration',
                                message="The subscription is not registered to use namespace 'Microsoft.Insights'.")
    assert unregistered_namespace(Error()) == 'Microsoft.Insights'
    assert unregistered_namespace(ValueError('other')) is None
