"""Named starting states. ``demo``: resource group demo-rg (eastus) with an AKS cluster on a system-assigned
identity, an AKS cluster on a service principal, and an Arc connected cluster; extensions provider registered."""
import uuid

from . import clusters, groups
from .service import KUBERNETES_CONFIGURATION

DEMO_GROUP = 'demo-rg'
DEMO_LOCATION = 'eastus'
DEMO_CLUSTERS = (
    ('Microsoft.ContainerService', 'managedClusters', 'demo-aks', {'identity': {'type': 'SystemAssigned'}}),
    ('Microsoft.ContainerService', 'managedClusters', 'demo-aks-sp',
     {'properties': {'servicePrincipalProfile': {'clientId': str(uuid.UUID(int=0xaa5e)), 'secret': 'not-returned'}}}),
    ('Microsoft.Kubernetes', 'connectedClusters', 'demo-arc', {}),
)
SEEDS = ('demo',)


def add_cluster(service, group, rp, resource, name, body):
    """Create a cluster unless it exists (so re-seeding a restarted emulator changes nothing)."""
    params = {'sub': service.subscription, 'rg': group, 'rp': rp, 'ctype': resource, 'cluster': name}
    kind = clusters.kind_of(params)
    if service.store.get('clusters', clusters.cluster_key(service, group, kind, name)) is None:
        clusters.put(service, params, dict(body, location=DEMO_LOCATION))


def apply(service, seed):
    if seed is None:
        return
    if seed not in SEEDS:
        raise ValueError('unknown seed {!r}; known: {}'.format(seed, ', '.join(SEEDS)))
    if service.store.get('groups', DEMO_GROUP) is None:
        groups.create_or_update(service, DEMO_GROUP, DEMO_LOCATION)
    for rp, resource, name, body in DEMO_CLUSTERS:
        add_cluster(service, DEMO_GROUP, rp, resource, name, body)
    service.set_provider_state(KUBERNETES_CONFIGURATION, 'Registered')
