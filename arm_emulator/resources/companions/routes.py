"""A generic ARM resource store for the resource types of ``types.py``: PUT, GET, DELETE, list and POST
actions, for resources in a resource group and for extension resources on another resource (a data collection
rule association on a cluster, a role assignment on a workspace). PUT answers at once with the resource
Succeeded; a parent (resource group, parent resource, scope resource) must exist, as in ARM."""
import datetime

from ...frontdoor import errors
from ...frontdoor.errors import json_response
from .types import (ACTIONS, API_VERSIONS, CREATED_WITH_200, EMBEDDED_CHILDREN, IMPLICIT_CHILDREN, NAMESPACES,
                    NO_PROVISIONING_STATE, TYPES)

_NS = '|'.join(name.replace('.', r'\.') for name in NAMESPACES)
# An optional parent resource (ns/type/name) before the namespace makes the path an extension resource on it.
RESOURCE = (r'(?P<scope>/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)'
            r'(?:/providers/[^/]+/[^/]+/[^/]+)?)/providers/(?P<ns>' + _NS + r')/(?P<rest>.+)')


def versions(params):
    return API_VERSIONS[params['ns'].lower()]


# One attribute for each part of the path the handler reads.
class Path:  # pylint: disable=too-many-instance-attributes
    """The parts of a generic resource path: its type, and whether it names a resource, a list or an action."""

    def __init__(self, service, params):
        self.params = params
        segments = params['rest'].split('/')
        if len(segments) % 2 == 0:
            self.kind, self.action = 'resource', None
            types, self.name = segments[0::2], segments[-1]
        elif len(segments) > 1 and (params['ns'].lower() + '/' + '/'.join(segments[0:-1:2] + [segments[-1]])).lower() \
                not in TYPES:
            self.kind, self.action = 'action', segments[-1]
            types, self.name, segments = segments[0:-1:2], segments[-2], segments[:-1]
        else:
            self.kind, self.action, types, self.name = 'list', None, segments[0::2], None
        self.type_key = (params['ns'] + '/' + '/'.join(types)).lower()
        self.rtype = TYPES.get(self.type_key)
        if self.rtype is None:
            raise errors.invalid_resource_type(params['ns'], params.get('api_version', ''))
        self.id = f"{params['scope']}/providers/{self.rtype.name.split('/')[0]}/{'/'.join(segments)}"
        self.key = self.id.lower()
        # A list's parent is the resource above the collection; a resource's is the one above its type and name.
        depth = 1 if self.kind == 'list' else 2
        self.parent_key = self.key.rsplit('/', depth)[0] if len(segments) > depth else None
        self.service = service

    def check_parents(self):
        service, params = self.service, self.params
        group = service.group(params['sub'], params['rg'])
        scope = params['scope'].lower()
        if scope.count('/providers/') and service.store.get('clusters', scope) is None and \
                service.store.get('resources', scope) is None:
            scope_name = '/'.join(params['scope'].split('/')[-3:])
            raise errors.ArmError(404, 'ResourceNotFound', f"The Resource '{scope_name}' was not found.")
        if self.parent_key and service.store.get('resources', self.parent_key) is None:
            parent = self.parent_key.split('/')
            raise errors.ArmError(404, 'ParentResourceNotFound',
                                  "Can not perform requested operation on nested resource. Parent resource "
                                  f"'{parent[-1]}' not found.")
        return group

    def not_found(self):
        return errors.resource_not_found(self.rtype.name, self.name, self.params['rg'])


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def build(service, path, request, existing):
    doc = {'id': existing['id'] if existing else path.id, 'name': existing['name'] if existing else path.name,
           'type': path.rtype.name}
    for key in ('location', 'tags', 'kind', 'sku', 'plan', 'identity', 'etag'):
        if request.get(key) is not None:
            doc[key] = request[key]
    identity, before = doc.get('identity'), (existing or {}).get('identity') or {}
    if isinstance(identity, dict) and identity.get('type') == before.get('type'):
        # A managed identity keeps its principal across updates (clients never send the read-only IDs back).
        doc['identity'] = dict(before, **identity)
    if 'location' in doc:
        doc['location'] = doc['location'].replace(' ', '').lower()
        doc.setdefault('tags', {})
    # Values the service generated (a workspace's customerId, a rule's immutableId) survive a later PUT.
    properties = dict((existing or {}).get('properties') or {})
    properties.update(request.get('properties') or {})
    doc['properties'] = properties
    path.rtype.defaults(doc, path.key)
    if path.type_key not in NO_PROVISIONING_STATE:
        properties['provisioningState'] = 'Succeeded'
    created = existing['systemData']['createdAt'] if existing and existing.get('systemData') else _now()
    doc['systemData'] = {'createdAt': created, 'createdBy': service.values['client_id'],
                         'createdByType': 'Application', 'lastModifiedAt': _now(),
                         'lastModifiedBy': service.values['client_id'], 'lastModifiedByType': 'Application'}
    return doc


