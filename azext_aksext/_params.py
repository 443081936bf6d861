"""Arguments. Both command groups share one declaration; `az aks extension` fixes the cluster type to AKS and
uses -t for --extension-type, as the official `az aks extension` does."""
import argparse

from azure.cli.core.commands.parameters import get_enum_type, get_three_state_flag, resource_group_name_type

from .core.clusters import CLUSTER_TYPE_NAMES
from .core.defaults import MAX_OPERATION_TIMEOUT, MAX_WAIT_INTERVAL, MIN_WAIT_INTERVAL, OPERATION_TIMEOUT

K8S = 'k8s-extension'
AKS = 'aks extension'
GROUPS = (K8S, AKS)

PROTECTED_HELP_TAIL = (' Values typed here can end up in shell history and in `--debug` argument logs: '
                       'prefer --config-protected-file.')


def load_arguments(self, _):
    for group in GROUPS:
        with self.argument_context(group) as c:
            c.argument('resource_group_name', resource_group_name_type, id_part='resource_group')
            c.argument('cluster_name', options_list=['--cluster-name', '-c'], id_part='name',
                       help='Name of the Kubernetes cluster.')
            c.argument('name', options_list=['--name', '-n'], id_part='child_name_1',
                       help='Name of the extension instance.')
            c.argument('yes', options_list=['--yes', '-y'], action='store_true',
                       help='Do not prompt for confirmation.')
            c.argument('no_wait', options_list=['--no-wait'], action='store_true',
                       help='Return as soon as the request is accepted; do not wait for the operation to finish.')
        _version_arguments(self, group)
        _settings_arguments(self, group)
    _type_arguments(self)
    _troubleshoot_arguments(self)
    from .multicluster._params import load_list_arguments, load_rollout_arguments
    load_list_arguments(self, GROUPS)
    load_rollout_arguments(self, GROUPS)

    with self.argument_context(K8S) as c:
        c.argument('cluster_type', options_list=['--cluster-type', '-t'], id_part='type',
                   arg_type=get_enum_type(CLUSTER_TYPE_NAMES),
                   help='Kind of cluster: managedClusters (AKS), connectedClusters (Arc-enabled Kubernetes), '
                        'appliances (Arc resource bridge), provisionedClusters (AKS enabled by Arc; needs '
                        '--cluster-resource-provider) or fleets (AKS Fleet Manager hub). Case-insensitive.')
        c.argument('cluster_rp', options_list=['--cluster-resource-provider', '--cluster-rp'], id_part='namespace',
                   help='Resource provider of the cluster, for example Microsoft.HybridContainerService. '
                        'Required for provisionedClusters only.')
        c.argument('extension_type', options_list=['--extension-type'],
                   help='Type of the extension, for example microsoft.flux or microsoft.dapr.')
    with self.argument_context(AKS) as c:
        # Hidden: filled from --ids only, so an ID of another kind of cluster is refused instead of being
        # quietly read as an AKS cluster of the same name.
        c.argument('cluster_type', options_list=['--cluster-type'], id_part='type', help=argparse.SUPPRESS)
        c.argument('cluster_rp', options_list=['--cluster-resource-provider', '--cluster-rp'], id_part='namespace',
                   help=argparse.SUPPRESS)
        c.argument('extension_type', options_list=['--extension-type', '-t'],
                   help='Type of the extension, for example microsoft.flux or microsoft.dapr.')

    for group in GROUPS:
        with self.argument_context(group + ' create') as c:
            c.argument('scope', arg_type=get_enum_type(['cluster', 'namespace']),
                       help='Install for the whole cluster or into one namespace. Default: implied by '
                            '--release-namespace or --target-namespace, otherwise the extension type\'s default.')
            c.argument('release_namespace', options_list=['--release-namespace'],
                       help='Namespace for a cluster-scoped install (implies --scope cluster).')
            c.argument('target_namespace', options_list=['--target-namespace'],
                       help='Namespace for a namespace-scoped install (implies --scope namespace).')
            c.argument('plan_name', options_list=['--plan-name'], arg_group='Marketplace plan',
                       help='Plan name of a marketplace offer; give --plan-product and --plan-publisher too.')
            c.argument('plan_product', options_list=['--plan-product'], arg_group='Marketplace plan',
                       help='Product (offer ID) of the marketplace plan.')
            c.argument('plan_publisher', options_list=['--plan-publisher'], arg_group='Marketplace plan',
                       help='Publisher ID of the marketplace plan.')
            c.argument('yes', help='Accepted for compatibility with scripts; create never prompts.')
        with self.argument_context(group + ' update') as c:
            c.argument('yes', help='Accepted for compatibility with scripts; update never prompts.')
        with self.argument_context(group + ' delete') as c:
            c.argument('force', options_list=['--force'], action='store_true',
                       help='Remove the extension resource from Azure right away (forceDelete) without waiting '
                            'for the agent to uninstall it from the cluster.')
        for verb in ('list', 'list-upgrades'):
            with self.argument_context(f'{group} {verb}') as c:
                c.argument('cluster_name', id_part=None)
                c.argument('resource_group_name', resource_group_name_type, id_part=None)
        for verb in ('create', 'update', 'delete'):
            with self.argument_context(f'{group} {verb}') as c:
                c.argument('timeout', type=float,
                           help=f'Stop waiting after this many seconds (at most {MAX_OPERATION_TIMEOUT}, the '
                                'service\'s own 48-hour limit); the operation goes on in Azure and the command exits '
                                f'4. Default: {OPERATION_TIMEOUT}.')
        with self.argument_context(group + ' wait') as c:
            c.argument('created', action='store_true', help='Wait until the extension exists and is Succeeded.')
            c.argument('updated', action='store_true', help='Wait until the extension is Succeeded after an update.')
            c.argument('deleted', action='store_true', help='Wait until the extension is gone.')
            c.argument('exists', action='store_true', help='Wait until the extension exists, in any state.')
            c.argument('custom', help='Wait until this JMESPath query over the extension is true, for example '
                                      '"provisioningState==\'Succeeded\'".')
            c.argument('interval', type=float,
                       help='Seconds between checks. Default: 0.5 s, then a fifth of the time waited, up to 30 s, '
                            'or the service\'s '
                            f'Retry-After. Between {MIN_WAIT_INTERVAL:g} and {MAX_WAIT_INTERVAL}.')
            c.argument('timeout', type=float,
                       help=f'Give up after this many seconds (at most {MAX_OPERATION_TIMEOUT}). Default: '
                            f'{OPERATION_TIMEOUT}.')


