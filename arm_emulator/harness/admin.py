"""The emulator's own control API under /_emulator/ (no authentication; never routed as ARM)."""
import json

from aiohttp import web

from ..frontdoor import errors
from ..frontdoor.errors import json_response
from ..resources import clusters
from ..resources.extension_types import catalog
from . import many_clusters, seed

# What an extension whose workload crashed after its install reports, unless the plan says otherwise.
LATE_FAILURE_MESSAGE = ('The extension failed after its installation succeeded: pods of its release are in '
                        'CrashLoopBackOff.')
CONFIG_KEYS = ('op_seconds', 'retry_after', 'page_size', 'token_seconds', 'throttle_scale', 'graph_page_size')


async def _spec(request):
    raw = await request.read()
    try:
        spec = json.loads(raw) if raw else {}
    except ValueError as error:
        raise errors.bad_request('The request body is not valid JSON.') from error
    if not isinstance(spec, dict):
        raise errors.bad_request('The request body must be a JSON object.')
    return spec


class Admin:
    def __init__(self, service, faults):
        self.service = service
        self.faults = faults

    async def requests(self, _request):
        return json_response({'requests': self.service.store.log_entries('requests')})

    async def clear_requests(self, _request):
        self.service.store.clear('requests')
        return json_response({'cleared': True})

    async def add_fault(self, request):
        return json_response({'fault': self.faults.add(await _spec(request))}, status=201)

    async def list_faults(self, _request):
        return json_response({'faults': self.faults.listing()})

    async def clear_faults(self, _request):
        self.faults.clear()
        return json_response({'cleared': True})

    async def fail_next_operation(self, request):
        spec = await _spec(request)
        state = spec.get('state') or 'Failed'
        if state not in ('Failed', 'Canceled'):
            raise errors.bad_request("state must be 'Failed' or 'Canceled'.")
        plan = {'name': spec.get('name'), 'state': state, 'code': spec.get('code'), 'message': spec.get('message'),
                'progress': list(spec.get('progress') or []), 'error_info': bool(spec.get('error_info', True))}
        self.service.store.append('planned_failures', plan)
        return json_response({'planned': plan}, status=201)

    async def fail_after_success(self, request):
        spec = await _spec(request)
        try:
            seconds = float(spec.get('seconds', 5))
        except (TypeError, ValueError) as error:
            raise errors.bad_request('seconds must be a number.') from error
        if seconds < 0:
            raise errors.bad_request('seconds must not be negative.')
        message = spec.get('message') or LATE_FAILURE_MESSAGE
        statuses = spec.get('statuses') or [message]
        if not isinstance(statuses, list) or not all(isinstance(item, str) for item in statuses):
            raise errors.bad_request('statuses must be a list of status messages.')
        plan = {'name': spec.get('name'), 'seconds': seconds, 'code': spec.get('code') or 'ExtensionOperationFailed',
                'message': message, 'statuses': statuses}
        self.service.store.append('planned_late_failures', plan)
        return json_response({'planned': plan}, status=201)

    async def config(self, request):
        if request.method == 'POST':
            spec = await _spec(request)
            unknown = set(spec) - set(CONFIG_KEYS)
            if unknown:
                raise errors.bad_request(f"Unknown settings: {', '.join(sorted(unknown))}.")
            self.service.config.update(spec)
            if 'throttle_scale' in spec:
                # New throttling settings start from full buckets and a fresh query quota.
                self.service.throttle.buckets.clear()
                self.service.graph['quota'].windows.clear()
        return json_response(self.service.config)

    async def clock(self, request):
        if request.method == 'POST':
            spec = await _spec(request)
            unknown = set(spec) - {'now', 'offset', 'advance'}
            if unknown:
                raise errors.bad_request(f"Unknown clock settings: {', '.join(sorted(unknown))}.")
            try:
                self.service.clock.set(**spec)
            except (TypeError, ValueError) as error:
                raise errors.bad_request(f'Cannot set the clock: {error}.') from error
        return json_response(self.service.clock.describe())

    async def reset(self, request):
        spec = await _spec(request)
        self.service.store.wipe()
        self.service.store.set_meta('extra_subscriptions', [])
        self.service.clock.reset()
        self.faults.clear()
        seed.apply(self.service, spec.get('seed'))
        return json_response({'reset': True, 'seed': spec.get('seed')})

    async def bulk_extensions(self, request):
        spec = await _spec(request)
        service = self.service
        cluster_id = spec.get('cluster_id') or ''
        cluster = service.store.get('clusters', cluster_id.rstrip('/').lower())
        if cluster is None:
            raise errors.ArmError(404, 'ResourceNotFound', f"The cluster '{cluster_id}' was not found.")
        kind = clusters.KINDS[tuple(cluster['type'].lower().split('/'))]
        extension_type = spec.get('extension_type') or 'microsoft.flux'
        prefix, now = spec.get('prefix') or 'ext', service.clock()
        entry = catalog.find(extension_type)
        version = catalog.latest(entry, 'stable') if entry else '1.0.0'
        rows = [seed.extension_row(service, cluster, kind, f'{prefix}{index:05d}', extension_type, version=version,
                                   now=now) for index in range(int(spec.get('count', 1)))]
        # What only the platform sets: a system extension, one Azure manages, the resource that manages it.
        overrides = {key: spec[key] for key in ('isSystemExtension', 'managementDetails', 'managedBy') if key in spec}
        for _, _, doc in rows:
            doc.update(overrides)
        with service.store.transaction():
            service.store.add_extensions(rows)
        return json_response({'created': len(rows)}, status=201)

    async def seed_clusters(self, request):
        try:
            summary = many_clusters.seed_clusters(self.service, await _spec(request))
        except (ValueError, TypeError) as error:
            raise errors.bad_request(str(error))
        return json_response(summary, status=201)

    async def throttling(self, _request):
        return json_response({'refused': self.service.throttle.refused})

    async def not_found(self, request):
        raise errors.ArmError(404, 'NotFound', f'No emulator admin route {request.method} {request.path}.')

    def routes(self):
        return [web.get('/_emulator/requests', self.requests), web.delete('/_emulator/requests', self.clear_requests),
                web.post('/_emulator/faults', self.add_fault), web.get('/_emulator/faults', self.list_faults),
                web.delete('/_emulator/faults', self.clear_faults),
                web.post('/_emulator/fail-next-operation', self.fail_next_operation),
                web.post('/_emulator/fail-after-success', self.fail_after_success),
                web.get('/_emulator/config', self.config), web.post('/_emulator/config', self.config),
                web.get('/_emulator/clock', self.clock), web.post('/_emulator/clock', self.clock),
                web.post('/_emulator/reset', self.reset),
                web.post('/_emulator/bulk-extensions', self.bulk_extensions),
                web.post('/_emulator/clusters', self.seed_clusters), web.get('/_emulator/throttling', self.throttling),
                web.route('*', '/_emulator/{tail:.*}', self.not_found)]
