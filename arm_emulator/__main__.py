"""``python -m arm_emulator --data-dir DIR``: serve until SIGTERM or Ctrl-C, then exit 0."""
import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from .frontdoor import certs
from .harness import seed
from .server import build_app, quiet_access_log
from .state.service import Service
from .state.store import Store


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='python -m arm_emulator', description=__doc__)
    parser.add_argument('--data-dir', required=True, type=Path, help='state, certificates and endpoint.json')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--op-seconds', type=float, default=2.0, help='how long extension operations take')
    parser.add_argument('--retry-after', type=int, default=None, help='Retry-After seconds on async operations')
    parser.add_argument('--page-size', type=int, default=100, help='extensions per list page')
    parser.add_argument('--throttle-scale', type=float, default=1.0,
                        help='multiply ARM throttling bucket sizes and refill rates (0 turns throttling off)')
    parser.add_argument('--seed', choices=seed.SEEDS, default=None, help='create a named starting state')
    return parser.parse_args(argv)


def write_endpoint(data_dir, service, ca_path, port):
    endpoint = {'arm': service.base_url, 'authority': service.base_url.rstrip('/'), 'ca_bundle': str(ca_path),
                'tenant': service.tenant, 'subscription': service.subscription,
                'client_id': service.values['client_id'], 'client_secret': service.values['client_secret'],
                'admin': service.base_url + '_emulator/', 'port': port, 'pid': os.getpid()}
    target = data_dir / 'endpoint.json'
    temporary = target.with_suffix('.tmp')
    temporary.write_text(json.dumps(endpoint, indent=2))
    temporary.chmod(0o600)
    os.replace(temporary, target)
    return endpoint


async def serve(args):
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ca_path = certs.ensure_certificates(data_dir)
    store = Store(data_dir)
    service = Service(store, {'op_seconds': args.op_seconds, 'retry_after': args.retry_after,
                              'page_size': args.page_size, 'throttle_scale': args.throttle_scale})
    service.ca_path = ca_path  # the clusters' kubeconfigs trust it
    runner = web.AppRunner(build_app(service), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, ssl_context=certs.server_ssl_context(data_dir),
                       backlog=512, reuse_address=True)
    await site.start()
    port = runner.addresses[0][1]
    url_host = '127.0.0.1' if args.host in ('0.0.0.0', '') else args.host
    service.bind(f'https://{url_host}:{port}/')
    seed.apply(service, args.seed)
    write_endpoint(data_dir, service, ca_path, port)
    print(f'ready {service.base_url}', flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()
    store.close()


def main(argv=None):
    args = parse_args(argv)
    quiet_access_log()
    asyncio.run(serve(args))
    return 0


if __name__ == '__main__':
    sys.exit(main())
