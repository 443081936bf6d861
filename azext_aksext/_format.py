"""Output shapes: the flattened JSON the official tools print, and `-o table` rows."""
from collections import OrderedDict

from .core.redaction import mask_protected


# Every key the official tool prints for an extension, null when the service sends no value, so that scripts
# can index them (d["plan"], identity.principalId): its model's fields, those of api-version 2025-03-01 included;
# anything else the service returns is kept as well.
OFFICIAL_KEYS = ('id', 'name', 'type', 'systemData', 'identity', 'plan', 'extensionType', 'autoUpgradeMinorVersion',
                 'releaseTrain', 'version', 'scope', 'configurationSettings', 'configurationProtectedSettings',
                 'currentVersion', 'provisioningState', 'statuses', 'errorInfo', 'customLocationSettings',
                 'packageUri', 'aksAssignedIdentity', 'isSystemExtension',
                 'managedBy', 'autoUpgradeMode', 'managementDetails', 'additionalDetails', 'extensionState')

_ERROR = ('code', 'message', 'target', 'details', 'additionalInfo')
# The keys of each nested object the official output prints (its model's attributes), null when absent; a key
# names an object, `key[]` the items of a list.
NESTED_KEYS = {
    'systemData': ('createdBy', 'createdByType', 'createdAt', 'lastModifiedBy', 'lastModifiedByType',
                   'lastModifiedAt'),
    'identity': ('principalId', 'tenantId', 'type'),
    'plan': ('name', 'product', 'promotionCode', 'publisher', 'version'),
    'scope.cluster': ('releaseNamespace',),
    'scope.namespace': ('targetNamespace',),
    'statuses[]': ('code', 'displayStatus', 'level', 'message', 'time'),
    'errorInfo': _ERROR,
    'errorInfo.details[]': _ERROR,
    'errorInfo.additionalInfo[]': ('type', 'info'),
    'aksAssignedIdentity': ('principalId', 'tenantId', 'type', 'objectId', 'clientId', 'resourceId'),
    'managementDetails': ('category', 'accessDetails'),
    'managementDetails.accessDetails[]': ('entity', 'allowedActions', 'description'),
    'additionalDetails': ('docs', 'releaseNotes', 'troubleshootingGuide'),
}


def _fill_nested(document):
    """Give every nested object of the document the keys the official output has, null where absent."""
    for path, keys in NESTED_KEYS.items():
        for item in _objects_at(document, path.split('.')):
            for key in keys:
                item.setdefault(key, None)


def _objects_at(value, steps):
    """The dicts a path such as ['errorInfo', 'details[]'] leads to."""
    if not steps:
        return [value] if isinstance(value, dict) else []
    step, rest = steps[0], steps[1:]
    if not isinstance(value, dict):
        return []
    child = value.get(step.rstrip('[]'))
    if step.endswith('[]'):
        return [found for item in child or [] for found in _objects_at(item, rest)] if isinstance(child, list) else []
    return _objects_at(child, rest)


def extension_output(resource):
    """Flatten an extension (SDK model or REST dict) the way the official tool prints it: properties on top."""
    if resource is None:
        return None
    document = resource.as_dict() if hasattr(resource, 'as_dict') else dict(resource)
    flattened = OrderedDict((key, value) for key, value in document.items() if key != 'properties')
    flattened.update(document.get('properties') or {})
    for key in OFFICIAL_KEYS:
        flattened.setdefault(key, None)
    if isinstance(flattened['scope'], dict):
        flattened['scope'] = dict({'cluster': None, 'namespace': None}, **flattened['scope'])
    _fill_nested(flattened)
    return mask_protected(flattened)


def _plan_columns(row, item):
    plan = item.get('plan') or {}
    if plan:
        row['PlanName'] = plan.get('name')
        row['PlanProduct'] = plan.get('product')
        row['PlanPublisher'] = plan.get('publisher')


