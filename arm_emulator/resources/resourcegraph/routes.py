"""Azure Resource Graph's ``resources`` query endpoint over the emulator's clusters and extensions.

Tables: ``Resources`` (the clusters) and ``KubernetesConfigurationResources`` (the extensions), rows shaped like
the live tables: lower-cased ``type`` and ``resourceGroup``, and in the extensions table PascalCase keys inside
``properties``. The query language is the subset in :mod:`kql`; anything else is answered with Resource Graph's
400 envelope. Pages hold at most 1,000 rows and continue through ``$skipToken``; every response carries the
user quota headers, and a user over quota gets 429.
"""
import base64
import json
import math
import time
import uuid
from collections import OrderedDict

from ...frontdoor import errors
from ...frontdoor.errors import json_response
from ..extensions import operations
from . import kql

API_VERSIONS = ('2019-04-01', '2020-04-01-preview', '2021-03-01', '2022-10-01', '2024-04-01')
MAX_PAGE = 1000
DEFAULT_PAGE = 100
QUOTA = 15            # queries per window per user, as the live service
QUOTA_WINDOW = 5.0    # seconds
EXTENSION_TYPE = 'microsoft.kubernetesconfiguration/extensions'


class GraphError(errors.ArmError):
    """Resource Graph's envelope: a generic top-level message, the reasons in ``details``."""

    def __init__(self, status, code, message, headers=None, details=()):
        super().__init__(status, code, message, headers)
        self.details = list(details)

    def envelope(self):
        return {'error': {'code': self.code, 'message': 'Please provide below info when asking for support: '
                          f"timestamp = {time.strftime('%Y-%m-%dT%H:%M:%S')}, correlationId = {uuid.uuid4()}.",
                          'details': self.details}}


def query_error(message, details=()):
    return GraphError(400, 'BadRequest', message, details=[{'code': 'InvalidQuery', 'message': message}]
                      + list(details))


def _group_of(resource_id):
    parts = resource_id.split('/')
    return parts[2].lower(), parts[4].lower()


def _cluster_row(service, doc):
    subscription, group = _group_of(doc['id'])
    return {'id': doc['id'], 'name': doc['name'], 'type': doc['type'].lower(), 'tenantId': service.tenant,
            'kind': '', 'location': doc.get('location'), 'resourceGroup': group, 'subscriptionId': subscription,
            'managedBy': '', 'sku': doc.get('sku'), 'plan': None, 'properties': doc.get('properties') or {},
            'tags': doc.get('tags') or {}, 'identity': doc.get('identity'), 'zones': None, 'extendedLocation': None}


def _extension_properties(doc):
    scope = doc.get('scope') or {}
    if 'cluster' in scope:
        scope = {'cluster': {'ReleaseNamespace': scope['cluster'].get('releaseNamespace')}}
    else:
        scope = {'namespace': {'TargetNamespace': (scope.get('namespace') or {}).get('targetNamespace')}}
    return {'ExtensionType': doc['extensionType'], 'ProvisioningState': doc['provisioningState'],
            'InstallState': 'Installed' if doc['provisioningState'] == 'Succeeded' else doc['provisioningState'],
            'Version': doc.get('currentVersion'), 'ReleaseTrain': doc['releaseTrain'],
            'AutoUpgradeMinorVersion': doc['autoUpgradeMinorVersion'], 'Scope': scope,
            'ConfigurationSettings': doc.get('configurationSettings') or {},
            'ErrorInfo': doc.get('errorInfo'), 'Statuses': doc.get('statuses') or []}


def _extension_row(service, doc, location):
    subscription, group = _group_of(doc['id'])
    return {'id': doc['id'], 'name': doc['name'], 'type': EXTENSION_TYPE, 'tenantId': service.tenant, 'kind': '',
            'location': location, 'resourceGroup': group, 'subscriptionId': subscription, 'managedBy': '',
            'sku': None, 'plan': doc.get('plan'), 'properties': _extension_properties(doc), 'tags': {},
            'identity': doc.get('identity'), 'zones': None, 'extendedLocation': None}


def table_rows(service, table, subscriptions):
    prefixes = [f'/subscriptions/{sub}/' for sub in sorted({sub.lower() for sub in subscriptions})]
    clusters = {doc['id'].lower(): doc for doc in service.store.clusters_under(prefixes)}
    if table.lower() == 'resources':
        return [_cluster_row(service, doc) for doc in clusters.values()]
    if table.lower() == 'kubernetesconfigurationresources':
        # Finish operations whose time is up so the table shows what a read of each extension would.
        operations.settle_pending(service)
        rows = []
        for cluster_key, doc in service.store.extensions_under(prefixes):
            cluster = clusters.get(cluster_key)
            if cluster is not None:
                rows.append(_extension_row(service, doc, cluster.get('location')))
        return rows
    raise query_error(f"Table '{table}' is not available: use Resources or KubernetesConfigurationResources.",
                      [{'code': 'ParserFailure', 'message': 'ParserFailure', 'token': table}])


