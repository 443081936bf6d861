"""The ARM resource families the emulator serves, one module (or folder) per family, and the one route table.

A family declares ``ROUTES`` (see :mod:`arm_emulator.frontdoor.router`) and keeps its resource types as data
beside them: api-versions, type names, defaults. ``FAMILIES`` below is the route table, in precedence order.
"""
from ..frontdoor.router import misrouted, route_table
from . import clusters, compute, groups, maintenance, monitoring, providers, subscriptions
from .companions import routes as companions
from .deployments import routes as deployments
from .extension_types import routes as extension_types
from .extensions import routes as extensions
from .kubeapi import credentials as kubeapi_credentials
from .resourcegraph import routes as resourcegraph

# The route precedence: the router tries these families' routes top to bottom and the first pattern matching the
# path answers it. Order only matters where two families' patterns overlap; each such overlap is in OVERLAPS.
FAMILIES = (
    ('subscriptions', subscriptions),
    ('groups', groups),
    ('monitoring', monitoring),
    ('providers', providers),
    ('compute', compute),
    ('resourcegraph', resourcegraph),
    ('companions', companions),  # before clusters: .../providers/{ns}/{type}/{name} is also a cluster's shape
    ('deployments', deployments),  # before clusters, likewise
    ('kubeapi_credentials', kubeapi_credentials),
    ('clusters', clusters),
    ('maintenance', maintenance),  # managedClusters/{name}/maintenanceConfigurations: no overlap
    ('extensions', extensions),
    ('extension_types', extension_types),
)

_GROUP = '/subscriptions/SUB/resourceGroups/RG'
# (a path two families' patterns both match, the family that must answer it, the other family). The emulator checks
# at start that FAMILIES resolves each as stated; tests/emulator/test_route_precedence.py checks it too.
OVERLAPS = (
    (_GROUP + '/providers/Microsoft.Monitor/accounts/NAME/providers/Microsoft.AlertsManagement/'
     'alertRuleRecommendations', 'monitoring', 'companions'),
    (_GROUP + '/providers/Microsoft.OperationalInsights/workspaces/NAME', 'companions', 'clusters'),
    (_GROUP + '/providers/Microsoft.Monitor/accounts/NAME', 'companions', 'clusters'),
    (_GROUP + '/providers/Microsoft.Resources/deployments/NAME', 'deployments', 'clusters'),
)


def arm_routes(families=FAMILIES, overlaps=OVERLAPS):
    """The route table of ``families``, once it is checked to resolve every overlap as stated."""
    table = route_table(families)
    problems = misrouted(table, overlaps)
    if problems:
        raise RuntimeError('route precedence (arm_emulator/resources/__init__.py): ' + '; '.join(problems))
    return table
