"""The reading of `unsupportedKubernetesVersions` expressions and the verdicts built on them."""
import pytest

from azext_aksext.core.compatibility import (ClusterFacts, is_patch_change, parse_expression, parse_version,
                                             supporting, verdict, version_name)


@pytest.mark.parametrize('expression,version,matches', [
    ('>1.22', '1.23.0', True), ('>1.22', '1.22.9', False), ('>1.22', '1.21.4', False),
    ('>=1.22', '1.22.0', True), ('>=1.22', '1.21.9', False),
    ('<1.22', '1.21.9', True), ('<1.22', '1.22.0', False),
    ('<=1.22', '1.22.7', True), ('<=1.22', '1.23.0', False),
    ('=1.22', '1.22.3', True), ('==1.22', '1.23.0', False), ('!=1.22', '1.23.0', True), ('!=1.22', '1.22.1', False),
    ('1.18..1.21', '1.18.0', True), ('1.18..1.21', '1.21.14', True), ('1.18..1.21', '1.22.0', False),
    ('1.18..1.21', '1.17.9', False),
    ('1.22', '1.22.5', True), ('1.22', '1.23.5', False), ('1.22.3', '1.22.3', True), ('1.22.3', '1.22.4', False),
    ('1.22.x', '1.22.8', True), ('1.22.*', '1.21.8', False),
    ('>= 1.22', '1.25.1', True), ('>=1.18 <1.21', '1.20.2', True), ('>=1.18 <1.21', '1.21.0', False),
    ('>=1.18 && <1.21', '1.19.0', True),
    ('v1.22', '1.22.1', True), ('>1.22', 'v1.23.1-gke.100', True), ('>1.27', '1.28.2+k3s1', True),
    ('>1', '2.0.0', True), ('>1', '1.99.0', False),
])
def test_expressions_it_reads(expression, version, matches):
    predicate = parse_expression(expression)
    assert predicate is not None
    assert predicate(parse_version(version)) is matches


@pytest.mark.parametrize('expression', ['', '~1.22', '^1.22', '>', '1.18..', '..1.21', 'latest', '>1.x',
                                        '1.18-1.21', '>=1.18 || <1.10', '1.22 beta'])
def test_expressions_it_cannot_read_are_none(expression):
    assert parse_expression(expression) is None


def _item(version, **unsupported):
    return {'name': version, 'properties': {'version': version, 'unsupportedKubernetesVersions': unsupported}}


ARC_GKE = ClusterFacts('connectedClusters', '1.27.3-gke.100', 'GKE')


def test_an_excluded_version_on_the_clusters_distribution_is_unsupported():
    item = _item('1.0.0', connectedCluster=[{'distributions': ['gke'], 'unsupportedVersions': ['<1.28']}])
    result = verdict(item, ARC_GKE)
    assert result.supported is False and result.reasons == ["'<1.28' on gke"]


def test_an_exclusion_for_another_distribution_or_cluster_type_does_not_apply():
    item = _item('1.0.0', connectedCluster=[{'distributions': ['eks'], 'unsupportedVersions': ['<1.28']}],
                 managedCluster=[{'distributions': [], 'unsupportedVersions': ['<1.28']}])
    assert verdict(item, ARC_GKE).supported is True


def test_no_distributions_means_every_distribution():
    item = _item('1.0.0', connectedCluster=[{'distributions': None, 'unsupportedVersions': ['1.18..1.27']}])
    assert verdict(item, ARC_GKE).supported is False


def test_an_unreadable_expression_makes_the_answer_unknown_not_compatible():
    item = _item('1.0.0', connectedCluster=[{'distributions': [], 'unsupportedVersions': ['~1.27']}])
    result = verdict(item, ARC_GKE)
    assert result.supported is None and "'~1.27'" in result.reasons[0]


