"""A deployment resource: what a PUT stores (the evaluated plan of resources, decided when it is accepted) and how it
is rendered (`properties.provisioningState`, `outputResources`, the error of a failed deployment)."""
import datetime
import hashlib
import json
import uuid

from ..groups import RESOURCE_MANAGER

API_VERSIONS = RESOURCE_MANAGER
TYPE = 'Microsoft.Resources/deployments'
# A deployment runs this long before its resources exist; clients are told to poll again after RETRY_AFTER s.
RUN_SECONDS = 0.5
RETRY_AFTER = 1


def _timestamp(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def new_doc(deployment_id, name, body, planned, *, now, location=None):
    properties = (body or {}).get('properties') or {}
    template = properties.get('template') or {}
    return {
        'id': deployment_id, 'name': name, 'type': TYPE, 'location': location, 'tags': (body or {}).get('tags'),
        'mode': properties.get('mode') or 'Incremental',
        'parameters': {key: {'type': _parameter_type(template, key), 'value': (value or {}).get('value')}
                       for key, value in (properties.get('parameters') or {}).items()},
        'templateHash': str(int(hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:15],
                                16)),
        'correlationId': str(uuid.uuid4()), 'operation': str(uuid.uuid4()),
        'started': now, 'deadline': now + RUN_SECONDS, 'state': 'Accepted', 'planned': planned,
        'outputResources': [], 'error': None,
    }


def _parameter_type(template, key):
    declared = ((template.get('parameters') or {}).get(key) or {}).get('type') or 'String'
    return declared[:1].upper() + declared[1:]


def render(doc):
    properties = {
        'templateHash': doc['templateHash'], 'parameters': doc['parameters'], 'mode': doc['mode'],
        'provisioningState': doc['state'], 'timestamp': _timestamp(doc['finished'] if doc.get('finished')
                                                                   else doc['started']),
        'duration': f"PT{max(0.0, (doc.get('finished') or doc['started']) - doc['started']):.1f}S",
        'correlationId': doc['correlationId'], 'providers': _providers(doc), 'dependencies': [],
        'outputResources': [{'id': resource_id} for resource_id in doc['outputResources']],
    }
    if doc.get('error'):
        properties['error'] = doc['error']
    body = {'id': doc['id'], 'name': doc['name'], 'type': TYPE}
    if doc.get('location'):
        body['location'] = doc['location']
    if doc.get('tags'):
        body['tags'] = doc['tags']
    body['properties'] = properties
    return body


def _providers(doc):
    by_namespace = {}
    for _, _, resource in doc['planned']:
        namespace, _, resource_type = str(resource.get('type', '')).partition('/')
        if namespace and resource_type:
            by_namespace.setdefault(namespace, set()).add(resource_type)
    return [{'namespace': namespace, 'resourceTypes': [{'resourceType': kind, 'locations': []}
                                                       for kind in sorted(kinds)]}
            for namespace, kinds in sorted(by_namespace.items())]


def status_body(doc):
    status = doc['state'] if doc['state'] in ('Succeeded', 'Failed', 'Canceled') else 'Running'
    body = {'status': status}
    if doc.get('error'):
        body['error'] = doc['error']
    return body
