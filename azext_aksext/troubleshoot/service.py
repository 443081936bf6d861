"""What the service says about an extension, when the cluster is known: the extension's state, statuses, errorInfo
and version; the cluster's connectivity (Arc) or power and provisioning state (AKS) and Kubernetes version; whether
the installed version supports that Kubernetes version; and, for AKS, the credentials of its Kubernetes API.

Each read that fails is noted and the rest goes on: a diagnosis works with what it can read.
"""
from ..core.clusters import AKS, cluster_id, cluster_kind, sdk_path_args
from .kube import NotRead

# What the bundle keeps of a cluster: the properties that explain an extension's state, not the whole resource.
CLUSTER_PROPERTIES = ('provisioningState', 'powerState', 'connectivityStatus', 'lastConnectivityTime',
                      'kubernetesVersion', 'currentKubernetesVersion', 'distribution', 'agentVersion', 'fqdn')


def _reason(err):
    from ..core.errors import error_code_and_message
    status = getattr(err, 'status_code', None)
    code, message = error_code_and_message(err)
    text = ' '.join(str(message).split())[:300]
    return f"HTTP {status}{' ' + code if code else ''}: {text}" if status else f'no answer: {text}'


def read_service(cmd, target, not_read, checked):
    """{'extension', 'cluster', 'clusterType', 'compatibility'} as far as they could be read."""
    from azure.cli.core.commands.client_factory import get_subscription_id
    from .._client_factory import cf_extensions, cf_resources
    from .._format import extension_output
    ref, found = target.ref, {'clusterType': target.ref.cluster_type, 'extension': None, 'cluster': None,
                              'compatibility': None}
    try:
        client = cf_extensions(cmd.cli_ctx)
        found['extension'] = extension_output(client.get(*sdk_path_args(ref), target.name, retry_total=1))
        checked.append(f"the extension in Azure ({found['extension'].get('provisioningState')}, version "
                       f"{found['extension'].get('currentVersion') or found['extension'].get('version')})")
    except Exception as err:  # pylint: disable=broad-except
        not_read.append(NotRead(f'extension {target.name} in Azure', _reason(err)))
    kind = cluster_kind(ref.cluster_type)
    try:
        resource = cf_resources(cmd.cli_ctx).resources.get_by_id(
            cluster_id(get_subscription_id(cmd.cli_ctx), ref), kind.api_version, retry_total=1)
        properties = getattr(resource, 'properties', None) or {}
        found['cluster'] = {'id': resource.id, 'location': resource.location,
                            'properties': {key: properties[key] for key in CLUSTER_PROPERTIES if key in properties}}
        checked.append(f'the {kind.label} in Azure')
    except Exception as err:  # pylint: disable=broad-except
        not_read.append(NotRead(f'{kind.label} {ref.name} in Azure', _reason(err)))
    if found['extension'] and found['cluster']:
        found['compatibility'] = compatibility(cmd, target, found['extension'], found['cluster'], not_read)
        if found['compatibility']:
            checked.append('whether the installed version supports the cluster\'s Kubernetes version')
    return found


def compatibility(cmd, target, extension, cluster, not_read):
    """Whether the installed version supports the cluster's Kubernetes version, and the newest ones that do."""
    from ..checks.reads import facts_of
    from ..checks.versions import read_train
    from ..core.compatibility import supporting, verdict, version_name
    from ..core.defaults import STABLE_TRAIN
    facts = facts_of(target.ref.cluster_type, cluster['properties'])
    installed = extension.get('currentVersion') or extension.get('version')
    if not facts.kubernetes_version or not installed or cluster_kind(target.ref.cluster_type).version_key is None:
        return None
    train = (extension.get('releaseTrain') or STABLE_TRAIN).lower()
    versions, failure = read_train(cmd, target, extension.get('extensionType'), train)
    if failure:
        not_read.append(NotRead(f"the versions of {extension.get('extensionType')}", _reason(failure)))
    if not versions:
        return None
    item = next((item for item in versions if version_name(item) == installed), None)
    result = verdict(item, facts) if item else None
    return {'extensionType': extension.get('extensionType'), 'installed': installed, 'train': train,
            'kubernetes': facts.kubernetes_version, 'supported': result.supported if result else None,
            'reasons': result.reasons if result else [], 'newest': supporting(versions, facts)}


def aks_kubeconfig(cmd, target, not_read):
    """The AKS cluster's kubeconfig as a mapping, from its user credentials, else its admin credentials (as
    `az aks get-credentials [--admin]` would get them); None when neither can be read. Nothing is written."""
    import yaml
    from .._client_factory import cf_managed_clusters
    clusters = cf_managed_clusters(cmd.cli_ctx)
    failures = []
    for label, method in (('user', 'list_cluster_user_credentials'), ('admin', 'list_cluster_admin_credentials')):
        try:
            result = getattr(clusters, method)(target.ref.resource_group, target.ref.name, retry_total=1)
            value = result.kubeconfigs[0].value
            return yaml.safe_load(value.decode() if isinstance(value, (bytes, bytearray)) else value), label
        except Exception as err:  # pylint: disable=broad-except
            failures.append(f'{label} credentials: {_reason(err)}')
    not_read.append(NotRead(f'the credentials of AKS cluster {target.ref.name}', '; '.join(failures)))
    return None, None


def is_aks(target):
    return target is not None and target.ref.cluster_type == AKS
