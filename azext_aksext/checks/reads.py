"""Where the checks get their answers from Azure.

One command (`Reads`) asks when a check first needs an answer, and asks each question once. A rollout gives every
cluster a reader of its own (`multicluster/offers.py`) that answers the same questions from the cluster as Resource
Graph listed it and from a cache of the extension types API shared by every cluster: one request per location,
cluster kind, type and release train, whatever the number of clusters. The checks are the same either way.

A read raises what the service raised; the checks decide what a failure means (see checks/__init__.py).
"""
from collections import namedtuple

from ..core.clusters import AKS, EXTENSIONS_API_VERSION, cluster_id, cluster_kind, extension_id, sdk_path_args
from ..core.answers import mapping
from ..core.compatibility import ClusterFacts

# location, identity type ('SystemAssigned', 'None', ...), facts (a ClusterFacts) and the cluster's properties.
ClusterView = namedtuple('ClusterView', 'location identity_type facts properties')


def facts_of(cluster_type, properties):
    """The Kubernetes version and distribution a cluster's properties show (a version given as a number is read
    as its text)."""
    properties = mapping(properties)
    version = _scalar(properties.get('currentKubernetesVersion')) or _scalar(properties.get('kubernetesVersion'))
    distribution = 'AKS' if cluster_type == AKS else _scalar(properties.get('distribution'))
    return ClusterFacts(cluster_type, version, distribution)


def _scalar(value):
    """A string, or a number read as its text (1.3 is '1.3'); None for anything else (an object, a list, true)."""
    if isinstance(value, bool):
        return None
    return str(value) if isinstance(value, (str, int, float)) and str(value) else None


def view_of_model(cluster_type, cluster):
    """A ClusterView of an AKS cluster as the containerservice SDK returns it."""
    identity = str(getattr(getattr(cluster, 'identity', None), 'type', None) or 'None').rsplit('.', 1)[-1]
    version = _scalar(getattr(cluster, 'current_kubernetes_version', None)) or \
        _scalar(getattr(cluster, 'kubernetes_version', None))
    return ClusterView(getattr(cluster, 'location', None), identity, ClusterFacts(cluster_type, version, 'AKS'), None)


def view_of_document(cluster_type, document):
    """A ClusterView of a cluster as a REST document or a Resource Graph row shows it."""
    identity, properties = mapping(document.get('identity')), mapping(document.get('properties'))
    return ClusterView(document.get('location'), str(identity.get('type') or 'None'),
                       facts_of(cluster_type, properties), properties)


class Reads:
    """The answers the checks need for one command, read on first use and kept."""

    def __init__(self):
        self._answers = {}

    def _once(self, key, read):
        """read()'s answer, or the error it raised, the first time; the same afterwards."""
        if key not in self._answers:
            try:
                self._answers[key] = (True, read())
            except Exception as err:  # pylint: disable=broad-except
                self._answers[key] = (False, err)
        ok, value = self._answers[key]
        if not ok:
            raise value
        return value

    def aks_cluster(self, cmd, target):
        from .._client_factory import cf_managed_clusters
        cluster = cf_managed_clusters(cmd.cli_ctx).get(target.ref.resource_group, target.ref.name, retry_total=1)
        return view_of_model(target.ref.cluster_type, cluster)

    def cluster_facts(self, cmd, target):
        """The Kubernetes version and distribution of a cluster of any kind, read as a generic resource."""
        from azure.cli.core.commands.client_factory import get_subscription_id
        from .._client_factory import cf_resources
        kind = cluster_kind(target.ref.cluster_type)
        subscription = getattr(target, 'subscription', None) or get_subscription_id(cmd.cli_ctx)
        resource = cf_resources(cmd.cli_ctx, subscription).resources.get_by_id(
            cluster_id(subscription, target.ref), kind.api_version, retry_total=1)
        return facts_of(target.ref.cluster_type, getattr(resource, 'properties', None))

    def supported_cluster_types(self, cmd, target, extension_type):  # pylint: disable=unused-argument
        """The cluster types the type runs on when already known without a request, else None (one command knows
        them only once it asks)."""
        return None

    def type_document(self, cmd, target, extension_type):
        from .._client_factory import cf_extension_types
        return self._once(('type', extension_type.lower()), lambda: cf_extension_types(cmd.cli_ctx).get(
            *sdk_path_args(target.ref), extension_type, retry_total=1).as_dict())

    def versions(self, cmd, target, extension_type, train):
        """Every version of the train for this cluster (the types API by cluster)."""
        from .._client_factory import cf_extension_types
        return self._once(('versions', extension_type.lower(), (train or '').lower()), lambda: [
            item.as_dict() for item in cf_extension_types(cmd.cli_ctx).cluster_list_versions(
                *sdk_path_args(target.ref), extension_type, release_train=train, retry_total=1)])

    def location_type(self, cmd, location, extension_type):
        from .._client_factory import cf_extension_types
        return self._once(('location', location.lower(), extension_type.lower()), lambda: cf_extension_types(
            cmd.cli_ctx).location_get(location, extension_type, retry_total=1).as_dict())

    def extension(self, client, target):
        """The extension as the user sees it; raises what the read raised (a 404 when there is none)."""
        from .._format import extension_output
        if not _exists(target):
            from azure.core.exceptions import ResourceNotFoundError
            error = ResourceNotFoundError(f'{target.name} does not exist')
            error.status_code = 404
            raise error
        return extension_output(client.get(*sdk_path_args(target.ref), target.name, retry_total=1))


def _exists(target):
    """ARM's check-existence (HEAD) of the extension; True where the provider does not implement HEAD (405, 501),
    so that the GET tells."""
    from azure.core.exceptions import HttpResponseError
    from azure.cli.core.commands.client_factory import get_subscription_id
    from .._client_factory import cf_resources
    cli_ctx = target.cmd.cli_ctx
    subscription = getattr(target, 'subscription', None) or get_subscription_id(cli_ctx)
    try:
        return cf_resources(cli_ctx, subscription).resources.check_existence_by_id(
            extension_id(subscription, target.ref, target.name), EXTENSIONS_API_VERSION, retry_total=1)
    except HttpResponseError as err:
        if err.status_code in (405, 501):
            return True
        raise
