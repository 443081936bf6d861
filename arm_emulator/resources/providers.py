"""Resource provider registration and manifests, per namespace. Microsoft.KubernetesConfiguration answers with the
manifest the live service returned (resource types, api-versions, capabilities); every other namespace lists the
resource types the emulator serves in it, with the api-versions their family accepts (the cluster types of
clusters.py, the companion types of companions/types.py, the sizes of compute.py, the deployments of
deployments/): so `az resource show|delete --ids`, which reads a type's api-versions here first, works on every
emulated resource. The namespaces companion resources live in (companions.types.REGISTRATION_NAMESPACES) can be read,
registered and unregistered too, even where nothing is served. An unknown namespace is 404
InvalidResourceNamespace, as on ARM.

A subscription starts with Microsoft.KubernetesConfiguration NotRegistered (as a fresh one does) and every other
namespace Registered; `register` and `unregister` change that per namespace (see Service.provider_state)."""

from ..frontdoor import errors
from ..frontdoor.errors import json_response
from . import clusters, compute, maintenance
from .companions import types as companion_types
from .deployments import model as deployment_model
from .extensions import model as extension_model
from .groups import RESOURCE_MANAGER
from .subscriptions import DISPLAY_NAMES as LOCATIONS

PROVIDERS = r'/subscriptions/(?P<sub>[^/]+)/providers'

KC_AUTHORIZATIONS = [{'applicationId': 'c699bf69-fb1d-4eaf-999b-99e6b2ae4d85',
                      'roleDefinitionId': '90155430-a360-410f-af5d-89dc284d85c6'},
                     {'applicationId': '03db181c-e9d3-4868-9097-f0b728327182',
                      'roleDefinitionId': 'DE2ADB97-42D8-49C8-8FCF-DBB53EF936AC'}]

# (resourceType, apiVersions, defaultApiVersion or None, capabilities)
MANIFESTS = {
    'Microsoft.KubernetesConfiguration': [
        ('sourceControlConfigurations', ('2023-05-01', '2022-11-01', '2022-07-01', '2022-03-01', '2021-03-01'),
         '2023-05-01', 'SupportsExtension'),
        ('extensions', extension_model.API_VERSIONS, '2023-05-01', 'SystemAssignedResourceIdentity, SupportsExtension'),
        ('fluxConfigurations', ('2025-04-01', '2024-11-01', '2023-05-01', '2022-11-01', '2022-07-01', '2022-03-01'),
         '2023-05-01', 'SupportsExtension'),
        ('operations', ('2025-04-01', '2025-03-01', '2024-11-01-preview', '2024-11-01', '2023-05-01-preview',
                        '2023-05-01', '2022-11-01', '2022-03-01'), None, 'None'),
        ('extensionTypes', ('2024-11-01-preview', '2023-05-01-preview', '2022-01-15-preview'), None,
         'SupportsExtension'),
        ('locations', ('2023-05-01-preview', '2022-01-15-preview'), None, 'None'),
        ('locations/extensionTypes', ('2024-11-01-preview', '2023-05-01-preview', '2022-01-15-preview'), None, 'None'),
        ('locations/extensionTypes/versions', ('2024-11-01-preview', '2023-05-01-preview', '2022-01-15-preview'),
         None, 'None'),
    ],
    'Microsoft.ContainerService': [
        ('managedClusters', clusters.MANAGED_CLUSTERS, '2026-06-01',
         'SystemAssignedResourceIdentity, SupportsTags, SupportsLocation'),
        ('fleets', clusters.FLEETS, '2026-06-01', 'SystemAssignedResourceIdentity, SupportsTags, SupportsLocation'),
        ('managedClusters/maintenanceConfigurations', maintenance.API_VERSIONS, None, 'None'),
    ],
    'Microsoft.Kubernetes': [
        ('connectedClusters', clusters.CONNECTED_CLUSTERS, '2024-01-01',
         'SystemAssignedResourceIdentity, SupportsTags, SupportsLocation'),
    ],
    'Microsoft.ResourceConnector': [
        ('appliances', clusters.APPLIANCES, '2022-10-27',
         'SystemAssignedResourceIdentity, SupportsTags, SupportsLocation'),
    ],
    'Microsoft.HybridContainerService': [
        ('provisionedClusters', clusters.PROVISIONED_CLUSTERS, '2024-01-01', 'SupportsTags, SupportsLocation'),
    ],
    'Microsoft.Compute': [(resource_type, compute.API_VERSIONS, None, 'None') for resource_type in compute.TYPES],
    'Microsoft.Resources': [
        ('resourceGroups', RESOURCE_MANAGER, None, 'SupportsTags, SupportsLocation'),
        ('deployments', deployment_model.API_VERSIONS, None, 'SupportsTags'),
        ('deployments/operations', deployment_model.API_VERSIONS, None, 'None'),
    ],
}


