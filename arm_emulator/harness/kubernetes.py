"""The admin API of the emulated clusters' Kubernetes APIs, under /_emulator/kubernetes/ (no authentication):

- ``POST /_emulator/kubernetes/causes`` ``{"extension_id": ID, "cause": NAME|null, "pods": N, "log_bytes": N}``
  puts an existing extension in the state a cause of failure leaves (resources/kubeapi/causes.py), in ARM and on
  its cluster; with ``"cluster_id"``, ``"name"``, ``"extension_type"`` (and ``"release_namespace"``, ``"version"``)
  instead of ``extension_id``, the extension is installed first, Succeeded, as seeds install them.
- ``POST /_emulator/kubernetes/access`` ``{"cluster_id": ID, "forbidden_namespaces": [...]}``: the namespaces a
  user token may not read (403), as an RBAC rule would deny them.
- ``GET /_emulator/kubernetes/kubeconfig?cluster_id=ID&role=user|admin``: the kubeconfig of any cluster (AKS clusters
  also hand it out through ARM's listClusterUserCredential and listClusterAdminCredential).
"""
from aiohttp import web

from ..frontdoor import errors
from ..frontdoor.errors import json_response
from ..resources import clusters
from ..resources.extension_types import catalog
from ..resources.extensions import operations
from ..resources.kubeapi import causes, credentials
from ..resources.kubeapi import routes as kubeapi
from . import seed
from .admin import _spec


def _cluster(service, cluster_id):
    cluster = service.store.get('clusters', (cluster_id or '').rstrip('/').lower())
    if cluster is None:
        raise errors.ArmError(404, 'ResourceNotFound', f"The cluster '{cluster_id}' was not found.")
    return cluster


def install(service, cluster, name, extension_type, *, release_namespace=None, version=None):
    """Install an extension straight into the store, Succeeded (unless it exists); returns its key."""
    kind = clusters.KINDS[tuple(cluster['type'].lower().split('/'))]
    entry = catalog.find(extension_type)
    row = seed.extension_row(service, cluster, kind, name, extension_type,
                             version=version or (catalog.latest(entry, 'stable') if entry else '1.0.0'),
                             now=service.clock())
    if service.store.get('extensions', row[0]) is None:
        if release_namespace:
            row[2]['scope'] = {'cluster': {'releaseNamespace': release_namespace}}
        if version:
            row[2].update(version=version, autoUpgradeMinorVersion=False)
        with service.store.transaction():
            service.store.add_extensions([row])
    return row[0]


def set_cause(service, spec):
    """Apply ``spec`` (see the module's docstring); returns the extension's key."""
    cause = spec.get('cause')
    if cause is not None and cause not in causes.CAUSES:
        raise errors.bad_request(f"Unknown cause '{cause}'; known: {', '.join(causes.CAUSES)}.")
    if spec.get('extension_id'):
        key = spec['extension_id'].rstrip('/').lower()
    else:
        key = install(service, _cluster(service, spec.get('cluster_id')), spec.get('name') or 'ext',
                      spec.get('extension_type') or 'microsoft.flux', release_namespace=spec.get('release_namespace'),
                      version=spec.get('version'))
    doc = operations.current(service, key)
    if doc is None:
        raise errors.ArmError(404, 'ResourceNotFound', f"The extension '{spec.get('extension_id')}' was not found.")
    if doc.get('operation'):
        raise errors.ArmError(409, 'Conflict', f"An operation on extension '{doc['name']}' is still running.")
    cluster_key = operations.cluster_key_of(key)
    cluster = service.store.get('clusters', cluster_key)
    if cause == 'agent_offline' and not cluster['type'].lower().endswith('/connectedclusters'):
        raise errors.bad_request('agent_offline is a cause of Arc-enabled (connectedClusters) clusters only.')
    settings = doc.setdefault('kubernetes', {})
    for name in ('pods', 'log_bytes'):
        if spec.get(name) is not None:
            settings[name] = int(spec[name])
    operation = causes.apply(service, doc, cause, cluster)
    with service.store.transaction():
        if operation is not None:
            service.store.put('operations', operation['id'], operation, ext_key=key)
        service.store.put('extensions', key, doc, cluster_key=cluster_key)
        service.store.put('clusters', cluster_key, cluster, group_key=service.group_key(
            cluster['id'].split('/')[2], cluster['id'].split('/')[4]))
    return key


class KubernetesAdmin:
    def __init__(self, service):
        self.service = service

    async def causes(self, request):
        key = set_cause(self.service, await _spec(request))
        return json_response({'extension': key}, status=201)

    async def access(self, request):
        spec = await _spec(request)
        cluster = _cluster(self.service, spec.get('cluster_id'))
        rules = {'forbidden_namespaces': list(spec.get('forbidden_namespaces') or [])}
        kubeapi.set_access(self.service, cluster['id'].lower(), rules)
        return json_response(rules)

    async def kubeconfig(self, request):
        cluster = _cluster(self.service, request.query.get('cluster_id'))
        role = request.query.get('role') or 'user'
        if role not in credentials.ROLES:
            raise errors.bad_request("role must be 'user' or 'admin'.")
        return web.Response(text=credentials.kubeconfig_text(self.service, cluster, role),
                            content_type='application/yaml')

    def routes(self):
        return [web.post('/_emulator/kubernetes/causes', self.causes),
                web.post('/_emulator/kubernetes/access', self.access),
                web.get('/_emulator/kubernetes/kubeconfig', self.kubeconfig)]


# Seed `troubleshoot`: the demo state, plus clusters whose extensions fail for each cause, one namespace each.
# (cluster, extension name, type, release namespace, cause)
TROUBLE_CLUSTERS = (('Microsoft.ContainerService', 'managedClusters', 'trouble-aks', {}),
                    ('Microsoft.Kubernetes', 'connectedClusters', 'trouble-arc', {}))
TROUBLE_EXTENSIONS = (
    ('trouble-aks', 'flux', 'microsoft.flux', 'flux-system', 'crash_loop'),
    ('trouble-aks', 'dapr', 'microsoft.dapr', 'dapr-system', 'image_pull'),
    ('trouble-aks', 'monitoring', 'microsoft.azuremonitor.containers', 'monitoring', 'unschedulable'),
    ('trouble-aks', 'backup', 'microsoft.dataprotection.kubernetes', 'dataprotection-microsoft', 'pending_volume'),
    ('trouble-aks', 'policy', 'microsoft.policyinsights', 'policy-system', 'failed_hook'),
    ('trouble-aks', 'mesh', 'microsoft.openservicemesh', 'arc-osm-system', 'stuck_namespace'),
    ('trouble-aks', 'healthy', 'microsoft.flux', 'healthy-system', None),
    ('trouble-arc', 'flux', 'microsoft.flux', 'flux-system', 'agent_offline'),
)


def seed_causes(service):
    for cluster in TROUBLE_CLUSTERS:
        seed.add_cluster(service, seed.DEMO_GROUP, cluster)
    for cluster_name, name, extension_type, namespace, cause in TROUBLE_EXTENSIONS:
        rp, resource = next((rp, resource) for rp, resource, known, _ in TROUBLE_CLUSTERS if known == cluster_name)
        kind = clusters.KINDS[(rp.lower(), resource.lower())]
        cluster = service.store.get('clusters', clusters.cluster_key(service, seed.DEMO_GROUP, kind, cluster_name))
        key = install(service, cluster, name, extension_type, release_namespace=namespace)
        if cause and causes.showing(service.store.get('extensions', key)) is None:
            set_cause(service, {'extension_id': key, 'cause': cause})
