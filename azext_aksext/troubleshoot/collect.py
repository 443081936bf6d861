"""Collect what a cluster shows about an extension, namespace by namespace, into the bundle and the evidence.

First the Secrets of every namespace (the Helm release history, and the values the masker must hide), then for
each namespace: the namespace itself, pods, events, workloads, jobs, volume claims, config maps, and the bounded
logs of the current and the previous container of each pod. Whatever cannot be read is noted and the rest goes on.
"""
import base64
import binascii
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from . import helm
from .bundle import BundleFull
from .kube import NotRead, Unreadable

LAST_LINES = 8  # log lines kept as evidence per container


class Collector:  # pylint: disable=too-many-instance-attributes
    def __init__(self, cluster, bundle, masker, limits, public_values=()):
        self.cluster, self.bundle, self.masker, self.limits = cluster, bundle, masker, limits
        self.public_values = public_values
        self.not_read, self.checked = [], []
        self.stopped = None  # why collection stopped early (time limit, cluster unreachable)
        self.bundle_full = False
        self.read_version = None  # the cluster's version answer: the cluster could be read at all

    def _read(self, what, api, method, *args, **kwargs):
        """The answer of one read, or None after noting why it could not be read."""
        if self.stopped:
            return None
        try:
            return self.cluster.get(api, method, *args, **kwargs)
        except Unreadable as err:
            if err.fatal:
                self.stopped = NotRead('the cluster', err.reason)
            else:
                self.not_read.append(NotRead(what, err.reason))
            return None

    def _merge_not_read(self, start, namespace):
        """The kinds of a namespace not read since ``start``, one entry per kind of failure ('pods, events in
        namespace x', with the first one's reason: an RBAC denial names each resource in its own words)."""
        by_failure = {}
        for item in self.not_read[start:]:
            by_failure.setdefault(item.why.split(':', 1)[0], []).append(item)
        self.not_read[start:] = [NotRead(f"{', '.join(item.what for item in items)} in namespace {namespace}",
                                         items[0].why) for items in by_failure.values()]

    def _write(self, document, *parts):
        if self.bundle_full:
            return
        try:
            self.bundle.write_json(document, *parts)
        except BundleFull:
            self._full()

    def _full(self):
        if not self.bundle_full:
            self.bundle_full = True
            self.not_read.append(NotRead('the rest of the evidence', f'the bundle reached its size limit '
                                         f'({self.bundle.limit // (1024 * 1024)} MiB)'))

    # -- the cluster --------------------------------------------------------------------------------------------

    def version(self):
        answer = self._read('the Kubernetes version', 'version', 'get_code')
        if answer is not None:
            self._write(answer, 'cluster', 'version.json')
            self.checked.append(f"the Kubernetes API at {self.cluster.server} (Kubernetes {answer.get('gitVersion')}), "
                                f"through {self.cluster.source}")
        return answer

    def release_namespaces(self, release):
        """The namespaces that hold Helm records of release ``release`` (to find an extension's namespace)."""
        answer = self._read('Helm release records across namespaces', 'core', 'list_secret_for_all_namespaces',
                            label_selector=f'owner=helm,name={release}')
        return sorted({item['metadata']['namespace'] for item in (answer or {}).get('items') or []})

    def secrets(self, namespace):
        """Learn the namespace's secret values; write what the Secrets are (names, types, keys) and the Helm
        release history. Returns the release summaries, newest revision first."""
        answer = self._read(f'Secrets in namespace {namespace}', 'core', 'list_namespaced_secret', namespace)
        if answer is None:
            return []
        listing, releases = [], []
        for secret in answer.get('items') or []:
            data = secret.get('data') or {}
            listing.append({'name': secret['metadata']['name'], 'type': secret.get('type'), 'keys': sorted(data)})
            release = helm.decode(secret)
            if release is not None:
                for value in helm.secret_values(release, self.public_values):
                    self.masker.learn(value)
                releases.append(helm.summary(release))
                continue
            for value in data.values():
                try:
                    self.masker.learn(base64.b64decode(value).decode('utf-8'))
                except (binascii.Error, ValueError):
                    continue
        self._write(listing, namespace, 'secrets.json')
        for release in releases:
            self._write(self.masker.document(release), namespace, 'helm',
                        f"{release['name']}.v{release['revision']}.json")
        releases.sort(key=lambda release: release.get('revision') or 0, reverse=True)
        return [self.masker.document(release) for release in releases]

    def namespace(self, namespace, releases):
        """Everything else of one namespace; returns its evidence (None when it does not exist)."""
        document = self._read(f'namespace {namespace}', 'core', 'read_namespace', namespace)
        if document is None and self.not_read and self.not_read[-1].what == f'namespace {namespace}' and \
                self.not_read[-1].why.startswith('HTTP 404'):
            self.not_read.pop()
            self.checked.append(f'namespace {namespace}: it does not exist')
            return None
        evidence = {'name': namespace, 'releases': releases,
                    'namespace': _namespace_summary(document) if document else None}
        if document:
            self._write(document, namespace, 'namespace.json')
        reads = (('pods', 'core', 'list_namespaced_pod'), ('events', 'core', 'list_namespaced_event'),
                 ('deployments', 'apps', 'list_namespaced_deployment'),
                 ('statefulsets', 'apps', 'list_namespaced_stateful_set'),
                 ('daemonsets', 'apps', 'list_namespaced_daemon_set'), ('jobs', 'batch', 'list_namespaced_job'),
                 ('persistentvolumeclaims', 'core', 'list_namespaced_persistent_volume_claim'),
                 ('configmaps', 'core', 'list_namespaced_config_map'))
        found, before = {}, len(self.not_read)
        for kind, api, method in reads:
            answer = self._read(kind, api, method, namespace)
            found[kind] = None if answer is None else answer.get('items') or []
        self._merge_not_read(before, namespace)
        evidence['pods'] = [_pod_summary(pod) for pod in found['pods'] or []]
        evidence['events'] = [self.masker.document(_event_summary(event)) for event in found['events'] or []]
        evidence['workloads'] = [_workload_summary(item, kind) for kind, key in (
            ('Deployment', 'deployments'), ('StatefulSet', 'statefulsets'), ('DaemonSet', 'daemonsets'))
            for item in found[key] or []]
        evidence['jobs'] = [_job_summary(job) for job in found['jobs'] or []]
        evidence['claims'] = [_claim_summary(claim) for claim in found['persistentvolumeclaims'] or []]
        for name, items in (('events', evidence['events']), ('workloads', evidence['workloads']),
                            ('jobs', evidence['jobs']), ('persistentvolumeclaims', evidence['claims'])):
            if found.get(name if name != 'workloads' else 'deployments') is not None or items:
                self._write(items, namespace, f'{name}.json')
        for config_map in found['configmaps'] or []:
            self._write(self.masker.document(config_map.get('data') or {}), namespace, 'configuration',
                        f"{config_map['metadata']['name']}.json")
        self._logs(namespace, evidence['pods'])
        for pod in evidence['pods']:
            self._write(pod, namespace, 'pods', pod['name'], 'pod.json')
        counts = ', '.join(f'{len(found[kind])} {kind}' for kind in ('pods', 'events') if found[kind] is not None)
        self.checked.append(f"namespace {namespace}: {counts or 'nothing readable'}"
                            f"{', ' + str(len(releases)) + ' Helm release records' if releases else ''}")
        return evidence

    # -- logs ---------------------------------------------------------------------------------------------------

    def _logs(self, namespace, pods):
        jobs = [(pod, container, previous) for pod in pods for container in pod['containers']
                for previous in (False, True) if _has_log(container, previous)]
        with ThreadPoolExecutor(max_workers=self.limits.parallel) as pool:
            for (pod, container, previous), lines in zip(jobs, pool.map(
                    lambda job: self._log(namespace, *job), jobs)):
                if lines is not None:
                    container['previousLastLines' if previous else 'lastLines'] = lines

    def _log(self, namespace, pod, container, previous):
        """Stream one container log into the bundle, masked and bounded; returns its last lines."""
        if self.stopped or self.bundle_full:
            return None
        name = container['name'] + ('.previous' if previous else '') + '.log'
        what = f"the {'previous ' if previous else ''}log of container {container['name']} of pod {pod['name']}"
        try:
            response = self.cluster.call('core', 'read_namespaced_pod_log', pod['name'], namespace,
                                         container=container['name'], previous=previous,
                                         tail_lines=self.limits.log_lines, limit_bytes=self.limits.log_bytes)
        except Unreadable as err:
            if err.fatal:
                self.stopped = NotRead('the cluster', err.reason)
            elif err.status != 400:  # 400: no such container instance (yet, or any more): nothing to say
                self.not_read.append(NotRead(what + f' in namespace {namespace}', err.reason))
            return None
        masker, last, read, rest = self.masker.fresh(), deque(maxlen=LAST_LINES), 0, ''
        try:
            with self.bundle.text_writer(namespace, 'pods', pod['name'], name) as out:
                for chunk in response.stream(64 * 1024):
                    read += len(chunk)
                    rest += chunk.decode('utf-8', errors='replace')
                    *lines, rest = rest.split('\n')
                    for line in lines:
                        masked = masker.line(line)
                        last.append(masked)
                        out.write(masked + '\n')
                    if read >= self.limits.log_bytes:
                        break  # the server sent more than asked for: keep to the bound
                if rest and read < self.limits.log_bytes:
                    masked = masker.line(rest)
                    last.append(masked)
                    out.write(masked + '\n')
        except BundleFull:
            self._full()
        except Exception as err:  # pylint: disable=broad-except
            self.not_read.append(NotRead(what + f' in namespace {namespace}', f'the stream broke: {err}'))
        finally:
            response.release_conn()
        return list(last)


