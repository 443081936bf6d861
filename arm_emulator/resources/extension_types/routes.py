"""Extension types and their versions, by location and by cluster, served from :mod:`catalog`.

2023-05-01-preview and later answer the shapes the live service recorded (flat ``clusterScopeSettings``);
2022-01-15-preview answers its older shape (``releaseTrains``, ``clusterTypes``, versions grouped per train).
"""
from ...frontdoor import errors
from ...frontdoor.errors import json_response
from ...state.service import KUBERNETES_CONFIGURATION
from .. import clusters
from . import catalog

# The provider manifest lists three versions; the recorded list-versions-by-cluster call went out with 2023-05-01.
API_VERSIONS = ('2024-11-01-preview', '2023-05-01-preview', '2023-05-01', '2022-01-15-preview')

LOCATION = (r'/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.KubernetesConfiguration/locations/(?P<location>[^/]+)'
            r'/extensionTypes')
CLUSTER = clusters.CLUSTER + r'/providers/Microsoft\.KubernetesConfiguration/extensionTypes'
TYPE = r'/(?P<type>[^/]+)'
VERSIONS = TYPE + r'/versions'
VERSION = VERSIONS + r'/(?P<version>[^/]+)'

TYPE_RESOURCE = KUBERNETES_CONFIGURATION + '/extensionTypes'
SUPPORTED_VERSIONS_HEADER = {'api-supported-versions': '2021-05-01-preview, 2022-01-15-preview, 2023-05-01-preview, '
                                                       '2024-11-01-preview'}
LEGACY = '2022-01-15-preview'


def _scope(service, call):
    """(id prefix for the answer, cluster resource name or None) for a location or cluster path."""
    if 'location' in call.params:
        service.check_subscription(call.params['sub'])
        return (f"/subscriptions/{service.subscription}/providers/{KUBERNETES_CONFIGURATION}/locations/"
                f"{call.params['location']}"), None
    kind, cluster = clusters.find(service, call.params)
    return f"{cluster['id']}/providers/{KUBERNETES_CONFIGURATION}", kind.resource


def _entry(call, cluster_resource):
    name = call.params['type'].lower()
    entry = catalog.find(name)
    if entry is None or (cluster_resource and cluster_resource not in entry['clusterTypes']):
        where = (f"location '{call.params['location']}'" if 'location' in call.params
                 else f"cluster '{call.params['cluster']}'")
        raise errors.ArmError(404, 'ResourceNotFound',
                              f"The extension type '{call.params['type']}' was not found in {where}.")
    return name, entry


def type_body(prefix, name, entry, api_version):
    body = {'id': f'{prefix}/extensionTypes/{name}', 'name': name, 'type': TYPE_RESOURCE}
    scope = {'defaultScope': entry['defaultScope'], 'clusterScopeSettings': None}
    if entry['defaultScope'] == 'cluster':
        scope['clusterScopeSettings'] = {'allowMultipleInstances': entry['allowMultipleInstances'],
                                         'defaultReleaseNamespace': entry['releaseNamespace']}
    if api_version == LEGACY:
        body['properties'] = {'releaseTrains': sorted(entry['trains']), 'clusterTypes': list(entry['clusterTypes']),
                              'supportedScopes': scope}
        return body
    body['properties'] = {
        'extensionType': name, 'description': entry['description'], 'isSystemExtension': False,
        'publisher': entry['publisher'], 'isManagedIdentityRequired': entry['isManagedIdentityRequired'],
        'supportedClusterTypes': [catalog.SUPPORTED_CLUSTER_TYPE_NAMES[t] for t in entry['clusterTypes']],
        'supportedScopes': scope,
        'planInfo': {'offerId': None, 'planId': None, 'publisherId': entry['publisher']}}
    return body


def version_body(prefix, name, entry, version, api_version):
    unsupported = catalog.unsupported_kubernetes_versions(
        name, version, [catalog.VERSION_CLUSTER_TYPE_NAMES[t] for t in catalog.ALL_CLUSTER_TYPES])
    properties = {'version': version, 'unsupportedKubernetesVersions': unsupported}
    # The 2024-11-01-preview model adds the supported cluster types; the recorded 2023 answers lack them.
    if api_version >= '2024-11-01-preview':
        properties['supportedClusterTypes'] = [catalog.VERSION_CLUSTER_TYPE_NAMES[t] for t in entry['clusterTypes']]
    return {'id': f'{prefix}/extensionTypes/{name}/versions/{version}', 'name': version,
            'type': TYPE_RESOURCE + '/versions', 'properties': properties}


def _answer(body):
    return json_response(body, headers=SUPPORTED_VERSIONS_HEADER)


async def list_types(service, call):
    prefix, cluster_resource = _scope(service, call)
    wanted_cluster = cluster_resource or call.query_value('clusterType')
    train = call.query_value('releaseTrain')
    items = []
    for name, entry in sorted(catalog.TYPES.items()):
        if wanted_cluster and wanted_cluster.lower() not in (t.lower() for t in entry['clusterTypes']):
            continue
        if train and train.lower() not in entry['trains']:
            continue
        if call.query_value('publisherId') and call.query_value('publisherId').lower() != entry['publisher'].lower():
            continue
        items.append(type_body(prefix, name, entry, call.api_version))
    return _answer({'value': items, 'nextLink': None})


async def get_type(service, call):
    prefix, cluster_resource = _scope(service, call)
    name, entry = _entry(call, cluster_resource)
    return _answer(type_body(prefix, name, entry, call.api_version))


def _selected_versions(call, entry):
    versions = sorted(catalog.train_versions(entry, call.query_value('releaseTrain', 'stable')),
                      key=catalog.version_key, reverse=True)
    major = call.query_value('majorVersion')
    if major:
        versions = [v for v in versions if v.split('.')[0] == str(major)]
    if str(call.query_value('showLatest', 'false')).lower() == 'true':
        versions = versions[:1]
    return versions


async def list_versions(service, call):
    prefix, cluster_resource = _scope(service, call)
    name, entry = _entry(call, cluster_resource)
    if call.api_version == LEGACY:
        return _answer({'value': [{'releaseTrain': train, 'versions': sorted(versions, key=catalog.version_key)}
                                  for train, versions in sorted(entry['trains'].items())], 'nextLink': None})
    cluster_type = call.query_value('clusterType')
    if cluster_type and cluster_type.lower() not in (t.lower() for t in entry['clusterTypes']):
        return _answer({'value': [], 'nextLink': None})
    return _answer({'value': [version_body(prefix, name, entry, version, call.api_version)
                              for version in _selected_versions(call, entry)], 'nextLink': None})


async def get_version(service, call):
    prefix, cluster_resource = _scope(service, call)
    name, entry = _entry(call, cluster_resource)
    version = call.params['version']
    if not any(version in versions for versions in entry['trains'].values()):
        raise errors.ArmError(404, 'ResourceNotFound',
                              f"The version '{version}' of extension type '{name}' was not found.")
    return _answer(version_body(prefix, name, entry, version, call.api_version))


ROUTES = [(base + suffix, {'GET': handler}, API_VERSIONS)
          for base in (LOCATION, CLUSTER)
          for suffix, handler in (('', list_types), (TYPE, get_type), (VERSIONS, list_versions),
                                  (VERSION, get_version))]
