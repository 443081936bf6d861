"""The validators of every command, on the namespace az builds: each rule's refusal, its message, and what passes."""
import pytest
from azure.cli.core.azclierror import (ArgumentUsageError, InvalidArgumentValueError, MutuallyExclusiveArgumentError,
                                       RequiredArgumentMissingError)

from .validation import validate, validate_types_command

K8S, AKS = 'k8s-extension', 'aks extension'
CLUSTER = {'resource_group_name': 'rg', 'cluster_name': 'c1', 'cluster_type': 'connectedClusters'}
EXTENSION_ID = ('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/'
                'Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions/x')


@pytest.mark.parametrize('attribute,value,flag', [
    ('resource_group_name', 'bad/name', '--resource-group/-g'),
    ('resource_group_name', 'ends.', '--resource-group/-g'),
    ('resource_group_name', 'x' * 91, '--resource-group/-g'),
    ('cluster_name', '-starts-with-hyphen', '--cluster-name/-c'),
    ('cluster_name', 'has space', '--cluster-name/-c'),
    ('cluster_name', 'trailing\n', '--cluster-name/-c'),
    ('name', 'under_score', '--name/-n'),
    ('name', 'ends-', '--name/-n'),
    ('name', 'x' * 254, '--name/-n'),
])
def test_a_malformed_name_is_refused_naming_the_flag_and_what_it_allows(attribute, value, flag):
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'show', **{**CLUSTER, 'name': 'flux', attribute: value})
    assert flag in raised.value.error_msg
    assert raised.value.recommendations


@pytest.mark.parametrize('attribute,value', [
    ('resource_group_name', 'my_rg.(1)'), ('cluster_name', 'c_1.a'), ('name', 'flux.v2'), ('name', 'a' * 253)])
def test_well_formed_names_pass(attribute, value):
    validate(K8S, 'show', **{**CLUSTER, 'name': 'flux', attribute: value})


@pytest.mark.parametrize('attribute', ['resource_group_name', 'cluster_name'])
def test_a_resource_id_where_a_name_belongs_points_to_ids(attribute):
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'list', **dict(CLUSTER, **{attribute: '/subscriptions/x/resourceGroups/rg'}))
    assert 'resource ID' in raised.value.error_msg and '--ids' in str(raised.value.recommendations)


def test_cluster_type_is_required_for_k8s_extension():
    with pytest.raises(RequiredArgumentMissingError) as raised:
        validate(K8S, 'show', resource_group_name='rg', cluster_name='c1', name='x')
    assert '--cluster-type' in raised.value.error_msg
    assert 'managedClusters' in str(raised.value.recommendations)


@pytest.mark.parametrize('cluster_type,cluster_rp,error,fragment', [
    ('kubernetes', None, InvalidArgumentValueError, "Unknown cluster type 'kubernetes'"),
    ('provisionedClusters', None, RequiredArgumentMissingError, '--cluster-resource-provider is required'),
    ('connectedClusters', 'Microsoft.ContainerService', InvalidArgumentValueError, 'does not host clusters'),
])
def test_cluster_type_and_provider_must_fit(cluster_type, cluster_rp, error, fragment):
    with pytest.raises(error) as raised:
        validate(K8S, 'show', **{**CLUSTER, 'name': 'x', 'cluster_type': cluster_type, 'cluster_rp': cluster_rp})
    assert fragment in raised.value.error_msg


@pytest.mark.parametrize('cluster_type', ['managedclusters', 'CONNECTEDCLUSTERS', 'appliances', 'fleets'])
def test_cluster_types_are_case_insensitive(cluster_type):
    validate(K8S, 'show', **{**CLUSTER, 'name': 'x', 'cluster_type': cluster_type})


def test_aks_extension_fixes_the_cluster_type_to_aks():
    namespace = validate(AKS, 'show', resource_group_name='rg', cluster_name='c1', name='x')
    assert namespace.cluster_type == 'managedClusters' and namespace.cluster_rp is None


def test_aks_extension_refuses_the_id_of_another_kind_of_cluster():
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(AKS, 'show', resource_group_name='rg', cluster_name='c1', name='x',
                 cluster_type='connectedClusters', cluster_rp='Microsoft.Kubernetes')
    assert 'Microsoft.Kubernetes/connectedClusters' in raised.value.error_msg
    assert 'az k8s-extension show' in str(raised.value.recommendations)


