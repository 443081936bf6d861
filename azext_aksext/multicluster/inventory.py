"""`list` across clusters: every extension in scope from Azure Resource Graph, with filters, or counts."""
from collections import Counter, OrderedDict

from knack.log import get_logger

from ..core.clusters import canonical_type, cluster_kind, parse_cluster_id
from .graph import (EXTENSION_TYPE, Graph, GraphAnswerError, checked_rows, current_subscription, graph_error,
                    kql_string, prop)

logger = get_logger(__name__)


def extension_query(resource_group=None, extension_type=None, provisioning_state=None, version=None,
                    cluster_type=None):
    clauses = ['type =~ ' + kql_string(EXTENSION_TYPE)]
    if resource_group:
        clauses.append('resourceGroup =~ ' + kql_string(resource_group))
    if extension_type:
        clauses.append('properties.ExtensionType =~ ' + kql_string(extension_type))
    if provisioning_state:
        clauses.append('properties.ProvisioningState =~ ' + kql_string(provisioning_state))
    if version:
        clauses.append('properties.Version == ' + kql_string(version))
    if cluster_type:
        clauses.append('id contains ' + kql_string(f'/{cluster_kind(cluster_type).graph_type}/'))
    return (f"KubernetesConfigurationResources | where {' and '.join(clauses)} | project id, name, resourceGroup, "
            "subscriptionId, properties | order by id asc")


def extension_row(row):
    """One inventory row: the extension's own fields as `list` prints them, plus where it lives."""
    properties = row.get('properties') or {}
    subscription, group, _, cluster_type, cluster = parse_cluster_id(row['id'])
    scope = prop(properties, 'scope') or {}
    cluster_scope = prop(scope, 'cluster') or {}
    return OrderedDict([
        ('id', row['id']), ('name', row.get('name')),
        ('extensionType', prop(properties, 'extensionType')),
        ('currentVersion', prop(properties, 'version') or prop(properties, 'currentVersion')),
        ('releaseTrain', prop(properties, 'releaseTrain')),
        ('autoUpgradeMinorVersion', prop(properties, 'autoUpgradeMinorVersion')),
        ('provisioningState', prop(properties, 'provisioningState')),
        ('releaseNamespace', prop(cluster_scope, 'releaseNamespace')),
        ('clusterName', cluster), ('clusterType', canonical_type(cluster_type)),
        ('resourceGroup', row.get('resourceGroup') or group), ('subscriptionId', subscription),
    ])


def summarize(rows):
    """Counts by extension type, version and state: how far along a version is across the clusters."""
    counts = Counter((row['extensionType'], row['currentVersion'], row['provisioningState']) for row in rows)
    return [OrderedDict([('extensionType', key[0]), ('version', key[1]), ('provisioningState', key[2]),
                         ('count', count)])
            for key, count in sorted(counts.items(), key=lambda item: tuple(str(part) for part in item[0]))]


def inventory_table(items):
    if 'count' in items[0]:
        return [OrderedDict([('ExtensionType', item['extensionType']), ('Version', item['version']),
                             ('ProvisioningState', item['provisioningState']), ('Count', item['count'])])
                for item in items]
    return [OrderedDict([('Cluster', item['clusterName']), ('ResourceGroup', item['resourceGroup']),
                         ('Name', item['name']), ('ExtensionType', item['extensionType']),
                         ('Version', item['currentVersion']), ('ProvisioningState', item['provisioningState'])])
            for item in items]


def list_across_clusters(cmd, *, resource_group_name=None, cluster_type=None, extension_type=None,
                         provisioning_state=None, version=None, subscriptions=None, summary=False):
    scope = subscriptions or [current_subscription(cmd.cli_ctx)]
    graph = Graph(cmd.cli_ctx, scope)
    query = extension_query(resource_group_name, extension_type, provisioning_state, version, cluster_type)
    from azure.core.exceptions import AzureError
    try:
        rows = [extension_row(row) for row in checked_rows(graph.rows(query), 'extensions', parts=13)]
    except (AzureError, ValueError, GraphAnswerError) as err:
        raise graph_error(err) from err
    logger.info('Read %d extensions from Resource Graph in %d request(s).', len(rows), graph.requests)
    return summarize(rows) if summary else rows
