"""The objects a cluster's Kubernetes API shows, derived on every read from the ARM state of its extensions.

Each extension is a Helm release in its namespace (the release namespace, or the target namespace of a
namespace-scoped extension): a Succeeded one has its namespace, a ready Deployment, running pods and a deployed Helm
record; one whose operation runs has pods being created and a pending Helm record; a Failed one shows what its cause
(causes.py) left, and without a cause a failed Helm record holding the service's error. What the extension agent
and a leaky chart leave behind is there too: the protected settings in a Secret, in the Helm record's values and
echoed in the pod log, a storage key in the log and a SAS token in a config map, so a client's redaction can be
tested against real secrets. Random-looking values are derived from the emulator's signing key: the same on every
read, different per extension.
"""
import datetime
import hashlib
import hmac
import json

from . import causes, helm

SYSTEM_NAMESPACES = ('default', 'kube-node-lease', 'kube-public', 'kube-system')
ARC_AGENTS_NAMESPACE = 'azure-arc'
ARC_AGENTS = ('clusterconnect-agent', 'config-agent', 'extension-manager')
CONTAINER = 'manager'
# What follows the filler text of a generated log line (' 1234 objects in 56 ms' and the newline), to turn a log
# size into a number of lines.
FILLER_TAIL_BYTES = 23
DEFAULT_LOG_BYTES = 16 * 1024


