"""Microsoft.KubernetesConfiguration/extensions under any cluster type: create, read, update, delete, list (paged)
and the operation-status resource, answered asynchronously like the real service."""
import json

from ...frontdoor import errors
from ...frontdoor.errors import json_response
from ...state.service import KUBERNETES_CONFIGURATION
from .. import clusters
from . import model, operations

EXTENSIONS_PATH = clusters.CLUSTER + r'/providers/Microsoft\.KubernetesConfiguration/extensions'
EXTENSION = EXTENSIONS_PATH + r'/(?P<ext>[^/]+)'

# What the service answered to a forced delete (a serialized HttpResponseMessage); the SDK ignores it.
FORCE_DELETE_BODY = {'version': '1.1', 'content': {'headers': []}, 'statusCode': 200, 'reasonPhrase': 'OK',
                     'headers': [], 'trailingHeaders': [], 'requestMessage': None, 'isSuccessStatusCode': True}


def _headers(call, extra=None):
    headers = {'api-supported-versions': call.api_version}
    headers.update(extra or {})
    return headers


def _retry_after(service):
    """The Retry-After header the emulator is configured to send while an operation runs (none by default)."""
    seconds = service.config.get('retry_after')
    return {} if seconds is None else {'Retry-After': str(int(seconds))}


def _lro_headers(service, call, extension_id, op_id):
    headers = {'Azure-AsyncOperation': service.url(f'{extension_id}/operations/{op_id}',
                                                   **{'api-version': call.api_version}),
               # The real service points Location at a regional host clients cannot reach; here it is the resource.
               'Location': service.url(extension_id, **{'api-version': call.api_version})}
    headers.update(_retry_after(service))
    return _headers(call, headers)


def _refuse_if_busy(doc):
    """A write to an extension whose operation is still running is refused, as the service does."""
    if doc is not None and doc.get('operation'):
        raise errors.ArmError(409, 'Conflict', f"An operation on extension '{doc['name']}' is already in progress "
                              f"({doc.get('provisioningState')}). Wait for it to finish, then retry.")


def _target(service, call):
    """(cluster kind, cluster body, extension key, canonical extension id) for an extension path."""
    kind, cluster = clusters.find(service, call.params)
    name = call.params['ext']
    extension_id = f"{cluster['id']}/providers/{KUBERNETES_CONFIGURATION}/extensions/{name}"
    return kind, cluster, extension_id.lower(), extension_id


def _store(service, key, doc, protected=None):
    columns = {'cluster_key': operations.cluster_key_of(key)}
    if protected is not None:
        columns['protected'] = json.dumps(protected)
    service.store.put('extensions', key, doc, **columns)


def _start(service, key, doc, kind, protected=None):
    """Resolve the version to install and start the operation; returns the operation id."""
    failure = None
    if kind != 'delete':
        version, problem = model.resolve_version(doc)
        if problem:
            failure = ('Failed', 'ExtensionOperationFailed', problem)
        else:
            doc['pendingVersion'] = version
    op_id = operations.start(service, key, doc, kind, failure)
    _store(service, key, doc, protected)
    return op_id


async def put_extension(service, call):
    service.require_registration(KUBERNETES_CONFIGURATION)
    kind, _, key, extension_id = _target(service, call)
    existing = operations.current(service, key)
    _refuse_if_busy(existing)
    if existing is not None:
        extension_id = existing['id']
    body = call.body if isinstance(call.body, dict) else {}
    doc = model.new_doc(extension_id, extension_id.rsplit('/', 1)[1], kind, body, now=service.clock(),
                        tenant=service.tenant, existing=existing)
    model.check_cluster_type(doc['extensionType'], kind)
    if existing is not None:
        model.check_immutables(existing, doc, body)
    protected = (body.get('properties') or {}).get('configurationProtectedSettings') or {}
    with service.store.transaction():
        op_id = _start(service, key, doc, 'update' if existing else 'create', protected)
    return json_response(model.render(doc, call.api_version), status=200 if existing else 201,
                         headers=_lro_headers(service, call, extension_id, op_id))


def _existing(service, call):
    _, _, key, _ = _target(service, call)
    doc = operations.current(service, key)
    if doc is None:
        raise errors.resource_not_found(f'{KUBERNETES_CONFIGURATION}/extensions', call.params['ext'],
                                        call.params['rg'])
    return key, doc


async def get_extension(service, call):
    _, doc = _existing(service, call)
    return json_response(model.render(doc, call.api_version), headers=_headers(call))


async def head_extension(service, call):
    # ARM's check-existence: 204, or 404 for an extension (or cluster) that is not there. Whether the real provider
    # implements HEAD is not public; a fault answering 405 plays one that does not.
    _existing(service, call)
    return json_response(None, status=204, headers=_headers(call))


async def patch_extension(service, call):
    service.require_registration(KUBERNETES_CONFIGURATION)
    key, doc = _existing(service, call)
    _refuse_if_busy(doc)
    doc = model.patched_doc(doc, call.body, service.clock())
    protected = model.merged_protected(service.store.protected_settings(key), call.body)
    with service.store.transaction():
        op_id = _start(service, key, doc, 'update', protected)
    return json_response(model.render(doc, call.api_version), status=202,
                         headers=_lro_headers(service, call, doc['id'], op_id))


async def delete_extension(service, call):
    _, _, key, _ = _target(service, call)
    doc = operations.current(service, key)
    if doc is None:
        return json_response(None, status=204, headers=_headers(call))
    if call.query_value('forceDelete', '').lower() == 'true':
        service.store.delete('extensions', key)
        return json_response(FORCE_DELETE_BODY, headers=_headers(call))
    _refuse_if_busy(doc)
    with service.store.transaction():
        op_id = _start(service, key, doc, 'delete')
    return json_response(None, status=202, headers=_lro_headers(service, call, doc['id'], op_id))


async def list_extensions(service, call):
    _, cluster = clusters.find(service, call.params)
    cluster_key = cluster['id'].lower()
    operations.settle_pending(service, cluster_key)
    try:
        skip = max(0, int(call.query_value('$skipToken', '0')))
    except ValueError as error:
        raise errors.bad_request(f"The skip token '{call.query_value('$skipToken')}' is invalid.",
                                 code='InvalidSkipToken') from error
    page_size = max(1, int(service.config['page_size']))
    docs, more = service.store.extension_page(cluster_key, skip, page_size)
    next_link = None
    if more:
        next_link = service.url(call.path, **{'api-version': call.api_version, '$skipToken': str(skip + page_size)})
    return json_response({'value': [model.render(doc, call.api_version) for doc in docs],
                          'nextLink': next_link}, headers=_headers(call))


async def get_operation(service, call):
    _, _, key, _ = _target(service, call)
    op = service.store.get('operations', call.params['op'].lower())
    if op is None or op['extKey'] != key:
        raise errors.ArmError(404, 'ResourceNotFound', f"The operation '{call.params['op']}' could not be found.")
    body = operations.status_body(service, op)
    # Like ARM, ask the client to come back later for as long as the operation runs.
    running = body['status'] not in operations.TERMINAL
    return json_response(body, headers=_headers(call, _retry_after(service) if running else None))


ROUTES = [
    (EXTENSIONS_PATH, {'GET': list_extensions}, model.API_VERSIONS),
    (EXTENSION, {'GET': get_extension, 'HEAD': head_extension, 'PUT': put_extension, 'PATCH': patch_extension,
                 'DELETE': delete_extension}, model.API_VERSIONS),
    (EXTENSION + r'/operations/(?P<op>[^/]+)', {'GET': get_operation}, model.API_VERSIONS),
]
