"""Help for `rollout`, in both command groups ({az} is the group, {et} its extension-type flag)."""
from knack.help_files import helps

_ROLLOUT = """
type: command
short-summary: Install or change one extension on many clusters, in waves, with a failure threshold; resumable.
long-summary: >
    Finds the target clusters and their extensions through Azure Resource Graph, then plans each cluster:
    create, update (only the fields that differ; protected settings are always sent once), nothing to do, or
    blocked with the reason (immutable property differs, cluster not Succeeded or stopped, service-principal
    AKS cluster, extension managed by Azure). A canary wave runs first, then waves of --max-parallel clusters;
    the rollout stops after a wave once failures pass --max-failures. ARM throttling and conflicts are waited
    out. A journal file records every write, so running the same command again after Ctrl-C, a crash or a CI
    timeout resumes without sending a second operation to any cluster. Exits 0 only when every cluster
    converged.
examples:
  - name: See what installing Flux 1.16.2 on every cluster of a resource group would do.
    text: {az} rollout -g prod-rg -n flux {et} microsoft.flux --version 1.16.2 --dry-run -o table
  - name: Roll it out, one canary cluster first, then 20 clusters at a time, stopping after 5% failures.
    text: {az} rollout -g prod-rg -n flux {et} microsoft.flux --version 1.16.2 --max-parallel 20 --max-failures 5% -o table
  - name: Install Dapr on the clusters tagged env=prod in two subscriptions that do not have it yet.
    text: {az} rollout -n dapr {et} microsoft.dapr --tags env=prod --subscriptions SUB1 SUB2 --only missing
  - name: Change a setting on the clusters listed in a file.
    text: {az} rollout -n flux --clusters @clusters.txt --configuration-settings logLevel=debug
"""

for _group, _flag in (('k8s-extension', '--extension-type'), ('aks extension', '-t')):
    helps['{} rollout'.format(_group)] = _ROLLOUT.format(az='az ' + _group, et=_flag)
