"""Help and examples. One text serves both groups: {az} is the group and {ct} the cluster-type flag k8s-extension
needs (az aks extension is always AKS)."""
import json

from knack.help_files import helps

_GROUP_SUMMARIES = {
    'k8s-extension': ('Install, configure, upgrade and remove cluster extensions on AKS, Arc-enabled and other '
                      'Kubernetes clusters.', ' --cluster-type managedClusters'),
    'aks extension': ('Install, configure, upgrade and remove cluster extensions on an AKS cluster.', ''),
}

_COMMANDS = {
    'create': """
type: command
short-summary: Install an extension on a cluster and wait until it is Succeeded.
long-summary: >
    Waits for the service to finish, showing progress, and exits non-zero with the service's error and status
    messages if the installation fails. --version pins a version and turns minor-version auto-upgrade off.
examples:
  - name: Install Flux on an AKS cluster, following the stable release train.
    text: {az} create -g my-rg -c my-cluster{ct} -n flux {et} microsoft.flux
  - name: Install Dapr pinned to a version, with settings from a YAML file and secrets from another file.
    text: >
        {az} create -g my-rg -c my-cluster{ct} -n dapr {et} microsoft.dapr --version 1.13.6
        --config-settings-file settings.yaml --config-protected-file secrets.yaml
  - name: Install into one namespace and return without waiting.
    text: {az} create -g my-rg -c my-cluster{ct} -n samples {et} microsoft.contoso.samples --target-namespace apps --no-wait
""",
    'update': """
type: command
short-summary: Change an extension's settings, version or release train, and wait until it is Succeeded.
long-summary: >
    Sends only the fields you give. Protected settings are replaced as a whole: give all of them again.
examples:
  - name: Change one setting.
    text: {az} update -g my-rg -c my-cluster{ct} -n flux --configuration-settings logLevel=debug
  - name: Pin a newer version.
    text: {az} update -g my-rg -c my-cluster{ct} -n dapr --version 1.14.4
  - name: Replace the protected settings from a file, without waiting.
    text: {az} update -g my-rg -c my-cluster{ct} -n backup --config-protected-file secrets.json --no-wait
""",
    'delete': """
type: command
short-summary: Remove an extension and wait until it is gone.
long-summary: >
    Asks for confirmation unless --yes is given or core.disable_confirm_prompt is set; with no terminal attached
    it fails at once instead of waiting for an answer. An extension that does not exist is a warning, not an error.
examples:
  - name: Delete an extension without a prompt.
    text: {az} delete -g my-rg -c my-cluster{ct} -n flux --yes
  - name: Remove the resource at once, even if the cluster agent does not answer.
    text: {az} delete -g my-rg -c my-cluster{ct} -n flux --force --yes
  - name: Delete by resource ID and return without waiting.
    text: {az} delete --ids /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux --yes --no-wait
""",
    'show': """
type: command
short-summary: Show an extension.
examples:
  - name: Show an extension.
    text: {az} show -g my-rg -c my-cluster{ct} -n flux
  - name: Show the identity the extension runs as.
    text: {az} show -g my-rg -c my-cluster{ct} -n flux --query aksAssignedIdentity.principalId -o tsv
  - name: Show by resource ID, as a table.
    text: {az} show --ids /subscriptions/.../providers/Microsoft.KubernetesConfiguration/extensions/flux -o table
""",
    'list': """
type: command
short-summary: List the extensions on a cluster, or across every cluster in scope.
long-summary: >
    With --cluster-name, lists that cluster's extensions from the cluster itself. Without it, lists the
    extensions of every cluster in the resource group (-g), the current subscription or --subscriptions, through
    Azure Resource Graph: one request per 1,000 extensions, whatever the number of clusters. Resource Graph
    usually reflects a change within 30 seconds.
examples:
  - name: List the extensions on a cluster as a table.
    text: {az} list -g my-rg -c my-cluster{ct} -o table
  - name: List the names of the extensions that failed.
    text: {az} list -g my-rg -c my-cluster{ct} --query "[?provisioningState=='Failed'].name" -o tsv
  - name: List the Flux extensions on every cluster of three subscriptions, as a table.
    text: {az} list {et} microsoft.flux --subscriptions SUB1 SUB2 SUB3 -o table
  - name: How far along is Flux 1.16 across the fleet? Count extensions by type, version and state.
    text: {az} list {et} microsoft.flux --summary -o table
  - name: Every failed extension in a resource group.
    text: {az} list -g my-rg --provisioning-state Failed -o table
""",
    'wait': """
type: command
short-summary: Wait until an extension reaches a state.
long-summary: >
    Checks after 1 s, then 2 s, 4 s ... up to 30 s (or at a fixed --interval). With --created or --updated it
    stops with an error as soon as the extension is Failed or Canceled.
examples:
  - name: Wait until an extension created with --no-wait is installed.
    text: {az} wait -g my-rg -c my-cluster{ct} -n flux --created
  - name: Wait at most 10 minutes for a deletion.
    text: {az} wait -g my-rg -c my-cluster{ct} -n flux --deleted --timeout 600
  - name: Wait for a custom condition.
    text: {az} wait -g my-rg -c my-cluster{ct} -n flux --custom "currentVersion=='1.14.0'"
""",
}

