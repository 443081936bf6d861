"""The Kubernetes API of every emulated cluster, read-only, at ``/kubernetes/<cluster ARM id>/`` on the emulator's
HTTPS port (its certificate, signed by its CA): what the official ``kubernetes`` client asks when it diagnoses a
cluster, answered with the objects of objects.py.

A request needs the bearer token of that cluster's kubeconfig (credentials.py), else 401; a user token gets 403 in
the namespaces the admin API forbids it (an RBAC rule that denies it), an admin token never does. Errors are
Kubernetes ``Status`` objects. Paths it does not serve are 404 and writes 405, as an API server without those
resources or verbs would answer: a diagnosis must never write to a cluster.
"""
import re

from aiohttp import web

from ...frontdoor import errors
from .. import clusters
from . import credentials
from .objects import log_text
from .view import ClusterView

CLUSTER_PATH = (r'(?P<cluster>/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/(?P<rp>[^/]+)/'
                r'(?P<ctype>[^/]+)/(?P<name>[^/]+))')
CORE_KINDS = {'pods': ('pods', 'PodList'), 'events': ('events', 'EventList'), 'secrets': ('secrets', 'SecretList'),
              'configmaps': ('configmaps', 'ConfigMapList'),
              'persistentvolumeclaims': ('pvcs', 'PersistentVolumeClaimList')}
APPS_KINDS = {'deployments': ('Deployment', 'DeploymentList'), 'statefulsets': ('StatefulSet', 'StatefulSetList'),
              'daemonsets': ('DaemonSet', 'DaemonSetList'), 'replicasets': ('ReplicaSet', 'ReplicaSetList')}
ACCESS_SUFFIX = '/kubernetesapi'


class Status(Exception):
    """A Kubernetes API error, answered as a ``Status`` object."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details or {}

    def response(self):
        return errors.json_response({'kind': 'Status', 'apiVersion': 'v1', 'metadata': {}, 'status': 'Failure',
                                     'message': self.message, 'reason': self.reason, 'details': self.details,
                                     'code': self.code}, status=self.code)


def access(service, cluster_key):
    """The cluster's access rules set through the admin API: ``{"forbidden_namespaces": [...]}``."""
    return service.store.get('resources', cluster_key + ACCESS_SUFFIX) or {}


def set_access(service, cluster_key, rules):
    service.store.put('resources', cluster_key + ACCESS_SUFFIX, rules)


def _public(item):
    return {key: value for key, value in item.items() if not key.startswith('_')}


def _selected(items, selector):
    """Items whose labels match an equality selector such as ``owner=helm,name=flux``."""
    wanted = dict(part.split('=', 1) for part in (selector or '').split(',') if '=' in part)
    return [item for item in items
            if all((item['metadata'].get('labels') or {}).get(key) == value for key, value in wanted.items())]


def _listing(kind, items, request, api_version='v1'):
    items = _selected(items, request.query.get('labelSelector'))
    return errors.json_response({'kind': kind, 'apiVersion': api_version, 'metadata': {'resourceVersion': '1'},
                                 'items': [_public(item) for item in items]})


def _cluster(service, request, params):
    try:
        _, cluster = clusters.find(service, {'sub': params['sub'], 'rg': params['rg'], 'rp': params['rp'],
                                             'ctype': params['ctype'], 'cluster': params['name']})
    except errors.ArmError as error:
        raise Status(404, 'NotFound', 'the server could not find the requested resource') from error
    header = request.headers.get('Authorization', '')
    scheme, _, bearer = header.partition(' ')
    role = credentials.role_of(service, cluster['id'].lower(), bearer) if scheme.lower() == 'bearer' else None
    if role is None:
        raise Status(401, 'Unauthorized', 'Unauthorized')
    return cluster, role


def _check_namespace(service, cluster, role, namespace, resource):
    if role == 'user' and namespace in access(service, cluster['id'].lower()).get('forbidden_namespaces', []):
        raise Status(403, 'Forbidden', f'{resource} is forbidden: User "clusterUser" cannot list resource '
                     f'"{resource}" in API group "" in the namespace "{namespace}"',
                     {'kind': resource})


def _log(view, namespace, pod_name, query):
    pod = view.pod(namespace, pod_name)
    if pod is None:
        raise Status(404, 'NotFound', f'pods "{pod_name}" not found', {'name': pod_name, 'kind': 'pods'})
    container = query.get('container') or 'manager'
    logs = pod.get('_logs')
    if logs is None:
        waiting = (pod['status'].get('containerStatuses') or [{}])[0].get('state', {}).get('waiting') or {}
        raise Status(400, 'BadRequest', f'container "{container}" in pod "{pod_name}" is waiting to start: '
                     f"{waiting.get('reason') or 'PodInitializing'}")
    previous = query.get('previous', '').lower() == 'true'
    spec = logs['previous' if previous else 'current']
    if spec is None:
        raise Status(400, 'BadRequest', f'previous terminated container "{container}" in pod "{pod_name}" not found')
    tail = int(query['tailLines']) if query.get('tailLines') else None
    limit = int(query['limitBytes']) if query.get('limitBytes') else None
    return web.Response(text=log_text(spec, tail, limit), content_type='text/plain')


