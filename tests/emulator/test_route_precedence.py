"""Route precedence: the order of arm_emulator.resources.FAMILIES decides which family answers a path that two
families' patterns match. Every such overlap is listed in resources.OVERLAPS and must resolve as stated; a path of
every family still reaches that family."""
import pytest

from arm_emulator import resources
from arm_emulator.frontdoor.router import resolve

GROUP = '/subscriptions/SUB/resourceGroups/RG'
AKS = GROUP + '/providers/Microsoft.ContainerService/managedClusters/CLUSTER'
KC = '/providers/Microsoft.KubernetesConfiguration'
WORKSPACE = GROUP + '/providers/Microsoft.OperationalInsights/workspaces/NAME'
# (a path, the family that answers it): one or more of each family's routes.
PATHS = [
    ('/subscriptions', 'subscriptions'), ('/tenants', 'subscriptions'), ('/subscriptions/SUB', 'subscriptions'),
    ('/subscriptions/SUB/locations', 'subscriptions'),
    ('/subscriptions/SUB/resourcegroups', 'groups'), (GROUP, 'groups'), (GROUP + '/resources', 'groups'),
    ('/subscriptions/SUB/resources', 'groups'),
    ('/subscriptions/SUB/providers/Microsoft.Compute/locations/eastus/vmSizes', 'compute'),
    (GROUP + '/providers/Microsoft.Resources/deployments', 'deployments'),
    (GROUP + '/providers/Microsoft.Resources/deployments/NAME/operationStatuses/OP', 'deployments'),
    ('/subscriptions/SUB/providers/Microsoft.Resources/deployments/NAME/validate', 'deployments'),
    (GROUP + '/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET', 'companions'),
    ('/subscriptions/SUB/providers', 'providers'), ('/subscriptions/SUB' + KC, 'providers'),
    ('/subscriptions/SUB' + KC + '/register', 'providers'),
    ('/providers/Microsoft.Monitor', 'monitoring'),
    ('/providers/Microsoft.ResourceGraph/resources', 'resourcegraph'),
    (GROUP + '/providers/Microsoft.OperationalInsights/workspaces', 'companions'),
    (WORKSPACE + '/sharedKeys', 'companions'),
    (WORKSPACE + '/providers/Microsoft.Authorization/roleAssignments/NAME', 'companions'),
    (AKS + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/NAME', 'companions'),
    (GROUP + '/providers/Microsoft.Relay/namespaces/NS/hybridConnections/HC/authorizationRules/RULE/listKeys',
     'companions'),
    (AKS, 'clusters'), (GROUP + '/providers/Microsoft.Kubernetes/connectedClusters/CLUSTER', 'clusters'),
    (GROUP + '/providers/Microsoft.ContainerService/fleets/FLEET', 'clusters'),
    (AKS + '/maintenanceConfigurations', 'maintenance'), (AKS + '/maintenanceConfigurations/default', 'maintenance'),
    (AKS + KC + '/extensions', 'extensions'), (AKS + KC + '/extensions/NAME', 'extensions'),
    (AKS + KC + '/extensions/NAME/operations/OP', 'extensions'),
    ('/subscriptions/SUB' + KC + '/locations/eastus/extensionTypes/TYPE/versions/1.0.0', 'extension_types'),
    (AKS + KC + '/extensionTypes/TYPE', 'extension_types'),
    (AKS + '/listClusterUserCredential', 'kubeapi_credentials'),
    (AKS + '/listClusterAdminCredential', 'kubeapi_credentials'),
] + [(path, winner) for path, winner, _ in resources.OVERLAPS]


def families_matching(table, path):
    return {route.family for route in table if route.pattern.match(path)}


@pytest.mark.parametrize('path,winner,other', resources.OVERLAPS)
def test_each_overlap_goes_to_the_family_that_must_answer_it(path, winner, other):
    table = resources.arm_routes()
    assert {winner, other} <= families_matching(table, path)
    assert resolve(table, path)[0].family == winner


@pytest.mark.parametrize('path,family', PATHS)
def test_every_family_answers_its_paths(path, family):
    assert resolve(resources.arm_routes(), path)[0].family == family


def test_every_overlap_among_these_paths_is_stated():
    table = resources.arm_routes()
    stated = {path for path, _, _ in resources.OVERLAPS}
    unstated = [path for path, _ in PATHS if len(families_matching(table, path)) > 1 and path not in stated]
    assert not unstated


def test_an_order_that_breaks_an_overlap_is_refused():
    last = [family for family in resources.FAMILIES if family[0] != 'companions'] + [
        ('companions', dict(resources.FAMILIES)['companions'])]
    with pytest.raises(RuntimeError, match='workspaces/NAME goes to clusters, not companions'):
        resources.arm_routes(tuple(last))
