"""ARM deployments (Microsoft.Resources/deployments) at resource-group and subscription scope: validate, create
(asynchronous: the operation-status resource, then the deployment), read, list and delete. The template is
evaluated when the deployment is accepted (template.py); its resources are created in the generic store when the
deployment runs, as the official tool's templates (the ContainerInsights solution) need. A template the emulator
cannot read is refused with 400 InvalidTemplate; a resource that cannot be made fails the deployment with
DeploymentFailed and the resource's own error in `details`."""
from ...frontdoor import errors
from ...frontdoor.errors import json_response
from .. import groups
from ..companions import routes as companions
from ..subscriptions import SUB
from . import model, template

_DEPLOYMENTS = r'/providers/Microsoft\.Resources/deployments'
_DEPLOYMENT = _DEPLOYMENTS + r'/(?P<deployment>[^/]+)'
GROUP_DEPLOYMENTS = groups.GROUP + _DEPLOYMENTS
GROUP_DEPLOYMENT = groups.GROUP + _DEPLOYMENT
SUB_DEPLOYMENTS = SUB + _DEPLOYMENTS
SUB_DEPLOYMENT = SUB + _DEPLOYMENT


def _scope(service, call):
    """(scope id, group doc or None) of the deployment's path; a missing group is ARM's 404."""
    if call.params.get('rg') is not None:
        group = service.group(call.params['sub'], call.params['rg'])
        return group['id'], group
    service.check_subscription(call.params['sub'])
    return '/subscriptions/' + call.params['sub'], None


def _resolve_group(service):
    def resolve(subscription, name):
        return service.group(subscription, name)
    return resolve


def _plan(service, call, group):
    properties = (call.body or {}).get('properties') if isinstance(call.body, dict) else None
    if not isinstance(properties, dict) or not isinstance(properties.get('template'), dict):
        raise errors.ArmError(400, 'InvalidRequestContent',
                              "The request content was invalid: a deployment needs 'properties.template' "
                              "(templateLink is not supported here).")
    if group is None:  # subscription scope: resources must name their resource group
        group = {'id': '', 'name': '', 'location': (call.body or {}).get('location')}
    return template.plan(properties['template'], properties.get('parameters'), call.params['sub'], group,
                         _resolve_group(service))


def _key(deployment_id):
    return deployment_id.lower()


def _settle(service, doc):
    """Run the deployment once its time has come: create its resources in order, or fail on the first that cannot
    be made. Returns the (possibly updated) doc."""
    if doc['state'] not in ('Accepted', 'Running') or service.clock() < doc['deadline']:
        return doc
    made = []
    for subscription, group, resource in doc['planned']:
        try:
            made.append(_create(service, subscription, group, resource))
        except errors.ArmError as error:
            doc.update(state='Failed', error={
                'code': 'DeploymentFailed', 'message': 'At least one resource deployment operation failed. Please '
                'list deployment operations for details.', 'details': [{'code': error.code, 'message': error.message}]})
            break
    else:
        doc['state'] = 'Succeeded'
    doc.update(outputResources=[resource_id for resource_id in made if resource_id], finished=service.clock())
    service.store.put('resources', _key(doc['id']), doc)
    return doc


def _create(service, subscription, group, resource):
    """Create one planned resource in the generic store (a nested deployment is recorded as a deployment)."""
    resource_type, name = resource['type'], resource['name']
    if resource_type.lower() == 'microsoft.resources/resourcegroups':
        doc, _ = groups.create_or_update(service, name, str(resource.get('location') or '').replace(' ', '').lower(),
                                         resource.get('tags'))
        return doc['id']
    if resource_type == 'deployment':
        nested_id = f"{group['id']}/providers/{model.TYPE}/{name}"
        nested = model.new_doc(nested_id, name, {'properties': resource['properties']}, [], now=service.clock())
        nested.update(state='Succeeded', finished=service.clock())
        service.store.put('resources', _key(nested_id), nested)
        return None
    namespace, *types = resource_type.split('/')
    names = name.split('/')
    if len(types) != len(names):
        raise errors.bad_request(f"The resource name '{name}' does not fit the type '{resource_type}'.",
                                 code='InvalidResourceName')
    rest = '/'.join(f'{kind}/{part}' for kind, part in zip(types, names))
    params = {'sub': subscription, 'rg': group['name'], 'ns': namespace, 'rest': rest,
              'scope': f"/subscriptions/{subscription}/resourceGroups/{group['name']}"}
    path = companions.Path(service, params)
    path.check_parents()
    request = {key: resource[key] for key in ('location', 'tags', 'kind', 'sku', 'plan', 'identity', 'properties')
               if resource.get(key) is not None}
    doc, _ = companions.put_resource(service, path, request)
    return doc['id']


