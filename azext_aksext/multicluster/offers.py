"""What the checks before a write read, shared across the clusters of a rollout.

The checks of a create or an update (checks/) ask about the cluster and about the extension types API. In a
rollout, every cluster's reader answers from the cluster as Resource Graph listed it (no request) and from one
cache of the extension types API by location: one question per location and type, and per location, cluster kind,
type and release train for the versions, however many clusters share them. A failed answer is kept too, so that
a failing API is asked once, not once per cluster. Several workers asking the same question wait for one answer.
"""
import threading

from ..checks.reads import Reads, view_of_document


class SharedAnswers:
    """The extension types API by location, asked once per question for a whole rollout."""

    def __init__(self, cli_ctx):
        self.cli_ctx = cli_ctx
        self.lock = threading.Lock()
        self.answers = {}      # key -> (ok, value or error)
        self.asking = {}       # key -> threading.Event set once the answer is in
        self._client = None

    def client(self):
        with self.lock:
            if self._client is None:
                from .._client_factory import cf_extension_types
                self._client = cf_extension_types(self.cli_ctx)
            return self._client

    def once(self, key, read):
        with self.lock:
            event = self.asking.get(key)
            first = event is None
            if first:
                event = self.asking[key] = threading.Event()
        if first:
            try:
                answer = (True, read())
            except Exception as err:  # pylint: disable=broad-except
                answer = (False, err)
            with self.lock:
                self.answers[key] = answer
            event.set()
        else:
            event.wait()
        ok, value = self.answers[key]
        if not ok:
            raise value
        return value

    def type_document(self, location, extension_type):
        return self.once(('type', location.lower(), extension_type.lower()), lambda: self.client().location_get(
            location, extension_type, retry_total=1).as_dict())

    def versions(self, location, cluster_type, extension_type, train):
        key = ('versions', location.lower(), cluster_type.lower(), extension_type.lower(), (train or '').lower())
        return self.once(key, lambda: [item.as_dict() for item in self.client().list_versions(
            location, extension_type, release_train=train, cluster_type=cluster_type, retry_total=1)])

    def reads_for(self, cluster, extension=None):
        return ClusterReads(self, cluster, extension)


class ClusterReads(Reads):
    """The answers for one cluster of a rollout: its Resource Graph row, the shared cache, and the extension as the
    rollout last read it."""

    def __init__(self, shared, cluster, extension=None):
        super().__init__()
        self.shared, self.cluster, self.known_extension = shared, cluster, extension
        self.location = cluster.get('location')

    def aks_cluster(self, cmd, target):
        return view_of_document(target.ref.cluster_type, self.cluster)

    def cluster_facts(self, cmd, target):
        return view_of_document(target.ref.cluster_type, self.cluster).facts

    def supported_cluster_types(self, cmd, target, extension_type):
        if not self.location:
            return None
        try:
            document = self.shared.type_document(self.location, extension_type)
        except Exception:  # pylint: disable=broad-except
            return None  # the type's own questions below say what went wrong
        return (document.get('properties') or {}).get('supportedClusterTypes')

    def type_document(self, cmd, target, extension_type):
        if not self.location:
            return super().type_document(cmd, target, extension_type)
        return self.shared.type_document(self.location, extension_type)

    def versions(self, cmd, target, extension_type, train):
        if not self.location:
            return super().versions(cmd, target, extension_type, train)
        return self.shared.versions(self.location, target.ref.cluster_type, extension_type, train)

    def location_type(self, cmd, location, extension_type):
        return self.shared.type_document(location, extension_type)

    def extension(self, client, target):
        """The extension as the rollout last read it: no request."""
        if self.known_extension is None:
            from azure.core.exceptions import ResourceNotFoundError
            error = ResourceNotFoundError(f'{target.name} is not installed')
            error.status_code = 404
            raise error
        return self.known_extension
