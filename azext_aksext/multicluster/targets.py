"""A rollout's targets: exactly the clusters asked for, never more.

`--clusters` names clusters by resource ID (inline or `@file`): every entry must be the ID of a cluster of a kind
aksext knows (AKS only for `az aks extension rollout`), and every one must be found; otherwise the error names each
bad or missing entry, before any write. An empty list is an error, never a reason to fall back on a selector. A
selector (-g, --subscriptions, --tags, --cluster-type) names clusters through Resource Graph.

The clusters come back taken from each subscription in turn (`spread`): ARM throttles writes and reads per
subscription, so a rollout that went through one subscription after another would be held to one subscription's
budget at a time, however many it spans.
"""
import re

from azure.cli.core.azclierror import InvalidArgumentValueError

from ..core.clusters import AKS, kind_of_resource_type, parse_cluster_id
from . import graph as resource_graph

CLUSTER_ID = re.compile(r'^/subscriptions/[0-9A-Za-z-]+/resourceGroups/[-\w.()]+/providers/([A-Za-z0-9.]+)/'
                        r'([A-Za-z]+)/([A-Za-z0-9][-_.A-Za-z0-9]*)$', re.IGNORECASE)
_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]')
SHOWN = 20   # bad entries named in one error; the rest are counted


def shown(text, length=160):
    """An entry as it can be shown: control characters escaped, cut to length."""
    text = _CONTROL.sub(lambda match: match.group().encode('unicode_escape').decode(), text)
    return text if len(text) <= length else text[:length] + '...'


def _listing(entries, total):
    more = f' and {total - len(entries)} more' if total > len(entries) else ''
    return '; '.join(entries) + more


def parse_cluster_ids(values, cluster_types=None):
    """The cluster IDs --clusters gives (`@file` arrives as the file's text), in order, without repeats.

    cluster_types: the kinds allowed (None: any kind aksext knows). Raises naming every bad entry."""
    entries = [part for value in values or () for part in re.split(r'[\s,]+', value) if part]
    if not entries:
        raise InvalidArgumentValueError(
            "--clusters names no cluster: it was given an empty list (an empty string, or a file with no IDs).",
            "Give cluster resource IDs, or @file with one ID a line; to select clusters instead, leave --clusters "
            "out and use -g, --subscriptions, --tags or --cluster-type.")
    bad, ids, seen = [], [], set()
    allowed = {name.lower() for name in cluster_types} if cluster_types else None
    for entry in entries:
        problem = _problem(entry, allowed)
        if problem:
            bad.append(f"'{shown(entry)}' {problem}")
        elif entry.lower() not in seen:
            seen.add(entry.lower())
            ids.append(entry)
    if bad:
        raise InvalidArgumentValueError(
            f"--clusters has {len(bad)} entr{'y' if len(bad) == 1 else 'ies'} that cannot be a target: "
            f"{_listing(bad[:SHOWN], len(bad))}.",
            "Give IDs like /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/"
            "managedClusters/<name>, one a line in an @file; nothing was sent.")
    return ids


def _problem(entry, allowed):
    if _CONTROL.search(entry):
        return 'holds control characters'
    match = CLUSTER_ID.match(entry)
    if not match:
        return 'is not the resource ID of a cluster'
    kind = kind_of_resource_type(f'{match.group(1)}/{match.group(2)}')
    if kind is None:
        return f'is the ID of a {match.group(1)}/{match.group(2)}, not of a cluster'
    if allowed is not None and kind.cluster_type.lower() not in allowed:
        only = 'AKS clusters only' if allowed == {AKS.lower()} else ', '.join(sorted(allowed)) + ' only'
        return f'is a {kind.cluster_type} cluster, and this rollout takes {only}'
    return None


def find_listed(graph, cluster_ids):
    """The Resource Graph rows of exactly the listed clusters; raises naming each one that is not found."""
    rows = []
    for start in range(0, len(cluster_ids), 200):
        batch = ', '.join(resource_graph.kql_string(value) for value in cluster_ids[start:start + 200])
        rows += resource_graph.checked_rows(
            graph.rows(f'Resources | where id in~ ({batch}) | {resource_graph.CLUSTER_COLUMNS}'), 'clusters')
    found = {row['id'].lower(): row for row in rows}
    missing = [value for value in cluster_ids if value.lower() not in found]
    if missing:
        raise InvalidArgumentValueError(
            f"--clusters names {len(missing)} cluster(s) that Azure Resource Graph does not know: "
            f"{_listing([shown(value) for value in missing[:SHOWN]], len(missing))}.",
            "Check each ID (a typo, a cluster deleted, one in a subscription this login cannot read, or one created "
            "in the last minute that Resource Graph does not show yet); nothing was sent.")
    return spread([found[value.lower()] for value in cluster_ids])


def find_selected(graph, resource_group, cluster_types, tags):
    query = resource_graph.cluster_query(resource_group, cluster_types, tags)
    return spread(list(resource_graph.checked_rows(graph.rows(query), 'clusters')))


def spread(rows):
    """The rows one subscription at a time in turn, each subscription's in their order, starting with the first
    row's (so the first row, a canary, stays first)."""
    queues = {}
    for row in rows:
        queues.setdefault(parse_cluster_id(row['id'])[0].lower(), []).append(row)
    if len(queues) < 2:
        return rows
    lanes = [iter(queue) for queue in queues.values()]
    spread_rows = []
    while lanes:
        for lane in list(lanes):
            row = next(lane, None)
            if row is None:
                lanes.remove(lane)
            else:
                spread_rows.append(row)
    return spread_rows


def installed(graph, name):
    """The extensions named `name` on the clusters in scope, by cluster ID (lower case)."""
    from ..core.clusters import cluster_id_of
    kql = resource_graph.kql_string
    query = (f"KubernetesConfigurationResources | where type =~ {kql(resource_graph.EXTENSION_TYPE)} "
             f"and name =~ {kql(name)} | project id, name, properties | order by id asc")
    return {cluster_id_of(row['id']).lower(): row
            for row in resource_graph.checked_rows(graph.rows(query), 'extensions', parts=13)}
