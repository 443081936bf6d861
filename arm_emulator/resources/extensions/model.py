"""The extension resource: turning PUT and PATCH bodies into stored state, and rendering that state the way the
live service answers (explicit nulls, protected values withheld, per-api-version fields)."""
import copy
import datetime
import json
import uuid

from ...frontdoor import errors
from ..extension_types import catalog

API_VERSIONS = ('2025-03-01', '2024-11-01', '2023-05-01', '2022-11-01', '2022-07-01', '2022-03-01',
                '2020-07-01-preview')

EXTENSION_TYPE = 'Microsoft.KubernetesConfiguration/extensions'
AUTO_UPGRADE_WITH_VERSION = ('AutoUpgradeMinorVersion cannot be set to true when a Version is provided. Set '
                             'AutoUpgradeMinorVersion to false or remove the Version from the request.')
RUNNING_STATES = {'create': 'Creating', 'update': 'Updating', 'delete': 'Deleting'}


def timestamp(epoch):
    """ARM's seven-digit fraction and explicit offset, as in the recorded systemData."""
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + f'{moment.microsecond * 10:07d}' + '+00:00'


def _properties(body):
    if body is None:
        return {}
    if not isinstance(body, dict) or not isinstance(body.get('properties', {}), dict):
        raise errors.ArmError(400, 'InvalidRequestContent',
                              'The request content was invalid and could not be deserialized.')
    return body.get('properties') or {}


def _check_settings(properties):
    for name in ('configurationSettings', 'configurationProtectedSettings'):
        value = properties.get(name)
        if value is not None and not isinstance(value, dict):
            raise errors.bad_request(f"The property '{name}' must be a map of strings.")


def _check_version_rule(properties):
    if properties.get('version') and properties.get('autoUpgradeMinorVersion') is True:
        raise errors.bad_request(AUTO_UPGRADE_WITH_VERSION)


def _scope(requested, entry, extension_name):
    """Fill in the scope the service defaults to: the catalog's default scope and release namespace."""
    requested = copy.deepcopy(requested) if isinstance(requested, dict) else {}
    if requested.get('cluster') is not None and requested.get('namespace') is not None:
        raise errors.bad_request('Extension scope can be either cluster or namespace, not both.')
    default_scope = (entry or {}).get('defaultScope', 'cluster')
    if requested.get('namespace') is not None or (requested.get('cluster') is None and default_scope == 'namespace'):
        namespace = requested.get('namespace') or {}
        return {'namespace': {'targetNamespace': namespace.get('targetNamespace') or extension_name}}
    cluster = requested.get('cluster') or {}
    return {'cluster': {'releaseNamespace': cluster.get('releaseNamespace')
                        or catalog.default_release_namespace(entry, extension_name)}}


def check_cluster_type(extension_type, kind):
    entry = catalog.find(extension_type)
    if entry and kind.resource not in entry['clusterTypes']:
        raise errors.bad_request(f"Extension type '{extension_type}' is not supported for cluster type "
                                 f"'{kind.resource}'.", code='InvalidExtensionType')


