"""From evidence to a short ranked list of findings, each with its evidence and the fix in one line.

Pure functions over the evidence collect.py and service.py gathered (plain dicts): no request, no clock but the
``now`` given. Root causes rank first: the agent that cannot reach Azure, a delete that cannot finish, a version the
cluster cannot run; then what the pods say (images, scheduling, volumes, hooks, crashes); then what is left when
nothing more precise explains a failure.
"""
import datetime
import re

ERROR, WARNING = 'error', 'warning'
# The order findings rank in, most fundamental first.
ORDER = ('ClusterStopped', 'AgentOffline', 'ClusterNotReady', 'StuckDelete', 'VersionUnsupported',
         'ImagePullFailed', 'Unschedulable', 'VolumePending', 'HelmHookFailed', 'ContainerOOMKilled', 'CrashLoop',
         'HelmReleaseFailed', 'ExtensionFailed', 'WorkloadNotReady')
IMAGE_PULL = ('ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull')
HOOK_WORDS = ('pre-install', 'post-install', 'pre-upgrade', 'post-upgrade', 'pre-delete', 'post-delete', 'hook')
# Protected settings reach the cluster only while its agents can reach Azure: after this long they have expired.
PROTECTED_SETTINGS_HOURS = 48
SHOWN = 3  # pods named per finding; the rest are counted
# Log lines that tell why something failed.
TELLING = re.compile(r'(?i)\b(error|fatal|panic|exception|fail(ed|ure)?|denied|refused|timeout)\b')


def endpoints(region):
    return (f"{region or '<region>'}.dp.kubernetesconfiguration.azure.com, mcr.microsoft.com and "
            "*.data.mcr.microsoft.com (for Marketplace offers also arcmktplaceprod.azurecr.io and "
            f"arcmktplaceprod.{region or '<region>'}.data.azurecr.io)")


def _finding(code, severity, title, evidence, fix):
    return {'code': code, 'severity': severity, 'title': title, 'evidence': [line for line in evidence if line],
            'fix': fix}


def _parse_time(text):
    """Seconds since the epoch of an ARM or Kubernetes time (ARM writes seven fraction digits), or None."""
    text = re.sub(r'(\.\d{6})\d+', r'\1', str(text or '').strip().replace('Z', '+00:00'))
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)).timestamp()


