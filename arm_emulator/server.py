"""Assembles the aiohttp application.

aiohttp tries routes in the order they are added: the admin API (``/_emulator/...``), then Azure AD's endpoints,
then one catch-all that hands every other path to ARM's router, whose own precedence is ``resources.FAMILIES``.
"""
import logging

from aiohttp import web

from . import resources
from .frontdoor import errors, faults, identity, requestlog, throttling
from .state.clock import http_date
from .frontdoor.router import Router
from .harness.admin import Admin
from .harness.kubernetes import KubernetesAdmin
from .resources.kubeapi import routes as kubeapi
from .resources.resourcegraph import routes as resourcegraph


@web.middleware
async def arm_errors(request, handler):
    try:
        return await handler(request)
    except errors.ArmError as error:
        return error.response()


def date_header(service):
    """Every answer's Date header gives the emulator's time, as ARM's give the service's."""
    @web.middleware
    async def stamp(request, handler):
        response = await handler(request)
        if not response.prepared:
            response.headers['Date'] = http_date(service.clock())
        return response
    return stamp


def build_app(service):
    injected = faults.Faults()
    service.faults = injected
    service.throttle = throttling.Throttle(service.config)
    service.graph = resourcegraph.state()
    # The request log is outermost so that faulted and throttled requests are logged with the status the client saw.
    app = web.Application(middlewares=[requestlog.make_middleware(service), date_header(service),
                                       faults.make_middleware(injected), throttling.make_middleware(service.throttle),
                                       arm_errors],
                          client_max_size=64 * 1024 * 1024)
    app.on_shutdown.append(injected.cancel_sleepers)  # a request held for an hour must not hold up a stop
    app.add_routes(KubernetesAdmin(service).routes())
    app.add_routes(Admin(service, injected).routes())
    app.add_routes(identity.routes(service))
    app.add_routes(kubeapi.routes(service))
    app.add_routes([web.route('*', '/{tail:.*}', Router(service, resources.arm_routes()).handle)])
    return app


def quiet_access_log():
    # aiohttp logs one line per request at INFO; the request log API is the place to look instead.
    logging.getLogger('aiohttp.access').setLevel(logging.WARNING)
