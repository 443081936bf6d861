"""Help and examples of the rollouts across clusters: `az k8s-extension rollout` and `az aks extension rollout`."""
from knack.help_files import helps

helps['k8s-extension rollout'] = """
type: command
short-summary: Install or change one extension on many clusters, in waves, with a failure threshold; resumable.
long-summary: >
    Finds the target clusters and their extensions through Azure Resource Graph, then plans each cluster:
    create, update (only the fields that differ; protected settings are always sent once), nothing to do, or
    blocked with the reason (immutable property differs, cluster not Succeeded or stopped, service-principal
    AKS cluster, extension managed by Azure). A canary wave runs first, then waves of --max-parallel clusters;
    the rollout stops after a wave once failures pass --max-failures. ARM throttling and conflicts are waited
    out. A journal file records every write, so running the same command again after Ctrl-C, a crash or a CI
    timeout resumes without sending a second operation to any cluster. Gates: --soak (a cluster is done once its
    extension stayed healthy that long), --pause-after (stop for approval; --approve goes on), AKS maintenance
    windows (honoured by default; --window for clusters without one, --ignore-windows), and --rollback or
    --on-failure rollback (restore every cluster from the journal's record of it before the rollout). Exits 0
    only when every cluster converged (or was skipped outside its window), 5 at an approval pause.
examples:
  - name: See what installing Flux 1.16.2 on every cluster of a resource group would do.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2
        --dry-run -o table
  - name: Roll it out, one canary cluster first, then 20 clusters at a time, stopping after 5% failures.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --max-parallel 20
        --max-failures 5% -o table
  - name: Install Dapr on the clusters tagged env=prod in two subscriptions that do not have it yet.
    text: >
        az k8s-extension rollout -n dapr --extension-type microsoft.dapr --tags env=prod --subscriptions SUB1 SUB2
        --only missing
  - name: Change a setting on the clusters listed in a file.
    text: az k8s-extension rollout -n flux --clusters @clusters.txt --configuration-settings logLevel=debug
  - name: Count a cluster done only once its extension has stayed healthy for 10 minutes after it succeeded.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --soak 10m
  - name: Pause for approval after the canary and after half of the clusters (exit 5), journal in Blob Storage.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --pause-after canary
        --pause-after 50% --journal https://myaccount.blob.core.windows.net/rollouts/flux-1.16.2.jsonl
  - name: Approve and go on from any machine that can read the journal (the same command plus --approve).
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --pause-after canary
        --pause-after 50% --journal https://myaccount.blob.core.windows.net/rollouts/flux-1.16.2.jsonl --approve
  - name: Use each AKS cluster's "default" maintenance configuration, and a weekend window for the others.
    text: >
        az k8s-extension rollout -n flux --extension-type microsoft.flux --version 1.16.2 --tags env=prod
        --maintenance-config default --window "Sat,Sun 02:00-06:00 UTC"
  - name: Change only the clusters whose maintenance window is open now; leave the rest for a later run.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --outside-window skip
  - name: Write to every cluster now, whatever its maintenance window.
    text: az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --ignore-windows
  - name: Roll back by itself once failures pass --max-failures.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --max-failures 1
        --on-failure rollback
  - name: Undo a rollout (its flags plus --rollback); see first what the rollback would do.
    text: >
        az k8s-extension rollout -g prod-rg -n flux --extension-type microsoft.flux --version 1.16.2 --rollback --dry-run -o table
"""

helps['aks extension rollout'] = """
type: command
short-summary: Install or change one extension on many AKS clusters, in waves, with a failure threshold; resumable.
long-summary: >
    `az k8s-extension rollout` for AKS clusters only: it plans each cluster (create, update only what differs,
    nothing, or blocked with the reason), runs a canary first and then at most --max-parallel clusters at once,
    stops once failures pass --max-failures, waits out ARM throttling, and resumes from its journal when run again.
    With the same gates: --soak, --pause-after and --approve, maintenance windows, and --rollback.
examples:
  - name: See what installing Flux 1.16.2 on every cluster of a resource group would do.
    text: az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --dry-run -o table
  - name: Roll it out, one canary cluster first, then 20 clusters at a time, stopping after 5% failures.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --max-parallel 20
        --max-failures 5% -o table
  - name: Install Dapr on the clusters tagged env=prod in two subscriptions that do not have it yet.
    text: >
        az aks extension rollout -n dapr -t microsoft.dapr --tags env=prod --subscriptions SUB1 SUB2
        --only missing
  - name: Change a setting on the clusters listed in a file.
    text: az aks extension rollout -n flux --clusters @clusters.txt --configuration-settings logLevel=debug
  - name: Count a cluster done only once its extension has stayed healthy for 10 minutes after it succeeded.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --soak 10m
  - name: Pause for approval after the canary and after half of the clusters (exit 5), journal in Blob Storage.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --pause-after canary
        --pause-after 50% --journal https://myaccount.blob.core.windows.net/rollouts/flux-1.16.2.jsonl
  - name: Approve and go on from any machine that can read the journal (the same command plus --approve).
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --pause-after canary
        --pause-after 50% --journal https://myaccount.blob.core.windows.net/rollouts/flux-1.16.2.jsonl --approve
  - name: Use each AKS cluster's "default" maintenance configuration, and a weekend window for the others.
    text: >
        az aks extension rollout -n flux -t microsoft.flux --version 1.16.2 --tags env=prod
        --maintenance-config default --window "Sat,Sun 02:00-06:00 UTC"
  - name: Change only the clusters whose maintenance window is open now; leave the rest for a later run.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --outside-window skip
  - name: Write to every cluster now, whatever its maintenance window.
    text: az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --ignore-windows
  - name: Roll back by itself once failures pass --max-failures.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --max-failures 1
        --on-failure rollback
  - name: Undo a rollout (its flags plus --rollback); see first what the rollback would do.
    text: >
        az aks extension rollout -g prod-rg -n flux -t microsoft.flux --version 1.16.2 --rollback --dry-run -o table
"""