def _companion_manifests():
    """The companion resource types of companions/types.py, per namespace, with their namespace's api-versions."""
    manifests = {}
    for name, rtype in sorted(companion_types.TYPES.items()):
        namespace, resource_type = rtype.name.split('/', 1)
        capabilities = 'SupportsExtension' if name in companion_types.EXTENSION_RESOURCES else \
            'SupportsTags, SupportsLocation'
        manifests.setdefault(namespace, []).append(
            (resource_type, companion_types.API_VERSIONS[namespace.lower()], None, capabilities))
    return manifests


MANIFESTS.update(_companion_manifests())
CANONICAL = {name.lower(): name for name in tuple(MANIFESTS) + companion_types.REGISTRATION_NAMESPACES}


def canonical_namespace(namespace):
    name = CANONICAL.get(namespace.lower())
    if name is None:
        raise errors.ArmError(404, 'InvalidResourceNamespace',
                              f"The resource namespace '{namespace}' is invalid.")
    return name


def _locations(namespace, resource_type):
    if resource_type == 'operations':
        return []
    return companion_types.PLACEMENT.get(f'{namespace}/{resource_type}'.lower(), LOCATIONS)


def resource_types(namespace):
    """The manifest entries of a namespace's resource types, newest api-version first."""
    entries = []
    for resource_type, versions, default, capabilities in MANIFESTS.get(namespace, ()):
        entry = {'resourceType': resource_type, 'locations': list(_locations(namespace, resource_type)),
                 'apiVersions': list(versions)}
        if default:
            entry['defaultApiVersion'] = default
        entry['capabilities'] = capabilities
        entries.append(entry)
    return entries


def provider_body(service, namespace, subscription_level=True):
    """A provider as `GET /subscriptions/{id}/providers/{namespace}` answers it; at tenant level (``/providers/
    {namespace}``) only its namespace and resource types."""
    body = {'namespace': namespace, 'resourceTypes': resource_types(namespace)}
    if not subscription_level:
        return body
    body = {'id': f'/subscriptions/{service.subscription}/providers/{namespace}', 'namespace': namespace}
    if namespace == 'Microsoft.KubernetesConfiguration':
        body['authorizations'] = KC_AUTHORIZATIONS
    body.update({'resourceTypes': resource_types(namespace), 'registrationState': service.provider_state(namespace),
                 'registrationPolicy': 'RegistrationRequired'})
    return body


async def get_provider(service, call):
    service.check_subscription(call.params['sub'])
    return json_response(provider_body(service, canonical_namespace(call.params['ns'])))


async def list_providers(service, call):
    service.check_subscription(call.params['sub'])
    return json_response({'value': [provider_body(service, namespace) for namespace in sorted(CANONICAL.values())]})


async def register(service, call):
    service.check_subscription(call.params['sub'])
    namespace = canonical_namespace(call.params['ns'])
    # Registration completes at once: nothing in the emulator depends on the Registering window.
    service.set_provider_state(namespace, 'Registered' if call.params['action'].lower() == 'register'
                               else 'Unregistered')
    return json_response(provider_body(service, namespace))


ROUTES = [
    (PROVIDERS, {'GET': list_providers}, RESOURCE_MANAGER),
    (PROVIDERS + r'/(?P<ns>[^/]+)', {'GET': get_provider}, RESOURCE_MANAGER),
    (PROVIDERS + r'/(?P<ns>[^/]+)/(?P<action>register|unregister)', {'POST': register}, RESOURCE_MANAGER),
]