def _type_arguments(self):
    """Arguments of `az k8s-extension extension-types ...` and `az aks extension type [version] ...`."""
    for group in (K8S + ' extension-types', AKS + ' type'):
        with self.argument_context(group) as c:
            c.argument('location', options_list=['--location', '-l'],
                       help='Azure region, for example eastus.')
            c.argument('resource_group_name', resource_group_name_type, id_part=None)
            c.argument('cluster_name', options_list=['--cluster-name', '-c'], id_part=None,
                       help='Name of the Kubernetes cluster.')
            c.argument('extension_type', options_list=['--extension-type', '-t'] if group.startswith(AKS) else
                       ['--extension-type'], help='Extension type, for example microsoft.flux.')
            c.argument('version', options_list=['--version'], help='Version of the extension type, e.g. 1.6.0.')
            c.argument('release_train', options_list=['--release-train'],
                       help='Release train, for example stable or preview. Default: stable.')
            c.argument('major_version', options_list=['--major-version'],
                       help='Only versions with this major version, for example 1.')
            c.argument('show_latest', options_list=['--show-latest'], arg_type=get_three_state_flag(),
                       help='Only the latest version of each major version.')
            c.argument('plan_publisher', options_list=['--plan-publisher'], arg_group='Marketplace plan',
                       help='Only types from this marketplace publisher ID.')
            c.argument('plan_product', options_list=['--plan-product'], arg_group='Marketplace plan',
                       help='Only types of this marketplace product (offer ID).')
            c.argument('plan_name', options_list=['--plan-name'], arg_group='Marketplace plan',
                       help='Only types of this marketplace plan.')
    with self.argument_context(K8S + ' extension-types') as c:
        c.argument('cluster_type', options_list=['--cluster-type', '-t'], arg_type=get_enum_type(CLUSTER_TYPE_NAMES),
                   id_part=None, help='Kind of cluster: managedClusters, connectedClusters, appliances, '
                                      'provisionedClusters or fleets.')
        c.argument('cluster_rp', options_list=['--cluster-resource-provider', '--cluster-rp'], id_part=None,
                   help='Resource provider of the cluster; required for provisionedClusters only.')
    for verb in ('list-by-location', 'list-versions-by-location'):
        with self.argument_context(f'{K8S} extension-types {verb}') as c:
            c.argument('cluster_type', options_list=['--cluster-type', '-t'],
                       arg_type=get_enum_type(CLUSTER_TYPE_NAMES),
                       help='Only types (or versions) for this kind of cluster.')


