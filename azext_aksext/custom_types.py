"""The functions behind `az k8s-extension extension-types ...` and `az aks extension type ...`: which extension types
exist for a location or a cluster, and their versions."""
from azure.cli.core.azclierror import ArgumentUsageError

from .core.clusters import cluster_ref, sdk_path_args
from .core.defaults import STABLE_TRAIN
from .core.errors import translate
from .core.operations import interruptible
from .core.paging import all_items
from .core.target import Target


# pylint: disable=too-many-arguments,unused-argument

@interruptible
def list_types_by_location(cmd, client, *, location, cluster_type=None, release_train=None, plan_publisher=None,
                           plan_product=None, plan_name=None):
    return _call(Target.in_location(cmd, location), 'list extension types in',
                 lambda: [_raw(item) for item in all_items(client.location_list(
                     location, publisher_id=plan_publisher, offer_id=plan_product, plan_id=plan_name,
                     release_train=release_train, cluster_type=cluster_type), 'extension types')])


@interruptible
def show_type_by_location(cmd, client, *, location, extension_type):
    return _call(Target.in_location(cmd, location), 'show an extension type in',
                 lambda: _raw(client.location_get(location, extension_type)), _type_named(extension_type))


@interruptible
def list_versions_by_location(cmd, client, *, location, extension_type, release_train=None, cluster_type=None,
                              major_version=None, show_latest=False):
    versions = _call(Target.in_location(cmd, location), 'list extension type versions in',
                     lambda: [_raw(item) for item in all_items(client.list_versions(
                         location, extension_type, release_train=release_train,
                         cluster_type=cluster_type, major_version=major_version,
                         show_latest=bool(show_latest)), 'extension type versions')],
                     _type_named(extension_type))
    return _with_train(versions, release_train)


@interruptible
def show_version_by_location(cmd, client, *, location, extension_type, version):
    return _call(Target.in_location(cmd, location), 'show an extension type version in',
                 lambda: _raw(client.get_version(location, extension_type, version)),
                 _version_named(extension_type, version))


@interruptible
def list_types_by_cluster(cmd, client, *, resource_group_name, cluster_name, cluster_type=None, cluster_rp=None,
                          release_train=None, plan_publisher=None, plan_product=None, plan_name=None):
    target = _cluster_target(cmd, resource_group_name, cluster_name, cluster_type, cluster_rp)
    return _call(target, 'list extension types for', lambda: [_raw(item) for item in all_items(client.list(
        *sdk_path_args(target.ref), publisher_id=plan_publisher, offer_id=plan_product, plan_id=plan_name,
        release_train=release_train), 'extension types')])


@interruptible
def show_type_by_cluster(cmd, client, *, resource_group_name, cluster_name, extension_type, cluster_type=None,
                         cluster_rp=None):
    target = _cluster_target(cmd, resource_group_name, cluster_name, cluster_type, cluster_rp)
    return _call(target, 'show an extension type for',
                 lambda: _raw(client.get(*sdk_path_args(target.ref), extension_type)), _type_named(extension_type))


@interruptible
def list_versions_by_cluster(cmd, client, *, resource_group_name, cluster_name, extension_type, cluster_type=None,
                             cluster_rp=None, release_train=None, major_version=None, show_latest=False):
    target = _cluster_target(cmd, resource_group_name, cluster_name, cluster_type, cluster_rp)
    versions = _call(target, 'list extension type versions for',
                     lambda: [_raw(item) for item in all_items(client.cluster_list_versions(
                         *sdk_path_args(target.ref), extension_type, release_train=release_train,
                         major_version=major_version, show_latest=bool(show_latest)), 'extension type versions')],
                     _type_named(extension_type))
    from .upgrades import mark_compatibility
    return mark_compatibility(cmd, target.ref, _with_train(versions, release_train))


@interruptible
def show_version_by_cluster(cmd, client, *, resource_group_name, cluster_name, extension_type, version,
                            cluster_type=None, cluster_rp=None):
    target = _cluster_target(cmd, resource_group_name, cluster_name, cluster_type, cluster_rp)
    from .upgrades import mark_compatibility
    return mark_compatibility(cmd, target.ref, _call(
        target, 'show an extension type version for',
        lambda: _raw(client.cluster_get_version(*sdk_path_args(target.ref), extension_type, version)),
        _version_named(extension_type, version)))


