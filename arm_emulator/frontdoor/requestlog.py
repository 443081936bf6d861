"""The log of every non-admin request, in order, for tests to check what reached the service.

Secrets never enter the log: the Authorization header is dropped, and each protected setting value is replaced
by a short digest that lets a test check what was sent without the value itself appearing anywhere.
"""
import hashlib
import json
import time

from aiohttp import web

ADMIN_PREFIX = '/_emulator/'
PROTECTED = 'configurationProtectedSettings'


def redacted(value):
    text = value if isinstance(value, str) else json.dumps(value)
    return f'<redacted sha256:{hashlib.sha256(text.encode()).hexdigest()[:16]}>'


def replace_protected(document, replace):
    """The JSON document with each protected setting value v, at any depth, replaced by replace(v)."""
    if isinstance(document, dict):
        return {key: ({name: replace(v) for name, v in value.items()}
                      if key == PROTECTED and isinstance(value, dict) else replace_protected(value, replace))
                for key, value in document.items()}
    if isinstance(document, list):
        return [replace_protected(item, replace) for item in document]
    return document


def redact(body):
    return replace_protected(body, redacted)


def _parsed(raw):
    try:
        return redact(json.loads(raw)) if raw else None
    except ValueError:
        return None  # form posts (the token endpoint) carry secrets and are not JSON: never logged


def make_middleware(service):
    @web.middleware
    async def log_requests(request, handler):
        if request.path.startswith(ADMIN_PREFIX):
            return await handler(request)
        entry = {'time': time.time(), 'method': request.method, 'path': request.path,
                 'query': dict(request.query),
                 'headers': {k.lower(): v for k, v in request.headers.items() if k.lower() != 'authorization'},
                 'body': _parsed(await request.read()), 'status': 0}
        try:
            response = await handler(request)
            entry['status'] = response.status
            return response
        except web.HTTPException as error:
            entry['status'] = error.status
            raise
        finally:
            if request.get('fault'):
                entry['fault'] = request['fault']  # the service acted, but its answer never left
            service.store.append('requests', entry)
    return log_requests
