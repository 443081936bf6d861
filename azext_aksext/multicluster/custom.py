"""The function behind `az k8s-extension rollout` and `az aks extension rollout` (validators have run)."""
from ..core.defaults import OPERATION_TIMEOUT, ROLLOUT_CANARY, ROLLOUT_MAX_FAILURES, ROLLOUT_MAX_PARALLEL
from ..core.operations import interruptible
from .rollout import run_rollout
from .gates import Gating
from .plan import Desired


# pylint: disable=too-many-arguments,too-many-locals,unused-argument
@interruptible
def rollout_extension(cmd, *, name, extension_type=None, clusters=None, resource_group_name=None, cluster_type=None,
                      tags=None, subscriptions=None, only=None, version=None, release_train=None,
                      auto_upgrade_minor_version=None, configuration_settings=None,
                      configuration_protected_settings=None, configuration_settings_file=None,
                      configuration_protected_settings_file=None, scope=None, release_namespace=None,
                      target_namespace=None, dry_run=False, canary=ROLLOUT_CANARY, max_parallel=ROLLOUT_MAX_PARALLEL,
                      max_failures=ROLLOUT_MAX_FAILURES, journal=None, timeout=OPERATION_TIMEOUT, soak=0,
                      pause_after=None, approve=False, maintenance_config=None, window=None, ignore_windows=False,
                      outside_window=None, rollback=False, on_failure=None):
    """The rows are printed here (as az would print them, --query and -o applied), so that a rollout that did not
    converge shows them before its error, and a broken standard output is an error of its own."""
    from ..custom import scope_was_given
    desired = Desired(name=name, extension_type=extension_type, version=version, release_train=release_train,
                      auto_upgrade=auto_upgrade_minor_version, settings=configuration_settings or {},
                      protected=configuration_protected_settings or {}, scope=scope,
                      release_namespace=release_namespace, target_namespace=target_namespace)
    return run_rollout(cmd, desired, cluster_ids=clusters, resource_group_name=resource_group_name,
                       cluster_types=cluster_type, tags=tags, subscriptions=subscriptions, only=only,
                       dry_run=dry_run, canary=canary, max_parallel=max_parallel, max_failures=max_failures,
                       journal_path=journal, timeout=timeout or OPERATION_TIMEOUT, scope_given=scope_was_given(cmd),
                       gating=Gating(soak=soak or 0, pause_after=tuple(pause_after or ()), approve=bool(approve),
                                     maintenance_config=maintenance_config, window=window,
                                     ignore_windows=bool(ignore_windows), outside_window=outside_window or 'wait',
                                     rollback=bool(rollback), on_failure=on_failure or 'stop'))
