"""Check 2 (see checks/__init__.py): the extension types API says the type runs on this kind of cluster, and the
release train and version asked for exist. Each question costs one request, asked only when the command needs it."""
import re

from azure.cli.core.azclierror import InvalidArgumentValueError

from ..core.answers import items, mapping
from ..core.clusters import describe
from ..core.compatibility import version_name
from ..core.defaults import STABLE_TRAIN
from ..core.errors import error_code_and_message
from . import reading, unanswered, warn_unread


def check_type_metadata(cmd, target, extension_type, *, scope=None, version=None, release_train=None, location=None):
    """Scope, version, release train and cluster type against what the extension types API says of the type.

    location (when known) lets a refusal list the cluster types the type does support."""
    if not (scope or version or release_train) or not reading(target):
        return
    reads = target.reads
    _check_cluster_type(extension_type, reads.supported_cluster_types(cmd, target, extension_type), target)
    # One retry at most: a check that cannot get an answer warns and lets the service decide, it never stalls.
    if scope:
        metadata = _ask(cmd, target, extension_type, location,
                        lambda: mapping(reads.type_document(cmd, target, extension_type)))
        if metadata is None:
            return  # the types API did not answer (and said so once): the service decides the rest
        properties = mapping(metadata.get('properties'))
        # Its supportedScopes name the default scope only, not every scope the type allows: the scope itself is
        # left to the type's rules and to the service.
        _check_cluster_type(extension_type, properties.get('supportedClusterTypes'), target)
    if version or release_train:
        train = release_train or STABLE_TRAIN
        versions = _ask(cmd, target, extension_type, location,
                        lambda: [mapping(item) for item in items(reads.versions(cmd, target, extension_type, train))])
        if versions is not None:
            _check_version(extension_type, train, versions, version, train_given=bool(release_train), target=target)


def _ask(cmd, target, extension_type, location, request):
    """The types API's answer, or None (with one warning) when it cannot answer: the service decides then.

    The by-cluster API answers 404 both for a type it does not know and for a type that does not run on this kind
    of cluster; where the cluster's location is known, the by-location API tells the two apart. Its 400 is an
    answer too: the type cannot be installed there."""
    try:
        return request()
    except Exception as err:  # pylint: disable=broad-except
        status = getattr(err, 'status_code', None)
        if status in (400, 404) and location:
            _check_cluster_type(extension_type, _supported_cluster_types(cmd, target, location, extension_type),
                                target)
        if status == 400:
            raise InvalidArgumentValueError(
                f"Extension type '{extension_type}' cannot be installed on {describe(target.ref)}: "
                f"{error_code_and_message(err)[1]}",
                f"`az k8s-extension extension-types list-by-cluster -g {target.ref.resource_group} -c "
                f"{target.ref.name} --cluster-type {target.ref.cluster_type}` lists the types this cluster supports."
            ) from err
        what = f"check extension type '{extension_type}' with the extension types API"
        if status == 404:  # a private type, or one the API does not know here: the service decides
            warn_unread(what, err)
        else:
            unanswered(target, what, err)
        return None


def _supported_cluster_types(cmd, target, location, extension_type):
    try:
        document = mapping(target.reads.location_type(cmd, location, extension_type))
    except Exception:  # pylint: disable=broad-except
        return None
    return mapping(document.get('properties')).get('supportedClusterTypes')


def _check_cluster_type(extension_type, supported, target):
    supported = [kind for kind in items(supported) if isinstance(kind, str)]
    if not supported:
        return
    wanted = target.ref.cluster_type.lower()
    if all(kind.lower().rstrip('s') != wanted.rstrip('s') for kind in supported):
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' does not support {target.ref.cluster_type}; it supports: "
            f"{', '.join(supported)}.",
            "Install it on a cluster of one of those types.")


def _check_version(extension_type, train, versions, version, *, train_given, target):
    named = [(version_name(item), item) for item in versions]
    names = [name for name, _ in named if name]
    if train_given and not names:
        raise InvalidArgumentValueError(
            f"Extension type '{extension_type}' has no release train '{train}'.",
            "Use a train it offers, such as stable or preview; `az k8s-extension extension-types "
            "list-versions-by-cluster` lists them.")
    if version and version not in names:
        raise InvalidArgumentValueError(
            f"Version '{version}' of extension type '{extension_type}' does not exist in release train '{train}'.",
            f"Nearest available versions: {', '.join(nearest(version, names)) or 'none'}.")
    if version:
        item = next(item for name, item in named if name == version)
        _check_cluster_type(extension_type, mapping(item.get('properties')).get('supportedClusterTypes'), target)


def _version_key(text):
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r'[.+-]', text or ''))


def nearest(version, available, count=3):
    """The available versions closest to the requested one, in version order."""
    ordered = sorted(set(available), key=_version_key)
    wanted = _version_key(version)
    position = sum(1 for item in ordered if _version_key(item) < wanted)
    start = max(0, min(position - count // 2 - 1, len(ordered) - count))
    return ordered[start:start + count]