def new_doc(extension_id, name, cluster_kind, body, *, now, tenant, existing=None):
    """State for a PUT; ``existing`` keeps the creation time and identity of a replaced extension."""
    properties = _properties(body)
    if not properties.get('extensionType'):
        raise errors.bad_request("The property 'extensionType' is required.", code='InvalidRequestContent')
    _check_settings(properties)
    _check_version_rule(properties)
    entry = catalog.find(properties['extensionType'])
    existing = existing or {}
    identity = body.get('identity') if isinstance(body.get('identity'), dict) else None
    if identity and identity.get('type') == 'SystemAssigned':
        identity = dict(identity, principalId=(existing.get('identity') or {}).get('principalId')
                        or str(uuid.uuid4()), tenantId=tenant)
    return {
        'id': extension_id, 'name': name, 'clusterResource': cluster_kind.resource,
        'extensionType': properties['extensionType'],
        # A pinned version means no automatic upgrades unless the request says otherwise explicitly; a mode sent
        # alone says it (only compatible takes minor upgrades).
        'autoUpgradeMinorVersion': properties.get('autoUpgradeMinorVersion', _minor_upgrades(properties)),
        'autoUpgradeMode': properties.get('autoUpgradeMode'),
        'releaseTrain': properties.get('releaseTrain') or 'Stable',
        'version': properties.get('version'),
        'currentVersion': existing.get('currentVersion'),
        'scope': _scope(properties.get('scope'), entry, name),
        'configurationSettings': dict(properties.get('configurationSettings') or {}),
        'provisioningState': None, 'statuses': [], 'errorInfo': None,
        'identity': identity, 'plan': body.get('plan'),
        'createdAt': existing.get('createdAt', now), 'lastModifiedAt': now,
        'operation': None,
        # Set only by seeds: what the service itself installed and manages (api-version 2025-03-01), and extensions
        # the platform installs.
        'managementDetails': existing.get('managementDetails'),
        'isSystemExtension': existing.get('isSystemExtension', False),
        # Create-only (2025-03-01): the resource that manages this extension.
        'managedBy': existing.get('managedBy') or body.get('managedBy'),
        'aksAssignedIdentity': existing.get('aksAssignedIdentity') or _aks_identity(cluster_kind, entry, tenant),
    }


def _aks_identity(cluster_kind, entry, tenant):
    """The identity AKS assigns an extension whose type needs one (the emulator's reading of the service: on AKS,
    a type whose catalog entry requires a managed identity gets one; other extensions report null)."""
    if cluster_kind.resource != 'managedClusters' or not (entry or {}).get('isManagedIdentityRequired'):
        return None
    return {'principalId': str(uuid.uuid4()), 'tenantId': tenant, 'type': 'SystemAssigned'}


def _minor_upgrades(properties):
    mode = str(properties.get('autoUpgradeMode') or '').lower()
    if mode:
        return mode == 'compatible' and not properties.get('version')
    return not properties.get('version')


def _identity_type(identity):
    return str((identity or {}).get('type') or 'None').lower()


def _plan(plan):
    return tuple(str((plan or {}).get(key) or '').lower() for key in ('name', 'product', 'publisher'))


def check_immutables(existing, doc, body):
    """A PUT over an existing extension may not change what is fixed at create. The real service's error for this
    is not public; the emulator answers as ARM resource providers commonly do for a changed immutable property."""
    changed = []
    if existing['extensionType'].lower() != doc['extensionType'].lower():
        changed.append('properties.extensionType')
    if json_lower(existing['scope']) != json_lower(doc['scope']):
        changed.append('properties.scope')
    if isinstance(body, dict) and 'identity' in body and \
            _identity_type(body.get('identity')) != _identity_type(existing.get('identity')):
        changed.append('identity')
    if _plan(existing.get('plan')) != _plan(doc.get('plan')):
        changed.append('plan')
    if changed:
        names = "', '".join(changed)
        raise errors.ArmError(400, 'PropertyChangeNotAllowed', f"Changing property '{names}' is not allowed.")


def json_lower(value):
    return json.dumps(value, sort_keys=True).lower()


