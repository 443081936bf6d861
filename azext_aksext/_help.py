"""Help and examples, one entry per command, written out so that searching for a command's words finds its text.
This module holds the extension commands; _help_rollout.py the rollouts across clusters; _help_types.py the
extension-types commands.

`az k8s-extension` examples name the cluster type; `az aks extension` is always AKS and spells the extension type -t.
"""
from knack.help_files import helps

# Details both command groups share: each is used by the entries of its verb in both groups.
_CREATE_DETAILS = """
long-summary: >
    Waits for the service to finish, showing progress, and exits non-zero with the service's error and status
    messages if the installation fails. --version pins a version and turns minor-version auto-upgrade off.
    Azure Monitor Container Insights, Defender and AKS Backup first get the Azure resources they need (the default
    Log Analytics workspace, a data collection rule and its association, a storage account lookup), tagged
    createdBy=aksext and reused on re-runs; unlike the official tool, the extension is not sent when one of them
    cannot be made. skipPrerequisites=true skips this for Container Insights.
    Before sending, the cluster's Kubernetes version (and distribution, on Arc) is checked against the versions
    the chosen version (or, without --version, the newest of the release train) does not support; an unsupported
    combination is refused with the newest versions that do support the cluster. An extension that already
    exists may be created again with the same spec, but its extension type, scope and namespace, identity and
    plan cannot change: delete it and create it again. Extensions managed by Azure (for example by AKS) are
    read-only.
"""

_UPDATE_DETAILS = """
long-summary: >
    Sends only the fields you give. Protected settings are replaced as a whole: give all of them again.
    A new --version must support the cluster's Kubernetes version. `az aks extension update` allows only patch
    upgrades within the cluster's Kubernetes minor version (AKS's rule for core extensions); a minor or major
    upgrade comes with `az aks upgrade`. Extensions managed by Azure (for example by AKS) cannot be updated or
    deleted by users. --auto-upgrade-mode none|patch|compatible sets which upgrades the service applies itself;
    it takes the place of --auto-upgrade-minor-version, never both.
"""

_DELETE_DETAILS = """
long-summary: >
    Asks for confirmation unless --yes is given or core.disable_confirm_prompt is set; with no terminal attached
    it fails at once instead of waiting for an answer. Container Insights and managed Prometheus are deleted
    without a question, as the official tool deletes them, together with the data collection association, rule
    and endpoint it or aksext made for them. An extension that does not exist is a warning, not an error.
"""

_LIST_DETAILS = """
long-summary: >
    With --cluster-name, lists that cluster's extensions from the cluster itself. Without it, lists the
    extensions of every cluster in the resource group (-g), the current subscription or --subscriptions, through
    Azure Resource Graph: one request per 1,000 extensions, whatever the number of clusters. Resource Graph
    usually reflects a change within 30 seconds.
"""

_LIST_UPGRADES_DETAILS = """
long-summary: >
    Reads the cluster's Kubernetes version (and distribution, on Arc) and each release train's versions with the
    Kubernetes versions they do not support. Status is `behind` when a newer compatible version exists, `up to date`
    otherwise, and `unknown` when the cluster or the versions could not be read or the service's expressions could
    not be understood. ManagedBy names the owner of an extension users may only read.
"""

_WAIT_DETAILS = """
long-summary: >
    Checks every 0.5 s at first, then every fifth of the time waited so far, up to 30 s (or at a fixed
    --interval). With --created or --updated it
    stops with an error as soon as the extension is Failed or Canceled.
"""


# az k8s-extension

helps['k8s-extension'] = """
type: group
short-summary: Install, configure, upgrade and remove cluster extensions on AKS, Arc-enabled and other Kubernetes
    clusters.
"""

helps['k8s-extension create'] = """
type: command
short-summary: Install an extension on a cluster and wait until it is Succeeded.
""" + _CREATE_DETAILS + """examples:
  - name: Install Flux on an AKS cluster, following the stable release train.
    text: >
        az k8s-extension create -g my-rg -c my-cluster --cluster-type managedClusters -n flux
        --extension-type microsoft.flux
  - name: Install Dapr on an Arc-enabled cluster, pinned to a version, with settings and secrets from files.
    text: >
        az k8s-extension create -g my-rg -c my-arc --cluster-type connectedClusters -n dapr
        --extension-type microsoft.dapr --version 1.13.6 --config-settings-file settings.yaml
        --config-protected-file secrets.yaml
  - name: Install into one namespace and return without waiting.
    text: >
        az k8s-extension create -g my-rg -c my-arc --cluster-type connectedClusters -n samples
        --extension-type microsoft.contoso.samples --target-namespace apps --no-wait
  - name: Wait at most 10 minutes; exit code 4 then means started but not yet confirmed (follow it with wait).
    text: >
        az k8s-extension create -g my-rg -c my-cluster --cluster-type managedClusters -n flux
        --extension-type microsoft.flux
        --timeout 600
"""

