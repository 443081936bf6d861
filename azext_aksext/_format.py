"""Output shapes: the flattened JSON the official tools print, and `-o table` rows."""
from collections import OrderedDict

from .redaction import mask_protected


def extension_output(resource):
    """Flatten an extension (SDK model or REST dict) the way the official tool prints it: properties on top."""
    if resource is None:
        return None
    document = resource.as_dict() if hasattr(resource, 'as_dict') else dict(resource)
    flattened = OrderedDict((key, value) for key, value in document.items() if key != 'properties')
    flattened.update(document.get('properties') or {})
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
    _plan_columns(row, item)
    return row


def extension_table(result):
    items = result if isinstance(result, list) else [result]
    if items and isinstance(items[0], dict) and ('clusterName' in items[0] or 'count' in items[0]):
        from .inventory import inventory_table  # rows of a list across clusters, or their summary
        return inventory_table(items)
    rows = [_extension_row(item) for item in items if item]
    # Every row needs the same columns, or the table drops them: add blank plan cells where others have a plan.
    if any('PlanName' in row for row in rows):
        for row in rows:
            for column in ('PlanName', 'PlanProduct', 'PlanPublisher'):
                row.setdefault(column, '')
    return rows


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
        rows.append(row)
    return rows
