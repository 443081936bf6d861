"""Azure Resource Graph, as aksext reads it: queries that follow every page and keep within the user's quota, and
the clusters a selector names.

One query per 1,000 subscriptions and page (1,000 rows a page) instead of one request per cluster. Resource
Graph's table spells the keys inside ``properties`` in PascalCase; rows are read in either spelling. Freshness
is "usually within 30 s": good for finding targets and counting, not for deciding a write (a rollout re-reads each
extension from the resource provider first).
"""
import time

from knack.log import get_logger

from ..core.clusters import DEFAULT_TARGET_TYPES, cluster_kind

logger = get_logger(__name__)

PAGE = 1000
SUBSCRIPTION_BATCH = 1000   # the most subscriptions one Resource Graph request may name
EXTENSION_TYPE = 'microsoft.kubernetesconfiguration/extensions'
CLUSTER_COLUMNS = ('project id, name, type, resourceGroup, subscriptionId, location, properties, tags, identity '
                   '| order by id asc')


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
        from .._client_factory import cf_resource_graph
        self.client = cf_resource_graph(cli_ctx)
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


def cluster_query(resource_group=None, cluster_types=None, tags=None):
    types = [cluster_kind(name).graph_type for name in (cluster_types or DEFAULT_TARGET_TYPES)]
    clauses = [f"type in~ ({', '.join((kql_string(value) for value in types))})"]
    if resource_group:
        clauses.append('resourceGroup =~ ' + kql_string(resource_group))
    for key, value in (tags or {}).items():
        clauses.append(f'tags[{kql_string(key)}] == {kql_string(value)}')
    return f"Resources | where {' and '.join(clauses)} | {CLUSTER_COLUMNS}"


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
