"""`make demo`: start the ARM emulator, point a real az at it, install aksext from its wheel, and run a session.

Everything lives under .demo/ (its own AZURE_CONFIG_DIR and extensions folder), so the user's own az setup is
never touched.
"""
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The imports below need the repository root on the path: this runs as `python scripts/demo.py`.
# pylint: disable=wrong-import-position
from arm_emulator.harness.azcli import AzCli, fresh_folder, script_options  # noqa: E402
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402
# pylint: enable=wrong-import-position

RG, CLUSTER = 'demo-rg', 'demo-aks'


def show(step):
    print(f'\n\x1b[1m# {step}\x1b[0m' if sys.stdout.isatty() else f'\n# {step}', flush=True)


def run(cli, *args, expect_ok=True):
    print('$ az ' + shlex.join(args), flush=True)
    done = cli.run(*args)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    sys.stdout.flush()
    if expect_ok and done.returncode != 0:
        raise SystemExit(f'demo failed: `az {shlex.join(args)}` exited {done.returncode}')
    return done


def main():
    options = script_options(__doc__)
    home = fresh_folder(ROOT / '.demo')
    settings = home / 'flux-settings.yaml'
    settings.write_text('helm-controller:\n  enabled: true\nsource-controller:\n  enabled: true\n'
                        'useKubeletIdentity: false\n')

    show('Start the ARM emulator (HTTPS, seeded with resource group demo-rg and clusters demo-aks, demo-aks-sp, '
         'demo-arc)')
    with EmulatorProcess(home / 'emulator', seed='demo', op_seconds=2.0) as emulator:
        print(f'emulator ready at {emulator.url}')
        cli = AzCli(emulator.endpoint, home / 'azure', extension_dir=home / 'extensions')

        show('Log in to the emulator as a service principal on a custom cloud (isolated AZURE_CONFIG_DIR)')
        cli.login()
        run(cli, 'account', 'show', '--query', '{cloud:environmentName, subscription:id, user:user.name}', '-o',
            'table')

        show('Install aksext from its wheel')
        cli.add_extension(options.wheel)
        run(cli, 'extension', 'list', '--query', '[].{name:name, version:version}', '-o', 'table')

        show('Install Flux on the AKS cluster with a settings file; the command waits until it is Succeeded')
        run(cli, 'aks', 'extension', 'create', '-g', RG, '-c', CLUSTER, '-n', 'flux', '-t', 'microsoft.flux',
            '--config-settings-file', str(settings), '--verbose', '-o', 'json',
            '--query', '{name:name, state:provisioningState, currentVersion:currentVersion, '
                       'settings:configurationSettings}')

        show('List the extensions as a table')
        run(cli, 'k8s-extension', 'list', '-g', RG, '-c', CLUSTER, '--cluster-type', 'managedClusters', '-o', 'table')

        show('Show it')
        run(cli, 'aks', 'extension', 'show', '-g', RG, '-c', CLUSTER, '-n', 'flux', '-o', 'table')

        show('Update one setting (only that field is sent)')
        run(cli, 'aks', 'extension', 'update', '-g', RG, '-c', CLUSTER, '-n', 'flux',
            '--configuration-settings', 'useKubeletIdentity=true', '-o', 'json',
            '--query', '{state:provisioningState, useKubeletIdentity:configurationSettings.useKubeletIdentity}')

        show('A mistake is caught before anything is sent')
        run(cli, 'aks', 'extension', 'update', '-g', RG, '-c', CLUSTER, '-n', 'flux', '--version', '1.15.1',
            '--auto-upgrade', 'true', expect_ok=False)

        show('Delete it (--yes: no prompt); the command waits until it is gone')
        run(cli, 'aks', 'extension', 'delete', '-g', RG, '-c', CLUSTER, '-n', 'flux', '--yes', '--verbose')

        show('It is gone')
        run(cli, 'aks', 'extension', 'list', '-g', RG, '-c', CLUSTER, '-o', 'json')
        remaining = cli.json('aks', 'extension', 'list', '-g', RG, '-c', CLUSTER)
        if any(item['name'] == 'flux' for item in remaining):
            raise SystemExit('demo failed: flux is still listed after delete')
        show('Container Insights on the Arc cluster, as the docs show it (no settings): aksext makes the default '
             'Log Analytics workspace, the data collection rule and its association, then installs the agent')
        run(cli, 'k8s-extension', 'create', '--name', 'azuremonitor-containers', '--cluster-name', 'demo-arc',
            '--resource-group', RG, '--cluster-type', 'connectedClusters', '--extension-type',
            'Microsoft.AzureMonitor.Containers', '--verbose', '-o', 'json',
            '--query', '{name:name, state:provisioningState, settings:configurationSettings}')

        troubleshoot(cli, emulator, home)

        show('Stop the emulator')
    print('demo finished: flux reached Succeeded, was updated, and is gone; Container Insights came with its '
          'workspace, data collection rule and association; a crash-looping Dapr was diagnosed, its fix named.')


def troubleshoot(cli, emulator, home):
    """One failed extension diagnosed: Dapr, installed with a protected setting, crash-loops on the cluster."""
    secret = home / 'dapr-protected.json'
    secret.write_text('{"placement.apiToken": "demo-token-0123456789"}')
    show('Install Dapr with a protected setting; then it fails on the cluster (the emulator makes it crash-loop)')
    run(cli, 'aks', 'extension', 'create', '-g', RG, '-c', CLUSTER, '-n', 'dapr', '-t', 'microsoft.dapr',
        '--config-protected-file', str(secret), '-o', 'none')
    dapr = cli.json('aks', 'extension', 'show', '-g', RG, '-c', CLUSTER, '-n', 'dapr')
    emulator.admin.kubernetes_cause(extension_id=dapr['id'], cause='crash_loop')
    run(cli, 'aks', 'extension', 'show', '-g', RG, '-c', CLUSTER, '-n', 'dapr', '-o', 'table')

    show('Ask why: troubleshoot reads the cluster (credentials from Azure, in memory) and the service, and names the '
         'fix')
    done = run(cli, 'aks', 'extension', 'troubleshoot', '-g', RG, '-c', CLUSTER, '-n', 'dapr', '-o', 'json',
               '--query', '{findings: findings[].{rank: rank, title: title, fix: fix, evidence: evidence}, '
                          'archive: archive}')
    if 'demo-token-0123456789' in done.stdout + done.stderr:
        raise SystemExit('demo failed: the protected value was printed')


if __name__ == '__main__':
    main()