def test_an_unknown_distribution_with_a_matching_distribution_rule_is_unknown():
    item = _item('1.0.0', provisionedCluster=[{'distributions': ['aks_hci'], 'unsupportedVersions': ['<1.28']}])
    assert verdict(item, ClusterFacts('provisionedClusters', '1.27.1', None)).supported is None


def test_an_unknown_cluster_version_is_unknown_and_nulls_are_supported():
    item = _item('1.0.0', managedCluster=None, connectedCluster=None)
    assert verdict(item, ClusterFacts('managedClusters', None, None)).supported is None
    assert verdict(item, ClusterFacts('managedClusters', '1.33.2', None)).supported is True


@pytest.mark.parametrize('exclusions', [
    'GKE >1.22', ['>1.22'], [{'distributions': 'GKE', 'unsupportedVersions': '>1.22'}], {'unsupportedVersions': 5},
], ids=['text', 'list-of-text', 'text-fields', 'object-with-a-number'])
def test_an_exclusion_of_an_unexpected_shape_makes_the_answer_unknown(exclusions):
    result = verdict(_item('1.0.0', connectedCluster=exclusions), ARC_GKE)
    assert result.supported is None and 'cannot read' in result.reasons[0]


@pytest.mark.parametrize('item', ['1.0.0', 7, None, {'properties': 'x'}, {'properties': {'version': 1}}])
def test_a_version_item_of_an_unexpected_shape_has_no_name_and_no_exclusion(item):
    assert version_name(item) is None
    assert verdict(item, ARC_GKE).supported is True


def test_exclusions_that_are_not_an_object_make_the_answer_unknown():
    item = {'properties': {'unsupportedKubernetesVersions': ['x']}}
    result = verdict(item, ARC_GKE)
    assert version_name(item) is None
    assert result.supported is None and 'cannot read' in result.reasons[0]


def test_supporting_lists_the_newest_known_good_versions_first():
    excluded = {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['<1.29']}]}
    versions = [_item('1.9.0'), _item('1.10.0'), _item('1.11.0', **excluded), _item('1.8.0'), _item('1.2.0')]
    assert supporting(versions, ClusterFacts('managedClusters', '1.28.5', 'AKS')) == ['1.10.0', '1.9.0', '1.8.0']


@pytest.mark.parametrize('current,wanted,allowed', [
    ('1.14.0', '1.14.1', True), ('1.14.1', '1.15.0', False), ('1.14.1', '2.0.0', False), ('1.15.0', '1.14.1', True),
    ('1.14.1', '1.14.1', True), (None, '1.15.0', True), ('1.14.1', 'nightly', True),
])
def test_aks_allows_patch_changes_only(current, wanted, allowed):
    assert is_patch_change(current, wanted) is allowed


@pytest.mark.parametrize('expression', ['1.21..1.18', '1.30..1.4', '2..1'])
def test_a_reversed_range_cannot_be_read(expression):
    assert parse_expression(expression) is None


@pytest.mark.parametrize('unsupported', [
    {'connectedCluster': [{'distributions': ['gke'], 'unsupportedVersions': '<1.28'}]},
    {'connectedCluster': [{'distributions': 'GKE', 'unsupportedVersions': ['<1.28']}]},
    {'connectedCluster': {'distributions': ['gke'], 'unsupportedVersions': ['<1.28']}},
    {'connectedCluster': ['<1.28']},
    {'connectedCluster': [{'distributions': ['gke'], 'unsupportedVersions': [1.28]}]},
    {'connectedCluster': [{'distributions': ['gke'], 'unsupportedVersions': ['1.30..1.20']}]},
])
def test_exclusions_of_another_shape_cannot_tell_never_a_silent_pass(unsupported):
    result = verdict(_item('1.0.0', **unsupported), ARC_GKE)
    assert result.supported is None and result.reasons


def test_unsupported_versions_that_are_not_a_mapping_cannot_tell():
    item = {'properties': {'version': '1.0.0', 'unsupportedKubernetesVersions': ['<1.28']}}
    assert verdict(item, ARC_GKE).supported is None