def _has_log(container, previous):
    if previous:
        return container['restartCount'] > 0
    state = container.get('state') or {}
    return not ('waiting' in state and container['restartCount'] == 0)


def _namespace_summary(document):
    status = document.get('status') or {}
    return {'name': document['metadata']['name'], 'phase': status.get('phase'),
            'deletionTimestamp': document['metadata'].get('deletionTimestamp'),
            'finalizers': (document.get('spec') or {}).get('finalizers') or [],
            'conditions': [{'type': item.get('type'), 'status': item.get('status'), 'reason': item.get('reason'),
                            'message': item.get('message')} for item in status.get('conditions') or []]}


def _state(state):
    """A container state in one small mapping: {'waiting'|'running'|'terminated': {reason, message, exitCode}}."""
    for name in ('waiting', 'terminated', 'running'):
        if (state or {}).get(name) is not None:
            detail = state[name]
            return {name: {key: detail.get(key) for key in ('reason', 'message', 'exitCode', 'startedAt',
                                                            'finishedAt') if detail.get(key) is not None}}
    return {}


def _pod_summary(pod):
    status, spec = pod.get('status') or {}, pod.get('spec') or {}
    images = {item['name']: item.get('image') for item in (spec.get('initContainers') or []) +
              (spec.get('containers') or [])}
    containers = []
    for init, items in ((True, status.get('initContainerStatuses')), (False, status.get('containerStatuses'))):
        for item in items or []:
            containers.append({'name': item['name'], 'init': init, 'image': item.get('image') or images.get(
                item['name']), 'ready': bool(item.get('ready')), 'restartCount': int(item.get('restartCount') or 0),
                'state': _state(item.get('state')), 'lastState': _state(item.get('lastState'))})
    owners = pod['metadata'].get('ownerReferences') or []
    return {'name': pod['metadata']['name'], 'phase': status.get('phase'), 'node': spec.get('nodeName'),
            'owner': f"{owners[0]['kind']}/{owners[0]['name']}" if owners else None,
            'conditions': [{key: item.get(key) for key in ('type', 'status', 'reason', 'message')}
                           for item in status.get('conditions') or []],
            'containers': containers, 'images': sorted(set(filter(None, images.values()))),
            'nodeSelector': spec.get('nodeSelector') or {}}


