"""Check 3 (see checks/__init__.py): Kubernetes versions. The chosen (or the train's newest) extension version
supports the cluster's Kubernetes version and distribution, and `az aks extension update` keeps to the AKS rule for
core extensions."""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError, ValidationError

from ..core.answers import mapping
from ..core.clusters import describe
from ..core.compatibility import is_patch_change, supporting, verdict, version_name, version_order
from ..core.defaults import STABLE_TRAIN
from . import reading, unanswered, warn_unread
from .cluster import read_cluster_facts

logger = get_logger(__name__)


def read_train(cmd, target, extension_type, train):
    """(every version of the train for this cluster, None) or (None, the error of the types API when it could not
    say; None for a 404: a private type or train, which the other checks report)."""
    try:
        return [mapping(item) for item in target.reads.versions(cmd, target, extension_type, train)], None
    except Exception as err:  # pylint: disable=broad-except
        return None, None if getattr(err, 'status_code', None) == 404 else err


def train_versions(cmd, target, extension_type, train):
    """Every version of the train for this cluster, or None when the types API cannot say (after one warning, and
    the write's other checks are not made: checks.unanswered)."""
    versions, failure = read_train(cmd, target, extension_type, train)
    if failure:
        what, then = _versions_unread(extension_type)
        unanswered(target, what, failure, then)
    return versions


def _versions_unread(extension_type):
    return (f"read the versions of extension type '{extension_type}'",
            'whether they support the cluster is unknown: the service checks it when one is installed')


def warn_versions_unread(extension_type, err):
    what, then = _versions_unread(extension_type)
    warn_unread(what, err, then)


def check_compatibility(cmd, target, extension_type, *, version=None, release_train=None, cluster_readable=True):
    """Refuse a version (given, or the newest of the train a create follows) that does not support the cluster.

    cluster_readable=False: an earlier check could not read the cluster and said so; do not try (and warn) again."""
    if not (cluster_readable and reading(target)):
        return
    train = release_train or STABLE_TRAIN
    facts = read_cluster_facts(cmd, target)
    if facts is None or not facts.kubernetes_version:
        return
    versions = train_versions(cmd, target, extension_type, train)
    if not versions:
        return
    if version:
        chosen = next((item for item in versions if version_name(item) == version), None)
    else:
        chosen = max(versions, key=lambda item: version_order(version_name(item)))
    if chosen is None:
        return  # not in this train: the version check of the types API reports that
    result = verdict(chosen, facts)
    if result.supported is None and result.reasons:
        logger.warning("Cannot tell whether version %s of extension type '%s' supports Kubernetes %s: its exclusions "
                       "are %s. The service will check it.", version_name(chosen), extension_type,
                       facts.kubernetes_version, '; '.join(result.reasons))
    if result.supported is not False:
        return
    good = supporting(versions, facts)
    cluster = (f"{describe(target.ref)} ({'Kubernetes ' + facts.kubernetes_version}"
               f"{', distribution ' + facts.distribution if facts.distribution else ''})")
    what = f"Version {version}" if version else (f"The newest version of release train '{train}', "
                                                 f"{version_name(chosen)},")
    raise InvalidArgumentValueError(
        f"{what} of extension type '{extension_type}' does not support Kubernetes {facts.kubernetes_version}: it "
        f"excludes {', '.join(result.reasons)} on {cluster}.",
        (f"Newest versions in train '{train}' that support it: {', '.join(good)}; pin one with "
         f"--version{' (and --auto-upgrade-minor-version false)' if not version else ''}." if good else
         f"No version in train '{train}' supports Kubernetes {facts.kubernetes_version}; upgrade the cluster's "
         "Kubernetes version first."))


def check_core_policy(cmd, target, current, version):
    """`az aks extension update --version`: AKS allows patch upgrades only within a Kubernetes minor version."""
    installed = current.get('currentVersion') or current.get('version')
    if not version or not target.group.startswith('aks') or is_patch_change(installed, version):
        return
    facts = read_cluster_facts(cmd, target) if reading(target) else None  # for the message
    running = f' (the cluster runs Kubernetes {facts.kubernetes_version})' if facts and \
        facts.kubernetes_version else ''
    raise ValidationError(
        f"Version {version} is a minor or major upgrade of extension '{target.name}' (installed: {installed}). On AKS, "
        f"extensions follow the add-on rule: within the cluster's Kubernetes minor version{running} only patch "
        "upgrades are allowed; minor and major upgrades come with a Kubernetes minor upgrade.",
        f"Pick a patch version of {'.'.join(installed.split('.')[:2])} (`az aks extension type version list -g "
        f"{target.ref.resource_group} -c {target.ref.name} -t {current.get('extensionType')}` lists them), or "
        f"upgrade the cluster to the next Kubernetes minor version: az aks upgrade -g {target.ref.resource_group} -n "
        f"{target.ref.name} --kubernetes-version <version>.")