def put_resource(service, path, request):
    """Create or replace; returns (doc, created). Children the service makes with the resource come along, and
    children the body lists in an embedded property are created or replaced."""
    existing = service.store.get('resources', path.key)
    embedded = EMBEDDED_CHILDREN.get(path.type_key)
    children = None
    if embedded and isinstance((request.get('properties') or {}).get(embedded[0]), list):
        request = dict(request, properties=dict(request['properties']))
        children = request['properties'].pop(embedded[0])
    doc = build(service, path, request, existing)
    if embedded:
        doc['properties'].pop(embedded[0], None)  # kept as the children themselves, listed when read
    service.store.put('resources', path.key, doc)
    for segment, name, properties in IMPLICIT_CHILDREN.get(path.type_key, ()) if existing is None else ():
        child = Path(service, dict(path.params, rest=f"{path.params['rest']}/{segment}/{name}"))
        service.store.put('resources', child.key, build(service, child, {'properties': properties}, None))
    for item in children or ():
        child = Path(service, dict(path.params, rest=f"{path.params['rest']}/{embedded[1]}/{item['name']}"))
        before = service.store.get('resources', child.key)
        service.store.put('resources', child.key, build(service, child, item, before))
    return doc, existing is None


def rendered(service, path, doc):
    """The resource as the service answers it: with the children its type embeds in its properties."""
    embedded = EMBEDDED_CHILDREN.get(path.type_key)
    if not embedded or doc is None:
        return doc
    prefix = f'{path.key}/{embedded[1].lower()}/'
    children = [child for child in service.store.resources_under(prefix)
                if '/' not in child['id'].lower()[len(prefix):]]
    return dict(doc, properties=dict(doc['properties'], **{embedded[0]: children}))


async def handle(service, call):
    path = Path(service, dict(call.params, api_version=call.api_version))
    path.check_parents()
    if path.kind == 'list':
        if call.method != 'GET':
            raise errors.method_not_allowed(call.method)
        prefix = path.key + '/'
        docs = [doc for doc in service.store.resources_under(prefix) if '/' not in doc['id'].lower()[len(prefix):]]
        return json_response({'value': [rendered(service, Path(service, dict(
            path.params, rest=path.params['rest'] + '/' + doc['name'])), doc) for doc in docs]})
    if path.kind == 'action':
        action = ACTIONS.get((path.type_key, path.action.lower()))
        if action is None or call.method != 'POST':
            raise errors.invalid_resource_type(call.params['ns'], call.api_version)
        doc = service.store.get('resources', path.key)
        if doc is None:
            raise path.not_found()
        return json_response(action(doc))
    if call.method == 'PUT':
        doc, created = put_resource(service, path, call.body or {})
        return json_response(rendered(service, path, doc),
                             status=201 if created and path.type_key not in CREATED_WITH_200 else 200)
    doc = service.store.get('resources', path.key)
    if call.method == 'DELETE':
        if doc is None:
            return json_response(None, status=204)
        prefix = path.key + '/'
        with service.store.transaction():
            service.store.delete('resources', path.key)
            service.store.delete_resources_under(prefix)
        return json_response(None, status=200)
    if doc is None:
        raise path.not_found()
    return json_response(rendered(service, path, doc))


ROUTES = [
    (RESOURCE, {'GET': handle, 'PUT': handle, 'DELETE': handle, 'POST': handle}, versions),
]
