"""Create-only properties, managed extensions and --auto-upgrade-mode, as pure rules."""
from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import MutuallyExclusiveArgumentError

from azext_aksext._validators import validate_auto_upgrade_mode
from azext_aksext.checks.existing import changed_immutables, managed_by

EXISTING = {'extensionType': 'microsoft.flux', 'scope': {'cluster': {'releaseNamespace': 'flux-system'}},
            'identity': {'type': 'SystemAssigned'}, 'plan': None}


def _body(**properties):
    return {'properties': dict({'extensionType': 'Microsoft.Flux'}, **properties)}


def test_the_same_spec_changes_nothing_and_defaults_left_out_count_as_the_same():
    assert changed_immutables(EXISTING, _body()) == []
    assert changed_immutables(EXISTING, _body(scope={'cluster': {}})) == []
    assert changed_immutables(EXISTING, _body(scope={'cluster': {'releaseNamespace': 'FLUX-system'}})) == []


@pytest.mark.parametrize('body,changed', [
    (_body(extensionType='microsoft.dapr'), 'extension type'),
    (_body(scope={'cluster': {'releaseNamespace': 'other'}}), 'scope'),
    (_body(scope={'namespace': {'targetNamespace': 'flux-system'}}), 'scope'),
    (dict(_body(), identity={'type': 'UserAssigned'}), 'identity'),
    (dict(_body(), plan={'name': 'p', 'product': 'o', 'publisher': 'c'}), 'plan'),
])
def test_each_create_only_property_is_caught(body, changed):
    assert [name for name, _, _ in changed_immutables(EXISTING, body)] == [changed]


def test_an_identity_the_service_does_not_report_is_not_compared():
    assert changed_immutables(dict(EXISTING, identity=None), dict(_body(), identity={'type': 'SystemAssigned'})) == []


@pytest.mark.parametrize('details,owner', [
    (None, None),
    ({'category': 'user', 'accessDetails': []}, None),
    ({'category': 'managed', 'accessDetails': [{'entity': 'Microsoft.ContainerService',
                                                'allowedActions': ['read', 'write']},
                                               {'entity': 'User', 'allowedActions': ['read']}]},
     'Microsoft.ContainerService'),
    ({'category': 'Managed', 'accessDetails': None}, 'Azure'),
    ({'category': 'managed', 'accessDetails': [{'entity': 'User', 'allowedActions': ['read', 'write']}]}, None),
])
def test_managed_by_names_the_owner_of_read_only_extensions(details, owner):
    assert managed_by({'managementDetails': details}) == owner


def _flags(**given):
    values = {'auto_upgrade_mode': None, 'auto_upgrade_minor_version': None, 'version': None, 'release_train': None}
    values.update(given)
    return SimpleNamespace(**values)


@pytest.mark.parametrize('given', [
    {'auto_upgrade_mode': 'compatible'}, {'auto_upgrade_mode': 'NONE'}, {'auto_upgrade_mode': 'patch'},
    {'auto_upgrade_mode': 'patch', 'release_train': 'preview'}, {'auto_upgrade_mode': 'none', 'version': '1.0.0'}, {},
])
def test_the_mode_is_sent_alone_as_k8s_extension_1_9_sends_it(given):
    namespace = _flags(**given)
    validate_auto_upgrade_mode(namespace)
    assert namespace.auto_upgrade_minor_version is None
    assert namespace.auto_upgrade_mode == ((given.get('auto_upgrade_mode') or '').lower() or None)


@pytest.mark.parametrize('given', [
    {'auto_upgrade_mode': 'compatible', 'version': '1.0.0'}, {'auto_upgrade_mode': 'patch', 'version': '1.0.0'},
    {'auto_upgrade_mode': 'none', 'auto_upgrade_minor_version': True},
    {'auto_upgrade_mode': 'patch', 'auto_upgrade_minor_version': True},
    {'auto_upgrade_mode': 'compatible', 'auto_upgrade_minor_version': False},
    # As 1.9.x: never both flags, even when they agree.
    {'auto_upgrade_mode': 'compatible', 'auto_upgrade_minor_version': True},
    {'auto_upgrade_mode': 'none', 'auto_upgrade_minor_version': False, 'version': '1.0.0'},
])
def test_contradictions_are_refused(given):
    with pytest.raises(MutuallyExclusiveArgumentError):
        validate_auto_upgrade_mode(_flags(**given))
