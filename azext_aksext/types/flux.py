"""Flux (microsoft.flux): GitOps. Cluster scope only, release namespace flux-system by default, and the only type an
AKS Fleet Manager hub runs."""
from ..core.clusters import CLUSTER_TYPE_NAMES
from ..core.scope import CLUSTER
from ._base import ExtensionType


class Flux(ExtensionType):
    name = 'microsoft.flux'
    scopes = (CLUSTER,)
    release_namespace = 'flux-system'
    cluster_types = tuple(CLUSTER_TYPE_NAMES)


TYPE = Flux()
