"""Injected faults: the next N requests matching a method, a path pattern (and a query pattern, when given: the
api-version of one client among several reading the same path, say) get an error status, a delay, a dropped
connection, a replaced or truncated body or extra headers (a bad Retry-After, say). With ``after`` the request is
served first (a write lands) and only then delayed or dropped: an answer that is late or lost. Faults live in memory;
they are for the running test, not part of the emulated state."""
import asyncio
import re

from aiohttp import web

from . import errors
from .requestlog import ADMIN_PREFIX

DEFAULT_MESSAGES = {429: ('TooManyRequests', 'The request was throttled. Retry after the indicated time.'),
                    500: ('InternalServerError', 'The server encountered an internal error.'),
                    502: ('BadGateway', 'The gateway received an invalid response.'),
                    503: ('ServiceUnavailable', 'The service is temporarily unavailable. Retry the request later.'),
                    504: ('GatewayTimeout', 'The gateway did not receive a response within the specified time.')}


DROPPED = 444


class Faults:
    def __init__(self):
        self.pending = []
        self.sleepers = set()  # requests held by a latency fault; released when the emulator stops

    async def cancel_sleepers(self, _app=None):
        for task in list(self.sleepers):
            task.cancel()

    def add(self, spec):
        pattern, query = re.compile(spec.get('path') or '.*'), re.compile(spec.get('query') or '')
        count = int(spec.get('count', 1))
        if count < 1:
            raise errors.bad_request('count must be at least 1.')
        status = spec.get('status')
        effects = ('drop', 'latency', 'body', 'headers', 'retry_after', 'truncate')
        if status is None and not any(spec.get(key) is not None for key in effects):
            raise errors.bad_request('A fault needs a status, drop, latency, body, headers, retry_after or truncate.')
        fault = dict(spec, pattern=pattern, query_pattern=query, count=count,
                     method=(spec.get('method') or '*').upper(), skip=int(spec.get('skip') or 0))
        self.pending.append(fault)
        return _shown(fault)

    def clear(self):
        self.pending.clear()

    def take(self, request):
        """The first fault matching ``request``, consuming one of its uses."""
        for fault in self.pending:
            if fault['method'] in ('*', request.method) and fault['pattern'].search(request.path) and \
                    fault['query_pattern'].search(request.query_string):
                if fault['skip'] > 0:  # the first matching requests pass this fault (a read before a write, say)
                    fault['skip'] -= 1
                    continue
                fault['count'] -= 1
                if fault['count'] == 0:
                    self.pending.remove(fault)
                return fault
        return None

    def listing(self):
        return [_shown(fault) for fault in self.pending]


def _shown(fault):
    return {key: value for key, value in fault.items() if key not in ('pattern', 'query_pattern')}


def _headers(fault):
    headers = dict(fault.get('headers') or {})
    if fault.get('retry_after') is not None:
        # Sent as given: a number, or any text (a date, a typo) to see how clients cope.
        retry_after = fault['retry_after']
        headers['Retry-After'] = str(int(retry_after)) if isinstance(retry_after, (int, float)) else str(retry_after)
    return headers


def _body(fault, request):
    """The replacement body: '{self}' becomes the request's own URL (a nextLink that loops), '{count}' the uses
    left (a nextLink that never ends)."""
    text = str(fault['body']).replace('{self}', str(request.url)).replace('{count}', str(fault['count']))
    return text.encode()


def _error(fault, request):
    status = int(fault['status'])
    if fault.get('body') is not None:
        return web.Response(status=status, body=_body(fault, request), headers=_headers(fault),
                            content_type=fault.get('content_type') or 'application/json')
    code, message = DEFAULT_MESSAGES.get(status, ('InjectedFault', 'Injected fault.'))
    return errors.ArmError(status, fault.get('code') or code, fault.get('message') or message,
                           _headers(fault)).response()


def _replaced(response, body, content_type):
    return web.Response(status=response.status, body=body,
                        headers={k: v for k, v in response.headers.items()
                                 if k.lower() not in ('content-length', 'content-type')},
                        content_type=content_type)


async def _altered(fault, request, handler):
    """The real answer (state changes happen), with its body replaced or cut short and headers added as the fault
    says."""
    response = await handler(request)
    if fault.get('body') is not None:
        response = _replaced(response, _body(fault, request), fault.get('content_type') or 'application/json')
    if fault.get('truncate') is not None:
        # The first N bytes of the answer, as a proxy that gave up half-way would pass on.
        response = _replaced(response, bytes(response.body or b'')[:int(fault['truncate'])],
                             response.content_type or 'application/json')
    response.headers.update(_headers(fault))
    return response


async def _hold(fault, faults):
    task = asyncio.current_task()
    faults.sleepers.add(task)
    try:
        await asyncio.sleep(float(fault['latency']))
    finally:
        faults.sleepers.discard(task)


async def _served_then(fault, faults, request, handler):
    """``after``: the request is served (a write lands), then its answer is held back, lost, or replaced by an error
    (a gateway that gave up after the service acted). The request log shows the status the client got, and that
    the service had acted."""
    response = await _altered(fault, request, handler)
    if fault.get('status') is not None:
        request['fault'] = f'served, then answered {fault["status"]}'
        response = _error(fault, request)
    if fault.get('latency'):
        await _hold(fault, faults)
    if fault.get('drop'):
        request['fault'] = 'answer dropped'
        request.transport.abort()
    return response


def make_middleware(faults):
    @web.middleware
    async def inject_faults(request, handler):
        fault = None if request.path.startswith(ADMIN_PREFIX) else faults.take(request)
        if fault is None:
            return await handler(request)
        if fault.get('after'):
            return await _served_then(fault, faults, request, handler)
        if fault.get('latency'):
            await _hold(fault, faults)
        if fault.get('drop'):
            await request.read()
            request.transport.abort()
            # Nothing reaches the client; 444 ("no response", as nginx names it) is what the request log shows.
            return web.Response(status=DROPPED)
        if fault.get('status') is not None:
            return _error(fault, request)
        return await _altered(fault, request, handler)
    return inject_faults