helps['k8s-extension update'] = """
type: command
short-summary: Change an extension's settings, version or release train, and wait until it is Succeeded.
""" + _UPDATE_DETAILS + """examples:
  - name: Change one setting.
    text: >
        az k8s-extension update -g my-rg -c my-arc --cluster-type connectedClusters -n flux
        --configuration-settings logLevel=debug
  - name: Pin a newer version.
    text: az k8s-extension update -g my-rg -c my-cluster --cluster-type managedClusters -n dapr --version 1.14.4
  - name: Let the service apply patch upgrades only.
    text: >
        az k8s-extension update -g my-rg -c my-arc --cluster-type connectedClusters -n flux
        --auto-upgrade-mode patch
  - name: Replace the protected settings from a file, without waiting.
    text: >
        az k8s-extension update -g my-rg -c my-cluster --cluster-type managedClusters -n backup
        --config-protected-file secrets.json --no-wait
"""

helps['k8s-extension delete'] = """
type: command
short-summary: Remove an extension and wait until it is gone.
""" + _DELETE_DETAILS + """examples:
  - name: Delete an extension without a prompt.
    text: az k8s-extension delete -g my-rg -c my-arc --cluster-type connectedClusters -n flux --yes
  - name: Remove the resource at once, even if the cluster agent does not answer.
    text: az k8s-extension delete -g my-rg -c my-cluster --cluster-type managedClusters -n flux --force --yes
  - name: Delete by resource ID and return without waiting.
    text: >
        az k8s-extension delete --ids
        /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux --yes --no-wait
"""

helps['k8s-extension show'] = """
type: command
short-summary: Show an extension.
examples:
  - name: Show an extension.
    text: az k8s-extension show -g my-rg -c my-arc --cluster-type connectedClusters -n flux
  - name: Show the identity the extension runs as.
    text: >
        az k8s-extension show -g my-rg -c my-cluster --cluster-type managedClusters -n flux
        --query aksAssignedIdentity.principalId -o tsv
  - name: Show by resource ID, as a table.
    text: >
        az k8s-extension show --ids /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux
        -o table
"""

helps['k8s-extension list'] = """
type: command
short-summary: List the extensions on a cluster, or across every cluster in scope.
""" + _LIST_DETAILS + """examples:
  - name: List the extensions on a cluster as a table.
    text: az k8s-extension list -g my-rg -c my-arc --cluster-type connectedClusters -o table
  - name: List the names of the extensions that failed.
    text: >
        az k8s-extension list -g my-rg -c my-cluster --cluster-type managedClusters
        --query "[?provisioningState=='Failed'].name" -o tsv
  - name: List the Flux extensions on every cluster of three subscriptions, as a table.
    text: az k8s-extension list --extension-type microsoft.flux --subscriptions SUB1 SUB2 SUB3 -o table
  - name: How far along is Flux 1.16 across the clusters? Count extensions by type, version and state.
    text: az k8s-extension list --extension-type microsoft.flux --summary -o table
  - name: Every failed extension in a resource group.
    text: az k8s-extension list -g my-rg --provisioning-state Failed -o table
"""

helps['k8s-extension list-upgrades'] = """
type: command
short-summary: Show, for each extension on a cluster, the newest version of its release train that supports the
    cluster.
""" + _LIST_UPGRADES_DETAILS + """examples:
  - name: What can be upgraded on a cluster, as a table.
    text: az k8s-extension list-upgrades -g my-rg -c my-cluster --cluster-type managedClusters -o table
  - name: The names of the extensions that are behind.
    text: >
        az k8s-extension list-upgrades -g my-rg -c my-cluster --cluster-type managedClusters
        --query "[?upgradeAvailable].name" -o tsv
"""

