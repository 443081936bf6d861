"""The five Kubernetes cluster resource types that extensions attach to. PUT seeds a cluster (answered at once
as Succeeded), GET returns a realistic body; defaults per type are merged under whatever the PUT sent."""
import copy
import datetime
import uuid
from dataclasses import dataclass

from ..frontdoor import errors
from ..frontdoor.errors import json_response
from .groups import GROUP

# The api-versions the service accepts per cluster type (Kind.api_versions below; providers.py lists them too).
MANAGED_CLUSTERS = (
    '2026-08-01', '2026-06-01', '2026-04-01', '2026-02-01', '2025-10-01', '2025-08-01', '2025-07-01', '2025-05-01',
    '2025-04-01', '2025-03-01', '2025-02-01', '2025-01-01', '2024-10-01', '2024-09-01', '2024-08-01', '2024-07-01',
    '2024-06-01', '2024-05-01', '2024-02-01', '2024-01-01', '2023-11-01', '2023-10-01', '2023-09-01', '2023-08-01',
    '2023-07-01', '2023-06-01', '2023-05-01', '2023-04-01', '2023-03-01', '2023-02-01', '2023-01-01', '2022-11-01',
    '2022-09-01', '2022-08-01', '2022-07-01', '2022-06-01', '2022-04-01', '2022-03-01', '2022-02-01', '2022-01-01',
    '2021-10-01', '2021-09-01', '2021-08-01', '2021-07-01', '2021-05-01', '2021-03-01', '2021-02-01', '2020-12-01',
    '2026-05-02-preview', '2026-03-02-preview', '2025-10-02-preview', '2025-08-02-preview', '2025-06-02-preview',
    '2025-05-02-preview', '2025-04-02-preview', '2025-03-02-preview', '2025-02-02-preview', '2025-01-02-preview',
    '2024-10-02-preview', '2024-09-02-preview', '2024-07-02-preview', '2024-06-02-preview', '2024-05-02-preview')

CONNECTED_CLUSTERS = ('2025-08-01-preview', '2024-12-01-preview', '2024-07-15-preview', '2024-07-01-preview',
                      '2024-06-01-preview', '2024-02-01-preview', '2024-01-01', '2023-11-01-preview',
                      '2022-10-01-preview', '2022-05-01-preview', '2021-10-01', '2021-04-01-preview', '2021-03-01',
                      '2020-01-01-preview')

APPLIANCES = ('2025-03-01-preview', '2022-10-27', '2022-04-15-preview', '2021-10-31-preview', '2021-02-01-preview')

PROVISIONED_CLUSTERS = ('2024-01-01', '2023-11-15-preview', '2022-09-01-preview', '2022-05-01-preview')

FLEETS = ('2026-06-01', '2026-02-01-preview', '2025-08-01-preview', '2025-04-01-preview', '2025-03-01',
          '2024-05-02-preview', '2024-04-01', '2024-02-02-preview', '2023-10-15', '2023-08-15-preview',
          '2023-06-15-preview', '2023-03-15-preview', '2022-09-02-preview', '2022-07-02-preview', '2022-06-02-preview')

CLUSTER = GROUP + r'/providers/(?P<rp>[^/]+)/(?P<ctype>[^/]+)/(?P<cluster>[^/]+)'


@dataclass(frozen=True)
class Kind:
    rp: str
    resource: str
    api_versions: tuple
    type_name: str          # the `type` value the service returns
    defaults: callable      # (name, location, identity values) -> body defaults

    @property
    def type_path(self):
        return f'{self.rp}/{self.resource}'


def _system_identity(values):
    return {'type': 'SystemAssigned', 'principalId': str(uuid.uuid4()), 'tenantId': values['tenant']}


