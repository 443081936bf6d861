"""ARM's front door: bearer check, api-version check, case-insensitive route matching, error envelopes.

Each resource family declares ``ROUTES``: ``(pattern, {METHOD: handler}, api_versions)``; a pattern is a regular
expression over the URL path, matched without regard to case as ARM does. ``api_versions`` is a tuple, or a
function of the path parameters for routes whose versions depend on the parent type.

The route table is every family's routes in the order of ``resources.FAMILIES``, and that order is the precedence:
the first route whose pattern matches the path answers, whatever the method (one it lacks is a 405). Where two
families' patterns overlap, ``resources.OVERLAPS`` says which must win, and :func:`misrouted` checks the table does.
"""
import json
import re
from dataclasses import dataclass, field

from aiohttp import web

from . import apiversions, errors


# A field for each part of the request a handler may read.
@dataclass
class Call:  # pylint: disable=too-many-instance-attributes
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


@dataclass(frozen=True)
class Route:
    family: str
    pattern: re.Pattern
    methods: dict
    api_versions: object


def route_table(families):
    """The routes of ``families``, ``(name, module)`` pairs in precedence order, in the order the router tries them."""
    return [Route(name, re.compile('^' + pattern + '$', re.IGNORECASE), methods, versions)
            for name, module in families for pattern, methods, versions in module.ROUTES]


def resolve(table, path):
    """``(route, path parameters)`` of the first route matching ``path``; ``(None, None)`` when none does."""
    for route in table:
        match = route.pattern.match(path)
        if match:
            return route, match.groupdict()
    return None, None


def misrouted(table, overlaps):
    """What the table gets wrong of ``overlaps``, ``(path, family that must answer it, family it overlaps)``
    triples: a message for each path another family answers, or that one of the two families does not match."""
    problems = []
    for path, winner, loser in overlaps:
        route, _ = resolve(table, path)
        matching = {candidate.family for candidate in table if candidate.pattern.match(path)}
        if route is None or route.family != winner:
            problems.append(f"{path} goes to {route.family if route else 'no family'}, not {winner}")
        elif loser not in matching:
            problems.append(f'{path} no longer matches {loser}: not an overlap any more')
    return problems


def _namespace_of(path):
    found = re.findall(r'/providers/([^/]+)', path, re.IGNORECASE)
    return found[-1] if found else 'Microsoft.Resources'


_BARE_KEY = re.compile(r'[A-Za-z_$][\w$]*')


def lenient_json(text):
    """Parse JSON as ARM's front door does (JSON.NET): also with comments, trailing commas and unquoted property
    names, which `az deployment` sends when it splices a JSONC template into the request."""
    out, index, length = [], 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            end = index + 1
            while end < length and text[end] != '"':
                end += 2 if text[end] == '\\' else 1
            out.append(text[index:end + 1])
            index = end + 1
        elif text.startswith('//', index):
            newline = text.find('\n', index)
            index = length if newline < 0 else newline
        elif text.startswith('/*', index):
            close = text.find('*/', index + 2)
            index = length if close < 0 else close + 2
        elif char == ',' and re.match(r'\s*[}\]]', text[index + 1:]):
            index += 1
        elif _BARE_KEY.match(char) and re.search(r'[{,]\s*$', ''.join(out[-3:])):
            key = _BARE_KEY.match(text, index).group(0)
            out.append(f'"{key}"' if re.match(r'\s*:', text[index + len(key):]) else key)
            index += len(key)
        else:
            out.append(char)
            index += 1
    return json.loads(''.join(out))


async def _json_body(request):
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        return lenient_json(raw.decode('utf-8-sig'))
    except ValueError as error:
        raise errors.ArmError(400, 'InvalidRequestContent',
                              'The request content was invalid and could not be deserialized.') from error


# One entry point: the handler aiohttp calls for every ARM path.
class Router:  # pylint: disable=too-few-public-methods
    def __init__(self, service, table):
        self.service = service
        self.table = table

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
        route, params = resolve(self.table, path)
        if route is None:
            raise errors.invalid_resource_type(_namespace_of(path), version)
        handler = route.methods.get(request.method) or (
            route.methods.get('GET') if request.method == 'HEAD' else None)
        if handler is None:
            raise errors.method_not_allowed(request.method)
        versions = route.api_versions
        apiversions.check(query, versions(params) if callable(versions) else versions)
        call = Call(request=request, method=request.method, path=path, params=params, query=query,
                    api_version=version, body=await _json_body(request))
        return await handler(self.service, call)
