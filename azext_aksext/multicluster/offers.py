"""Whether the extension type (and the pinned version) is offered for a cluster type in a location.

One question to the extension types API per (location, cluster type), however many clusters share them. When
the API cannot answer, the service decides, as create and update do (a warning says so once).
"""
import threading

from knack.log import get_logger

logger = get_logger(__name__)


# A thread-safe cache of the versions offered per region, asked of the service at most once per key.
class Offers:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    def __init__(self, cli_ctx, extension_type, version, release_train):
        self.cli_ctx = cli_ctx
        self.extension_type, self.version, self.train = extension_type, version, release_train
        self.answers = {}
        self.lock = threading.Lock()
        self.client = None
        self.warned = False

    def blocker(self, location, cluster_type):
        """The reason this cluster cannot get the desired extension, or None."""
        if not self.extension_type or not location:
            return None
        key = (location.lower(), cluster_type)
        with self.lock:
            if key not in self.answers:
                self.answers[key] = self._ask(location, cluster_type)
            return self.answers[key]

    def _ask(self, location, cluster_type):
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
        from .._client_factory import cf_extension_types
        from ..checks.types_api import nearest
        try:
            if self.client is None:
                self.client = cf_extension_types(self.cli_ctx)
            versions = [(item.as_dict().get('properties') or {}).get('version') or item.name
                        for item in self.client.list_versions(location, self.extension_type,
                                                              release_train=self.train or None,
                                                              cluster_type=cluster_type)]
        except ResourceNotFoundError:
            return f'the extension type {self.extension_type} is not offered in {location}'
        except (HttpResponseError, OSError) as err:
            if not self.warned:
                self.warned = True
                logger.warning('Could not ask the extension types API which versions of %s are offered (%s); '
                               'the service will decide.', self.extension_type, getattr(err, 'message', err))
            return None
        if not versions:
            return f'the extension type {self.extension_type} is not offered for {cluster_type} clusters in {location}'
        if self.version and self.version not in versions:
            return (f'version {self.version} of {self.extension_type} is not offered for {cluster_type} clusters in '
                    f"{location} (nearest: {', '.join(nearest(self.version, versions)) or 'none'})")
        return None