def _lro_headers(service, call, doc):
    return {'Azure-AsyncOperation': service.url(f"{doc['id']}/operationStatuses/{doc['operation']}",
                                                **{'api-version': call.api_version}),
            'Retry-After': str(model.RETRY_AFTER)}


async def put_deployment(service, call):
    scope_id, group = _scope(service, call)
    planned = _plan(service, call, group)
    deployment_id = f"{scope_id}/providers/{model.TYPE}/{call.params['deployment']}"
    existing = service.store.get('resources', _key(deployment_id))
    location = (call.body or {}).get('location') if group is None else None
    doc = model.new_doc(deployment_id, call.params['deployment'], call.body, planned, now=service.clock(),
                        location=location)
    service.store.put('resources', _key(deployment_id), doc)
    return json_response(model.render(doc), status=200 if existing else 201,
                         headers=_lro_headers(service, call, doc))


def _existing(service, call):
    scope_id, _ = _scope(service, call)
    doc = service.store.get('resources', _key(f"{scope_id}/providers/{model.TYPE}/{call.params['deployment']}"))
    if doc is None:
        raise errors.ArmError(404, 'DeploymentNotFound',
                              f"Deployment '{call.params['deployment']}' could not be found.")
    return _settle(service, doc)


async def get_deployment(service, call):
    return json_response(model.render(_existing(service, call)))


async def delete_deployment(service, call):
    scope_id, _ = _scope(service, call)
    key = _key(f"{scope_id}/providers/{model.TYPE}/{call.params['deployment']}")
    if service.store.get('resources', key) is None:
        return json_response(None, status=204)
    service.store.delete('resources', key)
    return json_response(None, status=200)


async def list_deployments(service, call):
    scope_id, _ = _scope(service, call)
    prefix = _key(f'{scope_id}/providers/{model.TYPE}/')
    docs = [_settle(service, doc) for doc in service.store.resources_under(prefix)
            if '/' not in doc['id'].lower()[len(prefix):]]
    return json_response({'value': [model.render(doc) for doc in docs]})


async def validate_deployment(service, call):
    scope_id, group = _scope(service, call)
    planned = _plan(service, call, group)
    deployment_id = f"{scope_id}/providers/{model.TYPE}/{call.params['deployment']}"
    doc = model.new_doc(deployment_id, call.params['deployment'], call.body, planned, now=service.clock())
    body = model.render(dict(doc, state='Succeeded'))
    body['properties']['validatedResources'] = [
        {'id': f"/subscriptions/{subscription}/resourceGroups/{group_doc['name']}/providers/{resource['type']}/"
               f"{resource['name']}"}
        for subscription, group_doc, resource in planned if resource['type'] != 'deployment']
    return json_response(body)


async def get_status(service, call):
    doc = _existing(service, call)
    if doc['operation'] != call.params['op']:
        raise errors.ArmError(404, 'ResourceNotFound', f"The operation '{call.params['op']}' could not be found.")
    running = doc['state'] not in ('Succeeded', 'Failed', 'Canceled')
    return json_response(model.status_body(doc),
                         headers={'Retry-After': str(model.RETRY_AFTER)} if running else None)


_DEPLOYMENT_ROUTES = (
    ('', {'GET': get_deployment, 'PUT': put_deployment, 'DELETE': delete_deployment}),
    ('/validate', {'POST': validate_deployment}),
    (r'/operationStatuses/(?P<op>[^/]+)', {'GET': get_status}),
)

ROUTES = [(deployment + suffix, methods, model.API_VERSIONS)
          for deployment in (GROUP_DEPLOYMENT, SUB_DEPLOYMENT) for suffix, methods in _DEPLOYMENT_ROUTES] + [
    (GROUP_DEPLOYMENTS, {'GET': list_deployments}, model.API_VERSIONS),
    (SUB_DEPLOYMENTS, {'GET': list_deployments}, model.API_VERSIONS),
]
