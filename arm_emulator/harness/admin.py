"""The emulator's own control API under /_emulator/ (no authentication; never routed as ARM)."""
import json

from aiohttp import web

from ..resources.extension_types import catalog
from ..resources import clusters
from ..resources.extensions import model as extension_model
from . import fleet, seed
from ..frontdoor import errors
from ..frontdoor.errors import json_response

CONFIG_KEYS = ('op_seconds', 'retry_after', 'page_size', 'token_seconds', 'throttle_scale', 'graph_page_size')


async def _spec(request):
    raw = await request.read()
    try:
        spec = json.loads(raw) if raw else {}
    except ValueError:
        raise errors.bad_request('The request body is not valid JSON.')
    if not isinstance(spec, dict):
        raise errors.bad_request('The request body must be a JSON object.')
    return spec


class Admin:
    def __init__(self, service, faults):
        self.service = service
        self.faults = faults

    async def requests(self, request):
        return json_response({'requests': self.service.store.log_entries('requests')})

    async def clear_requests(self, request):
        self.service.store.clear('requests')
        return json_response({'cleared': True})

    async def add_fault(self, request):
        return json_response({'fault': self.faults.add(await _spec(request))}, status=201)

    async def list_faults(self, request):
        return json_response({'faults': self.faults.listing()})

    async def clear_faults(self, request):
        self.faults.clear()
        return json_response({'cleared': True})

    async def fail_next_operation(self, request):
        spec = await _spec(request)
        state = spec.get('state') or 'Failed'
        if state not in ('Failed', 'Canceled'):
            raise errors.bad_request("state must be 'Failed' or 'Canceled'.")
        plan = {'name': spec.get('name'), 'state': state, 'code': spec.get('code'), 'message': spec.get('message'),
                'progress': list(spec.get('progress') or [])}
        self.service.store.append('planned_failures', plan)
        return json_response({'planned': plan}, status=201)

    async def config(self, request):
        if request.method == 'POST':
            spec = await _spec(request)
            unknown = set(spec) - set(CONFIG_KEYS)
            if unknown:
                raise errors.bad_request('Unknown settings: {}.'.format(', '.join(sorted(unknown))))
            self.service.config.update(spec)
            if 'throttle_scale' in spec:
                # New throttling settings start from full buckets and a fresh query quota.
                self.service.throttle.buckets.clear()
                self.service.graph['quota'].windows.clear()
        return json_response(self.service.config)

    async def reset(self, request):
        spec = await _spec(request)
        self.service.store.wipe()
        self.service.store.set_meta('extra_subscriptions', [])
        self.faults.clear()
        seed.apply(self.service, spec.get('seed'))
        return json_response({'reset': True, 'seed': spec.get('seed')})

    async def bulk_extensions(self, request):
        spec = await _spec(request)
        service = self.service
        cluster_id = spec.get('cluster_id') or ''
        cluster = service.store.get('clusters', cluster_id.rstrip('/').lower())
        if cluster is None:
            raise errors.ArmError(404, 'ResourceNotFound', "The cluster '{}' was not found.".format(cluster_id))
        kind = clusters.KINDS[tuple(cluster['type'].lower().split('/'))]
        extension_type = spec.get('extension_type') or 'microsoft.flux'
        prefix, now = spec.get('prefix') or 'ext', service.clock()
        entry = catalog.find(extension_type)
        version = catalog.latest(entry, 'stable') if entry else '1.0.0'
        rows = []
        for index in range(int(spec.get('count', 1))):
            name = '{}{:05d}'.format(prefix, index)
            extension_id = '{}/providers/Microsoft.KubernetesConfiguration/extensions/{}'.format(cluster['id'], name)
            doc = extension_model.new_doc(extension_id, name, kind, {'properties': {'extensionType': extension_type}},
                                          now, service.tenant)
            doc.update(provisioningState='Succeeded', currentVersion=version)
            rows.append((extension_id.lower(), cluster['id'].lower(), doc))
        with service.store.transaction():
            service.store.add_extensions(rows)
        return json_response({'created': len(rows)}, status=201)

    async def seed_fleet(self, request):
        try:
            summary = fleet.seed_fleet(self.service, await _spec(request))
        except (ValueError, TypeError) as error:
            raise errors.bad_request(str(error))
        return json_response(summary, status=201)

    async def throttling(self, request):
        return json_response({'refused': self.service.throttle.refused})

    async def not_found(self, request):
        raise errors.ArmError(404, 'NotFound', 'No emulator admin route {} {}.'.format(request.method, request.path))

    def routes(self):
        return [web.get('/_emulator/requests', self.requests), web.delete('/_emulator/requests', self.clear_requests),
                web.post('/_emulator/faults', self.add_fault), web.get('/_emulator/faults', self.list_faults),
                web.delete('/_emulator/faults', self.clear_faults),
                web.post('/_emulator/fail-next-operation', self.fail_next_operation),
                web.get('/_emulator/config', self.config), web.post('/_emulator/config', self.config),
                web.post('/_emulator/reset', self.reset),
                web.post('/_emulator/bulk-extensions', self.bulk_extensions),
                web.post('/_emulator/fleet', self.seed_fleet), web.get('/_emulator/throttling', self.throttling),
                web.route('*', '/_emulator/{tail:.*}', self.not_found)]
