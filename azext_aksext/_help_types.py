"""Help and examples for the extension-types commands: `az k8s-extension extension-types ...` and
`az aks extension type [version] ...`, one literal entry per command."""
from knack.help_files import helps

# az k8s-extension extension-types

helps['k8s-extension extension-types'] = """
type: group
short-summary: Find the extension types you can install, their versions, scopes and namespaces.
"""

helps['k8s-extension extension-types list-by-location'] = """
type: command
short-summary: List the extension types available in an Azure region.
examples:
  - name: As a table.
    text: az k8s-extension extension-types list-by-location -l eastus -o table
  - name: Only the names of the types that have a preview train.
    text: >
        az k8s-extension extension-types list-by-location -l eastus --release-train preview
        --query "[].name" -o tsv
"""

helps['k8s-extension extension-types list-by-cluster'] = """
type: command
short-summary: List the extension types available for a cluster.
examples:
  - name: As a table.
    text: >
        az k8s-extension extension-types list-by-cluster -g my-rg -c my-arc --cluster-type connectedClusters
        -o table
  - name: Only the names of the types that have a preview train.
    text: >
        az k8s-extension extension-types list-by-cluster -g my-rg -c my-arc --cluster-type connectedClusters
        --release-train preview --query "[].name" -o tsv
"""

helps['k8s-extension extension-types show-by-location'] = """
type: command
short-summary: Show an extension type available in an Azure region, with its scopes, namespaces and cluster types.
examples:
  - name: Show Flux.
    text: az k8s-extension extension-types show-by-location -l eastus --extension-type microsoft.flux
  - name: Show which scopes Dapr supports.
    text: >
        az k8s-extension extension-types show-by-location -l eastus --extension-type microsoft.dapr
        --query properties.supportedScopes
"""

helps['k8s-extension extension-types show-by-cluster'] = """
type: command
short-summary: Show an extension type available for a cluster, with its scopes, namespaces and cluster types.
examples:
  - name: Show Flux.
    text: >
        az k8s-extension extension-types show-by-cluster -g my-rg -c my-arc --cluster-type connectedClusters
        --extension-type microsoft.flux
  - name: Show which scopes Dapr supports.
    text: >
        az k8s-extension extension-types show-by-cluster -g my-rg -c my-arc --cluster-type connectedClusters
        --extension-type microsoft.dapr --query properties.supportedScopes
"""

helps['k8s-extension extension-types list-versions-by-location'] = """
type: command
short-summary: List the versions of an extension type available in an Azure region, one row per version.
examples:
  - name: Flux versions in the stable train, as a table.
    text: az k8s-extension extension-types list-versions-by-location -l eastus --extension-type microsoft.flux -o table
  - name: The latest 1.x preview version.
    text: >
        az k8s-extension extension-types list-versions-by-location -l eastus --extension-type microsoft.flux
        --release-train preview --major-version 1 --show-latest
"""

helps['k8s-extension extension-types list-versions-by-cluster'] = """
type: command
short-summary: List the versions of an extension type available for a cluster, one row per version.
examples:
  - name: Flux versions in the stable train, as a table.
    text: >
        az k8s-extension extension-types list-versions-by-cluster -g my-rg -c my-arc
        --cluster-type connectedClusters --extension-type microsoft.flux -o table
  - name: The latest 1.x preview version.
    text: >
        az k8s-extension extension-types list-versions-by-cluster -g my-rg -c my-arc
        --cluster-type connectedClusters --extension-type microsoft.flux --release-train preview
        --major-version 1 --show-latest
"""

helps['k8s-extension extension-types show-version-by-location'] = """
type: command
short-summary: Show one version of an extension type available in an Azure region.
examples:
  - name: Show a Flux version.
    text: >
        az k8s-extension extension-types show-version-by-location -l eastus --extension-type microsoft.flux
        --version 1.14.0
  - name: Show a Dapr version as a table.
    text: >
        az k8s-extension extension-types show-version-by-location -l eastus --extension-type microsoft.dapr
        --version 1.13.6 -o table
"""

helps['k8s-extension extension-types show-version-by-cluster'] = """
type: command
short-summary: Show one version of an extension type available for a cluster.
examples:
  - name: Show a Flux version.
    text: >
        az k8s-extension extension-types show-version-by-cluster -g my-rg -c my-arc
        --cluster-type connectedClusters --extension-type microsoft.flux --version 1.14.0
  - name: Show a Dapr version as a table.
    text: >
        az k8s-extension extension-types show-version-by-cluster -g my-rg -c my-arc
        --cluster-type connectedClusters --extension-type microsoft.dapr --version 1.13.6 -o table
"""

# The hidden spellings of older releases, kept for scripts.

helps['k8s-extension extension-types list'] = """
type: command
short-summary: List the extension types available for a cluster (deprecated; use list-by-cluster).
examples:
  - name: As a table.
    text: az k8s-extension extension-types list -g my-rg -c my-arc --cluster-type connectedClusters -o table
  - name: Only the names.
    text: >
        az k8s-extension extension-types list -g my-rg -c my-arc --cluster-type connectedClusters
        --query "[].name" -o tsv
"""

helps['k8s-extension extension-types show'] = """
type: command
short-summary: Show an extension type available in an Azure region (deprecated; use show-by-location).
examples:
  - name: Show Flux.
    text: az k8s-extension extension-types show -l eastus --extension-type microsoft.flux
  - name: Show which scopes Dapr supports.
    text: >
        az k8s-extension extension-types show -l eastus --extension-type microsoft.dapr
        --query properties.supportedScopes
"""

helps['k8s-extension extension-types list-versions'] = """
type: command
short-summary: List the versions of an extension type available for a cluster (deprecated; use
    list-versions-by-cluster).
examples:
  - name: Flux versions, as a table.
    text: >
        az k8s-extension extension-types list-versions -g my-rg -c my-arc -t connectedClusters
        --extension-type microsoft.flux -o table
  - name: Only the version numbers.
    text: >
        az k8s-extension extension-types list-versions -g my-rg -c my-arc -t connectedClusters
        --extension-type microsoft.flux --query "[].properties.version" -o tsv
"""

# az aks extension type

helps['aks extension type'] = """
type: group
short-summary: Find the extension types you can install on AKS, in a region (-l) or for a cluster (-g and -c).
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

helps['aks extension type version'] = """
type: group
short-summary: Find the versions of an extension type, in a region (-l) or for a cluster (-g and -c).
"""

helps['aks extension type version list'] = """
type: command
short-summary: List the versions of an extension type, one row per version.
examples:
  - name: Flux versions in a region.
    text: az aks extension type version list -l eastus -t microsoft.flux -o table
  - name: The latest preview versions for a cluster.
    text: >
        az aks extension type version list -g my-rg -c my-cluster -t microsoft.flux --release-train preview
        --show-latest
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
