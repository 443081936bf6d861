"""Re-record every cassette under tests/recording/recordings/ against a fresh emulator (`make record`).

Starts the ARM emulator with the demo seed and short operations, logs a real az config in to it, installs the
wheel as an extension, and runs the scenario tests live (AZURE_TEST_RUN_LIVE=true) in a pytest process of their
own. The recording processors rewrite the emulator's address to public ARM, mock the subscription and tenant,
drop login traffic and scrub protected settings; each cassette is then scanned, with the emulator's own secrets,
before this exits 0.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from arm_emulator.harness.azcli import AzCli  # noqa: E402  pylint: disable=wrong-import-position
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.recording import harness  # noqa: E402  pylint: disable=wrong-import-position


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--wheel', required=True, type=Path, help='the aksext wheel to install')
    parser.add_argument('--op-seconds', type=float, default=2.0,
                        help='how long the emulator keeps operations running (default 2)')
    parser.add_argument('-k', dest='keyword', help='record only the scenarios matching this pytest -k expression')
    args = parser.parse_args(argv)
    wheel = args.wheel if args.wheel.is_absolute() else (Path.cwd() / args.wheel)

    with tempfile.TemporaryDirectory(prefix='aksext-record-') as work:
        work = Path(work)
        with EmulatorProcess(work / 'emulator', seed='demo', op_seconds=args.op_seconds) as emulator:
            endpoint = emulator.endpoint
            print(f'emulator at {emulator.url} (operations take {args.op_seconds}s)', flush=True)
            cli = AzCli(endpoint, work / 'config')
            cli.login()
            harness.install_wheel(wheel, work / 'extensions')
            env = harness.scenario_env(work / 'config', work / 'extensions', live=True,
                                       extra={'REQUESTS_CA_BUNDLE': str(cli.ca_bundle),
                                              harness.ENV_RECORD_TENANT: endpoint['tenant']})
            if not args.keyword:
                for stale in harness.cassettes():
                    stale.unlink()
            started = time.monotonic()
            pytest_args = ['-k', args.keyword] if args.keyword else []
            done = subprocess.run(harness.scenario_command(*pytest_args), env=env, cwd=str(ROOT), check=False)
            elapsed = time.monotonic() - started
            secrets = [endpoint['client_secret'], emulator.admin.token()]

    problems = []
    for cassette in harness.cassettes():
        problems += [f'{cassette.name}: {problem}'
                     for problem in harness.scan_cassette(cassette.read_text(), secrets)]
    for problem in problems:
        print('UNSAFE ' + problem, file=sys.stderr)
    print(f'recorded {len(harness.cassettes())} cassette(s) in {elapsed:.1f}s')
    if done.returncode != 0:
        print(f'recording failed: pytest exited {done.returncode}', file=sys.stderr)
        return done.returncode
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
