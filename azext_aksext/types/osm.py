"""Open Service Mesh (microsoft.openservicemesh): cluster scope only, in namespace arc-osm-system."""
from ..core.scope import CLUSTER
from ._base import ExtensionType


class OpenServiceMesh(ExtensionType):
    name = 'microsoft.openservicemesh'
    scopes = (CLUSTER,)
    release_namespace = 'arc-osm-system'
    fixed_namespace = True


TYPE = OpenServiceMesh()
