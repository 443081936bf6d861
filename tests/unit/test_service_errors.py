"""Service and transport failures become typed az errors that name the resource and the next step."""
import json
from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import (AzureConnectionError, AzureInternalError, AzureResponseError,
                                       BadRequestError, ForbiddenError, InvalidArgumentValueError,
                                       ResourceNotFoundError, UnauthorizedError)
from azure.core.exceptions import HttpResponseError, ServiceRequestError

from azext_aksext.core.clusters import cluster_ref
from azext_aksext.core.errors import translate
from azext_aksext.core.target import Target

ARC = cluster_ref('rg', 'arc1', 'connectedClusters')


def target(group='k8s-extension', name='flux', ref=ARC):
    return Target(SimpleNamespace(name=group + ' show'), ref, name)


def service_error(status, code, message):
    err = HttpResponseError(message=message)
    err.status_code = status
    err.error = SimpleNamespace(code=code, message=message)
    return err


@pytest.mark.parametrize('status,code,error_type,fragment', [
    (401, 'InvalidAuthenticationToken', UnauthorizedError, 'az login'),
    (403, 'AuthorizationFailed', ForbiddenError, 'Kubernetes Extension Contributor'),
    (409, 'Conflict', AzureResponseError, 'Nothing was changed'),
    (429, 'TooManyRequests', AzureInternalError, 'retry later'),
    (503, 'ServiceUnavailable', AzureInternalError, 'retry later'),
    (400, 'InvalidRequest', BadRequestError, None),
    (412, 'PreconditionFailed', AzureResponseError, None),
])
def test_each_status_becomes_its_typed_error_with_the_next_step(status, code, error_type, fragment):
    error = translate(service_error(status, code, 'the message'), target(), 'show')
    assert type(error) is error_type  # pylint: disable=unidiomatic-typecheck
    assert "extension 'flux' on connectedClusters cluster 'arc1'" in error.error_msg
    assert code in error.error_msg or status == 401 and 'the message' in error.error_msg
    if fragment:
        assert fragment in ' '.join([error.error_msg, str(error.recommendations)])


def test_an_unregistered_subscription_names_the_register_command():
    error = translate(service_error(409, 'MissingSubscriptionRegistration', 'not registered'), target(), 'create')
    assert 'az provider register --namespace Microsoft.KubernetesConfiguration' in str(error.recommendations)


@pytest.mark.parametrize('code,message,missing', [
    ('ResourceGroupNotFound', "Resource group 'rg' could not be found.", 'resource_group'),
    ('ResourceNotFound', "The Resource 'Microsoft.Kubernetes/connectedClusters/arc1' under resource group 'rg' "
                         "was not found.", 'cluster'),
    ('ResourceNotFound', "The Resource 'Microsoft.KubernetesConfiguration/extensions/flux' was not found.", 'target'),
])
def test_a_404_says_whether_the_group_the_cluster_or_the_extension_is_missing(code, message, missing):
    error = translate(service_error(404, code, message), target(), 'show')
    assert isinstance(error, ResourceNotFoundError) and error.missing == missing


def test_a_missing_extension_points_to_list_and_to_the_cluster_type():
    error = translate(service_error(404, 'ResourceNotFound', 'extensions/flux'), target(), 'show')
    hint = str(error.recommendations)
    assert 'az k8s-extension list -g rg -c arc1 --cluster-type connectedClusters' in hint
    assert '--cluster-type' in hint


def test_az_aks_extension_commands_need_no_cluster_type():
    aks = cluster_ref('rg', 'aks1', 'managedClusters')
    error = translate(service_error(404, 'ResourceNotFound', 'extensions/flux'), target('aks extension', ref=aks),
                      'show')
    assert 'az aks extension list -g rg -c aks1' in str(error.recommendations)
    assert '--cluster-type' not in str(error.recommendations)


