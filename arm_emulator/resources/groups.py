"""Resource groups. Deleting one deletes the clusters and extensions inside it, as ARM does."""
from ..frontdoor import errors
from ..frontdoor.errors import json_response

# Microsoft.Resources' api-versions: resource groups here, and the provider endpoints of providers.py and
# monitoring.py (az 2.91 uses 2024-11-01, k8s-extension 2022-09-01 and 2025-04-01 in the recordings).
RESOURCE_MANAGER = (
    '2025-04-01', '2025-03-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-07-01', '2022-09-01', '2022-05-01',
    '2022-01-01', '2021-04-01', '2021-01-01', '2020-10-01', '2020-08-01', '2020-06-01', '2020-01-01', '2019-11-01',
    '2019-10-01', '2019-09-01', '2019-08-01', '2019-07-01', '2019-06-01', '2019-05-10', '2019-05-01', '2019-03-01',
    '2018-11-01', '2018-09-01', '2018-08-01', '2018-07-01', '2018-06-01', '2018-05-01', '2018-02-01', '2018-01-01',
    '2017-08-01', '2017-06-01', '2017-05-10', '2017-05-01', '2017-03-01', '2016-09-01', '2016-07-01', '2016-06-01',
    '2016-02-01', '2015-11-01', '2015-01-01', '2014-04-01-preview', '2014-04-01', '2014-01-01')

GROUPS = r'/subscriptions/(?P<sub>[^/]+)/resourcegroups'
GROUP = GROUPS + r'/(?P<rg>[^/]+)'


def group_body(service, name, location, tags):
    return {'id': f'/subscriptions/{service.subscription}/resourceGroups/{name}', 'name': name,
            'type': 'Microsoft.Resources/resourceGroups', 'location': location, 'tags': tags or {},
            'properties': {'provisioningState': 'Succeeded'}}


def create_or_update(service, name, location, tags=None):
    """Returns (body, created)."""
    existing = service.store.get('groups', name.lower())
    body = group_body(service, existing['name'] if existing else name, location, tags)
    service.store.put('groups', name.lower(), body)
    return body, existing is None


async def put_group(service, call):
    service.check_subscription(call.params['sub'])
    body = call.body or {}
    if not body.get('location'):
        raise errors.bad_request("The 'location' property is required for a resource group.",
                                 code='LocationRequired')
    doc, created = create_or_update(service, call.params['rg'], body['location'].replace(' ', '').lower(),
                                    body.get('tags'))
    return json_response(doc, status=201 if created else 200)


async def get_group(service, call):
    return json_response(service.group(call.params['sub'], call.params['rg']))


async def head_group(service, call):
    # `az group exists` sends HEAD and expects 204, or 404 for a missing group.
    service.group(call.params['sub'], call.params['rg'])
    return json_response(None, status=204)


async def delete_group(service, call):
    doc = service.group(call.params['sub'], call.params['rg'])
    remove_group(service, doc['name'])
    return json_response({}, status=200)


def remove_group(service, name):
    key = name.lower()
    prefix = f'/subscriptions/{service.subscription}/resourcegroups/{key}/'
    with service.store.transaction():
        service.store.delete('groups', key)
        service.store.delete_group_clusters(key)
        service.store.delete_extensions_under(prefix)
        service.store.delete_resources_under(prefix)


async def list_groups(service, call):
    service.check_subscription(call.params['sub'])
    return json_response({'value': service.store.docs('groups')})


ROUTES = [
    (GROUPS, {'GET': list_groups}, RESOURCE_MANAGER),
    (GROUP, {'GET': get_group, 'HEAD': head_group, 'PUT': put_group, 'DELETE': delete_group}, RESOURCE_MANAGER),
]
