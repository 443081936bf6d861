"""A rollout's targets come back one subscription at a time in turn, so that its waves spread over every
subscription's ARM budget instead of exhausting one subscription's after another."""
from azext_aksext.multicluster.targets import spread


def rows(*pairs):
    return [{'id': f'/subscriptions/{sub}/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/{name}'}
            for sub, name in pairs]


def names(result):
    return [row['id'].rsplit('/', 1)[1] for row in result]


def test_clusters_are_taken_from_each_subscription_in_turn_each_in_its_own_order():
    given = rows(('s1', 'a1'), ('s1', 'a2'), ('s1', 'a3'), ('S2', 'b1'), ('s2', 'b2'), ('s3', 'c1'))
    assert names(spread(given)) == ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']


def test_the_first_cluster_stays_first_and_one_subscription_is_left_as_it_is():
    assert names(spread(rows(('s2', 'b1'), ('s1', 'a1'), ('s2', 'b2'))))[0] == 'b1'
    one = rows(('s1', 'x'), ('s1', 'y'))
    assert spread(one) == one and spread([]) == []