class Snapshots:
    """Query results kept while a client pages through them, so pages stay consistent."""

    def __init__(self, size=32):
        self.size = size
        self.items = OrderedDict()

    def put(self, rows):
        key = uuid.uuid4().hex
        self.items[key] = rows
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return key

    def get(self, key):
        return self.items.get(key)


# The quota windows of every user, and charging one query.
class Quota:  # pylint: disable=too-few-public-methods
    """The per-user query quota: QUOTA queries per QUOTA_WINDOW seconds (scaled like ARM throttling)."""

    def __init__(self):
        self.windows = {}

    def charge(self, user, scale, now):
        if not scale:
            return {}, True
        limit = max(1, int(round(QUOTA * scale)))
        start, used = self.windows.get(user, (now, 0))
        if now - start >= QUOTA_WINDOW:
            start, used = now, 0
        allowed = used < limit
        if allowed:
            used += 1
        self.windows[user] = (start, used)
        resets = max(0.0, QUOTA_WINDOW - (now - start))
        seconds = int(math.ceil(resets))
        headers = {'x-ms-user-quota-remaining': str(limit - used),
                   'x-ms-user-quota-resets-after': f'00:00:{seconds:02d}'}
        if not allowed:
            headers['Retry-After'] = str(max(1, seconds))
        return headers, allowed


def state():
    return {'quota': Quota(), 'snapshots': Snapshots()}


def _token(snapshot, offset):
    return base64.urlsafe_b64encode(json.dumps({'s': snapshot, 'o': offset}).encode()).decode()


def _untoken(text):
    try:
        value = json.loads(base64.urlsafe_b64decode(text.encode()).decode())
        return value['s'], int(value['o'])
    except (ValueError, KeyError, TypeError) as error:
        raise query_error('The $skipToken is invalid.') from error


def _run_query(service, body):
    subscriptions = body.get('subscriptions') or []
    if body.get('managementGroups'):
        if subscriptions:
            raise query_error('Specify either subscriptions or managementGroups, not both.')
        subscriptions = service.subscriptions  # one tenant-root group holds every subscription
    if not isinstance(body.get('query'), str) or not body['query'].strip():
        raise query_error("The request must contain a non-empty 'query'.")
    try:
        table, operators = kql.parse(body['query'])
    except kql.KqlError as error:
        raise query_error('Query is invalid. Please refer to the documentation for the Azure Resource Graph '
                          'service and fix the error before retrying.',
                          [{'code': 'ParserFailure', 'message': str(error), 'line': 1,
                            'characterPositionInLine': error.position, 'token': error.token}]) from error
    known = set(service.subscriptions)
    return kql.run(operators, table_rows(service, table, [s for s in subscriptions if s.lower() in known]))


async def query(service, call):
    graph = service.graph
    user = call.request.headers.get('Authorization', '')[-32:]
    headers, allowed = graph['quota'].charge(user, service.config.get('throttle_scale'), time.monotonic())
    if not allowed:
        message = 'The user quota of Resource Graph queries is used up; retry after the indicated time.'
        raise GraphError(429, 'RateLimiting', message, headers, [{'code': 'RateLimiting', 'message': message}])
    body = call.body if isinstance(call.body, dict) else {}
    options = body.get('options') or {}
    # graph_page_size lets a test make the service cut pages shorter than asked, as it may near 16 MB.
    top = min(MAX_PAGE, int(service.config.get('graph_page_size') or MAX_PAGE),
              max(1, int(options.get('$top') or DEFAULT_PAGE)))
    skip = int(options.get('$skip') or 0)
    rows = None
    if options.get('$skipToken'):
        snapshot, skip = _untoken(options['$skipToken'])
        rows = graph['snapshots'].get(snapshot)
    limited = False
    if rows is None:
        rows, limited = _run_query(service, body)
        snapshot = graph['snapshots'].put(rows)
    page = rows[skip:skip + top]
    result = {'totalRecords': len(rows), 'count': len(page), 'resultTruncated': 'false', 'facets': [],
              'data': page}
    if skip + top < len(rows) and not limited:
        result['$skipToken'] = _token(snapshot, skip + top)
    return json_response(result, headers=headers)


ROUTES = [
    (r'/providers/Microsoft\.ResourceGraph/resources', {'POST': query}, API_VERSIONS),
]
