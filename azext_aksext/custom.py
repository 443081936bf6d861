"""The functions behind the verbs; both command groups call these. Validators have already checked the input.

What a write sends and must hold first is in writes.py; running the operation and reporting its end is in
core/operations.py. Both, and everything else beyond this module's imports, are imported inside the functions: az
imports this module to read the functions' arguments whenever it builds the command table for one of these
commands.
"""
import sys

from knack.log import get_logger
from azure.cli.core.azclierror import ClientRequestError, ManualInterrupt, NoTTYError

from ._format import extension_output
from .core.clusters import cluster_ref, sdk_path_args
from .core.defaults import OPERATION_TIMEOUT
from .core.errors import translate
from .core.operations import interruptible
from .core.target import Target

logger = get_logger(__name__)


# pylint: disable=too-many-arguments,too-many-locals,unused-argument

@interruptible
def create_extension(cmd, client, *, resource_group_name, cluster_name, name, extension_type, cluster_type=None,
                     cluster_rp=None, scope=None, release_namespace=None, target_namespace=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     plan_name=None, plan_product=None, plan_publisher=None, no_wait=False, yes=False,
                     auto_upgrade_mode=None, timeout=None):
    from .core.operations import run
    from .writes import before_sending, create_body, prepare_create
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    plan = {'name': plan_name, 'product': plan_product, 'publisher': plan_publisher} if plan_name else None
    body = create_body(target, extension_type, scope=scope, release_namespace=release_namespace,
                       target_namespace=target_namespace, auto_upgrade_minor_version=auto_upgrade_minor_version,
                       version=version, release_train=release_train, auto_upgrade_mode=auto_upgrade_mode, plan=plan)
    body = prepare_create(cmd, client, target, body, scope_given=scope_was_given(cmd),
                          settings=configuration_settings, protected=configuration_protected_settings)
    before_sending(cmd, target, body)
    return run(client, target, 'create', no_wait=no_wait, before=None, timeout=timeout,
               begin=lambda polling: client.begin_create(*sdk_path_args(target.ref), name, body, polling=polling))


@interruptible
def update_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     no_wait=False, yes=False, auto_upgrade_mode=None, timeout=None):
    from .checks.existing import refuse_if_managed
    from .core.operations import run
    from .writes import prepare_update
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    current = _get(client, target, 'update')
    refuse_if_managed(target, current, 'update')
    body = prepare_update(cmd, target, current, version=version, release_train=release_train,
                          auto_upgrade_minor_version=auto_upgrade_minor_version, auto_upgrade_mode=auto_upgrade_mode,
                          settings=configuration_settings, protected=configuration_protected_settings)
    return run(client, target, 'update', no_wait=no_wait, before=current, timeout=timeout,
               begin=lambda polling: client.begin_update(*sdk_path_args(target.ref), name, body, polling=polling))


@interruptible
def delete_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     force=False, no_wait=False, yes=False, timeout=None):
    from .checks.existing import refuse_if_managed
    from .core.operations import run
    from .types import type_for
    from .types._context import before_delete
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    # As the official tool does: a missing extension, cluster or resource group is nothing to delete, and the
    # question is asked only about an extension that exists.
    current = _get(client, target, 'delete', missing_ok=True, missing_parent_ok=True)
    if current is None:
        logger.warning("Nothing to delete: there is no %s.", target.describe())
        return None
    refuse_if_managed(target, current, 'delete')
    if type_for(current.get('extensionType')).confirm_delete:
        _confirm(cmd, f"Delete {target.describe()}?", yes)
    before_delete(cmd, target, current)
    run(client, target, 'delete', no_wait=no_wait, before=current, timeout=timeout,
        begin=lambda polling: client.begin_delete(*sdk_path_args(target.ref), name,
                                                  force_delete=True if force else None, polling=polling))
    return None


@interruptible
def show_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None):
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    return _get(client, target, 'show')


@interruptible
def list_extensions(cmd, client, *, resource_group_name=None, cluster_name=None, cluster_type=None, cluster_rp=None,
                    extension_type=None, provisioning_state=None, version=None, subscriptions=None, summary=False):
    if not cluster_name:
        from .multicluster.inventory import list_across_clusters
        return list_across_clusters(cmd, resource_group_name=resource_group_name, cluster_type=cluster_type,
                                    extension_type=extension_type, provisioning_state=provisioning_state,
                                    version=version, subscriptions=subscriptions, summary=summary)
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp))
    try:
        from .core.paging import all_items
        return [extension_output(item) for item in all_items(client.list(*sdk_path_args(target.ref)),
                                                             'the extensions on ' + target.describe())]
    except Exception as err:  # pylint: disable=broad-except
        raise translate(err, target, 'list extensions on') from err


