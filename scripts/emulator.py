"""`make emulator`: keep an ARM emulator running, with a logged-in az config that has aksext installed, and print
the environment lines to source so your own az commands talk to it. Ctrl-C stops it."""
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The imports below need the repository root on the path: this runs as `python scripts/emulator.py`.
# pylint: disable=wrong-import-position
from arm_emulator.harness.azcli import AzCli, script_options  # noqa: E402
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402
# pylint: enable=wrong-import-position


def main():
    options = script_options(__doc__, op_seconds=(float, 2.0))

    home = ROOT / '.emulator'
    home.mkdir(exist_ok=True)
    seed = None if (home / 'emulator').exists() else 'demo'   # keep the state of an earlier run
    with EmulatorProcess(home / 'emulator', seed=seed, op_seconds=options.op_seconds) as emulator:
        cli = AzCli.with_aksext(emulator, home, options.wheel)
        # The project's own az first on PATH: a machine with only Python has no other.
        lines = [f'export PATH={Path(cli.az).parent}:"$PATH"'] + cli.env_lines()
        env_file = home / 'env.sh'
        env_file.write_text('\n'.join(lines) + '\n')
        print(f"ARM emulator running at {emulator.url} (state in {home / 'emulator'}).")
        print(f'In another shell, run these lines (also in {env_file.relative_to(ROOT)}) and use az as usual:\n')
        print('\n'.join(lines))
        print('\n    az aks extension list -g demo-rg -c demo-aks -o table\n\nPress Ctrl-C to stop.', flush=True)
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass
    print('emulator stopped.')


def _interrupt(*_):
    raise KeyboardInterrupt


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, _interrupt)
    main()
