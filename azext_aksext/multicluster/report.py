"""Per-cluster rollout results: the rows printed as JSON or a table, with the command to inspect each cluster."""
from collections import OrderedDict

from ..core.clusters import canonical_type, parse_cluster_id
from .graph import prop


# A record of one cluster's identity and result that the report reads as attributes.
class Item:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    """One target cluster as the rollout works on it."""

    def __init__(self, cluster, extension_name, group):
        self.cluster = cluster
        self.cluster_id = cluster['id']
        subscription, resource_group, provider, cluster_type, name = parse_cluster_id(cluster['id'])
        self.subscription, self.resource_group, self.name = subscription, resource_group, name
        self.cluster_type = canonical_type(cluster_type)
        self.ref = (resource_group, provider, self.cluster_type, name)
        self.extension_id = f"{cluster['id']}/providers/Microsoft.KubernetesConfiguration/extensions/{extension_name}"
        self.group = group
        self.action = self.reason = self.result = self.error = self.extension = None
        self.resumed = False

    def finish(self, result, error=None, extension=None, resumed=False):
        self.result, self.error, self.extension, self.resumed = result, error, extension, resumed


def _version(extension):
    properties = (extension or {}).get('properties') or {}
    return prop(properties, 'currentVersion') or prop(properties, 'version')


def rows_of(items, plan=False):
    rows = []
    for item in sorted(items, key=lambda item: item.cluster_id.lower()):
        row = OrderedDict([('cluster', item.name), ('resourceGroup', item.resource_group),
                           ('subscriptionId', item.subscription), ('clusterType', item.cluster_type),
                           ('action', item.action)])
        if plan:
            row['reason'] = item.reason
        else:
            row['result'] = item.result
            row['version'] = _version(item.extension)
            row['error'] = item.error
        row['inspect'] = f'az {item.group} show --ids {item.extension_id}'
        rows.append(row)
    return rows


def rollout_table(result):
    columns = ('cluster', 'resourceGroup', 'action', 'result', 'reason', 'version', 'error')
    return [OrderedDict((name[:1].upper() + name[1:], row.get(name) or '') for name in columns if name in row)
            for row in (result or [])]


def print_rows(cmd, rows):
    """Print the results the way az would have (-o json/table/tsv...) before exiting with an error."""
    from knack.output import CommandResultItem
    output = cmd.cli_ctx.invocation.data.get('output') or 'json'
    formatter = cmd.cli_ctx.output.get_formatter(output)
    item = CommandResultItem(rows, table_transformer=rollout_table if output == 'table' else None,
                             is_query_active=False)
    print(formatter(item))
