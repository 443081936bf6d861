"""Injected faults: the next N requests matching a method and a path pattern get an error status, a delay, or a
dropped connection. Faults live in memory; they are for the running test, not part of the emulated state."""
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

    def add(self, spec):
        pattern = re.compile(spec.get('path') or '.*')
        count = int(spec.get('count', 1))
        if count < 1:
            raise errors.bad_request('count must be at least 1.')
        status = spec.get('status')
        if status is None and not spec.get('drop') and not spec.get('latency'):
            raise errors.bad_request('A fault needs a status, drop or latency.')
        fault = dict(spec, pattern=pattern, count=count, method=(spec.get('method') or '*').upper())
        self.pending.append(fault)
        return {key: value for key, value in fault.items() if key != 'pattern'}

    def clear(self):
        self.pending.clear()

    def take(self, request):
        """The first fault matching ``request``, consuming one of its uses."""
        for fault in self.pending:
            if fault['method'] in ('*', request.method) and fault['pattern'].search(request.path):
                fault['count'] -= 1
                if fault['count'] == 0:
                    self.pending.remove(fault)
                return fault
        return None

    def listing(self):
        return [{key: value for key, value in fault.items() if key != 'pattern'} for fault in self.pending]


def _error(fault):
    status = int(fault['status'])
    code, message = DEFAULT_MESSAGES.get(status, ('InjectedFault', 'Injected fault.'))
    headers = {}
    if fault.get('retry_after') is not None:
        headers['Retry-After'] = str(int(fault['retry_after']))
    return errors.ArmError(status, fault.get('code') or code, fault.get('message') or message, headers).response()


def make_middleware(faults):
    @web.middleware
    async def inject_faults(request, handler):
        fault = None if request.path.startswith(ADMIN_PREFIX) else faults.take(request)
        if fault is None:
            return await handler(request)
        if fault.get('latency'):
            await asyncio.sleep(float(fault['latency']))
        if fault.get('drop'):
            await request.read()
            request.transport.abort()
            # Nothing reaches the client; 444 ("no response", as nginx names it) is what the request log shows.
            return web.Response(status=DROPPED)
        if fault.get('status') is not None:
            return _error(fault)
        return await handler(request)
    return inject_faults
