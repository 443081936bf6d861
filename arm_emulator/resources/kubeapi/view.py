"""A cluster's Kubernetes API as one read sees it: its extensions settled, each turned into its objects
(objects.py), its namespaces, and on Arc the agents in azure-arc."""
from ..extensions import operations
from .objects import (ARC_AGENTS, ARC_AGENTS_NAMESPACE, SYSTEM_NAMESPACES, Release, _healthy_pods, _log, _meta,
                      _workload, k8s_time, release_objects)


class ClusterView:
    """The cluster's objects now: every extension settled, then turned into its objects."""

    def __init__(self, service, cluster):
        self.service, self.cluster = service, cluster
        key = cluster['id'].lower()
        operations.settle_pending(service, key)
        prefix = key + '/providers/microsoft.kubernetesconfiguration/extensions/'
        self.releases = [Release(service, doc, service.store.protected_settings(doc['id'].lower()),
                                 cluster.get('location') or 'eastus')
                         for _, doc in service.store.extensions_under([prefix])]
        self.arc = cluster['type'].lower() == 'microsoft.kubernetes/connectedclusters'
        self._objects = {}

    def objects(self, namespace=None):
        """The objects of every release (in ``namespace`` only, when given), by kind."""
        if namespace not in self._objects:
            merged = {}
            for release in self.releases:
                if namespace is None or release.namespace == namespace:
                    for kind, items in release_objects(release).items():
                        merged.setdefault(kind, []).extend(items)
            if self.arc and namespace in (None, ARC_AGENTS_NAMESPACE):
                for kind, items in self._arc_agents().items():
                    merged.setdefault(kind, []).extend(items)
            self._objects[namespace] = merged
        return self._objects[namespace]

    def _arc_agents(self):
        """The Arc agents' pods in azure-arc; an offline cluster's config agent logs why it cannot reach Azure."""
        doc = {'id': self.cluster['id'] + '/agents', 'name': 'azure-arc', 'extensionType': 'microsoft.arc.agents',
               'scope': {'cluster': {'releaseNamespace': ARC_AGENTS_NAMESPACE}},
               'currentVersion': self.cluster['properties'].get('agentVersion') or '1.24.3',
               'provisioningState': 'Succeeded', 'createdAt': self.service.clock() - 86400}
        agents = Release(self.service, doc, {}, self.cluster.get('location') or 'eastus')
        offline = self.cluster['properties'].get('connectivityStatus') in ('Offline', 'Expired')
        pods = []
        for agent in ARC_AGENTS:
            pod = _healthy_pods(agents, agent)[0]
            if offline:
                pod['_logs'] = _log(agents, tail=[
                    f'{agents.modified} ERROR could not reach https://{agents.location}.dp.kubernetesconfiguration.'
                    'azure.com: dial tcp: lookup failed: i/o timeout (retrying in 60s)'])
            pods.append(pod)
        return {'pods': pods, 'workloads': [_workload(agents, agent, 'Deployment', ready=True)
                                            for agent in ARC_AGENTS]}

    def namespace_names(self):
        names = list(SYSTEM_NAMESPACES) + ([ARC_AGENTS_NAMESPACE] if self.arc else [])
        for release in self.releases:
            if release.namespace not in names:
                names.append(release.namespace)
        return names

    def namespace(self, name):
        if name not in self.namespace_names():
            return None
        stuck = [release for release in self.releases if release.namespace == name and
                 release.cause == 'stuck_namespace']
        created = next((release.created for release in self.releases if release.namespace == name),
                       k8s_time(self.service.clock() - 86400))
        doc = {'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': _meta(name, None, created),
               'spec': {'finalizers': ['kubernetes']}, 'status': {'phase': 'Active'}}
        doc['metadata'].pop('namespace')
        if stuck:
            doc['metadata']['deletionTimestamp'] = stuck[0].modified
            doc['status'] = {'phase': 'Terminating', 'conditions': [
                {'type': 'NamespaceContentRemaining', 'status': 'True', 'reason': 'SomeResourcesRemain',
                 'message': 'Some resources are remaining: persistentvolumeclaims. has 1 resource instances, pods. '
                            'has 1 resource instances', 'lastTransitionTime': stuck[0].modified},
                {'type': 'NamespaceFinalizersRemaining', 'status': 'True', 'reason': 'SomeFinalizersRemain',
                 'message': 'Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in '
                            '1 resource instances', 'lastTransitionTime': stuck[0].modified}]}
        return doc

    def items(self, kind, namespace=None, kinds=None):
        """Objects of a kind ('pods', 'events', 'secrets', ...), in one namespace or all; workloads by ``kinds``."""
        found = self.objects(namespace).get(kind, [])
        if kinds:
            found = [item for item in found if item.get('_kind') in kinds]
        if namespace is not None:
            found = [item for item in found if item['metadata']['namespace'] == namespace]
        return found

    def pod(self, namespace, name):
        return next((pod for pod in self.items('pods', namespace) if pod['metadata']['name'] == name), None)

    @property
    def kubernetes_version(self):
        properties = self.cluster.get('properties') or {}
        return properties.get('currentKubernetesVersion') or properties.get('kubernetesVersion') or '1.33.2'