helps['k8s-extension wait'] = """
type: command
short-summary: Wait until an extension reaches a state.
""" + _WAIT_DETAILS + """examples:
  - name: Wait until an extension created with --no-wait is installed.
    text: az k8s-extension wait -g my-rg -c my-arc --cluster-type connectedClusters -n flux --created
  - name: Wait at most 10 minutes for a deletion.
    text: az k8s-extension wait -g my-rg -c my-cluster --cluster-type managedClusters -n flux --deleted --timeout 600
  - name: Wait for a custom condition.
    text: >
        az k8s-extension wait -g my-rg -c my-cluster --cluster-type managedClusters -n flux
        --custom "currentVersion=='1.14.0'"
"""

# az aks extension

helps['aks extension'] = """
type: group
short-summary: Install, configure, upgrade and remove cluster extensions on an AKS cluster.
"""

helps['aks extension create'] = """
type: command
short-summary: Install an extension on an AKS cluster and wait until it is Succeeded.
""" + _CREATE_DETAILS + """examples:
  - name: Install Flux, following the stable release train.
    text: az aks extension create -g my-rg -c my-cluster -n flux -t microsoft.flux
  - name: Install Dapr pinned to a version, with settings from a YAML file and secrets from another file.
    text: >
        az aks extension create -g my-rg -c my-cluster -n dapr -t microsoft.dapr --version 1.13.6
        --config-settings-file settings.yaml --config-protected-file secrets.yaml
  - name: Install into one namespace and return without waiting.
    text: >
        az aks extension create -g my-rg -c my-cluster -n samples -t microsoft.contoso.samples
        --target-namespace apps --no-wait
  - name: Wait at most 10 minutes; exit code 4 then means started but not yet confirmed (follow it with wait).
    text: >
        az aks extension create -g my-rg -c my-cluster -n flux -t microsoft.flux
        --timeout 600
"""

helps['aks extension update'] = """
type: command
short-summary: Change an extension's settings, version or release train, and wait until it is Succeeded.
""" + _UPDATE_DETAILS + """examples:
  - name: Change one setting.
    text: az aks extension update -g my-rg -c my-cluster -n flux --configuration-settings logLevel=debug
  - name: Pin a newer version.
    text: az aks extension update -g my-rg -c my-cluster -n dapr --version 1.14.4
  - name: Let the service apply patch upgrades only.
    text: az aks extension update -g my-rg -c my-cluster -n flux --auto-upgrade-mode patch
  - name: Replace the protected settings from a file, without waiting.
    text: az aks extension update -g my-rg -c my-cluster -n backup --config-protected-file secrets.json --no-wait
"""

helps['aks extension delete'] = """
type: command
short-summary: Remove an extension from an AKS cluster and wait until it is gone.
""" + _DELETE_DETAILS + """examples:
  - name: Delete an extension without a prompt.
    text: az aks extension delete -g my-rg -c my-cluster -n flux --yes
  - name: Remove the resource at once, even if the cluster agent does not answer.
    text: az aks extension delete -g my-rg -c my-cluster -n flux --force --yes
  - name: Delete by resource ID and return without waiting.
    text: >
        az aks extension delete --ids
        /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux --yes --no-wait
"""

helps['aks extension show'] = """
type: command
short-summary: Show an extension of an AKS cluster.
examples:
  - name: Show an extension.
    text: az aks extension show -g my-rg -c my-cluster -n flux
  - name: Show the identity the extension runs as.
    text: az aks extension show -g my-rg -c my-cluster -n flux --query aksAssignedIdentity.principalId -o tsv
  - name: Show by resource ID, as a table.
    text: >
        az aks extension show --ids /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux
        -o table
"""

helps['aks extension list'] = """
type: command
short-summary: List the extensions on an AKS cluster, or across every AKS cluster in scope.
""" + _LIST_DETAILS + """examples:
  - name: List the extensions on a cluster as a table.
    text: az aks extension list -g my-rg -c my-cluster -o table
  - name: List the names of the extensions that failed.
    text: az aks extension list -g my-rg -c my-cluster --query "[?provisioningState=='Failed'].name" -o tsv
  - name: List the Flux extensions on every cluster of three subscriptions, as a table.
    text: az aks extension list -t microsoft.flux --subscriptions SUB1 SUB2 SUB3 -o table
  - name: How far along is Flux 1.16 across the clusters? Count extensions by type, version and state.
    text: az aks extension list -t microsoft.flux --summary -o table
  - name: Every failed extension in a resource group.
    text: az aks extension list -g my-rg --provisioning-state Failed -o table
"""

