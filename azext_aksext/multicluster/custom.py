"""The function behind `az k8s-extension rollout` and `az aks extension rollout` (validators have run)."""
from ..core.defaults import ROLLOUT_CANARY, ROLLOUT_MAX_FAILURES, ROLLOUT_MAX_PARALLEL
from .rollout import run_rollout
from .plan import Desired


# pylint: disable=too-many-arguments,too-many-locals,unused-argument
def rollout_extension(cmd, *, name, extension_type=None, clusters=None, resource_group_name=None, cluster_type=None,
                      tags=None, subscriptions=None, only=None, version=None, release_train=None,
                      auto_upgrade_minor_version=None, configuration_settings=None,
                      configuration_protected_settings=None, configuration_settings_file=None,
                      configuration_protected_settings_file=None, scope=None, release_namespace=None,
                      target_namespace=None, dry_run=False, canary=ROLLOUT_CANARY, max_parallel=ROLLOUT_MAX_PARALLEL,
                      max_failures=ROLLOUT_MAX_FAILURES, journal=None):
    from ..core.scope import scope_body
    desired = Desired(name=name, extension_type=extension_type, version=version, release_train=release_train,
                      auto_upgrade=auto_upgrade_minor_version, settings=configuration_settings or {},
                      protected=configuration_protected_settings or {},
                      scope=scope_body(scope, release_namespace, target_namespace))
    return run_rollout(cmd, desired, cluster_ids=clusters, resource_group_name=resource_group_name,
                       cluster_types=cluster_type, tags=tags, subscriptions=subscriptions, only=only,
                       dry_run=dry_run, canary=canary, max_parallel=max_parallel, max_failures=max_failures,
                       journal_path=journal)