@interruptible
def wait_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                   created=False, updated=False, deleted=False, exists=False, custom=None, interval=None,
                   timeout=OPERATION_TIMEOUT):
    from .core.operations import interrupted, raise_operation_failed, status_messages, verbose
    from .core.progress import Progress
    from .core.waiting import wait_until
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    flag = ('--created' if created else '--updated' if updated else '--deleted' if deleted else '--exists' if exists
            else f'--custom "{custom}"')

    def fetch():
        resource = _get(client, target, 'wait for', missing_ok=True)
        if resource is None:
            return None, 'NotFound', ()
        return resource, resource.get('provisioningState'), status_messages(resource)

    def reached_success(resource):
        state = ((resource or {}).get('provisioningState') or '').lower()
        if state in ('failed', 'canceled'):
            raise_operation_failed(target, 'wait for', resource, None)
        return state == 'succeeded'

    condition = _wait_condition(deleted=deleted, exists=exists, custom=custom) or reached_success
    progress = Progress(cmd.cli_ctx, f"Waiting for '{name}'", verbose=verbose(cmd))
    try:
        wait_until(fetch, condition, progress, interval=interval, timeout=timeout)
    except TimeoutError as err:
        raise ClientRequestError(
            f"Timed out after {timeout:g}s waiting for {target.describe()}.",
            f"Run the wait again with a larger --timeout, or `{target.az_command('show')}` to see its state.") from err
    except KeyboardInterrupt:
        interrupted(target, 'wait', flag)
    finally:
        progress.finish()


def troubleshoot_extension(cmd, *, name, namespace_list=None, kube_config=None, kube_context=None,
                           skip_ssl_verification=False, resource_group_name=None, cluster_name=None, cluster_type=None,
                           cluster_rp=None):
    from .troubleshoot.run import troubleshoot
    target = None
    if cluster_name:
        target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    return troubleshoot(cmd, target, name=name, namespaces=namespace_list, kube_config=kube_config,
                        kube_context=kube_context, skip_ssl_verification=skip_ssl_verification)


def _wait_condition(*, deleted, exists, custom):
    """The condition of --deleted, --exists or --custom; None for --created and --updated (success)."""
    if deleted:
        return lambda resource: resource is None
    if exists:
        return lambda resource: resource is not None
    if custom:
        import jmespath
        expression = jmespath.compile(custom)
        return lambda resource: resource is not None and bool(expression.search(resource))
    return None


def scope_was_given(cmd):
    """True when the user typed --scope or a namespace flag (a default filled in from type rules does not count)."""
    given = cmd.cli_ctx.data.get('safe_params') or []
    return any(flag in given for flag in ('--scope', '--release-namespace', '--target-namespace'))


def _get(client, target, action, missing_ok=False, missing_parent_ok=False):
    """The extension as the user sees it; with missing_ok, None when the extension does not exist, and with
    missing_parent_ok also when its cluster or resource group does not (401, 403, 429 and 5xx stay errors)."""
    try:
        return extension_output(client.get(*sdk_path_args(target.ref), target.name))
    except Exception as err:  # pylint: disable=broad-except
        error = translate(err, target, action)
        missing = getattr(error, 'missing', None)
        if (missing_ok and missing == 'target') or (missing_parent_ok and missing in ('cluster', 'resource_group')):
            return None
        raise error from err


def _confirm(cmd, question, yes):
    if yes or cmd.cli_ctx.config.getboolean('core', 'disable_confirm_prompt', fallback=False):
        return
    if not _stdin_is_terminal():
        raise NoTTYError("Cannot ask for confirmation: no terminal is attached.",
                         "Add --yes (-y) to confirm in scripts and CI.")
    from knack.prompting import prompt_y_n
    if not prompt_y_n(question, default='n'):
        raise ManualInterrupt('Operation cancelled.')


def _stdin_is_terminal():
    try:
        return bool(sys.stdin is not None and sys.stdin.isatty())  # None when stdin is closed (0<&-)
    except (OSError, ValueError):
        return False
