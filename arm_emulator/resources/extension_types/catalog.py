"""The extension types the emulator knows, as data: scope rules, supported cluster types and versions per train.

Values follow the live service where the recordings show them (microsoft.contoso.samples, microsoft.dapr 1.6.0,
microsoft.azuredefender.kubernetes); versions elsewhere are plausible release numbers, oldest first.
"""

ALL_CLUSTER_TYPES = ('connectedClusters', 'managedClusters', 'appliances', 'provisionedClusters')

TYPES = {
    'microsoft.flux': {
        'description': 'Flux extension for GitOps', 'publisher': 'Microsoft',
        'isManagedIdentityRequired': False, 'clusterTypes': ALL_CLUSTER_TYPES + ('fleets',),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'flux-system',
        'trains': {'stable': ['1.11.2', '1.12.0', '1.12.4', '1.13.1', '1.14.0', '1.14.1', '1.15.1', '1.16.2'],
                   'preview': ['1.15.0-preview.1', '1.17.0-preview.1', '1.17.0-preview.2']},
    },
    'microsoft.dapr': {
        'description': 'Dapr extension', 'publisher': 'Microsoft',
        'isManagedIdentityRequired': False, 'clusterTypes': ALL_CLUSTER_TYPES,
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'dapr-system',
        'trains': {'stable': ['1.5.1', '1.6.0', '1.7.4', '1.8.3', '1.9.5', '1.10.7', '1.11.6', '1.12.5', '1.13.6',
                              '1.14.4', '1.15.5'],
                   'dev': ['1.16.0-rc.1']},
    },
    'microsoft.azureml.kubernetes': {
        'description': 'Azure Machine Learning extension', 'publisher': 'Microsoft.AzureML',
        'isManagedIdentityRequired': True, 'clusterTypes': ALL_CLUSTER_TYPES,
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'azureml',
        'trains': {'stable': ['1.1.40', '1.1.52', '1.1.56', '1.1.62', '1.1.64'],
                   'preview': ['1.1.65-preview']},
    },
    'microsoft.dataprotection.kubernetes': {
        'description': 'Azure Backup for AKS', 'publisher': 'Microsoft.DataProtection',
        'isManagedIdentityRequired': True, 'clusterTypes': ('managedClusters',),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'dataprotection-microsoft',
        'trains': {'stable': ['0.0.17', '0.0.18', '0.0.19', '0.0.21', '0.0.24'],
                   'preview': ['0.0.25-preview']},
    },
    'microsoft.azuremonitor.containers': {
        'description': 'Microsoft Azure Monitor Containers Extension',
        'publisher': 'Microsoft Azure Monitor Containers',
        'isManagedIdentityRequired': False, 'clusterTypes': ('connectedClusters', 'provisionedClusters'),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'kube-system',
        'trains': {'stable': ['3.1.16', '3.1.18', '3.1.20', '3.1.22', '3.1.24'],
                   'preview': ['3.1.25-preview']},
    },
    'microsoft.openservicemesh': {
        'description': 'Open Service Mesh extension', 'publisher': 'Microsoft',
        'isManagedIdentityRequired': False, 'clusterTypes': ('connectedClusters', 'provisionedClusters'),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'arc-osm-system',
        'trains': {'stable': ['1.0.0', '1.1.1', '1.2.3', '1.2.8'], 'preview': ['1.3.0-preview']},
    },
    'microsoft.azuredefender.kubernetes': {
        'description': 'Extension for Microsoft Defender For Cloud', 'publisher': 'Microsoft.AzureDefender',
        'isManagedIdentityRequired': True, 'clusterTypes': ('connectedClusters', 'provisionedClusters'),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'mdc',
        'trains': {'stable': ['0.7.9', '0.7.21', '0.7.32', '0.7.40'], 'preview': ['0.7.41-preview']},
    },
    'microsoft.contoso.samples': {
        'description': 'Extension for Testing only', 'publisher': 'Microsoft Contoso Samples',
        'isManagedIdentityRequired': True, 'clusterTypes': ALL_CLUSTER_TYPES,
        'defaultScope': 'namespace', 'allowMultipleInstances': True, 'releaseNamespace': None,
        'trains': {'stable': ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'], 'preview': ['1.6.0-preview']},
    },
    'microsoft.entraworkloadiam': {
        'description': 'Microsoft Entra Workload ID for Kubernetes', 'publisher': 'Microsoft',
        'isManagedIdentityRequired': False, 'clusterTypes': ALL_CLUSTER_TYPES,
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'workload-iam',
        'trains': {'preview': ['0.1.0-preview', '0.2.0-preview', '0.3.1-preview']},
    },
    'microsoft.virtualnodes': {
        'description': 'Virtual nodes on Azure Container Instances', 'publisher': 'Microsoft',
        'isManagedIdentityRequired': True, 'clusterTypes': ('managedClusters',),
        'defaultScope': 'cluster', 'allowMultipleInstances': False, 'releaseNamespace': 'vn-system',
        'trains': {'stable': ['1.0.0', '1.1.2', '1.2.0'], 'preview': ['1.3.0-preview']},
    },
}

# The Kubernetes versions some versions do not support (`unsupportedKubernetesVersions`), per version and per the
# version items' cluster-type keys; versions not listed support every Kubernetes version. The demo clusters (AKS
# 1.33.2, Arc k3s 1.32.4) are never excluded, so only clusters made older or of another distribution hit these.
UNSUPPORTED = {
    'microsoft.flux': {
        '1.16.2': {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['<1.29']}],
                   'connectedCluster': [{'distributions': ['GKE'], 'unsupportedVersions': ['<1.29']},
                                        {'distributions': ['EKS'], 'unsupportedVersions': ['1.18..1.27']}]},
        '1.15.1': {'connectedCluster': [{'distributions': ['GKE'], 'unsupportedVersions': ['<1.28']}]},
        '1.11.2': {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['>1.30']}]},
    },
    'microsoft.dapr': {
        '1.15.5': {'managedCluster': [{'distributions': ['AKS'], 'unsupportedVersions': ['<1.29']}]},
        '1.14.4': {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['<=1.26']}]},
        '1.13.6': {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['1.18..1.21']}]},
        '1.5.1': {'managedCluster': [{'distributions': [], 'unsupportedVersions': ['>=1.25']}]},
    },
    'microsoft.openservicemesh': {
        # A form aksext does not read: clients must say they cannot tell, not call it compatible.
        '1.2.8': {'connectedCluster': [{'distributions': [], 'unsupportedVersions': ['~1.27']}]},
    },
}