def _event_summary(event):
    involved = event.get('involvedObject') or {}
    return {'type': event.get('type'), 'reason': event.get('reason'), 'message': event.get('message'),
            'object': f"{involved.get('kind')}/{involved.get('name')}", 'count': event.get('count'),
            'lastTimestamp': event.get('lastTimestamp') or event.get('eventTime')}


def _workload_summary(item, kind):
    spec, status = item.get('spec') or {}, item.get('status') or {}
    desired = status.get('desiredNumberScheduled') if kind == 'DaemonSet' else spec.get('replicas', 1)
    ready = status.get('numberReady') if kind == 'DaemonSet' else status.get('readyReplicas')
    return {'kind': kind, 'name': item['metadata']['name'], 'desired': desired or 0, 'ready': ready or 0}


def _job_summary(job):
    status = job.get('status') or {}
    return {'name': job['metadata']['name'], 'hook': (job['metadata'].get('annotations') or {}).get('helm.sh/hook'),
            'failed': status.get('failed') or 0, 'succeeded': status.get('succeeded') or 0,
            'conditions': [{key: item.get(key) for key in ('type', 'status', 'reason', 'message')}
                           for item in status.get('conditions') or []]}


def _claim_summary(claim):
    spec = claim.get('spec') or {}
    return {'name': claim['metadata']['name'], 'phase': (claim.get('status') or {}).get('phase'),
            'storageClass': spec.get('storageClassName'),
            'request': ((spec.get('resources') or {}).get('requests') or {}).get('storage'),
            'finalizers': claim['metadata'].get('finalizers') or [],
            'deleting': bool(claim['metadata'].get('deletionTimestamp'))}
