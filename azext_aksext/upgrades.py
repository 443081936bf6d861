"""What can be upgraded on one cluster: each installed extension against the newest version of its release train
that supports the cluster's Kubernetes version, and the compatibility marks of version listings by cluster."""
from collections import OrderedDict

from .core.clusters import cluster_ref, sdk_path_args
from .core.compatibility import verdict, version_name, version_order
from .core.defaults import STABLE_TRAIN
from .core.errors import translate
from .core.operations import interruptible
from .core.target import Target

COMPATIBLE = 'compatibleWithCluster'


# pylint: disable=too-many-arguments,unused-argument

@interruptible
def list_upgrades(cmd, client, *, resource_group_name, cluster_name, cluster_type=None, cluster_rp=None):
    from ._format import extension_output
    from .checks.cluster import read_cluster_facts
    from .checks.existing import managed_by
    from .checks.versions import read_train, warn_versions_unread
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp))
    try:
        installed = [extension_output(item) for item in client.list(*sdk_path_args(target.ref))]
    except Exception as err:  # pylint: disable=broad-except
        raise translate(err, target, 'list extensions on') from err
    facts = read_cluster_facts(cmd, target, check=False)
    trains, failed = {}, False
    rows = []
    for extension in installed:
        extension_type, train = extension.get('extensionType'), (extension.get('releaseTrain') or STABLE_TRAIN)
        key = (str(extension_type).lower(), train.lower())
        if key not in trains:  # one read per type and train, however many instances
            trains[key], failure = read_train(cmd, target, extension_type, train)
            if failure and not failed:  # one warning, not one per type, when the types API cannot answer
                warn_versions_unread(extension_type, failure)
                failed = True
        rows.append(_upgrade_row(extension, train, trains[key], facts, managed_by(extension)))
    return rows


def _upgrade_row(extension, train, versions, facts, owner):
    installed = extension.get('currentVersion') or extension.get('version')
    names = sorted((version_name(item) for item in versions or []), key=version_order, reverse=True)
    compatible = None
    if versions and facts and facts.kubernetes_version:
        newest_first = sorted(versions, key=lambda item: version_order(version_name(item)), reverse=True)
        compatible = next((version_name(item) for item in newest_first if verdict(item, facts).supported is True),
                          None)
    behind = None
    if compatible and installed:
        behind = version_order(compatible) > version_order(installed)
    return OrderedDict([
        ('name', extension.get('name')), ('extensionType', extension.get('extensionType')),
        ('releaseTrain', train), ('installedVersion', installed),
        ('newestVersion', names[0] if names else None), ('newestCompatibleVersion', compatible),
        ('upgradeAvailable', behind), ('managedBy', owner),
        ('kubernetesVersion', facts.kubernetes_version if facts else None)])


def upgrades_table(result):
    return [OrderedDict([
        ('Name', row['name']), ('ExtensionType', row['extensionType']), ('ReleaseTrain', row['releaseTrain']),
        ('Installed', row['installedVersion']), ('NewestCompatible', row['newestCompatibleVersion'] or 'unknown'),
        ('Newest', row['newestVersion'] or 'unknown'),
        ('Status', _status(row)), ('ManagedBy', row['managedBy'] or '')]) for row in result or []]


def _status(row):
    if row['upgradeAvailable'] is None:
        return 'unknown'
    return 'behind' if row['upgradeAvailable'] else 'up to date'


def mark_compatibility(cmd, ref, versions):
    """Each version (a `versions` item) gets properties.compatibleWithCluster: true, false, or null if unknown
    (also when the aksext.extra_reads switch leaves the cluster unread: the official tool does not read it)."""
    from .checks import extra_reads
    from .checks.cluster import read_cluster_facts
    facts = read_cluster_facts(cmd, Target.of(cmd, ref), check=False) if extra_reads(cmd.cli_ctx) else None
    for item in versions if isinstance(versions, list) else [versions]:
        if isinstance(item, dict):
            item.setdefault('properties', {})[COMPATIBLE] = verdict(item, facts).supported if facts else None
    return versions
