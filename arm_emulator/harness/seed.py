"""Named starting states. ``demo``: resource group demo-rg (eastus) with an AKS cluster on a system-assigned
identity, an AKS cluster on a service principal, an Arc connected cluster, and an AKS cluster with an extension
that AKS manages (users may only read it); extensions provider registered. ``troubleshoot``: the same, plus
clusters whose extensions fail for each cause of kubernetes.py's TROUBLE_EXTENSIONS."""
import uuid

from ..resources import clusters, groups
from ..resources.extension_types import catalog
from ..resources.extensions import model as extension_model
from ..state.service import KUBERNETES_CONFIGURATION

DEMO_GROUP = 'demo-rg'
DEMO_LOCATION = 'eastus'
DEMO_CLUSTERS = (
    ('Microsoft.ContainerService', 'managedClusters', 'demo-aks', {'identity': {'type': 'SystemAssigned'}}),
    ('Microsoft.ContainerService', 'managedClusters', 'demo-aks-sp',
     {'properties': {'servicePrincipalProfile': {'clientId': str(uuid.UUID(int=0xaa5e)), 'secret': 'not-returned'}}}),
    ('Microsoft.Kubernetes', 'connectedClusters', 'demo-arc', {}),
    ('Microsoft.ContainerService', 'managedClusters', 'demo-aks-managed', {}),
)
# (cluster, extension name, type): installed and owned by AKS, as `managementDetails` says on 2025-03-01.
MANAGED_EXTENSION = ('demo-aks-managed', 'flux', 'microsoft.flux')
MANAGEMENT_DETAILS = {'category': 'managed', 'accessDetails': [
    {'entity': 'Microsoft.ContainerService', 'allowedActions': ['read', 'write', 'delete'],
     'description': 'Installed and upgraded by AKS with the cluster.'},
    {'entity': 'User', 'allowedActions': ['read'], 'description': 'Users may only read this extension.'}]}
SEEDS = ('demo', 'troubleshoot')


def add_cluster(service, group, cluster):
    """Create a cluster, ``(rp, resource, name, body)``, unless it exists (so re-seeding a restarted emulator
    changes nothing)."""
    rp, resource, name, body = cluster
    params = {'sub': service.subscription, 'rg': group, 'rp': rp, 'ctype': resource, 'cluster': name}
    kind = clusters.kind_of(params)
    if service.store.get('clusters', clusters.cluster_key(service, group, kind, name)) is None:
        clusters.put(service, params, dict(body, location=DEMO_LOCATION))


def apply(service, seed):
    if seed is None:
        return
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; known: {', '.join(SEEDS)}")
    if service.store.get('groups', DEMO_GROUP) is None:
        groups.create_or_update(service, DEMO_GROUP, DEMO_LOCATION)
    for cluster in DEMO_CLUSTERS:
        add_cluster(service, DEMO_GROUP, cluster)
    add_managed_extension(service)
    service.set_provider_state(KUBERNETES_CONFIGURATION, 'Registered')
    if seed == 'troubleshoot':
        from .kubernetes import seed_causes  # it installs through this module
        seed_causes(service)


def add_managed_extension(service):
    cluster_name, name, extension_type = MANAGED_EXTENSION
    kind = clusters.KINDS[('microsoft.containerservice', 'managedclusters')]
    cluster_key = clusters.cluster_key(service, DEMO_GROUP, kind, cluster_name)
    cluster = service.store.get('clusters', cluster_key)
    row = extension_row(service, cluster, kind, name, extension_type,
                        version=catalog.latest(catalog.find(extension_type), 'stable'), now=service.clock())
    if service.store.get('extensions', row[0]) is not None:
        return
    row[2]['managementDetails'] = MANAGEMENT_DETAILS
    with service.store.transaction():
        service.store.add_extensions([row])


def extension_row(service, cluster, kind, name, extension_type, *, version, now):
    """An extension installed at ``version`` on ``cluster``, as the store row ``(key, cluster key, doc)``: seeds put
    extensions straight into the store, Succeeded, with no operation."""
    extension_id = f"{cluster['id']}/providers/{KUBERNETES_CONFIGURATION}/extensions/{name}"
    doc = extension_model.new_doc(extension_id, name, kind, {'properties': {'extensionType': extension_type}},
                                  now=now, tenant=service.tenant)
    doc.update(provisioningState='Succeeded', currentVersion=version)
    return extension_id.lower(), cluster['id'].lower(), doc
