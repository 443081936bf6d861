"""What to do on one cluster: create, update (only the fields that differ), nothing, or blocked with a reason.

Pure functions over plain dicts (the cluster's Resource Graph row, the extension as the resource provider or
Resource Graph shows it, the desired extension): the same decision for --dry-run, for a run and for a resume.
"""
import hashlib
import json
from collections import namedtuple

from .graph import prop

Desired = namedtuple('Desired', 'name extension_type version release_train auto_upgrade settings protected scope')
Decision = namedtuple('Decision', 'action reason fields')   # fields: the PATCH/PUT properties to send

CREATE, UPDATE, NOTHING, BLOCKED = 'create', 'update', 'nothing', 'blocked'
RUNNING = ('creating', 'updating', 'deleting', 'accepted', 'running')


def change_id(desired, targets):
    """A short fingerprint of the change and its targets: names the journal. Protected values are hashed."""
    document = dict(desired._asdict(), protected=sorted(desired.protected or {}), targets=targets)
    protected = hashlib.sha256(json.dumps(desired.protected or {}, sort_keys=True).encode()).hexdigest()
    document['protected_digest'] = protected if desired.protected else None
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:12]


def cluster_blocker(cluster):
    """Why no extension operation should be sent to this cluster now, or None."""
    properties = cluster.get('properties') or {}
    state = prop(properties, 'provisioningState')
    if state and state.lower() != 'succeeded':
        return f"the cluster is {state} (only Succeeded clusters take extension operations)"
    cluster_type = (cluster.get('type') or '').lower()
    if cluster_type.endswith('/managedclusters'):
        power = (prop(properties, 'powerState') or {}).get('code') or ''
        if power.lower() == 'stopped':
            return 'the AKS cluster is stopped: start it with `az aks start`'
        principal = prop(properties, 'servicePrincipalProfile') or {}
        identity = cluster.get('identity') or {}
        if principal.get('clientId', 'msi') != 'msi' and (identity.get('type') or 'None').lower() == 'none':
            return ('the AKS cluster uses a service principal: cluster extensions need a managed identity '
                    '(`az aks update --enable-managed-identity`)')
    return None


def _installed(extension):
    properties = extension.get('properties') or extension
    scope = prop(properties, 'scope') or {}
    return {'extensionType': (prop(properties, 'extensionType') or '').lower(),
            'version': prop(properties, 'version'),
            'currentVersion': prop(properties, 'currentVersion') or prop(properties, 'version'),
            'releaseTrain': (prop(properties, 'releaseTrain') or '').lower(),
            'autoUpgradeMinorVersion': prop(properties, 'autoUpgradeMinorVersion'),
            'settings': prop(properties, 'configurationSettings') or {},
            'state': (prop(properties, 'provisioningState') or '').lower(),
            'releaseNamespace': (prop(prop(scope, 'cluster') or {}, 'releaseNamespace') or ''),
            'targetNamespace': (prop(prop(scope, 'namespace') or {}, 'targetNamespace') or ''),
            'managed': bool(prop(properties, 'isSystemExtension')) or
            ((prop(properties, 'managementDetails') or {}).get('category') or '').lower() == 'managed'}


def differing_fields(desired, installed):
    """The patchable properties whose desired value differs from what is installed."""
    fields = {}
    if desired.version and desired.version != installed['currentVersion']:
        fields['version'] = desired.version
    if desired.version and installed['autoUpgradeMinorVersion'] and desired.auto_upgrade is not True:
        fields['version'] = desired.version
    if desired.release_train and desired.release_train.lower() != installed['releaseTrain']:
        fields['releaseTrain'] = desired.release_train
    if desired.auto_upgrade is not None and desired.auto_upgrade != installed['autoUpgradeMinorVersion']:
        fields['autoUpgradeMinorVersion'] = desired.auto_upgrade
    settings = {key: value for key, value in (desired.settings or {}).items()
                if installed['settings'].get(key) != value}
    if settings:
        fields['configurationSettings'] = settings
    if 'version' in fields:
        fields['autoUpgradeMinorVersion'] = False
    return fields


def _immutable_blocker(desired, installed):
    if desired.extension_type and desired.extension_type.lower() != installed['extensionType']:
        return (f"the extension '{desired.name}' is of type {installed['extensionType']}, not "
                f"{desired.extension_type}: the type cannot change; delete it and create it again")
    scope = desired.scope or {}
    wanted = (scope.get('cluster') or {}).get('releaseNamespace')
    if wanted and installed['releaseNamespace'] and wanted != installed['releaseNamespace']:
        return (f"the release namespace is {installed['releaseNamespace']}, not {wanted}: the scope cannot change; "
                "delete the extension and create it again")
    wanted = (scope.get('namespace') or {}).get('targetNamespace')
    if wanted and installed['targetNamespace'] and wanted != installed['targetNamespace']:
        return (f"the target namespace is {installed['targetNamespace']}, not {wanted}: the scope cannot change; "
                "delete the extension and create it again")
    return None


def decide(desired, cluster, extension, journaled_done=False):
    """The Decision for one cluster. ``extension`` is None when it is not installed."""
    if extension is None:
        return _create_decision(desired, cluster)
    installed = _installed(extension)
    blocker = _change_blocker(desired, installed)
    if blocker:
        return Decision(BLOCKED, blocker, None)
    fields = differing_fields(desired, installed)
    if desired.protected and not journaled_done:
        # Protected settings cannot be read back, so they cannot be compared: always sent, once per change.
        fields['configurationProtectedSettings'] = dict(desired.protected)
    if not fields:
        if installed['state'] != 'succeeded':
            return Decision(BLOCKED, f"the extension is {installed['state'].capitalize() or 'in an unknown state'} "
                                     "although its settings match; delete it and create it again", None)
        return Decision(NOTHING, None, None)
    blocker = cluster_blocker(cluster)
    if blocker:
        return Decision(BLOCKED, blocker, None)
    if desired.protected and 'configurationProtectedSettings' not in fields:
        fields['configurationProtectedSettings'] = dict(desired.protected)
    return Decision(UPDATE, None, fields)


def _create_decision(desired, cluster):
    blocker = cluster_blocker(cluster)
    if blocker:
        return Decision(BLOCKED, blocker, None)
    if not desired.extension_type:
        return Decision(BLOCKED, 'the extension is not installed and no --extension-type was given to create it', None)
    return Decision(CREATE, None, create_properties(desired))


def _change_blocker(desired, installed):
    """Why the installed extension cannot be changed at all, or None."""
    if installed['managed']:
        return 'the extension is managed by Azure: users may only read it'
    blocker = _immutable_blocker(desired, installed)
    if blocker:
        return blocker
    if installed['state'] in RUNNING:
        return f"an operation on the extension is running ({installed['state']})"
    return None


def create_properties(desired):
    properties = {'extensionType': desired.extension_type}
    for key, value in (('version', desired.version), ('releaseTrain', desired.release_train),
                       ('autoUpgradeMinorVersion', desired.auto_upgrade), ('scope', desired.scope),
                       ('configurationSettings', desired.settings or None),
                       ('configurationProtectedSettings', desired.protected or None)):
        if value is not None:
            properties[key] = value
    if desired.version:
        properties['autoUpgradeMinorVersion'] = False
    return properties


def converged(desired, extension):
    """True when the extension is Succeeded with every desired (comparable) value."""
    if extension is None:
        return False
    installed = _installed(extension)
    return installed['state'] == 'succeeded' and not differing_fields(desired, installed)