def _merge_settings(current, update):
    """PATCH merges settings; a key sent with a null value is removed."""
    merged = dict(current or {})
    for key, value in (update or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def patched_doc(doc, body, now):
    """State after a PATCH. Tolerates the defaults older SDKs always send (autoUpgradeMinorVersion: true,
    releaseTrain: Stable): turning auto-upgrade on simply drops a pinned version."""
    properties = _properties(body)
    _check_settings(properties)
    _check_version_rule(properties)
    doc = copy.deepcopy(doc)
    for name in ('releaseTrain', 'autoUpgradeMode'):
        if properties.get(name) is not None:
            doc[name] = properties[name]
    if properties.get('version'):
        doc['version'] = properties['version']
        doc['autoUpgradeMinorVersion'] = False
    elif 'autoUpgradeMinorVersion' in properties or properties.get('autoUpgradeMode'):
        doc['autoUpgradeMinorVersion'] = bool(properties.get('autoUpgradeMinorVersion', _minor_upgrades(properties)))
        if doc['autoUpgradeMinorVersion']:
            doc['version'] = None
    doc['configurationSettings'] = _merge_settings(doc['configurationSettings'],
                                                   properties.get('configurationSettings'))
    doc['lastModifiedAt'] = now
    return doc


def merged_protected(current, body):
    return _merge_settings(current, _properties(body).get('configurationProtectedSettings'))


def resolve_version(doc):
    """(version, None) for the version an operation installs, or (None, message) when it cannot be resolved."""
    entry = catalog.find(doc['extensionType'])
    if entry is None:
        # A private extension type: whatever was pinned, or its first release.
        return doc['version'] or '1.0.0', None
    train = doc['releaseTrain'].lower()
    if doc['version'] and not doc['autoUpgradeMinorVersion']:
        if doc['version'] in catalog.train_versions(entry, train):
            return doc['version'], None
        return None, (f"Failed to resolve the extension version '{doc['version']}' in release train '{train}' for "
                      f"extension type '{doc['extensionType']}'.")
    version = catalog.latest(entry, train)
    if version is None:
        return None, f"Failed to resolve the release train '{train}' for extension type '{doc['extensionType']}'."
    return version, None


def progress_statuses(messages):
    """Statuses an extension shows while its operation runs (what the cluster agent reports as it installs)."""
    return [{'code': 'InstallationInProgress', 'displayStatus': None, 'level': 'Information', 'message': message,
             'time': None} for message in messages]


def failure_statuses(message):
    return [{'code': 'InstallationFailed', 'displayStatus': None, 'level': None, 'message': message, 'time': None}]


def render(doc, api_version):
    """The resource body as the service returns it for ``api_version``."""
    modern = api_version >= '2025-03-01'
    properties = {'extensionType': doc['extensionType'], 'autoUpgradeMinorVersion': doc['autoUpgradeMinorVersion']}
    if modern:
        properties['autoUpgradeMode'] = doc['autoUpgradeMode'] or 'compatible'
    properties.update({
        'releaseTrain': doc['releaseTrain'], 'version': doc['version'], 'currentVersion': doc['currentVersion'],
        'scope': doc['scope'], 'provisioningState': doc['provisioningState'],
        'configurationSettings': doc['configurationSettings'],
        # Protected values are write-only: the service answers an empty map whatever was stored.
        'configurationProtectedSettings': {},
        'statuses': doc['statuses'], 'aksAssignedIdentity': doc.get('aksAssignedIdentity'),
        'isSystemExtension': bool(doc.get('isSystemExtension'))})
    # A failed operation's error, at every api-version (2025-03-01 keeps the property). A failure the agent reported
    # only through statuses, as the recorded failed fleet extension, has none, and the key is left out as recorded.
    if doc['errorInfo']:
        properties['errorInfo'] = doc['errorInfo']
    if modern and doc.get('managementDetails'):
        properties['managementDetails'] = doc['managementDetails']
    if modern:
        properties['extensionState'] = None
        properties['additionalDetails'] = {'docs': None, 'releaseNotes': None, 'troubleshootingGuide': None}
    body = {'id': doc['id'], 'name': doc['name'], 'type': EXTENSION_TYPE}
    if modern and doc.get('managedBy'):
        body['managedBy'] = doc['managedBy']
    # The recorded fleet extension was created with a system identity yet came back without one.
    if doc['identity'] and doc['clusterResource'] != 'fleets':
        body['identity'] = doc['identity']
    if doc['plan']:
        body['plan'] = doc['plan']
    body['properties'] = properties
    body['systemData'] = {'createdBy': None, 'createdByType': None, 'createdAt': timestamp(doc['createdAt']),
                          'lastModifiedBy': None, 'lastModifiedByType': None,
                          'lastModifiedAt': timestamp(doc['lastModifiedAt'])}
    return body
