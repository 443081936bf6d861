"""Arguments of the commands that work across many clusters: `list` without a cluster, and `rollout`."""
from azure.cli.core.commands.parameters import get_enum_type

from ..core.clusters import CLUSTER_TYPE_NAMES
from ..core.defaults import MAX_OPERATION_TIMEOUT, OPERATION_TIMEOUT

STATES = ['Succeeded', 'Failed', 'Creating', 'Updating', 'Deleting', 'Canceled']


def load_list_arguments(self, groups):
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


def load_rollout_arguments(self, groups):
    for group in groups:
        with self.argument_context(group + ' rollout') as c:
            c.argument('name', id_part=None, help='Name of the extension instance on every cluster.')
            c.argument('extension_type', help='Type of the extension, for example microsoft.flux. Needed to create '
                                              'it where it is missing; an installed extension of another type is '
                                              'reported as blocked.')
            c.argument('resource_group_name', id_part=None, arg_group='Targets',
                       help='Only clusters in this resource group.')
            c.argument('clusters', options_list=['--clusters'], nargs='+', arg_group='Targets',
                       help='Resource IDs of the target clusters, or @file with one ID a line.')
            c.argument('tags', options_list=['--tags'], nargs='+', arg_group='Targets',
                       help='Only clusters with these tags, as key=value pairs (all must match).')
            c.argument('subscriptions', options_list=['--subscriptions'], nargs='+', arg_group='Targets',
                       help='Subscription IDs to select clusters from. Default: the current subscription.')
            c.argument('only', options_list=['--only'], arg_type=get_enum_type(['missing', 'installed']),
                       arg_group='Targets', help='Only clusters that lack (missing) or have (installed) an extension '
                                                 'named --name.')
            c.argument('scope', arg_type=get_enum_type(['cluster', 'namespace']),
                       help='Install for the whole cluster or into one namespace (on create).')
            c.argument('release_namespace', options_list=['--release-namespace'],
                       help='Namespace for a cluster-scoped install (implies --scope cluster).')
            c.argument('target_namespace', options_list=['--target-namespace'],
                       help='Namespace for a namespace-scoped install (implies --scope namespace).')
            c.argument('dry_run', options_list=['--dry-run'], action='store_true', arg_group='Rollout',
                       help='Print the plan for every cluster (create, update, nothing, blocked and why) and stop.')
            c.argument('canary', options_list=['--canary'], type=int, arg_group='Rollout',
                       help='Clusters in the first wave, which must finish before the others start.')
            c.argument('max_parallel', options_list=['--max-parallel'], arg_group='Rollout',
                       help='Clusters changed at once in each later wave: a count or a percentage of the clusters '
                            'to change, e.g. 20 or 10%%.')
            c.argument('max_failures', options_list=['--max-failures'], arg_group='Rollout',
                       help='Failures tolerated before the rollout stops after the current wave: a count or a '
                            'percentage; 0 stops after the wave with the first failure.')
            c.argument('journal', options_list=['--journal'], arg_group='Rollout',
                       help='State that lets a re-run resume: a file, or an append blob in Azure Blob Storage '
                            '(`https://<account>.blob.core.windows.net/<container>/<name>`, written with your az '
                            'login, role Storage Blob Data Contributor, under a lease), so another machine can go on. '
                            'Default: a file named after the change in the az config directory (printed when the '
                            'rollout starts). It belongs to one change: a journal of another change is refused.')
            c.argument('timeout', options_list=['--timeout'], type=float, arg_group='Rollout',
                       help=f'Seconds to wait for each cluster\'s operation (default {OPERATION_TIMEOUT}, at most '
                            f'{MAX_OPERATION_TIMEOUT}); a cluster whose operation is not confirmed by then is reported '
                            'as started but not confirmed (exit code 4).')
            _gate_arguments(c)
    with self.argument_context('k8s-extension rollout') as c:
        c.argument('cluster_type', options_list=['--cluster-type', '-t'], nargs='+', id_part=None,
                   arg_type=get_enum_type(CLUSTER_TYPE_NAMES), arg_group='Targets',
                   help='Only clusters of these kinds. Default: managedClusters and connectedClusters.')


def _gate_arguments(c):
    """Health gates, approval pauses, maintenance windows and rollback of a rollout."""
    c.argument('soak', options_list=['--soak'], arg_group='Gates',
               help='How long each cluster must stay Succeeded, without an error status, after its operation '
                    'succeeded before it counts as done (read again when it ends): 30s, 10m, 1h, 1h30m; default 0. '
                    'A cluster that turns Failed meanwhile has failed (it counts toward --max-failures).')
    c.argument('pause_after', options_list=['--pause-after'], action='append', arg_group='Gates',
               help='Stop after this point and wait for approval: canary, a count of clusters, or a percentage of '
                    'the clusters to change; give it more than once for several pauses. The rollout exits with '
                    'code 5 and prints the command to go on (the same command with --approve).')
    c.argument('approve', options_list=['--approve'], action='store_true', arg_group='Gates',
               help='Go on past the pause a rollout stopped at (from any machine that reaches its journal). Without '
                    'it, a re-run of a paused rollout only reports where it stands (exit code 5), sending nothing.')
    c.argument('maintenance_config', options_list=['--maintenance-config'], arg_group='Maintenance windows',
               help='The AKS maintenance configuration whose window an AKS cluster is written to in. Default: '
                    'aksManagedAutoUpgradeSchedule, then default.')
    c.argument('window', options_list=['--window'], arg_group='Maintenance windows',
               help='The window for clusters without a maintenance configuration of their own (Arc clusters, AKS '
                    'clusters without one): DAYS TIME [ZONE] parts joined by ";", e.g. "Sat,Sun 02:00-06:00 UTC" or '
                    '"daily 22:00+4h". Without it, those clusters take writes at any time.')
    c.argument('ignore_windows', options_list=['--ignore-windows'], action='store_true',
               arg_group='Maintenance windows',
               help='Write to every cluster now, whatever its maintenance window (nothing is read for windows).')
    c.argument('outside_window', options_list=['--outside-window'], arg_type=get_enum_type(['wait', 'skip']),
               arg_group='Maintenance windows',
               help='A cluster outside its window: wait for it to open (within --timeout from the start of the '
                    'run), or skip it (reported as Skipped; a later run changes it). Default: wait.')
    c.argument('rollback', options_list=['--rollback'], action='store_true', arg_group='Rollback',
               help='Undo this rollout (the same flags as the rollout, or its --journal): restore every cluster it '
                    'changed to its version, release train, auto-upgrade and settings from before, and delete the '
                    'extensions it created, in waves with the same gates; resumable. A cluster changed since by '
                    'someone else is reported, not overwritten.')
    c.argument('on_failure', options_list=['--on-failure'], arg_type=get_enum_type(['stop', 'rollback']),
               arg_group='Rollback',
               help='When failures pass --max-failures: stop (the default), or roll back every cluster the rollout '
                    'changed, at once.')
