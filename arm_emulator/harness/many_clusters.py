"""Many-cluster seeding: thousands of clusters across several subscriptions and resource groups in one admin call.

The mix is deterministic for a given ``seed`` so a benchmark or a test sees the same clusters every time: AKS and
Arc clusters, some stopped, some on a service principal, some not Succeeded, each carrying extensions at various
versions and states, and (``window_share``) AKS clusters with a planned maintenance window. Rows go straight into
the store (one transaction) rather than through the ARM routes, so seeding 2,000 clusters takes a second, not
minutes.
"""
import random
import uuid

from ..resources import clusters, groups, maintenance
from ..resources.extension_types import catalog
from ..resources.extensions import model as extension_model
from ..state.service import KUBERNETES_CONFIGURATION
from .seed import extension_row

DEFAULTS = {'subscriptions': 1, 'groups': 4, 'clusters': 100, 'arc_share': 0.3, 'stopped_share': 0.02,
            'sp_share': 0.02, 'not_ready_share': 0.01, 'extensions_per_cluster': 2, 'failed_share': 0.05,
            'extension_types': None, 'location': 'eastus', 'prefix': 'fleet', 'seed': 1, 'tags': None,
            'window_share': 0.0, 'windows': None}
AKS = clusters.KINDS[('microsoft.containerservice', 'managedclusters')]
ARC = clusters.KINDS[('microsoft.kubernetes', 'connectedclusters')]
# The types many clusters typically run, in the order clusters get them.
COMMON_TYPES = ('microsoft.flux', 'microsoft.dapr', 'microsoft.azuremonitor.containers',
                'microsoft.azuredefender.kubernetes', 'microsoft.openservicemesh', 'microsoft.azureml.kubernetes',
                'microsoft.dataprotection.kubernetes', 'microsoft.contoso.samples')
# The maintenance configurations ``window_share`` of the AKS clusters get, one each, unless ``windows`` gives others
# ({name, properties} documents as a PUT sends them).
SAMPLE_WINDOWS = (
    {'name': 'aksManagedAutoUpgradeSchedule', 'properties': {'maintenanceWindow': {
        'schedule': {'weekly': {'intervalWeeks': 1, 'dayOfWeek': 'Saturday'}}, 'durationHours': 8,
        'utcOffset': '+00:00', 'startTime': '22:00'}}},
    {'name': 'aksManagedAutoUpgradeSchedule', 'properties': {'maintenanceWindow': {
        'schedule': {'daily': {'intervalDays': 1}}, 'durationHours': 4, 'utcOffset': '-05:00', 'startTime': '02:00'}}},
    {'name': 'aksManagedAutoUpgradeSchedule', 'properties': {'maintenanceWindow': {
        'schedule': {'relativeMonthly': {'intervalMonths': 1, 'weekIndex': 'First', 'dayOfWeek': 'Sunday'}},
        'durationHours': 6, 'utcOffset': '+01:00', 'startTime': '01:00'}}},
    {'name': 'default', 'properties': {'timeInWeek': [{'day': 'Sunday', 'hourSlots': [0, 1, 2, 3, 4, 5]}]}},
)


def _spec(raw):
    spec = dict(DEFAULTS)
    unknown = set(raw) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown settings for seeding clusters: {', '.join(sorted(unknown))}")
    spec.update({key: value for key, value in raw.items() if value is not None})
    return spec


def subscription_ids(service, count):
    """The login's subscription and ``count - 1`` more, derived from it so they are stable across reseeds."""
    extra = [str(uuid.uuid5(uuid.UUID(service.subscription), f'fleet-{index}')) for index in range(1, count)]
    known = service.store.meta('extra_subscriptions', [])
    service.store.set_meta('extra_subscriptions', known + [sub for sub in extra if sub not in known])
    return [service.subscription] + extra


def _group(service, subscription, name, location):
    doc = groups.group_body(service, name, location, {})
    doc['id'] = f'/subscriptions/{subscription}/resourceGroups/{name}'
    return service.group_key(subscription, name), doc


