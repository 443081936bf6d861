"""Asynchronous extension operations, resolved lazily.

An operation records its start and deadline on the emulator's clock and the outcome decided when it started
(success, a planned failure, an unresolvable version). Nothing runs in the background: any read past the deadline
applies the outcome. A restarted emulator therefore finishes operations that were in flight when it stopped.

A success may carry a planned late failure (``/_emulator/fail-after-success``): the extension shows Succeeded, and
the first read once its seconds have passed turns it Failed, as an extension whose workload crashes after its
install does.
"""
import uuid

from . import model

TERMINAL = ('Succeeded', 'Failed', 'Canceled')


def start(service, key, doc, kind, failure=None):
    """Attach a new operation to extension ``doc`` (stored by the caller) and return its id.

    ``failure`` is ``(state, code, message[, with error info])`` when the outcome is already known to be
    unsuccessful."""
    planned = service.store.pop_first('planned_failures', lambda plan: plan.get('name') is None
                                      or plan['name'].lower() == doc['name'].lower())
    if planned:
        failure = (planned.get('state') or 'Failed', planned.get('code') or 'ExtensionOperationFailed',
                   planned.get('message') or 'The extension operation failed.', planned.get('error_info', True))
    late = None
    if failure is None and kind != 'delete':
        late = service.store.pop_first('planned_late_failures', lambda plan: plan.get('name') is None
                                       or plan['name'].lower() == doc['name'].lower())
    now = service.clock()
    if planned and planned.get('progress'):
        doc['statuses'] = model.progress_statuses(planned['progress'])
    doc.pop('lateFailure', None)  # a new operation replaces what a late failure was to undo
    op = {'id': str(uuid.uuid4()), 'extKey': key, 'extId': doc['id'], 'kind': kind, 'started': now,
          'deadline': now + float(service.config['op_seconds']), 'done': False,
          'outcome': failure[0] if failure else 'Succeeded',
          'code': failure[1] if failure else None, 'message': failure[2] if failure else None,
          # False: the failure shows in statuses only, as an agent reports one (errorInfo stays empty).
          'errorInfo': failure[3] if failure and len(failure) > 3 else True, 'late': late}
    service.store.put('operations', op['id'], op, ext_key=key)
    doc['operation'] = op['id']
    doc['provisioningState'] = model.RUNNING_STATES[kind]
    return op['id']


def _apply(op, doc):
    """Apply a finished operation's outcome to its extension; returns the new doc, or None once deleted."""
    if op['kind'] == 'delete' and op['outcome'] == 'Succeeded':
        return None
    doc['provisioningState'] = op['outcome']
    if op['outcome'] == 'Succeeded':
        doc['currentVersion'] = doc.pop('pendingVersion', doc['currentVersion'])
        doc['statuses'], doc['errorInfo'] = [], None
        if op.get('late'):
            doc['lateFailure'] = dict(op['late'], at=op['deadline'] + float(op['late']['seconds']))
    else:
        doc.pop('pendingVersion', None)
        doc['statuses'] = model.failure_statuses(op['message'])
        doc['errorInfo'] = {'code': op['code'], 'message': op['message']} if op.get('errorInfo', True) else None
    doc['operation'] = None
    return doc


def settle(service, op):
    """Finish ``op`` if its deadline has passed. Returns the (possibly updated) operation."""
    if op['done'] or service.clock() < op['deadline']:
        return op
    with service.store.transaction():
        doc = service.store.get('extensions', op['extKey'])
        if doc is not None and doc.get('operation') == op['id']:
            doc = _apply(op, doc)
            if doc is None:
                service.store.delete('extensions', op['extKey'])
            else:
                service.store.put('extensions', op['extKey'], doc, cluster_key=cluster_key_of(op['extKey']))
        op = dict(op, done=True)
        service.store.put('operations', op['id'], op, ext_key=op['extKey'])
    return op


def cluster_key_of(extension_key):
    return extension_key.rsplit('/providers/microsoft.kubernetesconfiguration/extensions/', 1)[0]


def fail_late(service, key, doc):
    """``doc`` once its planned late failure is applied, if its time has come (stored then)."""
    late = (doc or {}).get('lateFailure')
    if not late or service.clock() < late['at']:
        return doc
    doc = dict(doc, provisioningState='Failed', errorInfo={'code': late['code'], 'message': late['message']},
               statuses=[status for message in late['statuses'] for status in model.failure_statuses(message)])
    doc.pop('lateFailure')
    service.store.put('extensions', key, doc, cluster_key=cluster_key_of(key))
    return doc


def current(service, key):
    """The extension stored under ``key`` after settling its pending operation (None if absent)."""
    doc = service.store.get('extensions', key)
    if doc is not None and doc.get('operation'):
        op = service.store.get('operations', doc['operation'])
        if op is not None and not settle(service, op)['done']:
            return doc
        doc = service.store.get('extensions', key)
    return fail_late(service, key, doc)


def settle_pending(service, cluster_key=None):
    """Settle every pending operation and due late failure on one cluster's extensions, or on all extensions
    (before listing them)."""
    for op_id in service.store.pending_operation_ids(cluster_key):
        op = service.store.get('operations', op_id)
        if op is not None:
            settle(service, op)
    for key in service.store.late_failure_keys(cluster_key):
        fail_late(service, key, service.store.get('extensions', key))


def status_body(service, op):
    op = settle(service, op)
    body = {'id': op['extId'] + '/operations/' + op['id'], 'name': op['id'],
            'status': op['outcome'] if op['done'] else model.RUNNING_STATES[op['kind']],
            'properties': {}, 'error': None}
    if op['done'] and op['outcome'] != 'Succeeded':
        body['error'] = {'code': op['code'], 'message': op['message']}
    return body
