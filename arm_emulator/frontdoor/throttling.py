"""ARM request throttling: token buckets per subscription (or tenant) and principal, as ARM has used since 2024.

Each bucket holds ``size`` tokens and refills ``refill`` tokens a second; every request takes one from the bucket
of its scope, principal and operation class (reads, writes, deletes). An empty bucket answers 429
``TooManyRequests`` with ``Retry-After``; until that time has passed the bucket refuses again, as ARM does.
Every answer carries ``x-ms-ratelimit-remaining-{subscription|tenant}-{reads|writes|deletes}``.

The sizes are the documented ones; ``throttle_scale`` (``--throttle-scale``) multiplies sizes and refill rates
(0 turns throttling off). Resource Graph has its own quota (see resources/resourcegraph/) and is not counted here.
"""
import math
import re
import time

import jwt
from aiohttp import web

from .errors import ArmError
from .requestlog import ADMIN_PREFIX

# (size, refill per second) by operation class, per principal, per subscription or tenant.
BUCKETS = {'reads': (250, 25.0), 'writes': (200, 10.0), 'deletes': (200, 10.0)}
SUBSCRIPTION = re.compile(r'^/subscriptions/([^/]+)', re.IGNORECASE)
EXEMPT = re.compile(r'^/[^/]+/(oauth2|v2\.0|discovery)/|^/providers/microsoft\.resourcegraph/'
                    r'|^/kubernetes/', re.IGNORECASE)  # the clusters' own APIs are not ARM


def operation_class(method):
    if method in ('GET', 'HEAD', 'OPTIONS'):
        return 'reads'
    return 'deletes' if method == 'DELETE' else 'writes'


def principal_of(request):
    """The token's object id (the signature is checked by the router; here only the bucket is chosen)."""
    token = request.headers.get('Authorization', '').partition(' ')[2]
    try:
        claims = jwt.decode(token, options={'verify_signature': False})
    except jwt.InvalidTokenError:
        return 'anonymous'
    return claims.get('oid') or claims.get('appid') or 'anonymous'


# A token bucket: its state, and taking one token.
class Bucket:  # pylint: disable=too-few-public-methods
    def __init__(self, size, refill, now):
        self.size, self.refill = size, refill
        self.tokens, self.updated, self.blocked_until = float(size), now, 0.0

    def take(self, now):
        """(allowed, remaining, retry_after seconds)."""
        self.tokens = min(self.size, self.tokens + (now - self.updated) * self.refill)
        self.updated = now
        if now < self.blocked_until:
            return False, 0, int(math.ceil(self.blocked_until - now))
        if self.tokens >= 1:
            self.tokens -= 1
            return True, int(self.tokens), 0
        wait = max(1, int(math.ceil((1 - self.tokens) / self.refill)))
        self.blocked_until = now + wait
        return False, 0, wait


# The buckets of every scope and principal, and charging one request to its bucket.
class Throttle:  # pylint: disable=too-few-public-methods
    def __init__(self, config, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self.buckets = {}
        self.refused = 0

    def charge(self, request):
        """(allowed, headers) for one ARM request."""
        scale = self.config.get('throttle_scale')
        if not scale or request.path.startswith(ADMIN_PREFIX) or EXEMPT.search(request.path):
            return True, {}
        match = SUBSCRIPTION.match(request.path)
        scope, name = ('subscription', match.group(1).lower()) if match else ('tenant', '')
        kind = operation_class(request.method)
        key = (scope, name, principal_of(request), kind, scale)
        bucket = self.buckets.get(key)
        now = self.clock()
        if bucket is None:
            size, refill = BUCKETS[kind]
            bucket = self.buckets[key] = Bucket(max(1, int(size * scale)), refill * scale, now)
        allowed, remaining, wait = bucket.take(now)
        headers = {f'x-ms-ratelimit-remaining-{scope}-{kind}': str(remaining)}
        if not allowed:
            self.refused += 1
            headers['Retry-After'] = str(wait)
        return allowed, headers


def make_middleware(throttle):
    @web.middleware
    async def throttle_requests(request, handler):
        allowed, headers = throttle.charge(request)
        if not allowed:
            return ArmError(429, 'TooManyRequests', 'Number of requests for this subscription and principal '
                            f"exceeded the limit. Please retry after {headers['Retry-After']} second(s).",
                            headers).response()
        response = await handler(request)
        response.headers.update(headers)
        return response
    return throttle_requests
