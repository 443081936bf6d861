"""Azure Resource Graph, as aksext reads it: queries that follow every page and keep within the user's quota, and
the clusters a selector names.

One query per 1,000 subscriptions and page (1,000 rows a page) instead of one request per cluster. Resource
Graph's table spells the keys inside ``properties`` in PascalCase; rows are read in either spelling. Freshness
is "usually within 30 s": good for finding targets and counting, not for deciding a write (a rollout re-reads each
extension from the resource provider first).

Answers are checked, not trusted: a page that is not a list of rows, a row without a resource ID of the shape
asked for, a skip token seen before or pages without end stop with an error. A query is a read: throttling, server
errors, dropped connections and unreadable answers are asked again, within the same time budget as status checks;
waits the service asks for (Retry-After, the quota's reset time) are clamped as everywhere else.
"""
import time

from knack.log import get_logger

from ..core.clusters import DEFAULT_TARGET_TYPES, cluster_kind
from ..core.defaults import MAX_POLL_INTERVAL, OUTAGE_BUDGET
from ..core.paging import MAX_PAGES

logger = get_logger(__name__)

PAGE = 1000
UNREADABLE_ATTEMPTS = 3     # answers that are not JSON objects, asked again before they count as the answer
SUBSCRIPTION_BATCH = 1000   # the most subscriptions one Resource Graph request may name
EXTENSION_TYPE = 'microsoft.kubernetesconfiguration/extensions'
CLUSTER_COLUMNS = ('project id, name, type, resourceGroup, subscriptionId, location, properties, tags, identity '
                   '| order by id asc')


def kql_string(value):
    return "'{}'".format(str(value).replace('\\', '\\\\').replace("'", "\\'"))


def prop(properties, name):
    """A property in either spelling: Resource Graph's PascalCase or ARM's camelCase."""
    if not isinstance(properties, dict):
        return None
    for key in (name, name[:1].upper() + name[1:], name[:1].lower() + name[1:]):
        if key in properties:
            return properties[key]
    lowered = name.lower()
    return next((value for key, value in properties.items() if key.lower() == lowered), None)


def timespan_seconds(text):
    """x-ms-user-quota-resets-after (hh:mm:ss) in seconds, clamped to MAX_POLL_INTERVAL; None when unreadable
    (a note under --verbose says so)."""
    import math
    try:
        hours, minutes, seconds = (float(part) for part in str(text).split(':'))
        value = hours * 3600 + minutes * 60 + seconds
    except ValueError:
        value = float('nan')
    if str(text).strip().startswith('-'):
        value = -1.0  # a time that has passed already: not a wait
    if not math.isfinite(value) or value < 0:
        logger.info("Ignored x-ms-user-quota-resets-after '%s' from Resource Graph: not a time of day.", text)
        return None
    if value > MAX_POLL_INTERVAL:
        logger.info("Resource Graph asked to wait %s for its quota; waiting %gs instead.", text, MAX_POLL_INTERVAL)
        return MAX_POLL_INTERVAL
    return value


class GraphAnswerError(Exception):
    """Resource Graph answered with something that is not what was asked for."""


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
        token, seen, pages = None, set(), 0
        while True:
            response, headers = self._ask(query, subscriptions, token)
            pages += 1
            data = response.get('data')
            if not isinstance(data, list):
                raise GraphAnswerError(f"a page held {type(data).__name__ if data is not None else 'no data'}, not "
                                       "a list of rows")
            yield from data
            token = response.get('$skipToken') or response.get('skipToken')
            if not token:
                return
            if token in seen:
                raise GraphAnswerError(f'it returned a $skipToken it had already returned (after {pages} page(s)): '
                                       'stopped instead of reading the same rows again')
            if pages >= MAX_PAGES:
                raise GraphAnswerError(f'it kept returning more pages: stopped after {pages}')
            seen.add(token)
            self._respect_quota(headers)

    def _ask(self, query, subscriptions, token):
        """One page, as the service sent it (a dict) with its headers; transient failures asked again."""
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
        from .calls import backoff, is_transient, retry_after
        failing_since, attempt, unreadable = None, 0, 0
        while True:
            options = QueryRequestOptions(top=PAGE, skip_token=token, result_format='objectArray')
            try:
                self.requests += 1
                body, headers = self.client.resources(
                    QueryRequest(subscriptions=subscriptions, query=query, options=options),
                    cls=lambda pipeline, _, __: (pipeline.http_response.json(), pipeline.http_response.headers))
                if not isinstance(body, dict):
                    raise ValueError(f'the answer is {type(body).__name__}, not an object')
                return body, headers
            except Exception as err:  # pylint: disable=broad-except
                now = time.monotonic()
                failing_since = now if failing_since is None else failing_since
                status = getattr(err, 'status_code', None)
                answered = status is None or 200 <= status < 300
                if isinstance(err, ValueError) and answered:
                    unreadable += 1  # a proxy's page may pass; an answer of the wrong shape will not
                    if unreadable >= UNREADABLE_ATTEMPTS:
                        raise GraphAnswerError(f'its answer could not be read ({_short(err)})') from err
                if not is_transient(err) or now - failing_since >= OUTAGE_BUDGET:
                    raise
                response = getattr(err, 'response', None)
                wait = retry_after(response, backoff(attempt)) if getattr(err, 'status_code', None) == 429 \
                    else backoff(attempt)
                logger.info('Resource Graph query failed (%s); asking again in %.0f s.', _short(err), wait)
                time.sleep(wait)
                attempt += 1

    @staticmethod
    def _respect_quota(headers):
        # Waiting here costs a few seconds; a 429 would cost the same plus a retry.
        if headers.get('x-ms-user-quota-remaining') == '0':
            wait = timespan_seconds(headers.get('x-ms-user-quota-resets-after'))
            wait = 1.0 if wait is None else wait
            logger.info('Resource Graph quota used up; waiting %.1f s before the next page.', wait)
            time.sleep(wait)


def _short(err):
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def checked_rows(rows, what, id_of=lambda row: row.get('id'), parts=9):
    """The rows, each an object whose `id` is a resource ID of at least `parts` segments; raises GraphAnswerError
    naming the first row that is not."""
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise GraphAnswerError(f'row {index + 1} of the {what} is {type(row).__name__}, not an object')
        resource_id = id_of(row)
        if not isinstance(resource_id, str) or not resource_id.startswith('/subscriptions/') or \
                len(resource_id.split('/')) < parts:
            shown = 'no id' if resource_id is None else f'id {str(resource_id)[:120]!r}'
            raise GraphAnswerError(f'row {index + 1} of the {what} has {shown}, not the resource ID of one')
        yield row


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
    if isinstance(err, GraphAnswerError):
        return AzureResponseError(f'Azure Resource Graph gave an answer aksext cannot use: {err}.',
                                  'Retry later; if it persists the service is at fault.')
    from ..core.redaction import mask_secrets
    error = getattr(err, 'error', None)
    details = [detail.get('message') for detail in (getattr(error, 'details', None) or [])
               if isinstance(detail, dict)]
    message = '; '.join(filter(None, details)) or getattr(error, 'message', None) or str(err).splitlines()[0][:300]
    return AzureResponseError(f'Azure Resource Graph refused the query: {mask_secrets(message)}')


def current_subscription(cli_ctx):
    from azure.cli.core._profile import Profile
    return Profile(cli_ctx=cli_ctx).get_subscription_id()