# How extension types spell cluster types in `supportedClusterTypes` (as the live service does).
SUPPORTED_CLUSTER_TYPE_NAMES = {'connectedClusters': 'Connectedclusters', 'managedClusters': 'Managedclusters',
                                'appliances': 'Appliances', 'provisionedClusters': 'ProvisionedClusters',
                                'fleets': 'Fleets'}
# ... and in version items (`supportedClusterTypes`, `unsupportedKubernetesVersions` keys).
VERSION_CLUSTER_TYPE_NAMES = {'connectedClusters': 'connectedCluster', 'managedClusters': 'managedCluster',
                              'appliances': 'appliances', 'provisionedClusters': 'provisionedCluster',
                              'fleets': 'fleet'}


def find(extension_type):
    return TYPES.get((extension_type or '').lower())


def version_key(version):
    """Sort key for release numbers: numeric parts numerically, a pre-release before its release."""
    core, _, pre = version.partition('-')
    return [int(part) if part.isdigit() else 0 for part in core.split('.')], pre == '', pre


def train_versions(entry, train):
    return entry['trains'].get((train or 'stable').lower(), [])


def latest(entry, train):
    versions = sorted(train_versions(entry, train), key=version_key)
    return versions[-1] if versions else None


def default_release_namespace(entry, extension_name):
    return (entry or {}).get('releaseNamespace') or extension_name


def unsupported_kubernetes_versions(extension_type, version, cluster_type_keys):
    """`unsupportedKubernetesVersions` of one version: null for every cluster type without exclusions."""
    listed = UNSUPPORTED.get((extension_type or '').lower(), {}).get(version, {})
    return {key: listed.get(key) for key in cluster_type_keys}
