"""`make demo` (many-cluster part): a few hundred seeded clusters in two subscriptions; inventory, dry run, a rollout
interrupted with Ctrl-C, and the same command resuming it; then a gated rollout: a pause for approval, a soak that
catches an extension failing after it succeeded, and a rollback. The worked example of README's "Many clusters"
section.

Everything lives under .demo-many/ (its own AZURE_CONFIG_DIR and extensions folder).
"""
import json
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The imports below need the repository root on the path: this runs as `python scripts/demo_many_clusters.py`.
# pylint: disable=wrong-import-position
from arm_emulator.harness.azcli import AzCli, fresh_folder, script_options  # noqa: E402
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402
# scripts/ is on sys.path when this file runs; pylint takes the sibling script for a third-party module.
from demo import run, show  # noqa: E402  pylint: disable=wrong-import-order
# pylint: enable=wrong-import-position

ROLLOUT = ['k8s-extension', 'rollout', '-g', 'web-rg-0', '-n', 'flux', '--extension-type', 'microsoft.flux',
           '--version', '1.16.2', '--max-parallel', '20%', '--max-failures', '5%',
           '--journal', str(ROOT / '.demo-many' / 'flux.jsonl')]   # az runs in its config directory


def writes(admin):
    return sum(1 for r in admin.requests() if r['method'] in ('PUT', 'PATCH') and r['status'] < 300)


GATED = ['k8s-extension', 'rollout', '-g', 'gate-rg-0', '-n', 'flux', '--extension-type', 'microsoft.flux',
         '--version', '1.16.2', '--soak', '5s', '--pause-after', 'canary', '--max-parallel', '5',
         '--journal', str(ROOT / '.demo-many' / 'gate.jsonl'), '-o', 'table']
STATES = "[].{cluster: cluster, action: action, result: result, version: version, passedAt: passedAt, error: error}"


def gated(cli, admin):
    """A rollout with its gates: a pause after the canary, approval, a soak that catches a late failure, and a
    rollback of every cluster it changed."""
    admin.config(op_seconds=0.5)
    admin.seed_clusters(subscriptions=1, groups=1, clusters=6, prefix='gate', extensions_per_cluster=1,
                        extension_types=['microsoft.flux'], stopped_share=0, sp_share=0, not_ready_share=0,
                        failed_share=0)
    show('Six clusters, as they are before the gated rollout (the rollback below brings back these versions and '
         'auto-upgrade flags)')
    list_gated(cli)
    show('A gated rollout to 6 clusters: each must stay healthy for 5 s after it succeeded (--soak), and the '
         'rollout pauses for approval after the canary (exit code 5, with the command to go on)')
    run(cli, *GATED, '--query', STATES, expect_ok=False)
    show('Approve it (from any machine that reaches the journal). One extension goes Failed 2 s after it '
         'succeeded (a crash loop): its soak catches it, and the rollout stops')
    admin.fail_after_success(name='flux', seconds=2, message='pods of the flux release are in CrashLoopBackOff')
    run(cli, *GATED, '--approve', '--query', STATES, expect_ok=False)
    show('What the rollout changed: the two clusters it wrote to are pinned to 1.16.2 (auto-upgrade off), one Failed')
    list_gated(cli)
    show('Roll back every cluster the rollout changed (its flags plus --rollback; here without the pause): their '
         'earlier versions, auto-upgrade and settings, from the journal, with the same soak')
    admin.clear_requests()
    run(cli, *[word for word in GATED if word not in ('--pause-after', 'canary')], '--rollback', '--query', STATES)
    print(f'{writes(admin)} writes in the rollback')
    list_gated(cli)


def list_gated(cli):
    run(cli, 'k8s-extension', 'list', '-g', 'gate-rg-0', '--query',
        "sort_by([].{cluster: clusterName, version: currentVersion, autoUpgrade: autoUpgradeMinorVersion, "
        "state: provisioningState}, &cluster)", '-o', 'table')


def main():
    options = script_options(__doc__)
    home = fresh_folder(ROOT / '.demo-many')
    started = time.monotonic()
    show('Start the ARM emulator with many clusters: 300 AKS and Arc clusters in 2 subscriptions (some stopped, some '
         'on a service principal, extensions at various versions and states) and 60 web clusters')
    with EmulatorProcess(home / 'emulator', op_seconds=2.0) as emulator:
        seeded = emulator.admin.seed_clusters(subscriptions=2, groups=2, clusters=300, extensions_per_cluster=3,
                                              stopped_share=0.04, sp_share=0.04)
        emulator.admin.seed_clusters(subscriptions=1, groups=1, clusters=60, prefix='web', extensions_per_cluster=1,
                                     extension_types=['microsoft.flux'], stopped_share=0, sp_share=0,
                                     not_ready_share=0, failed_share=0)
        print(json.dumps(seeded))
        cli = AzCli.with_aksext(emulator, home, options.wheel)
        subs = ['--subscriptions'] + seeded['subscriptions']

        show('Inventory: how far along is each extension across both subscriptions? (Azure Resource Graph, '
             'one request)')
        run(cli, 'k8s-extension', 'list', *subs, '--summary', '-o', 'table')
        show('Which Flux extensions failed, and where?')
        run(cli, 'k8s-extension', 'list', *subs, '--extension-type', 'microsoft.flux', '--state', 'Failed',
            '-o', 'table')

        show('Plan Flux 1.16.2 on resource group fleet-rg-0 without changing anything (--dry-run): the count of '
             'each action, then the clusters that will not be updated and why')
        plan = ['k8s-extension', 'rollout', '-g', 'fleet-rg-0', '-n', 'flux', '--extension-type', 'microsoft.flux',
                '--version', '1.16.2', '--dry-run']
        run(cli, *plan, '--query', "{create: length([?action=='create']), update: length([?action=='update']), "
                                   "nothing: length([?action=='nothing']), blocked: length([?action=='blocked'])}",
            '-o', 'table')
        run(cli, *plan, '--query', "[?action!='update']", '-o', 'table')

        show('Roll Flux 1.16.2 out to the 60 web clusters: a canary, then 20% at a time; Ctrl-C after a few')
        print('$ az ' + shlex.join(ROLLOUT), flush=True)
        with subprocess.Popen([cli.az] + ROLLOUT + ['-o', 'table'], env=cli.env, cwd=str(ROOT),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
            while writes(emulator.admin) < 15 and process.poll() is None:
                time.sleep(0.2)
            process.send_signal(signal.SIGINT)
            sys.stdout.write(process.communicate(timeout=120)[0])
        print(f'(exit {process.returncode}; {writes(emulator.admin)} writes sent before the interrupt)')

        show('Run the same command again: it resumes from the journal; no cluster gets a second operation')
        emulator.admin.clear_requests()
        run(cli, *ROLLOUT, '--query', "[?result!='Succeeded'] | length(@)", '-o', 'tsv')
        print(f'{writes(emulator.admin)} writes on resume')
        run(cli, 'k8s-extension', 'list', '-g', 'web-rg-0', '--summary', '-o', 'table')

        show('Once more: everything converged, so nothing is sent')
        emulator.admin.clear_requests()
        run(cli, *ROLLOUT, '--query', 'length(@)', '-o', 'tsv')
        print(f'{writes(emulator.admin)} writes')
        gated(cli, emulator.admin)
    print(f'many-cluster demo finished in {time.monotonic() - started:.0f} s.')


if __name__ == '__main__':
    main()