def _aks(name, location, values):
    return {'location': location, 'sku': {'name': 'Base', 'tier': 'Free'}, 'identity': _system_identity(values),
            'properties': {
                'provisioningState': 'Succeeded', 'powerState': {'code': 'Running'}, 'maxAgentPools': 100,
                'kubernetesVersion': '1.33.2', 'currentKubernetesVersion': '1.33.2', 'dnsPrefix': name + '-dns',
                'fqdn': f'{name}-dns-{uuid.uuid4().hex[:8]}.hcp.{location}.azmk8s.io',
                'azurePortalFQDN': f'{name}-dns-portal.hcp.{location}.azmk8s.io',
                'agentPoolProfiles': [{'name': 'nodepool1', 'count': 3, 'vmSize': 'Standard_DS2_v2',
                                       'osType': 'Linux', 'mode': 'System', 'provisioningState': 'Succeeded',
                                       'orchestratorVersion': '1.33.2', 'powerState': {'code': 'Running'}}],
                'servicePrincipalProfile': {'clientId': 'msi'},
                'nodeResourceGroup': f'MC_{name}_{location}', 'enableRBAC': True, 'supportPlan': 'KubernetesOfficial',
                'networkProfile': {'networkPlugin': 'azure', 'loadBalancerSku': 'standard',
                                   'outboundType': 'loadBalancer'},
                'oidcIssuerProfile': {'enabled': False}, 'disableLocalAccounts': False,
                'resourceUID': uuid.uuid4().hex}}


def _connected(_name, location, values):
    return {'location': location, 'identity': _system_identity(values),
            'properties': {'provisioningState': 'Succeeded', 'connectivityStatus': 'Connected',
                           'agentPublicKeyCertificate': '', 'kubernetesVersion': '1.32.4', 'totalNodeCount': 3,
                           'totalCoreCount': 12, 'agentVersion': '1.24.3', 'distribution': 'k3s',
                           'infrastructure': 'generic', 'offering': None, 'privateLinkState': 'Disabled'}}


def _appliance(_name, location, values):
    return {'location': location, 'identity': _system_identity(values),
            'properties': {'provisioningState': 'Succeeded', 'status': 'Running', 'distro': 'AKSEdge',
                           'infrastructureConfig': {'provider': 'VMWare'}, 'version': '1.4.0'}}


def _provisioned(_name, location, values):
    return {'location': location, 'identity': _system_identity(values),
            'extendedLocation': {'type': 'CustomLocation', 'name': ''},
            'properties': {'provisioningState': 'Succeeded', 'kubernetesVersion': '1.31.5',
                           'controlPlane': {'count': 1, 'vmSize': 'Standard_A4_v2'},
                           'agentPoolProfiles': [{'name': 'nodepool1', 'count': 2, 'osType': 'Linux'}],
                           'status': {'currentState': 'Succeeded'}}}


def _fleet(_name, location, _values):
    # Shaped like the recorded fleet GET: a hub profile, identity type None unless one is requested.
    return {'eTag': f'"{uuid.uuid4()}"', 'identity': {'type': 'None'}, 'location': location,
            'properties': {'hubProfile': {'agentProfile': {}, 'apiServerAccessProfile': {
                'enablePrivateCluster': False, 'enableVnetIntegration': False},
                'fqdn': f'hub-{uuid.uuid4().hex[:8]}.hcp.{location}.azmk8s.io',
                'kubernetesVersion': '1.33.2',
                'portalFqdn': f'hub-{uuid.uuid4().hex[:8]}.portal.hcp.{location}.azmk8s.io'},
                'provisioningState': 'Succeeded', 'status': {'lastOperationId': str(uuid.uuid4())}}}


KINDS = {(kind.rp.lower(), kind.resource.lower()): kind for kind in (
    Kind('Microsoft.ContainerService', 'managedClusters', MANAGED_CLUSTERS,
         'Microsoft.ContainerService/ManagedClusters', _aks),
    Kind('Microsoft.Kubernetes', 'connectedClusters', CONNECTED_CLUSTERS,
         'Microsoft.Kubernetes/connectedClusters', _connected),
    Kind('Microsoft.ResourceConnector', 'appliances', APPLIANCES,
         'Microsoft.ResourceConnector/appliances', _appliance),
    Kind('Microsoft.HybridContainerService', 'provisionedClusters', PROVISIONED_CLUSTERS,
         'Microsoft.HybridContainerService/provisionedClusters', _provisioned),
    Kind('Microsoft.ContainerService', 'fleets', FLEETS, 'Microsoft.ContainerService/fleets', _fleet),
)}


