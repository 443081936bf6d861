"""Arguments of the commands that work across many clusters: `list` without a cluster, and `rollout`."""
from azure.cli.core.commands.parameters import get_enum_type

from .cluster import CLUSTER_TYPE_NAMES

STATES = ['Succeeded', 'Failed', 'Creating', 'Updating', 'Deleting', 'Canceled']


def load_fleet_arguments(self, groups):
    for group in groups:
        with self.argument_context(group + ' list') as c:
            c.argument('resource_group_name', help='Name of resource group. Without --cluster-name: only the '
                                                   'clusters in this group.')
            c.argument('cluster_name', help='Name of the Kubernetes cluster. Leave it out to list across clusters.')
            c.argument('provisioning_state', options_list=['--provisioning-state', '--state'],
                       arg_type=get_enum_type(STATES), arg_group='Across clusters',
                       help='Only extensions in this provisioning state.')
            c.argument('version', options_list=['--version'], arg_group='Across clusters',
                       help='Only extensions running this version.')
            c.argument('subscriptions', options_list=['--subscriptions'], nargs='+', arg_group='Across clusters',
                       help='Subscription IDs to search (space-separated). Default: the current subscription.')
            c.argument('summary', options_list=['--summary'], action='store_true', arg_group='Across clusters',
                       help='Print counts by extension type, version and provisioning state instead of one row '
                            'per extension.')
        with self.argument_context(group + ' list') as c:
            c.argument('extension_type', arg_group='Across clusters',
                       help='Only extensions of this type, for example microsoft.flux.')
    with self.argument_context('k8s-extension list') as c:
        c.argument('cluster_type', options_list=['--cluster-type', '-t'], arg_type=get_enum_type(CLUSTER_TYPE_NAMES),
                   help='Kind of cluster: managedClusters, connectedClusters, appliances, provisionedClusters or '
                        'fleets. Required with --cluster-name; without it, only clusters of this kind.')