def _some(items, describe):
    lines = [describe(item) for item in items[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(f'... and {len(items) - SHOWN} more')
    return lines


def _containers(namespaces):
    """(namespace, pod, container) for every container status read."""
    return [(ns['name'], pod, container) for ns in namespaces for pod in ns.get('pods') or []
            for container in pod['containers']]


def agent_offline(evidence):
    service = evidence.get('service') or {}
    cluster = service.get('cluster') or {}
    if service.get('clusterType') != 'connectedClusters' or not cluster:
        return []
    properties = cluster.get('properties') or {}
    status = properties.get('connectivityStatus')
    last = properties.get('lastConnectivityTime')
    seen = _parse_time(last) if last else None
    hours = (evidence['now'] - seen) / 3600 if seen else None
    if status not in ('Offline', 'Expired') and not (hours and hours > PROTECTED_SETTINGS_HOURS):
        return []
    since = f' since {last}' if last else ''
    commands = evidence['commands']
    if status == 'Expired' or hours is None or hours > PROTECTED_SETTINGS_HOURS:
        return [_finding('AgentOffline', ERROR,
                         f"The cluster's Arc agents cannot reach Azure ({status}{since}"
                         f"{f', {hours:.0f} hours' if hours else ''}): the extension's protected settings have "
                         "expired", [f'connectivityStatus: {status}', f'lastConnectivityTime: {last}'],
                         f"Restore the agents' outbound access to {endpoints(evidence.get('region'))} "
                         f"(`{commands['connectivity']}` says what blocks it), then delete and create the extension "
                         f"again: `{commands['delete']}`, then `{commands['create']}` with its settings.")]
    return [_finding('AgentOffline', WARNING, f"The cluster's Arc agents cannot reach Azure ({status}{since})",
                     [f'connectivityStatus: {status}', f'lastConnectivityTime: {last}'],
                     f"Restore the agents' outbound access to {endpoints(evidence.get('region'))} within "
                     f"{PROTECTED_SETTINGS_HOURS} hours of {last or 'going offline'}; the extension then recovers "
                     "by itself.")]


def cluster_state(evidence):
    """An AKS cluster that is stopped runs nothing; one whose own operation failed or still runs may not either."""
    service = evidence.get('service') or {}
    properties = (service.get('cluster') or {}).get('properties') or {}
    power = (properties.get('powerState') or {}).get('code')
    state = properties.get('provisioningState')
    lines = [f'powerState: {power}' if power else None, f'provisioningState: {state}' if state else None]
    if power == 'Stopped':
        return [_finding('ClusterStopped', ERROR, 'The AKS cluster is stopped: nothing runs on it', lines,
                         f"Start it: `{evidence['commands']['start']}`; the extension then reconciles.")]
    if state and state not in ('Succeeded', 'Canceled'):
        return [_finding('ClusterNotReady', WARNING, f'The cluster itself is {state}', lines,
                         'Wait for the cluster\'s own operation to end (or fix it if Failed), then check the '
                         'extension again.')]
    return []


def stuck_delete(evidence):
    extension = (evidence.get('service') or {}).get('extension') or {}
    deleting = extension.get('provisioningState') == 'Deleting'
    modified = _parse_time(((extension.get('systemData') or {}).get('lastModifiedAt')))
    hours = (evidence['now'] - modified) / 3600 if deleting and modified else None
    terminating = [ns for ns in evidence['namespaces'] if (ns.get('namespace') or {}).get('phase') == 'Terminating']
    if not terminating and not (hours and hours >= 1):
        return []
    lines = [f"provisioningState Deleting since {extension['systemData']['lastModifiedAt']}"] if hours else []
    for ns in terminating:
        summary = ns['namespace']
        lines.append(f"namespace {ns['name']} Terminating since {summary.get('deletionTimestamp')}")
        lines += [f"{condition['type']}: {condition['message']}" for condition in summary['conditions']
                  if condition.get('status') == 'True' and condition.get('message')]
        lines += [f"claim {claim['name']} held by {', '.join(claim['finalizers'])}" for claim in ns.get('claims') or []
                  if claim['deleting'] and claim['finalizers']]
    where = f" in namespace {terminating[0]['name']}" if terminating else ''
    return [_finding('StuckDelete', ERROR, 'The delete of the extension cannot finish' +
                     (f' ({hours:.0f} hours so far)' if hours else '') + (
                         f": namespace {terminating[0]['name']} is stuck terminating" if terminating else ''),
                     lines, f"`{evidence['commands']['delete_force']}` removes the extension from Azure at once; "
                     f"then remove the finalizers named above from what remains{where}.")]


def version_unsupported(evidence):
    compatibility = (evidence.get('service') or {}).get('compatibility') or {}
    if compatibility.get('supported') is not False:
        return []
    newest = compatibility.get('newest') or []
    fix = (f"`{evidence['commands']['update']} --version {newest[0]}` installs the newest version that supports it "
           f"({', '.join(newest)} do)." if newest else
           f"No version of its release train supports Kubernetes {compatibility.get('kubernetes')}: upgrade the "
           "cluster's Kubernetes version first.")
    return [_finding('VersionUnsupported', ERROR,
                     f"Version {compatibility.get('installed')} of {compatibility.get('extensionType')} does not "
                     f"support the cluster's Kubernetes {compatibility.get('kubernetes')}",
                     [f"it excludes {', '.join(compatibility.get('reasons') or [])}"], fix)]


def image_pull(evidence):
    failing = [(ns, pod, container) for ns, pod, container in _containers(evidence['namespaces'])
               if (container['state'].get('waiting') or {}).get('reason') in IMAGE_PULL]
    if not failing:
        return []
    events = [event['message'] for ns in evidence['namespaces'] for event in ns.get('events') or []
              if event.get('reason') == 'Failed' and 'pull' in (event.get('message') or '').lower()]
    lines = _some(failing, lambda item: f"pod {item[1]['name']} ({item[0]}): {item[2]['state']['waiting']['reason']} "
                  f"for image {item[2].get('image')}")
    lines += events[:1]
    return [_finding('ImagePullFailed', ERROR, f'{len(failing)} container(s) cannot pull their image', lines,
                     f"Let the nodes reach {endpoints(evidence.get('region'))} over HTTPS (firewall, proxy, DNS), "
                     "or fix the image name or its pull secret; the pods then start by themselves.")]


def _unscheduled(evidence):
    return [(ns['name'], pod, condition.get('message') or '') for ns in evidence['namespaces']
            for pod in ns.get('pods') or [] for condition in pod['conditions']
            if condition.get('type') == 'PodScheduled' and condition.get('status') == 'False']


def unschedulable(evidence):
    pods = [item for item in _unscheduled(evidence) if 'PersistentVolumeClaim' not in item[2]]
    if not pods:
        return []
    message = pods[0][2]
    if 'Insufficient' in message:
        fix = ('Add capacity (`az aks nodepool scale` or a larger node pool; on Arc, more nodes), or lower the '
               'resource requests the extension\'s settings give its pods.')
    elif 'taint' in message.lower():
        fix = 'Give the pods tolerations for the taints named (an extension setting), or add untainted nodes.'
    else:
        fix = ("Make nodes match the pods' node selector or affinity (for example Linux nodes for "
               "kubernetes.io/os=linux), or change it through the extension's settings.")
    return [_finding('Unschedulable', ERROR, f'{len(pods)} pod(s) cannot be scheduled',
                     _some(pods, lambda item: f'pod {item[1]["name"]} ({item[0]}): {item[2]}'), fix)]


def volume_pending(evidence):
    claims = [(ns, claim) for ns in evidence['namespaces'] for claim in ns.get('claims') or []
              if claim['phase'] == 'Pending']
    if not claims:
        return []
    lines = _some(claims, lambda item: f"claim {item[1]['name']} ({item[0]['name']}) Pending, storage class "
                  f"{item[1]['storageClass'] or '(none: the default)'}")
    lines += [event['message'] for ns, _ in claims[:1] for event in ns.get('events') or []
              if event['object'].startswith('PersistentVolumeClaim/')][:2]
    lines += [f'pod {pod["name"]}: {message}' for _, pod, message in _unscheduled(evidence)
              if 'PersistentVolumeClaim' in message][:1]
    return [_finding('VolumePending', ERROR, f'{len(claims)} volume claim(s) are not bound, so their pods cannot '
                     'start', lines, "Give the claims a storage class the cluster has (`kubectl get storageclass`; "
                     "on AKS managed-csi), or set a default one, through the extension's settings; the pods then "
                     "schedule.")]


def _latest_releases(evidence):
    return [(ns, ns['releases'][0]) for ns in evidence['namespaces'] if ns.get('releases')]


def hook_failed(evidence):
    failed_jobs = [(ns, job) for ns in evidence['namespaces'] for job in ns.get('jobs') or []
                   if job.get('hook') and job['failed']]
    releases = [(ns, release) for ns, release in _latest_releases(evidence) if release.get('status') == 'failed'
                and any(word in (release.get('description') or '') for word in HOOK_WORDS)]
    if not failed_jobs and not releases:
        return []
    lines = [f"Helm release {release['name']} revision {release['revision']} ({ns['name']}): "
             f"{' '.join((release.get('description') or '').split())}" for ns, release in releases]
    for ns, job in failed_jobs:
        lines.append(f"hook job {job['name']} ({job['hook']}) failed: " + '; '.join(
            f"{item['reason']}: {item['message']}" for item in job['conditions'] if item.get('reason')))
        for pod in ns.get('pods') or []:
            if pod.get('owner') == f"Job/{job['name']}":
                lines += [f'  {line}' for line in _tail(pod)]
    return [_finding('HelmHookFailed', ERROR, 'A Helm hook of the extension failed, so its chart was not installed',
                     lines, "The hook job's log above (and in the bundle) says why; fix that, then run "
                     f"`{evidence['commands']['update']}` to install again (or delete and create the extension).")]


def _tail(pod, count=3):
    """The last log lines of a pod's first container that has any: those that tell of a failure, if some do."""
    for container in pod['containers']:
        lines = [line for line in container.get('previousLastLines') or container.get('lastLines') or []
                 if line.strip()]
        if lines:
            telling = [line for line in lines if TELLING.search(line)]
            return (telling or lines)[-count:]
    return []


def crash_loop(evidence):
    findings = []
    crashing = [(ns, pod, container) for ns, pod, container in _containers(evidence['namespaces'])
                if (container['state'].get('waiting') or {}).get('reason') == 'CrashLoopBackOff'
                or (container['restartCount'] >= 3 and (container['lastState'].get('terminated') or {}).get(
                    'exitCode') not in (None, 0))]
    oom = [item for item in crashing if (item[2]['lastState'].get('terminated') or {}).get('reason') == 'OOMKilled']
    others = [item for item in crashing if item not in oom]
    if oom:
        findings.append(_finding('ContainerOOMKilled', ERROR, f'{len(oom)} container(s) are killed for using more '
                                 'memory than their limit', _some(oom, _crash_line),
                                 "Raise the container's memory limit (a setting of the extension, often "
                                 "resources.limits.memory) or free memory on its nodes."))
    if others:
        lines = _some(others, _crash_line)
        lines += [f'  {line}' for line in _tail(others[0][1], 5)]
        findings.append(_finding('CrashLoop', ERROR, f'{len(others)} container(s) keep crashing', lines,
                                 'The last log lines above (all of them in the bundle) say why it exits; fix the '
                                 'setting or the dependency they name, then run '
                                 f"`{evidence['commands']['update']}` to roll it out."))
    return findings


def _crash_line(item):
    ns, pod, container = item
    terminated = container['lastState'].get('terminated') or {}
    return (f"pod {pod['name']} ({ns}): container {container['name']} restarted {container['restartCount']} times, "
            f"last exit code {terminated.get('exitCode')} ({terminated.get('reason')})")


def release_failed(evidence):
    releases = [(ns, release) for ns, release in _latest_releases(evidence)
                if release.get('status') in ('failed', 'pending-install', 'pending-upgrade')
                and (release.get('status') == 'failed' or _older_than(evidence, release.get('lastDeployed'), 3600))]
    return [_finding('HelmReleaseFailed', ERROR, f"Helm release {release['name']} is {release['status']}",
                     [f"revision {release['revision']} ({ns['name']}), chart {release.get('chart')} "
                      f"{release.get('chartVersion')}: {release.get('description')}"],
                     f"Fix what the description names, then run `{evidence['commands']['update']}` to install "
                     "again.") for ns, release in releases]


def _older_than(evidence, text, seconds):
    moment = _parse_time(text)
    return bool(moment and evidence['now'] - moment > seconds)


def extension_failed(evidence):
    extension = (evidence.get('service') or {}).get('extension') or {}
    if extension.get('provisioningState') not in ('Failed', 'Canceled'):
        return []
    lines = [f"provisioningState {extension['provisioningState']}"]
    lines += [f"status {status.get('code')}: {' '.join(str(status.get('message') or '').split())}"
              for status in extension.get('statuses') or []]
    error = extension.get('errorInfo') or {}
    if error.get('message'):
        lines.append(f"errorInfo {error.get('code')}: {error['message']}")
    return [_finding('ExtensionFailed', ERROR, f"The extension is {extension['provisioningState']} and the cluster "
                     "shows no more precise cause", lines,
                     f"`{evidence['commands']['update']}` retries with the same settings (the service reconciles "
                     f"it again); if it fails the same way, `{evidence['commands']['delete']}` and create it again.")]


def workload_not_ready(evidence):
    behind = [(ns['name'], item) for ns in evidence['namespaces'] for item in ns.get('workloads') or []
              if item['ready'] < item['desired']]
    if not behind:
        return []
    return [_finding('WorkloadNotReady', WARNING, f'{len(behind)} workload(s) have fewer ready pods than desired',
                     _some(behind, lambda item: f"{item[1]['kind']} {item[1]['name']} ({item[0]}): "
                           f"{item[1]['ready']}/{item[1]['desired']} ready"),
                     "Their pods' states and events in the bundle say what holds them.")]


# Findings about the cluster or the version, which leave the fallbacks their say on the extension itself.
CLUSTER_LEVEL = ('ClusterStopped', 'AgentOffline', 'ClusterNotReady', 'VersionUnsupported')
# Rules that stand alone, and rules for what is left only when nothing more precise explains the failure.
RULES = (cluster_state, agent_offline, stuck_delete, version_unsupported, image_pull, unschedulable, volume_pending,
         hook_failed, crash_loop)
FALLBACKS = (release_failed, extension_failed, workload_not_ready)


def diagnose(evidence):
    """The ranked findings of ``evidence``: a list of {rank, severity, code, title, evidence, fix}."""
    findings = [finding for rule in RULES for finding in rule(evidence)]
    pod_level = any(finding['code'] not in CLUSTER_LEVEL for finding in findings)
    if not pod_level:
        for rule in FALLBACKS:
            extra = rule(evidence)
            if extra and rule is extension_failed and findings:
                continue  # the agent or the version explains the failure
            findings += extra
            if extra and rule is not workload_not_ready:
                break
    findings.sort(key=lambda finding: (finding['severity'] != ERROR, ORDER.index(finding['code'])))
    return [dict(finding, rank=rank) for rank, finding in enumerate(findings, 1)]
