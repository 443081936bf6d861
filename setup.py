"""The aksext Azure CLI extension wheel: `pip wheel --no-deps -w dist .` then `az extension add --source`."""
from setuptools import find_packages, setup

VERSION = '0.3.1'

setup(
    name='aksext',
    version=VERSION,
    description='Manage Kubernetes cluster extensions on AKS, Azure Arc and other clusters: '
                'az k8s-extension and az aks extension.',
    # Short on purpose: az reads this package's metadata over a dozen times on every command it runs.
    long_description='A drop-in for the k8s-extension extension and `az aks extension`: every mistake caught before '
                     'anything is sent, waiting that ends when the service does, secrets that never leak, and no '
                     'prompt that hangs CI.',
    long_description_content_type='text/plain',
    license='MIT',
    packages=find_packages(include=['azext_aksext', 'azext_aksext.*']),
    package_data={'azext_aksext': ['azext_metadata.json']},
    python_requires='>=3.9',
    install_requires=[
        # Extensions (api-version 2025-03-01) and extension types: azure-cli ships neither.
        'azure-mgmt-kubernetesconfiguration-extensions>=1.0.0,<2',
        'azure-mgmt-kubernetesconfiguration-extensiontypes>=1.0.0b2,<2',
        # Azure ML's Relay namespace on Arc clusters: azure-cli does not ship the Relay SDK.
        'azure-mgmt-relay>=2.1.0,<3',
        # Azure Resource Graph, for listing and targeting extensions across many clusters: azure-cli ships none.
        'azure-mgmt-resourcegraph>=8.0.1,<9',
        # Rollout journals in Azure Blob Storage (append blobs and leases); azure-cli ships it, but an extension
        # must not rely on another module's dependencies.
        'azure-storage-blob>=12.19.0,<13',
        # troubleshoot reads the cluster through the Kubernetes API: the official client, no Helm or kubectl download.
        # 36 and later pull in aiohttp; 35 needs only what azure-cli already ships, plus durationpy.
        'kubernetes>=30.1.0,<36',
        # YAML settings files.
        'PyYAML>=5.4',
    ],
)
