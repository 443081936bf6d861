"""What to do on one cluster: create, update (only the fields that differ), nothing, or blocked with a reason.

Pure functions over plain dicts (the cluster's Resource Graph row, the extension as the resource provider or
Resource Graph shows it, the desired extension): the same decision for --dry-run, for a run and for a resume. What
a create or an update would send, and what it must hold first, is decided by the same code as for one cluster
(prepare.py); this module only says which of the two a cluster needs, and what no write may change.
"""
import hashlib
import json
from collections import namedtuple

from ..checks.existing import changed_immutables, describe_changes, managed_by
from ..core.scope import scope_body
from .graph import prop

# scope: 'cluster', 'namespace' or None (the type's default), as the flags gave it.
Desired = namedtuple('Desired', 'name extension_type version release_train auto_upgrade settings protected scope '
                                'release_namespace target_namespace')
Decision = namedtuple('Decision', 'action reason fields')   # fields: the properties that differ (update)

CREATE, UPDATE, NOTHING, BLOCKED = 'create', 'update', 'nothing', 'blocked'
RUNNING = ('creating', 'updating', 'deleting', 'accepted', 'running')


def _camel(key):
    return key[:1].lower() + ''.join(part[:1].upper() + part[1:] if index else part
                                     for index, part in enumerate(key[1:].split('_')))


def view(extension):
    """The extension as the user sees it (`az ... show`: properties on top, camelCase) from any source: the
    resource provider's answer, a REST document, or a Resource Graph row (PascalCase inside properties)."""
    if extension is None:
        return None
    properties = extension.get('properties') if isinstance(extension.get('properties'), dict) else None
    document = dict(extension) if properties is None else dict(
        {key: value for key, value in extension.items() if key != 'properties'},
        **{_camel(key): value for key, value in properties.items()})
    scope = document.get('scope') or {}
    cluster, namespace = prop(scope, 'cluster'), prop(scope, 'namespace')
    if cluster is not None:
        document['scope'] = {'cluster': {'releaseNamespace': prop(cluster, 'releaseNamespace')}}
    elif namespace is not None:
        document['scope'] = {'namespace': {'targetNamespace': prop(namespace, 'targetNamespace')}}
    return document


def last_modified(extension):
    """When the service last accepted a write to the extension (systemData), or None."""
    return ((extension or {}).get('systemData') or {}).get('lastModifiedAt')


def change_id(desired, targets):
    """A short fingerprint of the change and its targets: names the journal. Protected values are hashed."""
    document = dict(desired._asdict(), protected=sorted(desired.protected or {}), targets=targets)
    protected = hashlib.sha256(json.dumps(desired.protected or {}, sort_keys=True).encode()).hexdigest()
    document['protected_digest'] = protected if desired.protected else None
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:12]


def cluster_blocker(cluster):
    """Why no extension operation should be sent to this cluster now, or None: one operation at a time, on a
    cluster that is ready for it."""
    properties = cluster.get('properties') or {}
    state = prop(properties, 'provisioningState')
    if state and str(state).lower() != 'succeeded':
        return f"the cluster is {state} (only Succeeded clusters take extension operations)"
    if (cluster.get('type') or '').lower().endswith('/managedclusters'):
        power = (prop(properties, 'powerState') or {}).get('code') or ''
        if str(power).lower() == 'stopped':
            return 'the AKS cluster is stopped: start it with `az aks start`'
    return None


def _installed(extension):
    scope = extension.get('scope') or {}
    return {'extensionType': str(extension.get('extensionType') or '').lower(),
            'version': extension.get('version'),
            'currentVersion': extension.get('currentVersion') or extension.get('version'),
            'releaseTrain': str(extension.get('releaseTrain') or '').lower(),
            'autoUpgradeMinorVersion': extension.get('autoUpgradeMinorVersion'),
            'settings': extension.get('configurationSettings') or {},
            'state': str(extension.get('provisioningState') or '').lower(),
            'releaseNamespace': ((scope.get('cluster') or {}).get('releaseNamespace') or ''),
            'targetNamespace': ((scope.get('namespace') or {}).get('targetNamespace') or '')}


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


# One return per decision reads as the table of decisions it is.
def decide(desired, cluster, extension, journaled_done=False):  # pylint: disable=too-many-return-statements
    """The Decision for one cluster. ``extension`` (any shape `view` reads) is None when it is not installed."""
    extension = view(extension)
    if extension is None:
        blocker = cluster_blocker(cluster)
        if blocker:
            return Decision(BLOCKED, blocker, None)
        if not desired.extension_type:
            return Decision(BLOCKED, 'the extension is not installed and no --extension-type was given to create '
                                     'it', None)
        return Decision(CREATE, None, None)
    installed = _installed(extension)
    blocker = _change_blocker(desired, extension, installed)
    if blocker:
        return Decision(BLOCKED, blocker, None)
    fields = differing_fields(desired, installed)
    if not fields and not (desired.protected and not journaled_done):
        if installed['state'] != 'succeeded':
            return Decision(BLOCKED, f"the extension is {installed['state'].capitalize() or 'in an unknown state'} "
                                     "although its settings match; delete it and create it again", None)
        return Decision(NOTHING, None, None)
    blocker = cluster_blocker(cluster)
    if blocker:
        return Decision(BLOCKED, blocker, None)
    if desired.protected:
        # Protected settings cannot be read back, so they cannot be compared: always sent, once per change.
        fields['configurationProtectedSettings'] = dict(desired.protected)
    return Decision(UPDATE, None, fields)


def _change_blocker(desired, extension, installed):
    """Why the installed extension cannot be changed at all, or None."""
    owner = managed_by(extension) or ('Azure' if extension.get('isSystemExtension') else None)
    if owner:
        return f'the extension is managed by {owner}: users may only read it'
    # What is fixed at create: the same comparison a create over an existing extension makes.
    asked = {'properties': {'extensionType': desired.extension_type or installed['extensionType'],
                            'scope': scope_body(desired.scope, desired.release_namespace, desired.target_namespace)},
             'plan': extension.get('plan')}
    changes = changed_immutables(extension, asked)
    if changes:
        return (f"its {', '.join(name for name, _, _ in changes)} cannot change after create "
                f"({describe_changes(changes, 'the rollout')}): delete the extension and create it again")
    if installed['state'] in RUNNING:
        return f"an operation on the extension is running ({installed['state']})"
    return None


def converged(desired, extension):
    """True when the extension is Succeeded with every desired (comparable) value."""
    extension = view(extension)
    if extension is None:
        return False
    installed = _installed(extension)
    return installed['state'] == 'succeeded' and not differing_fields(desired, installed)
