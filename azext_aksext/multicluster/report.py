"""Per-cluster rollout results: the rows printed as JSON or a table (with --query applied, as az applies it), with
the command to inspect each cluster, written so that a closed or full standard output is an error, not a
traceback."""
from collections import OrderedDict

from ..core.clusters import ClusterRef, canonical_type, parse_cluster_id


# A record of one cluster's identity and result that the report reads as attributes.
class Item:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    """One target cluster as the rollout works on it."""

    def __init__(self, cluster, extension_name, group):
        self.cluster = cluster
        self.cluster_id = cluster['id']
        subscription, resource_group, provider, cluster_type, name = parse_cluster_id(cluster['id'])
        self.subscription, self.resource_group, self.name = subscription, resource_group, name
        self.cluster_type = canonical_type(cluster_type)
        self.ref = ClusterRef(resource_group, provider, self.cluster_type, name)
        self.extension_id = f"{cluster['id']}/providers/Microsoft.KubernetesConfiguration/extensions/{extension_name}"
        self.group = group
        self.action = self.reason = self.result = self.error = self.extension = None
        self.passed_at = self.window = self.next_window = None   # when it passed its gate; its maintenance window
        self.resumed = False
        self.soak_ends = None   # when its soak ends (time.monotonic()), once it soaks

    def finish(self, result, error=None, extension=None, resumed=False):
        from ..core.redaction import mask_secrets
        self.result, self.error, self.extension, self.resumed = result, mask_secrets(error), extension, resumed

    def wait_command(self):
        flag = {'create': '--created', 'delete': '--deleted'}.get(self.action, '--updated')
        return f'az {self.group} wait --ids {self.extension_id} {flag}'


def _version(extension):
    extension = extension or {}
    return extension.get('currentVersion') or extension.get('version')


def rows_of(items, plan=False):
    from ..core.redaction import mask_secrets
    rows = []
    for item in sorted(items, key=lambda item: item.cluster_id.lower()):
        row = OrderedDict([('cluster', item.name), ('resourceGroup', item.resource_group),
                           ('subscriptionId', item.subscription), ('clusterType', item.cluster_type),
                           ('action', item.action)])
        if plan:
            row['reason'] = mask_secrets(item.reason)
            row['window'] = item.window
            row['nextWindow'] = item.next_window
        else:
            row['result'] = item.result
            row['version'] = _version(item.extension)
            row['passedAt'] = item.passed_at
            row['error'] = item.error
        row['inspect'] = f'az {item.group} show --ids {item.extension_id}'
        rows.append(row)
    return rows


def rollout_table(result):
    columns = ('cluster', 'resourceGroup', 'action', 'result', 'reason', 'nextWindow', 'version', 'passedAt',
               'error')
    return [OrderedDict((name[:1].upper() + name[1:], row.get(name) or '') for name in columns if name in row)
            for row in (result or []) if isinstance(row, dict)]


def print_rows(cmd, rows):
    """Print the rows as az prints a command's result: --query applied, then -o json/table/tsv/yaml/none.

    Raises FileOperationError when standard output is closed or full; it is then pointed at /dev/null, so that
    nothing else fails on it as the process ends."""
    from knack.events import EVENT_INVOKER_FILTER_RESULT
    from knack.output import CommandResultItem
    cli_ctx = cmd.cli_ctx
    data = cli_ctx.invocation.data
    event = {'result': rows}
    cli_ctx.raise_event(EVENT_INVOKER_FILTER_RESULT, event_data=event)  # --query, once: it unregisters itself
    output = data.get('output') or 'json'
    if output == 'none':
        return
    formatter = cli_ctx.output.get_formatter(output)
    item = CommandResultItem(event['result'], table_transformer=rollout_table,
                             is_query_active=bool(data.get('query_active')))
    write_stdout(formatter(item))


def write_stdout(text):
    import sys
    from azure.cli.core.azclierror import FileOperationError
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (AttributeError, OSError, ValueError) as err:
        _silence_stdout()
        why = getattr(err, 'strerror', None) or ('it is closed' if isinstance(err, (AttributeError, ValueError))
                                                 else str(err))
        raise FileOperationError(
            f"Could not write the result to standard output: {why}. The rollout itself is done: its journal holds "
            "every cluster's state.",
            "Run the same command again with a working standard output (or -o none): it sends nothing to the "
            "clusters already done, and prints the rows again.") from None


def _silence_stdout():
    import os
    import sys
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    sys.stdout = open(os.devnull, 'w', encoding='utf-8')  # pylint: disable=consider-using-with