helps['aks extension list-upgrades'] = """
type: command
short-summary: Show, for each extension on a cluster, the newest version of its release train that supports the
    cluster.
""" + _LIST_UPGRADES_DETAILS + """examples:
  - name: What can be upgraded on a cluster, as a table.
    text: az aks extension list-upgrades -g my-rg -c my-cluster -o table
  - name: The names of the extensions that are behind.
    text: az aks extension list-upgrades -g my-rg -c my-cluster --query "[?upgradeAvailable].name" -o tsv
"""

helps['aks extension wait'] = """
type: command
short-summary: Wait until an extension of an AKS cluster reaches a state.
""" + _WAIT_DETAILS + """examples:
  - name: Wait until an extension created with --no-wait is installed.
    text: az aks extension wait -g my-rg -c my-cluster -n flux --created
  - name: Wait at most 10 minutes for a deletion.
    text: az aks extension wait -g my-rg -c my-cluster -n flux --deleted --timeout 600
  - name: Wait for a custom condition.
    text: az aks extension wait -g my-rg -c my-cluster -n flux --custom "currentVersion=='1.14.0'"
"""

_TROUBLESHOOT_DETAILS = """
long-summary: >
    Reads the cluster through its Kubernetes API (no Helm or kubectl download: it works air-gapped): for each
    namespace (default: the extension's release namespace) its pods and their container states, restarts and OOM
    kills, the last lines of the current and previous container logs, events, workloads' ready replicas, pending
    volume claims, a namespace stuck terminating, and the Helm release history. With the cluster named (-g, -c), it
    also reads the extension's state, statuses and version, the cluster's connectivity or power state, and whether
    the installed version supports the cluster's Kubernetes version. It prints a short ranked list of findings,
    each with its evidence and the fix (-o json gives them as data), and saves everything in a folder and a
    .tar.gz beside it (readable only by you) under the az configuration folder. No secret value is written:
    Kubernetes Secrets and Helm values are kept as their keys, and protected setting values, tokens, connection
    strings, SAS signatures and private keys are masked in logs and config maps. What cannot be read (a 403 on a
    namespace, an unreachable API server) is named in a warning and the rest goes on; it fails only when nothing
    could be read.
"""

# More of the folded long-summary above (same indent): how `az aks extension troubleshoot` reaches the cluster.
_AKS_CREDENTIALS = """    The cluster's credentials are read from Azure (its user credentials, else its admin
    credentials, as `az aks get-credentials` gets them) and used in memory only: your kubeconfig is not touched.
"""

helps['k8s-extension troubleshoot'] = """
type: command
short-summary: Diagnose a failing extension from its cluster (and from Azure, when the cluster is named), name the
    fix, and save the evidence without secrets for a support ticket.
""" + _TROUBLESHOOT_DETAILS + """examples:
  - name: Collect and diagnose the namespaces of an extension through the current kubeconfig context.
    text: az k8s-extension troubleshoot --name flux --namespace-list flux-system,kube-system
  - name: Also read the extension and the cluster from Azure; the namespace comes from the extension.
    text: az k8s-extension troubleshoot -g my-rg -c my-arc --cluster-type connectedClusters -n flux -o table
  - name: Another kubeconfig and context.
    text: az k8s-extension troubleshoot -n dapr --kube-config ~/edge.yaml --kube-context edge-admin
  - name: In CI, fail the job when an error is found.
    text: >
        test "$(az k8s-extension troubleshoot -n flux --namespace-list flux-system
        --query "length(findings[?severity=='error'])" -o tsv)" = 0
"""

helps['aks extension troubleshoot'] = """
type: command
short-summary: Diagnose a failing extension of an AKS cluster, name the fix, and save the evidence without
    secrets for a support ticket.
""" + _TROUBLESHOOT_DETAILS + _AKS_CREDENTIALS + """examples:
  - name: Diagnose an extension of an AKS cluster.
    text: az aks extension troubleshoot -g my-rg -c my-aks -n flux
  - name: The findings as a table, with the kube-system namespace collected too.
    text: >
        az aks extension troubleshoot -g my-rg -c my-aks -n flux --namespace-list flux-system,kube-system
        -o table
"""

# The extension-types commands, and the rollouts across clusters, have theirs in modules of their own.
from . import _help_rollout, _help_types  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