def _extension_row(item):
    row = OrderedDict([
        ('Name', item.get('name')),
        ('ExtensionType', item.get('extensionType')),
        ('Version', item.get('currentVersion') or item.get('version')),
        ('AutoUpgrade', item.get('autoUpgradeMinorVersion')),
        ('ReleaseTrain', item.get('releaseTrain')),
        ('ProvisioningState', item.get('provisioningState')),
    ])
    row['AutoUpgradeMode'] = item.get('autoUpgradeMode') or ''
    _plan_columns(row, item)
    details = item.get('managementDetails') or {}
    if details.get('category'):
        from .checks.existing import managed_by
        row['ManagedBy'] = managed_by(item) or ''
    if item.get('isSystemExtension'):
        row['System'] = 'yes'  # installed by the platform, not by a user
    return row


def extension_table(result):
    items = result if isinstance(result, list) else [result]
    if items and isinstance(items[0], dict) and ('clusterName' in items[0] or 'count' in items[0]):
        from .multicluster.inventory import inventory_table  # rows of a list across clusters, or their summary
        return inventory_table(items)
    rows = [_extension_row(item) for item in items if item]
    # The auto-upgrade mode gets a column only when some extension has left the service's default.
    if all(str(row['AutoUpgradeMode']).lower() in ('', 'compatible') for row in rows):
        for row in rows:
            del row['AutoUpgradeMode']
    # Every row needs the same columns, or the table drops them: add blank plan cells where others have a plan.
    for columns in (('AutoUpgradeMode',), ('PlanName', 'PlanProduct', 'PlanPublisher'), ('ManagedBy',), ('System',)):
        if any(columns[0] in row for row in rows):
            for row in rows:
                for column in columns:
                    row.setdefault(column, '')
    return [OrderedDict(sorted(row.items(), key=lambda cell: _COLUMN_ORDER.get(cell[0], 0))) for row in rows]


# Columns added to some rows only go where every row has them: after the fixed ones, in this order.
_COLUMN_ORDER = {'AutoUpgradeMode': 1, 'PlanName': 2, 'PlanProduct': 3, 'PlanPublisher': 4, 'ManagedBy': 5, 'System': 6}


def _cluster_scope_settings(properties):
    """clusterScopeSettings, whether flat (what the service sends) or wrapped in `properties` (the SDK's model)."""
    settings = (properties.get('supportedScopes') or {}).get('clusterScopeSettings') or {}
    return settings.get('properties') or settings


def _type_row(item):
    properties = item.get('properties') or {}
    cluster_scope = _cluster_scope_settings(properties)
    return OrderedDict([
        ('Name', item.get('name')),
        ('DefaultScope', (properties.get('supportedScopes') or {}).get('defaultScope')),
        ('ClusterTypes', ', '.join(properties.get('supportedClusterTypes') or [])),
        ('DefaultReleaseNamespace', cluster_scope.get('defaultReleaseNamespace')),
        ('AllowMultipleInstances', cluster_scope.get('allowMultipleInstances')),
    ])


def extension_type_table(result):
    return [_type_row(item) for item in (result if isinstance(result, list) else [result]) if item]


def extension_version_table(result):
    """One row per version, with its release train when known: never a list crammed into one cell."""
    rows = []
    for item in (result if isinstance(result, list) else [result]):
        properties = (item or {}).get('properties') or {}
        row = OrderedDict([('Version', properties.get('version') or item.get('name'))])
        if properties.get('releaseTrain'):
            row['ReleaseTrain'] = properties['releaseTrain']
        row['ClusterTypes'] = ', '.join(properties.get('supportedClusterTypes') or [])
        if 'compatibleWithCluster' in properties:  # listings by cluster: does the version run on it?
            row['Compatible'] = {True: 'yes', False: 'no'}.get(properties['compatibleWithCluster'], 'unknown')
        rows.append(row)
    return rows


def troubleshoot_table(result):
    """One row per finding, most important first; a single row saying so when nothing was found."""
    findings = (result or {}).get('findings') or []
    if not findings:
        return [OrderedDict([('Rank', ''), ('Severity', 'none'), ('Finding', (result or {}).get('summary')),
                             ('Fix', '')])]
    return [OrderedDict([('Rank', item['rank']), ('Severity', item['severity']), ('Finding', item['title']),
                         ('Fix', item['fix'])]) for item in findings]
