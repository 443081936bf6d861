"""Extensions and clusters across a whole fleet, from Azure Resource Graph.

One query per 1,000 subscriptions and page (1,000 rows a page) instead of one request per cluster. Resource
Graph's table spells the keys inside ``properties`` in PascalCase; rows are read in either spelling. Freshness
is "usually within 30 s": good for finding targets and counting, not for deciding a write (rollout re-reads each
extension from the resource provider first).
"""
import time
from collections import Counter, OrderedDict

from knack.log import get_logger

logger = get_logger(__name__)

PAGE = 1000
SUBSCRIPTION_BATCH = 1000   # the most subscriptions one Resource Graph request may name
EXTENSION_TYPE = 'microsoft.kubernetesconfiguration/extensions'
# Resource types of the clusters an extension can live on, by the --cluster-type spelling.
CLUSTER_RESOURCE_TYPES = OrderedDict([
    ('managedClusters', 'microsoft.containerservice/managedclusters'),
    ('connectedClusters', 'microsoft.kubernetes/connectedclusters'),
    ('appliances', 'microsoft.resourceconnector/appliances'),
    ('provisionedClusters', 'microsoft.hybridcontainerservice/provisionedclusters'),
    ('fleets', 'microsoft.containerservice/fleets'),
])


def kql_string(value):
    return "'{}'".format(str(value).replace('\\', '\\\\').replace("'", "\\'"))


def prop(properties, name):
    """A property in either spelling: Resource Graph's PascalCase or ARM's camelCase."""
    if not properties:
        return None
    for key in (name, name[:1].upper() + name[1:], name[:1].lower() + name[1:]):
        if key in properties:
            return properties[key]
    lowered = name.lower()
    return next((value for key, value in properties.items() if key.lower() == lowered), None)


def parse_cluster_id(resource_id):
    """(subscription, resource group, provider, cluster type, cluster name) of a cluster or extension id."""
    parts = resource_id.split('/')
    return parts[2], parts[4], parts[6], parts[7], parts[8]


def cluster_id_of(extension_id):
    return '/'.join(extension_id.split('/')[:9])


def _timespan_seconds(text):
    try:
        hours, minutes, seconds = (float(part) for part in text.split(':'))
        return hours * 3600 + minutes * 60 + seconds
    except (AttributeError, ValueError):
        return 1.0


# Holds the client and the request count across queries; rows() is its one entry point.
class Graph:  # pylint: disable=too-few-public-methods
    """Resource Graph queries that follow every page and keep within the user's query quota."""

    def __init__(self, cli_ctx, subscriptions):
        from azure.cli.core.commands.client_factory import get_mgmt_service_client
        from azure.mgmt.resourcegraph import ResourceGraphClient
        from ._client_factory import RETRY_TOTAL
        self.client = get_mgmt_service_client(cli_ctx, ResourceGraphClient, subscription_bound=False,
                                              retry_total=RETRY_TOTAL)
        self.subscriptions = list(subscriptions)
        self.requests = 0

    def rows(self, query):
        for start in range(0, len(self.subscriptions), SUBSCRIPTION_BATCH):
            yield from self._pages(query, self.subscriptions[start:start + SUBSCRIPTION_BATCH])

    def _pages(self, query, subscriptions):
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
        token = None
        while True:
            options = QueryRequestOptions(top=PAGE, skip_token=token, result_format='objectArray')
            response, headers = self.client.resources(
                QueryRequest(subscriptions=subscriptions, query=query, options=options),
                cls=lambda pipeline, body, _: (body, pipeline.http_response.headers))
            self.requests += 1
            yield from response.data or []
            token = response.skip_token
            if not token:
                return
            self._respect_quota(headers)

    @staticmethod
    def _respect_quota(headers):
        # Waiting here costs a few seconds; a 429 would cost the same plus a retry.
        if headers.get('x-ms-user-quota-remaining') == '0':
            wait = _timespan_seconds(headers.get('x-ms-user-quota-resets-after'))
            logger.info('Resource Graph quota used up; waiting %.1f s before the next page.', wait)
            time.sleep(wait)


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
        clauses.append('id contains ' + kql_string(f'/{CLUSTER_RESOURCE_TYPES[cluster_type]}/'))
    return (f"KubernetesConfigurationResources | where {' and '.join(clauses)} | project id, name, resourceGroup, "
            "subscriptionId, properties | order by id asc")


def cluster_query(resource_group=None, cluster_types=None, tags=None):
    types = [CLUSTER_RESOURCE_TYPES[name] for name in (cluster_types or ('managedClusters', 'connectedClusters'))]
    clauses = [f"type in~ ({', '.join((kql_string(value) for value in types))})"]
    if resource_group:
        clauses.append('resourceGroup =~ ' + kql_string(resource_group))
    for key, value in (tags or {}).items():
        clauses.append(f'tags[{kql_string(key)}] == {kql_string(value)}')
    return f"Resources | where {' and '.join(clauses)} | {CLUSTER_COLUMNS}"


CLUSTER_COLUMNS = ('project id, name, type, resourceGroup, subscriptionId, location, properties, tags, identity '
                   '| order by id asc')


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
        ('clusterName', cluster), ('clusterType', CLUSTER_TYPE_NAMES.get(cluster_type.lower(), cluster_type)),
        ('resourceGroup', row.get('resourceGroup') or group), ('subscriptionId', subscription),
    ])


CLUSTER_TYPE_NAMES = {name.lower(): name for name in CLUSTER_RESOURCE_TYPES}


def summarize(rows):
    """Counts by extension type, version and state: how far along a version is across the fleet."""
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


def graph_error(err):
    """A Resource Graph failure as the error az prints: the service's own reasons, not a traceback."""
    from azure.cli.core.azclierror import AzureResponseError
    error = getattr(err, 'error', None)
    details = [detail.get('message') for detail in (getattr(error, 'details', None) or [])
               if isinstance(detail, dict)]
    message = '; '.join(filter(None, details)) or getattr(error, 'message', None) or str(err)
    return AzureResponseError(f'Azure Resource Graph refused the query: {message}')


def current_subscription(cli_ctx):
    from azure.cli.core._profile import Profile
    return Profile(cli_ctx=cli_ctx).get_subscription_id()


def list_fleet_extensions(cmd, *, resource_group_name=None, cluster_type=None, extension_type=None,
                          provisioning_state=None, version=None, subscriptions=None, summary=False):
    scope = subscriptions or [current_subscription(cmd.cli_ctx)]
    graph = Graph(cmd.cli_ctx, scope)
    query = extension_query(resource_group_name, extension_type, provisioning_state, version, cluster_type)
    from azure.core.exceptions import HttpResponseError
    try:
        rows = [extension_row(row) for row in graph.rows(query)]
    except HttpResponseError as err:
        raise graph_error(err) from err
    logger.info('Read %d extensions from Resource Graph in %d request(s).', len(rows), graph.requests)
    return summarize(rows) if summary else rows