for _group, (_summary, _cluster_type_flag) in _GROUP_SUMMARIES.items():
    helps[_group] = "type: group\nshort-summary: {}\n".format(_summary)
    for _verb, _text in _COMMANDS.items():
        helps['{} {}'.format(_group, _verb)] = _text.format(
            az='az ' + _group, ct=_cluster_type_flag, et='-t' if _group == 'aks extension' else '--extension-type')

_BY_LOCATION = ' -l eastus'
_BY_CLUSTER = ' -g my-rg -c my-cluster --cluster-type connectedClusters'
_TYPE_COMMANDS = {
    'list-by-{}': ('List the extension types available {}.', [
        ('As a table.', '{az}{at} -o table'),
        ('Only the names of the types that have a preview train.',
         '{az}{at} --release-train preview --query "[].name" -o tsv')]),
    'show-by-{}': ('Show an extension type available {}, with its scopes, namespaces and cluster types.', [
        ('Show Flux.', '{az}{at} --extension-type microsoft.flux'),
        ('Show which scopes Dapr supports.', '{az}{at} --extension-type microsoft.dapr --query properties.supportedScopes')]),
    'list-versions-by-{}': ('List the versions of an extension type available {}, one row per version.', [
        ('Flux versions in the stable train, as a table.', '{az}{at} --extension-type microsoft.flux -o table'),
        ('The latest 1.x preview version.',
         '{az}{at} --extension-type microsoft.flux --release-train preview --major-version 1 --show-latest')]),
    'show-version-by-{}': ('Show one version of an extension type available {}.', [
        ('Show a Flux version.', '{az}{at} --extension-type microsoft.flux --version 1.14.0'),
        ('Show a Dapr version as a table.', '{az}{at} --extension-type microsoft.dapr --version 1.13.6 -o table')]),
}
_PLACES = {'location': ('in an Azure region', _BY_LOCATION), 'cluster': ('for a cluster', _BY_CLUSTER)}

helps['k8s-extension extension-types'] = """
type: group
short-summary: Find the extension types you can install, their versions, scopes and namespaces.
"""
for _pattern, (_summary, _examples) in _TYPE_COMMANDS.items():
    for _place, (_where, _args) in _PLACES.items():
        _command = 'k8s-extension extension-types ' + _pattern.format(_place)
        # JSON strings are YAML scalars: no quoting surprises from the colons in command lines.
        helps[_command] = 'type: command\nshort-summary: {}\nexamples:\n{}'.format(
            json.dumps(_summary.format(_where)), ''.join(
                '  - name: {}\n    text: {}\n'.format(json.dumps(name), json.dumps(text.format(
                    az='az ' + _command, at=_args))) for name, text in _examples))

helps['aks extension type'] = """
type: group
short-summary: Find the extension types you can install on AKS, in a region (-l) or for a cluster (-g and -c).
"""
helps['aks extension type version'] = """
type: group
short-summary: Find the versions of an extension type, in a region (-l) or for a cluster (-g and -c).
"""
helps['aks extension type list'] = """
type: command
short-summary: List the extension types available for AKS in a region, or for one AKS cluster.
examples:
  - name: The types available in a region, as a table.
    text: az aks extension type list -l eastus -o table
  - name: The types available for a cluster.
    text: az aks extension type list -g my-rg -c my-cluster --query "[].name" -o tsv
"""
helps['aks extension type show'] = """
type: command
short-summary: Show an extension type available for AKS in a region, or for one AKS cluster.
examples:
  - name: Show Flux in a region.
    text: az aks extension type show -l eastus -t microsoft.flux
  - name: Show which scopes Dapr supports on a cluster.
    text: az aks extension type show -g my-rg -c my-cluster -t microsoft.dapr --query properties.supportedScopes
"""
helps['aks extension type version list'] = """
type: command
short-summary: List the versions of an extension type, one row per version.
examples:
  - name: Flux versions in a region.
    text: az aks extension type version list -l eastus -t microsoft.flux -o table
  - name: The latest preview versions for a cluster.
    text: az aks extension type version list -g my-rg -c my-cluster -t microsoft.flux --release-train preview --show-latest
"""
helps['aks extension type version show'] = """
type: command
short-summary: Show one version of an extension type.
examples:
  - name: Show a Flux version in a region.
    text: az aks extension type version show -l eastus -t microsoft.flux --version 1.14.0
  - name: Show a Dapr version for a cluster.
    text: az aks extension type version show -g my-rg -c my-cluster -t microsoft.dapr --version 1.13.6
"""

from . import _fleet_help  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