def _cluster_doc(service, rng, spec, *, group_id, kind, name, index):
    body = {'id': f'{group_id}/providers/{kind.rp}/{kind.resource}/{name}', 'name': name,
            'type': kind.type_name, 'tags': {'env': ('prod', 'staging', 'dev')[index % 3], 'ring': str(index % 4)}}
    body.update(kind.defaults(name, spec['location'], service.values))
    body['tags'].update(spec['tags'] or {})
    properties = body['properties']
    if kind is AKS and rng.random() < spec['sp_share']:
        body.pop('identity', None)
        properties['servicePrincipalProfile'] = {'clientId': str(uuid.UUID(int=rng.getrandbits(128)))}
    if kind is AKS and rng.random() < spec['stopped_share']:
        properties['powerState'] = {'code': 'Stopped'}
    if rng.random() < spec['not_ready_share']:
        properties['provisioningState'] = 'Updating'
    return body


def _extension_rows(service, rng, spec, *, cluster, kind, now):
    choices = [name for name in (spec['extension_types'] or COMMON_TYPES)
               if kind.resource in (catalog.find(name) or {'clusterTypes': (kind.resource,)})['clusterTypes']]
    rows = []
    for extension_type in choices[:int(spec['extensions_per_cluster'])]:
        entry = catalog.find(extension_type)
        versions = catalog.train_versions(entry, 'stable') if entry else ['1.0.0']
        # Most clusters run one of the last three releases, the newest most often.
        version = versions[-1 - min(int(rng.expovariate(1.2)), 2, len(versions) - 1)]
        row = extension_row(service, cluster, kind, extension_type.split('.', 1)[-1].replace('.', '-'),
                            extension_type, version=version, now=now)
        if rng.random() < spec['failed_share']:
            row[2].update(provisioningState='Failed', statuses=extension_model.failure_statuses(
                'Helm install timed out.'), errorInfo={'code': 'ExtensionOperationFailed',
                                                       'message': 'Helm install timed out.'})
        rows.append(row)
    return rows


def _window_rows(service, spec, aks_clusters):
    """(key, doc) rows of the maintenance configurations of a ``window_share`` of ``aks_clusters``. A generator of
    its own keeps the rest of the mix what it was for the same ``seed``."""
    rng = random.Random(f"{spec['seed']}-windows")
    choices = []
    for sample in spec['windows'] or SAMPLE_WINDOWS:
        name = maintenance.canonical_name(str((sample or {}).get('name') or ''))
        choices.append((name, maintenance.check(name, sample)))
    rows = []
    for cluster in aks_clusters:
        if rng.random() < float(spec['window_share']):
            name, properties = rng.choice(choices)
            rows.append((maintenance.key_of(cluster['id'], name),
                         maintenance.document(service, cluster, name, properties)))
    return rows


def seed_clusters(service, raw):
    """Add the clusters; returns a summary (subscriptions, groups, cluster and extension counts)."""
    spec = _spec(raw)
    rng = random.Random(spec['seed'])
    subscriptions = subscription_ids(service, int(spec['subscriptions']))
    group_rows, cluster_rows, extension_rows = [], [], []
    group_ids = []
    for subscription in subscriptions:
        for index in range(int(spec['groups'])):
            name = f"{spec['prefix']}-rg-{index}"
            key, doc = _group(service, subscription, name, spec['location'])
            group_rows.append((key, doc))
            group_ids.append((key, doc['id']))
    now = service.clock()
    for index in range(int(spec['clusters'])):
        group_key, group_id = group_ids[index % len(group_ids)]
        kind = ARC if rng.random() < spec['arc_share'] else AKS
        name = f"{spec['prefix']}-{'arc' if kind is ARC else 'aks'}-{index:05d}"
        cluster = _cluster_doc(service, rng, spec, group_id=group_id, kind=kind, name=name, index=index)
        cluster_rows.append((cluster['id'].lower(), group_key, cluster))
        extension_rows.extend(_extension_rows(service, rng, spec, cluster=cluster, kind=kind, now=now))
    window_rows = _window_rows(service, spec, [doc for _, _, doc in cluster_rows if doc['type'] == AKS.type_name])
    with service.store.transaction():
        service.store.add_groups(group_rows)
        service.store.add_clusters(cluster_rows)
        service.store.add_extensions(extension_rows)
        service.store.add_resources(window_rows)
    service.set_provider_state(KUBERNETES_CONFIGURATION, 'Registered')
    return {'subscriptions': subscriptions, 'groups': len(group_rows), 'clusters': len(cluster_rows),
            'extensions': len(extension_rows), 'maintenance_configurations': len(window_rows)}
