"""Scope rules: namespaces imply the scope; contradictions are errors."""
import pytest
from azure.cli.core.azclierror import ArgumentUsageError, MutuallyExclusiveArgumentError, RequiredArgumentMissingError

from azext_aksext.core.scope import resolve_scope, scope_body


@pytest.mark.parametrize('flags,expected', [
    ((None, None, None), None),
    ((None, 'flux-system', None), 'cluster'),
    ((None, None, 'apps'), 'namespace'),
    (('Cluster', None, None), 'cluster'),
    (('namespace', None, 'apps'), 'namespace'),
])
def test_scope_follows_the_flags(flags, expected):
    assert resolve_scope(*flags) == expected


@pytest.mark.parametrize('flags,error', [
    ((None, 'a', 'b'), MutuallyExclusiveArgumentError),
    (('cluster', None, 'b'), ArgumentUsageError),
    (('namespace', 'a', None), ArgumentUsageError),
    (('namespace', None, None), RequiredArgumentMissingError),
])
def test_contradictions_are_errors(flags, error):
    with pytest.raises(error):
        resolve_scope(*flags)


def test_scope_bodies():
    assert scope_body('cluster', None, None) == {'cluster': {}}
    assert scope_body('cluster', 'ns', None) == {'cluster': {'releaseNamespace': 'ns'}}
    assert scope_body('namespace', None, 'apps') == {'namespace': {'targetNamespace': 'apps'}}
    assert scope_body(None, None, None) is None