def _namespaced(service, view, who, request, path):
    """Everything under /api/v1/namespaces/{namespace}; ``who`` is (cluster, role) of the caller, ``path``
    (namespace, the rest of the path)."""
    (cluster, role), (namespace, rest) = who, path
    if not rest:
        _check_namespace(service, cluster, role, namespace, 'namespaces')
        doc = view.namespace(namespace)
        if doc is None:
            raise Status(404, 'NotFound', f'namespaces "{namespace}" not found', {'name': namespace,
                                                                                  'kind': 'namespaces'})
        return errors.json_response(doc)
    parts = rest.split('/')
    _check_namespace(service, cluster, role, namespace, parts[0])
    if parts[0] == 'pods' and len(parts) == 3 and parts[2] == 'log':
        return _log(view, namespace, parts[1], request.query)
    if parts[0] == 'pods' and len(parts) == 2:
        pod = view.pod(namespace, parts[1])
        if pod is None:
            raise Status(404, 'NotFound', f'pods "{parts[1]}" not found')
        return errors.json_response(_public(pod))
    if len(parts) == 1 and parts[0] in CORE_KINDS:
        kind, list_kind = CORE_KINDS[parts[0]]
        return _listing(list_kind, view.items(kind, namespace), request)
    raise Status(404, 'NotFound', 'the server could not find the requested resource')


def _answer(service, request, params, rest):
    cluster, role = _cluster(service, request, params)
    if request.method not in ('GET', 'HEAD'):
        raise Status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')
    view = ClusterView(service, cluster)
    if rest == '/version':
        major, minor = view.kubernetes_version.split('.')[:2]
        return errors.json_response({'major': major, 'minor': minor, 'gitVersion': 'v' + view.kubernetes_version,
                                     'gitCommit': '0' * 40, 'gitTreeState': 'clean',
                                     'buildDate': '2025-06-17T18:36:28Z', 'goVersion': 'go1.24.4',
                                     'compiler': 'gc', 'platform': 'linux/amd64'})
    if rest == '/api/v1/namespaces':
        return _listing('NamespaceList', [view.namespace(name) for name in view.namespace_names()], request)
    match = re.fullmatch(r'/api/v1/namespaces/([^/]+)(?:/(.*))?', rest)
    if match:
        return _namespaced(service, view, (cluster, role), request, (match.group(1), match.group(2) or ''))
    match = re.fullmatch(r'/api/v1/([^/]+)', rest)
    if match and match.group(1) in CORE_KINDS:
        kind, list_kind = CORE_KINDS[match.group(1)]
        forbidden = set(access(service, cluster['id'].lower()).get('forbidden_namespaces', [])) if role == 'user' \
            else set()
        if forbidden:
            raise Status(403, 'Forbidden', f'{match.group(1)} is forbidden: User "clusterUser" cannot list resource '
                         f'"{match.group(1)}" in API group "" at the cluster scope')
        return _listing(list_kind, view.items(kind), request)
    match = re.fullmatch(r'/apis/(apps|batch)/v1/namespaces/([^/]+)/([^/]+)', rest)
    if match:
        group, namespace, resource = match.groups()
        _check_namespace(service, cluster, role, namespace, resource)
        if group == 'apps' and resource in APPS_KINDS:
            kind, list_kind = APPS_KINDS[resource]
            return _listing(list_kind, view.items('workloads', namespace, kinds=(kind,)), request, 'apps/v1')
        if group == 'batch' and resource == 'jobs':
            return _listing('JobList', view.items('jobs', namespace), request, 'batch/v1')
    raise Status(404, 'NotFound', 'the server could not find the requested resource')


def routes(service):
    """The aiohttp route of every cluster's Kubernetes API (server.py adds it before ARM's catch-all)."""
    pattern = re.compile('^' + credentials.PREFIX + CLUSTER_PATH + r'(?P<rest>/.*)?$', re.IGNORECASE)

    async def handle(request):
        match = pattern.match(request.path)
        try:
            if match is None:
                raise Status(404, 'NotFound', 'the server could not find the requested resource')
            return _answer(service, request, match.groupdict(), (match.group('rest') or '/').rstrip('/') or '/')
        except Status as status:
            return status.response()
    return [web.route('*', credentials.PREFIX + '/{tail:.*}', handle)]
