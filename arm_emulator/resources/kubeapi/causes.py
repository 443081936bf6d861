"""Why an extension fails on its cluster, as data: each cause names the ARM state it leaves behind (what the
extension agent reports to the service) and the cluster state the Kubernetes API then shows (objects.py reads
``cluster`` to build pods, events, volumes, Helm records and namespaces).

A cause is kept on the extension's stored document (``kubernetes``), so it follows the extension: it shows while
the extension is in the state the cause put it in, and a later successful operation replaces it with a healthy
cluster state. ``agent_offline`` also marks an Arc cluster offline since three days.
"""
import datetime

from ..extensions import model

# cause -> (provisioningState it leaves, the status message the agent reported, what the cluster shows)
CAUSES = {
    'image_pull': ('Failed', 'Error: {{failed to install chart from path [] for release [{name}]: err [context '
                   'deadline exceeded]}} occurred while doing the operation : {{Installing the extension}} on the '
                   'config', 'image_pull'),
    'crash_loop': ('Failed', 'Error: {{UPGRADE FAILED: pod healthcheck failed}} occurred while doing the operation : '
                   '{{Installing the extension}} on the config', 'crash_loop'),
    'unschedulable': ('Failed', 'Error: {{failed to install chart from path [] for release [{name}]: err [timed out '
                      'waiting for the condition]}} occurred while doing the operation : {{Installing the extension}} '
                      'on the config', 'unschedulable'),
    'pending_volume': ('Failed', 'Error: {{failed to install chart from path [] for release [{name}]: err [timed out '
                       'waiting for the condition]}} occurred while doing the operation : {{Installing the '
                       'extension}} on the config', 'pending_volume'),
    'failed_hook': ('Failed', 'Error: {{failed pre-install: 1 error occurred: * job {name}-pre-install failed: '
                    'BackoffLimitExceeded}} occurred while doing the operation : {{Installing the extension}} on the '
                    'config', 'failed_hook'),
    'agent_offline': ('Failed', 'Unable to get response from the Agent in time. The protected settings of the '
                      'extension could not be delivered to the cluster.', 'agent_offline'),
    'stuck_namespace': ('Deleting', None, 'stuck_namespace'),
}
# How long ago the agents of an offline cluster last reached Azure, and a stuck delete started.
OFFLINE_FOR = datetime.timedelta(hours=72)
STUCK_FOR = datetime.timedelta(hours=3)
# A stuck delete's operation never ends.
NEVER = 10 * 365 * 24 * 3600.0


def arm_time(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def apply(service, doc, cause, cluster):
    """Put the extension ``doc`` (and, for agent_offline, its ``cluster`` document) in the state ``cause`` leaves;
    returns the operation to store for a stuck delete, or None. ``cause`` None: healthy and Succeeded."""
    settings = doc.setdefault('kubernetes', {})
    settings['cause'] = cause
    now = service.clock()
    if cause is None:
        doc.update(provisioningState='Succeeded', statuses=[], errorInfo=None, operation=None)
        return None
    state, message, _ = CAUSES[cause]
    settings['state'] = state
    if cause == 'agent_offline':
        cluster['properties'].update(connectivityStatus='Offline',
                                     lastConnectivityTime=arm_time(now - OFFLINE_FOR.total_seconds()))
    if state == 'Failed':
        text = message.format(name=doc['name'])
        doc.update(provisioningState='Failed', statuses=model.failure_statuses(text), operation=None,
                   errorInfo={'code': 'ExtensionOperationFailed', 'message': text})
        return None
    # A delete that never finishes: the agent cannot empty the namespace.
    started = now - STUCK_FOR.total_seconds()
    operation = {'id': f"stuck-{doc['name']}".lower(), 'extKey': doc['id'].lower(), 'extId': doc['id'],
                 'kind': 'delete', 'started': started, 'deadline': now + NEVER, 'done': False,
                 'outcome': 'Succeeded', 'code': None, 'message': None}
    doc.update(provisioningState='Deleting', operation=operation['id'], lastModifiedAt=started,
               statuses=model.progress_statuses([f"Uninstalling the Helm release '{doc['name']}'"]))
    return operation


def showing(doc):
    """The cause whose cluster state shows for the extension now, or None (healthy, or the cause is over)."""
    settings = doc.get('kubernetes') or {}
    cause = settings.get('cause')
    if cause and settings.get('state') == doc.get('provisioningState'):
        return cause
    return None