# `az aks extension type ...` takes either -l or -g with -c, and dispatches to the functions above.

@interruptible
def aks_list_types(cmd, client, *, location=None, resource_group_name=None, cluster_name=None, release_train=None,
                   plan_publisher=None, plan_product=None, plan_name=None):
    plan = {'release_train': release_train, 'plan_publisher': plan_publisher, 'plan_product': plan_product,
            'plan_name': plan_name}
    if _by_location(location, resource_group_name, cluster_name):
        return list_types_by_location(cmd, client, location=location, cluster_type='managedClusters', **plan)
    return list_types_by_cluster(cmd, client, resource_group_name=resource_group_name, cluster_name=cluster_name,
                                 cluster_type='managedClusters', **plan)


@interruptible
def aks_show_type(cmd, client, *, extension_type, location=None, resource_group_name=None, cluster_name=None):
    if _by_location(location, resource_group_name, cluster_name):
        return show_type_by_location(cmd, client, location=location, extension_type=extension_type)
    return show_type_by_cluster(cmd, client, resource_group_name=resource_group_name, cluster_name=cluster_name,
                                extension_type=extension_type, cluster_type='managedClusters')


@interruptible
def aks_list_versions(cmd, client, *, extension_type, location=None, resource_group_name=None, cluster_name=None,
                      release_train=None, major_version=None, show_latest=False):
    filters = {'release_train': release_train, 'major_version': major_version, 'show_latest': show_latest}
    if _by_location(location, resource_group_name, cluster_name):
        return list_versions_by_location(cmd, client, location=location, extension_type=extension_type,
                                         cluster_type='managedClusters', **filters)
    return list_versions_by_cluster(cmd, client, resource_group_name=resource_group_name, cluster_name=cluster_name,
                                    extension_type=extension_type, cluster_type='managedClusters', **filters)


@interruptible
def aks_show_version(cmd, client, *, extension_type, version, location=None, resource_group_name=None,
                     cluster_name=None):
    if _by_location(location, resource_group_name, cluster_name):
        return show_version_by_location(cmd, client, location=location, extension_type=extension_type,
                                        version=version)
    return show_version_by_cluster(cmd, client, resource_group_name=resource_group_name, cluster_name=cluster_name,
                                   extension_type=extension_type, version=version, cluster_type='managedClusters')


def _type_named(extension_type):
    return f"Extension type '{extension_type}'"


def _version_named(extension_type, version):
    return f"Version '{version}' of extension type '{extension_type}'"


def _by_location(location, resource_group_name, cluster_name):
    """True for the -l form, False for the -g/-c form; anything else is an error naming both forms."""
    by_cluster = resource_group_name is not None or cluster_name is not None
    if location and by_cluster:
        raise ArgumentUsageError("Give either -l/--location, or -g/--resource-group with -c/--cluster-name, not both.",
                                 "Use -l to ask about a region, or -g and -c to ask about one AKS cluster.")
    if location:
        return True
    if resource_group_name and cluster_name:
        return False
    raise ArgumentUsageError(
        "Say where to look: -l/--location, or both -g/--resource-group and -c/--cluster-name.",
        "For example: -l eastus, or -g my-rg -c my-cluster.")


def _cluster_target(cmd, resource_group_name, cluster_name, cluster_type, cluster_rp):
    return Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp))


def _raw(model):
    """The REST document as the service sent it (the SDK model keeps fields it does not model)."""
    return model.as_dict() if hasattr(model, 'as_dict') else model


def _with_train(versions, release_train):
    """Versions come back for one release train; remember which, so `-o table` can show it per row."""
    train = release_train or STABLE_TRAIN
    for item in versions:
        item.setdefault('properties', {}).setdefault('releaseTrain', train)
    return versions


def _call(target, action, request, missing=None):
    try:
        return request()
    except Exception as err:  # pylint: disable=broad-except
        raise translate(err, target, action, missing) from err