@pytest.mark.parametrize('resource_id', [
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1',
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/providers/'
    'Microsoft.KubernetesConfiguration/fluxConfigurations/x',
])
def test_ids_must_name_a_cluster_extension(resource_id):
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'show', **dict(CLUSTER, name='x', _ids=[resource_id]))
    assert 'is not the ID of a cluster extension' in raised.value.error_msg


def test_the_id_of_a_cluster_extension_passes():
    validate(K8S, 'show', **dict(CLUSTER, name='x', _ids=[EXTENSION_ID]))


@pytest.mark.parametrize('given,missing', [
    ({'plan_name': 'p'}, '--plan-product, --plan-publisher'),
    ({'plan_name': 'p', 'plan_product': 'o'}, '--plan-publisher'),
    ({'plan_publisher': 'pub'}, '--plan-name, --plan-product'),
])
def test_a_marketplace_plan_needs_all_three_flags(given, missing):
    with pytest.raises(RequiredArgumentMissingError) as raised:
        validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app', **given))
    assert 'missing ' + missing in raised.value.error_msg


def test_a_version_with_auto_upgrade_true_is_a_contradiction():
    with pytest.raises(MutuallyExclusiveArgumentError) as raised:
        validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app', version='1.0.0',
                                       auto_upgrade_minor_version=True))
    assert '--version' in raised.value.error_msg and '--auto-upgrade-minor-version' in raised.value.error_msg


def test_a_version_turns_auto_upgrade_off():
    namespace = validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app', version='1.0.0'))
    assert namespace.auto_upgrade_minor_version is False


@pytest.mark.parametrize('scope,release_namespace,target_namespace,error', [
    ('namespace', None, None, RequiredArgumentMissingError),
    (None, 'a', 'b', MutuallyExclusiveArgumentError),
    ('cluster', None, 'apps', ArgumentUsageError),
])
def test_scope_contradictions_are_refused_on_create(scope, release_namespace, target_namespace, error):
    with pytest.raises(error):
        validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app', scope=scope,
                                       release_namespace=release_namespace, target_namespace=target_namespace))


@pytest.mark.parametrize('attribute,value,flag', [
    ('release_namespace', 'Upper', '--release-namespace'),
    ('target_namespace', 'under_score', '--target-namespace'),
    ('version', '1.0 beta', '--version'),
    ('release_train', 'stable!', '--release-train'),
    ('extension_type', 'microsoft flux', '--extension-type'),
])
def test_create_flags_must_be_well_formed(attribute, value, flag):
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'create', **{**CLUSTER, 'name': 'x', 'extension_type': 'contoso.app', attribute: value})
    assert flag in raised.value.error_msg


def test_inline_settings_and_their_file_exclude_each_other(tmp_path):
    path = tmp_path / 's.yaml'
    path.write_text('a: 1\n')
    with pytest.raises(MutuallyExclusiveArgumentError) as raised:
        validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app',
                                       configuration_settings=[['a=1']], configuration_settings_file=str(path)))
    assert '--configuration-settings' in raised.value.error_msg and '--config-settings-file' in raised.value.error_msg


def test_repeated_settings_flags_merge_into_one_mapping():
    namespace = validate(K8S, 'create', **dict(CLUSTER, name='x', extension_type='contoso.app',
                                               configuration_settings=[['a=1', 'b=2'], ['c=3']]))
    assert namespace.configuration_settings == {'a': '1', 'b': '2', 'c': '3'}


@pytest.mark.parametrize('conditions', [{}, {'created': True, 'deleted': True}])
def test_wait_needs_exactly_one_condition(conditions):
    with pytest.raises(ArgumentUsageError) as raised:
        validate(K8S, 'wait', **dict(CLUSTER, name='x', **conditions))
    assert 'exactly one condition' in raised.value.error_msg


def test_wait_refuses_a_query_that_is_not_jmespath():
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'wait', **dict(CLUSTER, name='x', custom='provisioningState=='))
    assert '--custom' in raised.value.error_msg and 'JMESPath' in raised.value.error_msg


@pytest.mark.parametrize('attribute', ['interval', 'timeout'])
@pytest.mark.parametrize('value', [0, -1, float('nan'), float('inf')])
def test_wait_times_must_be_positive_and_finite(attribute, value):
    with pytest.raises(InvalidArgumentValueError) as raised:
        validate(K8S, 'wait', **dict(CLUSTER, name='x', created=True, **{attribute: value}))
    assert '--' + attribute in raised.value.error_msg


def test_types_by_location_refuse_a_resource_id_for_the_cluster():
    with pytest.raises(InvalidArgumentValueError):
        validate_types_command('aks_list_types', 'validate_names', resource_group_name='/subscriptions/x')