def test_no_connection_is_a_connection_error_with_the_show_command():
    error = translate(ServiceRequestError('connection refused'), target(), 'create')
    assert isinstance(error, AzureConnectionError)
    assert 'az k8s-extension show -g rg -c arc1 -n flux --cluster-type connectedClusters' in str(error.recommendations)


def test_an_answer_that_is_not_json_is_named_as_such():
    with pytest.raises(ValueError) as raised:
        json.loads('<html>')
    error = translate(raised.value, target(), 'show')
    assert isinstance(error, AzureResponseError) and 'could not be read' in error.error_msg


def test_anything_else_is_passed_through():
    err = KeyError('x')
    assert translate(err, target(), 'show') is err


class RecorderRefusal(Exception):
    """What a replaying recorder raises for a request it holds no answer to (vcrpy's is of this kind)."""


@pytest.mark.parametrize('err,said', [
    (service_error(403, 'AuthorizationFailed', 'no'), 'HTTP 403'),
    (service_error(200, None, 'odd'), 'HTTP 200'),
    (ServiceRequestError('connection reset'), 'no answer: ServiceRequestError'),
    (RecorderRefusal('not in the cassette'), 'no answer: RecorderRefusal'),
    (json.JSONDecodeError('Expecting value', 'not json', 0), 'unreadable answer: JSONDecodeError'),
    (AttributeError("'int' object has no attribute 'get'"), 'unreadable answer: AttributeError'),
], ids=['refused', 'odd-status', 'transport', 'recorder', 'not-json', 'odd-shape'])
def test_a_check_read_that_got_no_usable_answer_says_why_in_a_few_words(err, said):
    from azext_aksext.checks import reason
    assert reason(err) == said


def test_one_unanswered_check_read_ends_the_checks_of_the_command(caplog):
    from azext_aksext.checks import reading, unanswered
    checked = target()
    checked.extra_reads = True  # the switch was read: on
    assert reading(checked)
    unanswered(checked, 'read something', RecorderRefusal('x'))
    assert not reading(checked)
    assert [record.getMessage() for record in caplog.records] == [
        'Could not read something (no answer: RecorderRefusal); going on without that check: the service checks it.']


@pytest.fixture
def az_config(tmp_path, monkeypatch):
    """az's configuration as az builds it (knack's, with az's AZURE_ prefix), in a folder of its own."""
    from knack.config import CLIConfig
    monkeypatch.delenv('AZURE_AKSEXT_EXTRA_READS', raising=False)
    return CLIConfig(config_dir=str(tmp_path), config_env_var_prefix='AZURE')


@pytest.mark.parametrize('config_value,env_value,on', [
    (None, None, True), ('false', None, False), ('no', None, False), ('true', None, True),
    (None, 'false', False), ('true', 'False', False), ('false', 'yes', True),
])
def test_the_switch_is_an_az_config_value_and_the_environment_variable_az_maps_to_it(
        az_config, monkeypatch, config_value, env_value, on):
    from azext_aksext.checks import extra_reads, reading
    if config_value is not None:
        az_config.set_value('aksext', 'extra_reads', config_value)
    if env_value is not None:
        monkeypatch.setenv('AZURE_AKSEXT_EXTRA_READS', env_value)
    cli_ctx = SimpleNamespace(config=az_config)
    assert extra_reads(cli_ctx) is on
    assert reading(Target(SimpleNamespace(name='k8s-extension create', cli_ctx=cli_ctx), ARC, 'flux')) is on


def test_a_switch_value_that_is_neither_true_nor_false_is_refused_naming_both_ways_to_set_it(az_config):
    from azext_aksext.checks import extra_reads
    az_config.set_value('aksext', 'extra_reads', 'sometimes')
    with pytest.raises(InvalidArgumentValueError) as raised:
        extra_reads(SimpleNamespace(config=az_config))
    assert "'sometimes'" in str(raised.value)
    assert 'az config set aksext.extra_reads=false' in raised.value.recommendations[0]
    assert 'AZURE_AKSEXT_EXTRA_READS=false' in raised.value.recommendations[0]