def k8s_time(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


class Release:  # pylint: disable=too-many-instance-attributes
    """One extension as its cluster holds it."""

    def __init__(self, service, doc, protected, location):
        self.service, self.doc, self.protected, self.location = service, doc, protected, location
        self.name = doc['name']
        scope = doc.get('scope') or {}
        self.namespace = ((scope.get('cluster') or {}).get('releaseNamespace')
                          or (scope.get('namespace') or {}).get('targetNamespace') or doc['name'])
        self.type = doc['extensionType']
        self.version = doc.get('currentVersion') or doc.get('pendingVersion') or doc.get('version') or '1.0.0'
        self.state = doc.get('provisioningState') or 'Creating'
        self.cause = causes.showing(doc)
        settings = doc.get('kubernetes') or {}
        self.replicas = max(1, int(settings.get('pods') or 1))
        self.log_bytes = int(settings.get('log_bytes') or DEFAULT_LOG_BYTES)
        self.created = k8s_time(doc.get('createdAt') or service.clock())
        self.modified = k8s_time(doc.get('lastModifiedAt') or service.clock())
        self._secrets = {}
        self.healthy_log = None  # every healthy pod of a release logs the same

    def secret(self, purpose, length=32):
        if purpose not in self._secrets:
            key = self.service.values['signing_key'].encode()
            self._secrets[purpose] = hmac.new(key, f"{self.doc['id'].lower()}:{purpose}".encode(),
                                              hashlib.sha256).hexdigest()
        return self._secrets[purpose][:length]

    @property
    def image(self):
        return f"mcr.microsoft.com/azurearck8s/{self.type.split('.')[-1]}:{self.version}"

    @property
    def failing(self):
        return self.state == 'Failed'


def _meta(name, namespace, created, **extra):
    meta = {'name': name, 'namespace': namespace, 'creationTimestamp': created,
            'uid': hashlib.sha1(f'{namespace}/{name}'.encode()).hexdigest(), 'resourceVersion': '1'}
    meta.update(extra)
    return meta


def _event(release, involved, reason, message, *, kind='Pod', type_='Warning', count=1):
    name = f"{involved}.{hashlib.sha1((involved + reason).encode()).hexdigest()[:16]}"
    return {'metadata': _meta(name, release.namespace, release.modified),
            'involvedObject': {'kind': kind, 'name': involved, 'namespace': release.namespace},
            'reason': reason, 'message': message, 'type': type_, 'count': count,
            'firstTimestamp': release.modified, 'lastTimestamp': release.modified,
            'source': {'component': 'kubelet' if kind == 'Pod' else 'persistentvolume-controller'}}


def _container_status(release, state, *, ready=False, restarts=0, last_state=None):
    return {'name': CONTAINER, 'image': release.image, 'imageID': '', 'ready': ready, 'restartCount': restarts,
            'started': ready, 'state': state, 'lastState': last_state or {}}


def _pod(release, name, owner, phase, *, statuses=(), conditions=(), logs=None, volumes=()):
    spec = {'containers': [{'name': CONTAINER, 'image': release.image,
                            'env': [{'name': 'EXTENSION_NAME', 'value': release.name},
                                    {'name': 'PROTECTED_SETTINGS',
                                     'valueFrom': {'secretKeyRef': {'name': f'{release.name}-protected',
                                                                    'key': 'settings'}}}]}],
            'nodeSelector': {'kubernetes.io/os': 'linux'}, 'restartPolicy': 'Always',
            'volumes': [{'name': 'data', 'persistentVolumeClaim': {'claimName': claim}} for claim in volumes]}
    return {'metadata': _meta(name, release.namespace, release.created,
                              labels={'app.kubernetes.io/instance': release.name, 'app': owner},
                              ownerReferences=[{'apiVersion': 'apps/v1', 'kind': 'ReplicaSet', 'name': owner,
                                                'uid': owner, 'controller': True}]),
            'spec': spec,
            'status': {'phase': phase, 'conditions': list(conditions), 'containerStatuses': list(statuses),
                       'startTime': release.created},
            '_logs': logs}


def _condition(type_, status, reason=None, message=None):
    condition = {'type': type_, 'status': status}
    if reason:
        condition.update(reason=reason, message=message)
    return condition


def _log(release, tail=(), previous_tail=None):
    """What a container's log holds: startup lines (some of them leaking secrets, as careless charts do), then
    filler up to the release's log size, then the cause's last lines; and the previous container's, if any."""
    head = [f'{release.created} INFO starting {release.type} {release.version} (release {release.name})',
            f'{release.created} INFO loaded {len(release.protected)} protected settings from secret '
            f'{release.name}-protected']
    head += [f'{release.created} DEBUG setting {key}={value}' for key, value in sorted(release.protected.items())]
    head += [f'{release.created} INFO storage: DefaultEndpointsProtocol=https;'
             f'AccountName=st{release.secret("acct", 10)};AccountKey={release.secret("account-key", 44)};'
             'EndpointSuffix=core.windows.net',
             f'{release.created} DEBUG GET https://{release.location}.dp.kubernetesconfiguration.azure.com/'
             f'subscriptions/config Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.{release.secret("jwt-body", 40)}.'
             f'{release.secret("jwt-sig", 43)}']
    filler = f'{release.modified} INFO {release.name} reconciled'
    spec = {'head': head, 'tail': list(tail), 'filler': filler,
            'lines': max(len(head) + len(tail), release.log_bytes // (len(filler) + FILLER_TAIL_BYTES))}
    if previous_tail is None:
        return {'current': spec, 'previous': None}
    return {'current': dict(spec, tail=[]), 'previous': dict(spec, tail=list(previous_tail))}


def log_text(spec, tail_lines=None, limit_bytes=None):
    """The log of ``spec`` as the API returns it: the last ``tail_lines`` lines, cut after ``limit_bytes``."""
    total = spec['lines']
    head, tail = spec['head'], spec['tail']
    start = max(0, total - tail_lines) if tail_lines else 0
    out, size = [], 0
    for index in range(start, total):
        if index < len(head):
            line = head[index]
        elif index >= total - len(tail):
            line = tail[index - (total - len(tail))]
        else:
            line = f"{spec['filler']} {index} objects in {index % 97} ms"
        out.append(line + '\n')
        size += len(line) + 1
        if limit_bytes and size >= limit_bytes:
            break
    text = ''.join(out)
    return text[:limit_bytes] if limit_bytes else text


def _pod_name(release, owner, index):
    return f'{owner}-{release.secret("rs-" + owner, 10)}-{release.secret(f"pod-{index}", 5)}'


def _healthy_pods(release, owner):
    running = {'running': {'startedAt': release.modified}}
    release.healthy_log = release.healthy_log or _log(release)
    return [_pod(release, _pod_name(release, owner, index), owner, 'Running',
                 statuses=[_container_status(release, running, ready=True)],
                 conditions=[_condition('PodScheduled', 'True'), _condition('Ready', 'True')],
                 logs=release.healthy_log) for index in range(release.replicas)]


def _image_pull(release, owner):
    objects = {'pods': [], 'events': []}
    waiting = {'waiting': {'reason': 'ImagePullBackOff', 'message': f'Back-off pulling image "{release.image}"'}}
    for index in range(release.replicas):
        name = _pod_name(release, owner, index)
        objects['pods'].append(_pod(release, name, owner, 'Pending', statuses=[_container_status(release, waiting)],
                                    conditions=[_condition('PodScheduled', 'True'),
                                                _condition('Ready', 'False', 'ContainersNotReady',
                                                           'containers with unready status: [manager]')]))
        objects['events'] += [
            _event(release, name, 'Failed', f'Failed to pull image "{release.image}": rpc error: code = Unknown desc = '
                   f'failed to pull and unpack image "{release.image}": failed to resolve reference: failed to do '
                   'request: Head "https://mcr.microsoft.com/v2/azurearck8s/manifests": dial tcp: lookup '
                   'mcr.microsoft.com on 10.0.0.10:53: read udp 10.244.0.12:41234->10.0.0.10:53: i/o timeout',
                   count=12),
            _event(release, name, 'Failed', 'Error: ErrImagePull', count=12),
            _event(release, name, 'BackOff', f'Back-off pulling image "{release.image}"', type_='Normal', count=40)]
    return objects


def _crash_loop(release, owner):
    objects = {'pods': [], 'events': []}
    previous_tail = [f'{release.modified} ERROR failed to start the {release.name} controller: connecting to '
                     f'https://{release.location}.dp.kubernetesconfiguration.azure.com: x509: certificate signed by '
                     'unknown authority',
                     f'{release.modified} FATAL exiting: the controller could not start (exit code 1)']
    waiting = {'waiting': {'reason': 'CrashLoopBackOff',
                           'message': f'back-off 5m0s restarting failed container={CONTAINER}'}}
    last = {'terminated': {'exitCode': 1, 'reason': 'Error', 'startedAt': release.modified,
                           'finishedAt': release.modified}}
    for index in range(release.replicas):
        name = _pod_name(release, owner, index)
        objects['pods'].append(_pod(release, name, owner, 'Running',
                                    statuses=[_container_status(release, waiting, restarts=7, last_state=last)],
                                    conditions=[_condition('PodScheduled', 'True'),
                                                _condition('Ready', 'False', 'ContainersNotReady',
                                                           'containers with unready status: [manager]')],
                                    logs=_log(release, previous_tail=previous_tail)))
        objects['events'].append(_event(release, name, 'BackOff', 'Back-off restarting failed container manager in '
                                        f'pod {name}', count=31))
    return objects


def _unscheduled(release, owner, message, volumes=()):
    objects = {'pods': [], 'events': []}
    for index in range(release.replicas):
        name = _pod_name(release, owner, index) if not volumes else f'{owner}-{index}'
        objects['pods'].append(_pod(release, name, owner, 'Pending', volumes=volumes,
                                    conditions=[_condition('PodScheduled', 'False', 'Unschedulable', message)]))
        objects['events'].append(_event(release, name, 'FailedScheduling', message, count=9))
    return objects


def _pending_volume(release, owner):
    claim = f'data-{owner}-0'
    objects = _unscheduled(release, owner, '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. '
                           'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
                           volumes=(claim,))
    objects['pvcs'] = [{'metadata': _meta(claim, release.namespace, release.created,
                                          labels={'app.kubernetes.io/instance': release.name}),
                        'spec': {'accessModes': ['ReadWriteOnce'], 'storageClassName': 'premium-zrs',
                                 'resources': {'requests': {'storage': '8Gi'}}, 'volumeMode': 'Filesystem'},
                        'status': {'phase': 'Pending'}}]
    objects['events'].append(_event(release, claim, 'ProvisioningFailed', 'storageclass.storage.k8s.io "premium-zrs" '
                                    'not found', kind='PersistentVolumeClaim', count=22))
    return objects


def _held_claim(release):
    """A claim a delete could not remove: its protection finalizer waits for a pod that is itself being removed."""
    claim = f'data-{release.name}-0'
    return {'metadata': _meta(claim, release.namespace, release.created, deletionTimestamp=release.modified,
                              finalizers=['kubernetes.io/pvc-protection']),
            'spec': {'accessModes': ['ReadWriteOnce'], 'storageClassName': 'managed-csi',
                     'resources': {'requests': {'storage': '1Gi'}}},
            'status': {'phase': 'Bound'}}


def _failed_hook(release):
    job = f'{release.name}-pre-install'
    name = f'{job}-{release.secret("hook", 5)}'
    terminated = {'terminated': {'exitCode': 1, 'reason': 'Error', 'startedAt': release.modified,
                                 'finishedAt': release.modified}}
    tail = [f'{release.modified} INFO applying the custom resource definitions of {release.type}',
            f'{release.modified} ERROR the custom resource definitions could not be applied: admission webhook '
            '"validation.gatekeeper.sh" denied the request: CustomResourceDefinition is not allowed in this cluster']
    pod = _pod(release, name, job, 'Failed', statuses=[_container_status(release, terminated)],
               conditions=[_condition('PodScheduled', 'True'), _condition('Ready', 'False', 'PodFailed', '')],
               logs=_log(release, tail=tail))
    pod['metadata']['labels'] = {'job-name': job, 'app.kubernetes.io/instance': release.name}
    pod['metadata']['ownerReferences'] = [{'apiVersion': 'batch/v1', 'kind': 'Job', 'name': job, 'uid': job,
                                           'controller': True}]
    pod['spec']['restartPolicy'] = 'Never'
    jobs = [{'metadata': _meta(job, release.namespace, release.created,
                               annotations={'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '-5'}),
             'spec': {'backoffLimit': 0, 'template': {'spec': {'containers': [{'name': CONTAINER,
                                                                               'image': release.image}]}}},
             'status': {'failed': 1, 'conditions': [{'type': 'Failed', 'status': 'True',
                                                     'reason': 'BackoffLimitExceeded',
                                                     'message': 'Job has reached the specified backoff limit'}]}}]
    return {'pods': [pod], 'jobs': jobs,
            'events': [_event(release, job, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit',
                              kind='Job')]}


def _workload(release, owner, kind, ready):
    replicas = release.replicas
    return {'metadata': _meta(owner, release.namespace, release.created,
                              labels={'app.kubernetes.io/instance': release.name,
                                      'app.kubernetes.io/managed-by': 'Helm'}),
            'spec': {'replicas': replicas, 'selector': {'matchLabels': {'app': owner}},
                     'template': {'metadata': {'labels': {'app': owner}},
                                  'spec': {'containers': [{'name': CONTAINER, 'image': release.image}]}}},
            'status': {'replicas': replicas, 'readyReplicas': replicas if ready else 0,
                       'availableReplicas': replicas if ready else 0, 'observedGeneration': 1},
            '_kind': kind}


def _creating(release, owner):
    waiting = {'waiting': {'reason': 'ContainerCreating'}}
    return {'pods': [_pod(release, _pod_name(release, owner, index), owner, 'Pending',
                          statuses=[_container_status(release, waiting)],
                          conditions=[_condition('PodScheduled', 'True')]) for index in range(release.replicas)]}


def _helm_record(release):
    """The release's Helm records: the history the extension agent's installs and upgrades left."""
    config = helm.nested(dict(release.doc.get('configurationSettings') or {}, **release.protected))
    config['Azure'] = {'Cluster': {'Region': release.location}, 'Extension': {'Name': release.name}}
    status, description = 'deployed', 'Install complete'
    if release.state in ('Creating', 'Updating'):
        status, description = ('pending-install' if release.state == 'Creating' else 'pending-upgrade'), \
            'Initial install underway' if release.state == 'Creating' else 'Preparing upgrade'
    elif release.state == 'Deleting':
        status, description = 'uninstalling', 'Deletion in progress (or silently failed)'
    elif release.failing:
        status = 'failed'
        description = {
            'failed_hook': f'failed pre-install: 1 error occurred:\n\t* job {release.name}-pre-install failed: '
                           'BackoffLimitExceeded',
            'agent_offline': 'Install complete',
            None: ((release.doc.get('errorInfo') or {}).get('message') or 'Release failed'),
        }.get(release.cause, f'Release "{release.name}" failed: timed out waiting for the condition')
        if release.cause == 'agent_offline':
            status = 'deployed'
    hooks = [{'name': f'{release.name}-pre-install', 'kind': 'Job', 'events': ['pre-install'],
              'last_run': {'phase': 'Failed' if release.cause == 'failed_hook' else 'Succeeded'}}]
    chart = release.type.split('.')[-1]
    records = []
    updated = release.doc.get('lastModifiedAt', 0) > release.doc.get('createdAt', 0) and release.cause is None
    if updated:
        records.append(helm.release_doc(release.name, release.namespace, chart=chart, version=release.version,
                                        revision=1, status='superseded', description='Install complete',
                                        config=config, deployed=release.created, hooks=hooks))
    latest = helm.release_doc(release.name, release.namespace, chart=chart, version=release.version,
                              revision=len(records) + 1, status=status, description=description, config=config,
                              deployed=release.modified, hooks=hooks)
    protected = json.dumps(release.protected)
    latest['manifest'] += f'---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {release.name}-protected\n' \
                          f'stringData:\n  settings: {protected}\n'
    records.append(latest)
    return [helm.release_secret(record, release.modified) for record in records]


def _settings_objects(release):
    import base64
    secrets = _helm_record(release)
    if release.protected:
        secrets.append({'apiVersion': 'v1', 'kind': 'Secret', 'type': 'Opaque',
                        'metadata': _meta(f'{release.name}-protected', release.namespace, release.created),
                        'data': {'settings': base64.b64encode(json.dumps(release.protected).encode()).decode()}})
    sas = (f'https://st{release.secret("acct", 10)}.blob.core.windows.net/charts?sv=2023-01-03&ss=b&srt=o&sp=r&'
           f'se=2030-01-01T00:00:00Z&sig={release.secret("sas", 43)}')
    configmaps = [{'metadata': _meta(f'{release.name}-config', release.namespace, release.created),
                   'data': dict(release.doc.get('configurationSettings') or {}, chartRepository=sas,
                                extensionType=release.type)}]
    return {'secrets': secrets, 'configmaps': configmaps}


def release_objects(release):
    """Every object of one release, by kind."""
    owner = f'{release.name}-controller'
    objects = {'pods': [], 'events': [], 'workloads': [], 'jobs': [], 'pvcs': []}
    objects.update(_settings_objects(release))
    cause = release.cause
    if cause == 'failed_hook':
        parts = _failed_hook(release)
    elif cause == 'pending_volume':
        owner = f'{release.name}-store'
        parts = _pending_volume(release, owner)
        objects['workloads'].append(_workload(release, owner, 'StatefulSet', ready=False))
    else:
        if cause == 'stuck_namespace':
            objects['pvcs'].append(_held_claim(release))
        if release.state in ('Creating', 'Updating'):
            parts = _creating(release, owner)
        elif cause == 'image_pull':
            parts = _image_pull(release, owner)
        elif cause == 'crash_loop':
            parts = _crash_loop(release, owner)
        elif cause == 'unschedulable':
            parts = _unscheduled(release, owner, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes '
                                 'are available: 3 No preemption victims found for incoming pod.')
        else:
            parts = {'pods': _healthy_pods(release, owner)}
        ready = all(pod['status']['phase'] == 'Running' and all(
            status['ready'] for status in pod['status']['containerStatuses']) for pod in parts['pods'])
        objects['workloads'].append(_workload(release, owner, 'Deployment', ready=ready))
    for kind, items in parts.items():
        objects[kind] += items
    return objects