def _version_arguments(self, group):
    for verb in ('create', 'update', 'rollout'):
        with self.argument_context(f'{group} {verb}') as c:
            c.argument('auto_upgrade_minor_version', arg_type=get_three_state_flag(),
                       options_list=['--auto-upgrade-minor-version', '--auto-upgrade'], arg_group='Version',
                       help='Upgrade minor versions automatically within the release train. '
                            'Cannot be true together with --version.')
            c.argument('version', options_list=['--version'], arg_group='Version',
                       help='Pin this version of the extension; turns --auto-upgrade-minor-version off.')
            c.argument('release_train', options_list=['--release-train'], arg_group='Version',
                       help='Release train to follow, for example stable or preview.')
            c.argument('auto_upgrade_mode', options_list=['--auto-upgrade-mode'], arg_group='Version',
                       arg_type=get_enum_type(['none', 'patch', 'compatible']),
                       help='Which upgrades the service applies by itself: none, patch (patch versions only) or '
                            'compatible (the newest version that supports the cluster\'s Kubernetes version; the '
                            'service\'s default). Takes the place of --auto-upgrade-minor-version (not both); with '
                            '--version, only none.')


def _settings_arguments(self, group):
    for verb in ('create', 'update', 'rollout'):
        with self.argument_context(f'{group} {verb}') as c:
            c.argument('configuration_settings', nargs='+', action='append', arg_group='Configuration',
                       options_list=['--configuration-settings', '--config',
                                     c.deprecate(target='--config-settings', redirect='--configuration-settings',
                                                 hide=True)],
                       help='Settings as key=value pairs (split at the first =). Repeat the flag or give several '
                            'pairs.')
            c.argument('configuration_protected_settings', nargs='+', action='append', arg_group='Configuration',
                       options_list=['--config-protected-settings', '--config-protected',
                                     c.deprecate(target='--configuration-protected-settings',
                                                 redirect='--config-protected-settings', hide=True)],
                       help='Secret settings as key=value pairs; their values are never shown or logged by '
                            'this extension.' + PROTECTED_HELP_TAIL)
            c.argument('configuration_settings_file', arg_group='Configuration',
                       options_list=['--config-settings-file', '--config-file',
                                     c.deprecate(target='--configuration-settings-file',
                                                 redirect='--config-settings-file', hide=True)],
                       help='JSON or YAML file of settings; nested mappings become dotted keys.')
            c.argument('configuration_protected_settings_file', arg_group='Configuration',
                       options_list=['--config-protected-settings-file', '--config-protected-file',
                                     c.deprecate(target='--configuration-protected-settings-file',
                                                 redirect='--config-protected-settings-file', hide=True)],
                       help='JSON or YAML file of secret settings: keeps the values out of shell history and '
                            'logs.')


def _troubleshoot_arguments(self):
    """The official k8s-extension 1.9 flags of troubleshoot (same names and meaning), in both groups."""
    for group in GROUPS:
        with self.argument_context(group + ' troubleshoot') as c:
            c.argument('name', options_list=['--name', '-n'], id_part='child_name_1',
                       help='Name of the extension instance (its Helm release); names the bundle too.')
            c.argument('namespace_list', options_list=['--namespace-list'],
                       help='Comma-separated namespaces to collect, for example flux-system,kube-system. Default: '
                            'the extension\'s release namespace (from Azure, or from its Helm release records).')
            c.argument('kube_config', options_list=['--kube-config'], arg_group='Kubernetes',
                       help='Kubeconfig file of the cluster. Default: $KUBECONFIG or ~/.kube/config; for an AKS '
                            'cluster named with -g and -c, its credentials are read from Azure (nothing is '
                            'written to your kubeconfig).')
            c.argument('kube_context', options_list=['--kube-context'], arg_group='Kubernetes',
                       help='Context of the kubeconfig to use. Default: its current context.')
            c.argument('skip_ssl_verification', options_list=['--skip-ssl-verification'], action='store_true',
                       arg_group='Kubernetes',
                       help='Do not verify the API server\'s TLS certificate (for a cluster whose CA the kubeconfig '
                            'lacks).')
    with self.argument_context(K8S + ' troubleshoot') as c:
        c.argument('cluster_name', options_list=['--cluster-name', '-c'], id_part='name',
                   help='Name of the cluster: with -g and --cluster-type, the extension and the cluster are read '
                        'from Azure too.')
