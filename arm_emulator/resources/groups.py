"""Resource groups, and the resources in a group or a subscription (`az resource list`). Deleting a group deletes
the clusters, extensions and other resources inside it, as ARM does."""
import re

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
# What a resource listing returns of each resource: no properties, as ARM's list without $expand.
LISTED_KEYS = ('id', 'name', 'type', 'location', 'kind', 'sku', 'identity', 'plan', 'managedBy', 'tags')
_FILTER = re.compile(r"^\s*(?P<field>resourceGroup|resourceType|name|location|tagName|tagValue)\s+eq\s+"
                     r"'(?P<value>[^']*)'\s*$", re.IGNORECASE)


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


def _filters(text):
    """{field: value} of an ARM $filter made of `field eq 'value'` clauses joined by `and`."""
    found = {}
    for clause in re.split(r'\s+and\s+', text or '', flags=re.IGNORECASE) if text else ():
        match = _FILTER.match(clause)
        if not match:
            raise errors.ArmError(400, 'InvalidFilterInQueryString',
                                  f"The $filter '{text}' is not supported: use resourceGroup, resourceType, name, "
                                  "location, tagName and tagValue with eq, joined by and.")
        found[match.group('field').lower()] = match.group('value')
    return found


def _matches(doc, wanted):
    tags = doc.get('tags') or {}
    checks = {'resourcegroup': lambda value: doc['id'].split('/')[4].lower() == value.lower(),
              'resourcetype': lambda value: doc['type'].lower() == value.lower(),
              'name': lambda value: doc['name'].lower() == value.lower(),
              'location': lambda value: str(doc.get('location') or '').lower() == value.replace(' ', '').lower(),
              'tagname': lambda value: value in tags,
              'tagvalue': lambda value: wanted.get('tagname') in tags and tags[wanted['tagname']] == value}
    return all(checks[field](value) for field, value in wanted.items())


def listed_resources(service, prefix, typed):
    """The resources under an ID prefix that a listing shows: clusters and the group-level companion resources
    (not child resources, not extension resources on another resource, not deployments). typed(type) says whether
    the generic store's type is one such resource."""
    docs = service.store.clusters_under([prefix])
    for doc in service.store.resources_under(prefix):
        parts = doc['id'].split('/')
        if len(parts) == 9 and typed(doc['type']):
            docs.append(doc)
    return docs


async def list_resources(service, call):
    from .companions.types import EXTENSION_RESOURCES, TYPES
    service.check_subscription(call.params['sub'])
    prefix = f"/subscriptions/{call.params['sub']}/resourcegroups/".lower()
    if call.params.get('rg') is not None:
        prefix += service.group(call.params['sub'], call.params['rg'])['name'].lower() + '/'
    wanted = _filters(call.query_value('$filter'))
    typed = {name for name in TYPES if name not in EXTENSION_RESOURCES}
    docs = [doc for doc in listed_resources(service, prefix, lambda kind: kind.lower() in typed)
            if _matches(doc, wanted)]
    return json_response({'value': [{key: doc[key] for key in LISTED_KEYS if doc.get(key) is not None}
                                    for doc in sorted(docs, key=lambda doc: doc['id'].lower())]})


ROUTES = [
    ('/subscriptions/(?P<sub>[^/]+)/resources', {'GET': list_resources}, RESOURCE_MANAGER),
    (GROUP + '/resources', {'GET': list_resources}, RESOURCE_MANAGER),
    (GROUPS, {'GET': list_groups}, RESOURCE_MANAGER),
    (GROUP, {'GET': get_group, 'HEAD': head_group, 'PUT': put_group, 'DELETE': delete_group}, RESOURCE_MANAGER),
]
