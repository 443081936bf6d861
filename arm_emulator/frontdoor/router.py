"""ARM's front door: bearer check, api-version check, case-insensitive route matching, error envelopes.

Each resource module declares ``ROUTES``: ``(pattern, {METHOD: handler}, api_versions)``; a pattern is a regular
expression over the URL path, matched without regard to case as ARM does. ``api_versions`` is a tuple, or a
function of the path parameters for routes whose versions depend on the parent type.
"""
import json
import re
from dataclasses import dataclass, field

from aiohttp import web

from . import apiversions, errors


@dataclass
class Call:
    """One ARM request as a handler sees it."""
    request: web.Request
    method: str
    path: str
    params: dict
    query: dict
    api_version: str
    body: object = None
    headers: dict = field(default_factory=dict)

    def query_value(self, name, default=None):
        value = apiversions.query_value(self.query, name)
        return default if value is None else value


def compile_routes(modules):
    table = []
    for module in modules:
        for pattern, methods, versions in module.ROUTES:
            table.append((re.compile('^' + pattern + '$', re.IGNORECASE), methods, versions))
    return table


def _namespace_of(path):
    found = re.findall(r'/providers/([^/]+)', path, re.IGNORECASE)
    return found[-1] if found else 'Microsoft.Resources'


async def _json_body(request):
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise errors.ArmError(400, 'InvalidRequestContent',
                              'The request content was invalid and could not be deserialized.')


class Router:
    def __init__(self, service, modules):
        self.service = service
        self.table = compile_routes(modules)

    async def handle(self, request):
        try:
            return await self._dispatch(request)
        except errors.ArmError as error:
            return error.response()

    async def _dispatch(self, request):
        self.service.identity.check_bearer(request)
        query = dict(request.query)
        path = request.path.rstrip('/') or '/'
        version = apiversions.requested_version(query)
        for pattern, methods, versions in self.table:
            match = pattern.match(path)
            if not match:
                continue
            params = match.groupdict()
            handler = methods.get(request.method) or (methods.get('GET') if request.method == 'HEAD' else None)
            if handler is None:
                raise errors.method_not_allowed(request.method)
            supported = versions(params) if callable(versions) else versions
            apiversions.check(query, supported)
            call = Call(request=request, method=request.method, path=path, params=params, query=query,
                        api_version=version, body=await _json_body(request))
            return await handler(self.service, call)
        raise errors.invalid_resource_type(_namespace_of(path), version)
