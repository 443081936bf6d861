"""Assembles the aiohttp application: admin API, identity endpoints, then ARM for every other path."""
import logging

from aiohttp import web

from .resources import clusters, groups, monitoring as monitoring_providers, providers, subscriptions
from .resources.extension_types import routes as extension_types
from .resources.extensions import routes as extensions
from .resources.companions import routes as generic
from .resources.resourcegraph import routes as resourcegraph
from .frontdoor import errors, faults, requestlog, throttling
from .harness.admin import Admin
from .frontdoor.router import Router

# generic comes before clusters: a cluster's route pattern would also match a workspace's path; likewise
# monitoring_providers before providers and generic, and resourcegraph before generic.
ARM_MODULES = (subscriptions, groups, monitoring_providers, providers, resourcegraph, generic, clusters, extensions,
               extension_types)


@web.middleware
async def arm_errors(request, handler):
    try:
        return await handler(request)
    except errors.ArmError as error:
        return error.response()


def build_app(service):
    injected = faults.Faults()
    service.faults = injected
    service.throttle = throttling.Throttle(service.config)
    service.graph = resourcegraph.state()
    # The request log is outermost so that faulted and throttled requests are logged with the status the client saw.
    app = web.Application(middlewares=[requestlog.make_middleware(service), faults.make_middleware(injected),
                                       throttling.make_middleware(service.throttle), arm_errors],
                          client_max_size=64 * 1024 * 1024)
    app.on_shutdown.append(injected.cancel_sleepers)  # a request held for an hour must not hold up a stop
    app.add_routes(Admin(service, injected).routes())
    router = Router(service, ARM_MODULES)
    app.add_routes([web.get('/{tenant}/v2.0/.well-known/openid-configuration',
                            lambda request: service.identity.openid_configuration(request)),
                    web.get('/{tenant}/discovery/v2.0/keys', lambda request: service.identity.keys(request)),
                    web.post('/{tenant}/oauth2/v2.0/token', lambda request: service.identity.token(request)),
                    web.route('*', '/{tail:.*}', router.handle)])
    return app


def quiet_access_log():
    # aiohttp logs one line per request at INFO; the request log API is the place to look instead.
    logging.getLogger('aiohttp.access').setLevel(logging.WARNING)