def kind_of(params):
    kind = KINDS.get((params['rp'].lower(), params['ctype'].lower()))
    if kind is None:
        raise errors.ArmError(404, 'InvalidResourceType',
                              f"The resource type '{params['ctype']}' could not be found in the namespace "
                              f"'{params['rp']}'.")
    return kind


def cluster_versions(params):
    return kind_of(params).api_versions


def cluster_key(service, group_name, kind, name, subscription=None):
    return (f'/subscriptions/{subscription or service.subscription}/resourcegroups/{group_name}/providers/'
            f'{kind.type_path}/{name}').lower()


def find(service, params):
    """The cluster named by the path parameters; raises ARM's error for a missing group or cluster."""
    group = service.group(params['sub'], params['rg'])
    kind = kind_of(params)
    doc = service.store.get('clusters', cluster_key(service, group['name'], kind, params['cluster'], params['sub']))
    if doc is None:
        raise errors.resource_not_found(kind.type_path, params['cluster'], params['rg'])
    return kind, doc


def merge(base, update):
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def build_body(service, group, kind, name, request):
    location = (request.get('location') or group['location']).replace(' ', '').lower()
    body = {'id': f"{group['id']}/providers/{kind.rp}/{kind.resource}/{name}", 'name': name,
            'type': kind.type_name}
    body.update(kind.defaults(name, location, service.values))
    # A cluster built on a service principal has no managed identity at all.
    principal = (request.get('properties') or {}).get('servicePrincipalProfile') or {}
    if principal.get('clientId', 'msi') != 'msi' and 'identity' not in request:
        body.pop('identity', None)
    update = {key: value for key, value in request.items() if key not in ('id', 'name', 'type')}
    merge(body, update)
    if kind.resource == 'managedClusters':
        # The client secret is write-only; only the client id (or "msi") comes back.
        body['properties']['servicePrincipalProfile'] = {'clientId': principal.get('clientId', 'msi')}
    if isinstance(body.get('identity'), dict) and body['identity'].get('type') == 'SystemAssigned':
        body['identity'].setdefault('principalId', str(uuid.uuid4()))
        body['identity'].setdefault('tenantId', service.tenant)
    body['properties']['provisioningState'] = 'Succeeded'
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    body['systemData'] = {'createdAt': now, 'createdBy': service.values['client_id'], 'createdByType': 'Application',
                          'lastModifiedAt': now, 'lastModifiedBy': service.values['client_id'],
                          'lastModifiedByType': 'Application'}
    return body


def put(service, params, request):
    """Create or replace a cluster; returns (body, created)."""
    group = service.group(params['sub'], params['rg'])
    kind = kind_of(params)
    key = cluster_key(service, group['name'], kind, params['cluster'], params['sub'])
    existing = service.store.get('clusters', key)
    name = existing['name'] if existing else params['cluster']
    body = build_body(service, group, kind, name, request)
    service.store.put('clusters', key, body, group_key=service.group_key(params['sub'], group['name']))
    return body, existing is None


async def put_cluster(service, call):
    body, created = put(service, call.params, call.body or {})
    return json_response(body, status=201 if created else 200)


async def get_cluster(service, call):
    return json_response(find(service, call.params)[1])


async def delete_cluster(service, call):
    _, doc = find(service, call.params)
    key = doc['id'].lower()
    with service.store.transaction():
        service.store.delete('clusters', key)
        service.store.delete_cluster_extensions(key)
        service.store.delete_resources_under(key + '/maintenanceconfigurations/')  # its planned maintenance
    return json_response(None, status=200)


ROUTES = [
    (CLUSTER, {'GET': get_cluster, 'PUT': put_cluster, 'DELETE': delete_cluster}, cluster_versions),
]
