"""The functions behind the verbs; both command groups call these. Validators have already checked the input."""
import sys

from knack.log import get_logger
from azure.cli.core.azclierror import AzureResponseError, ClientRequestError, ManualInterrupt, NoTTYError

from ._format import extension_output
from .cluster import cluster_ref, sdk_path_args
from .dapr import DAPR
from .service_errors import Target, error_code_and_message, translate

# polling, preflight, scope and type_rules are imported inside the functions that use them: az imports this
# module to read the functions' arguments whenever it builds the command table for one of these commands.

logger = get_logger(__name__)

EXIT_INTERRUPTED = 130
EXIT_NOT_CONFIRMED = 4  # the service accepted the operation, but whether it finished could not be confirmed
DEFAULT_OPERATION_TIMEOUT = 3600


# pylint: disable=too-many-arguments,too-many-locals,unused-argument

def create_extension(cmd, client, *, resource_group_name, cluster_name, name, extension_type, cluster_type=None,
                     cluster_rp=None, scope=None, release_namespace=None, target_namespace=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     plan_name=None, plan_product=None, plan_publisher=None, no_wait=False, yes=False,
                     auto_upgrade_mode=None, timeout=None):
    from .preflight import check_aks_cluster, check_type_metadata
    from .version_guard import check_compatibility
    from .write_guard import check_create_over_existing
    from .scope import scope_body
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    location = check_aks_cluster(cmd, target)
    check_type_metadata(cmd, target, extension_type, scope=scope if _scope_was_given(cmd) else None,
                        version=version, release_train=release_train, location=location)
    # On AKS the cluster was just read: no location means that read failed (and warned).
    check_compatibility(cmd, target, extension_type, version=version, release_train=release_train,
                        cluster_readable=target.ref.cluster_type != 'managedClusters' or location is not None)
    properties = {'extensionType': extension_type}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, scope=scope_body(scope, release_namespace, target_namespace))
    _set_optional(properties, autoUpgradeMode=auto_upgrade_mode)
    body = {'properties': properties}
    if plan_name:
        body['plan'] = {'name': plan_name, 'product': plan_product, 'publisher': plan_publisher}
    if _gets_identity(target.ref.cluster_type, extension_type):
        body['identity'] = {'type': 'SystemAssigned'}
    check_create_over_existing(client, target, body)
    # Companion resources are made only once every check has passed: nothing is created for a refused request.
    from .companions import before_create
    configuration_settings, configuration_protected_settings = before_create(
        cmd, target, extension_type, configuration_settings, configuration_protected_settings, location=location)
    _set_optional(properties, configurationSettings=configuration_settings,
                  configurationProtectedSettings=configuration_protected_settings)
    return _run(client, target, 'create', 'Creating', no_wait=no_wait, before=None, timeout=timeout,
                begin=lambda polling: client.begin_create(*sdk_path_args(target.ref), name, body, polling=polling))


def update_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     no_wait=False, yes=False, auto_upgrade_mode=None, timeout=None):
    from .preflight import check_type_metadata
    from .type_rules import Request, Versions, apply_rules, apply_version_rules
    from .version_guard import check_compatibility, check_core_policy
    from .write_guard import refuse_if_managed
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    current = _get(client, target, 'update')
    refuse_if_managed(target, current, 'update')
    extension_type = current.get('extensionType')
    checked = apply_rules(Request(name, None, None, configuration_settings, configuration_protected_settings),
                          extension_type, target.ref.cluster_type, creating=False)
    configuration_settings, configuration_protected_settings = checked.settings, checked.protected
    version, release_train, auto_upgrade_minor_version, _ = apply_version_rules(
        Versions(version, release_train, auto_upgrade_minor_version, None), extension_type, creating=False)
    if version or release_train:  # nothing else on update needs the extension types API
        check_type_metadata(cmd, target, extension_type, scope=None, version=version,
                            release_train=release_train or current.get('releaseTrain'))
    if version:
        check_core_policy(cmd, target, current, version)
        check_compatibility(cmd, target, extension_type, version=version,
                            release_train=release_train or current.get('releaseTrain'))
    from .dapr import prepare_update
    if (extension_type or '').lower() == DAPR:
        configuration_settings = prepare_update(configuration_settings, current, version, auto_upgrade_minor_version)
    from .companions import before_update
    configuration_settings, configuration_protected_settings = before_update(
        cmd, target, extension_type, configuration_settings, configuration_protected_settings, current=current)
    properties = {}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, configurationSettings=configuration_settings,
                  configurationProtectedSettings=configuration_protected_settings)
    _set_optional(properties, autoUpgradeMode=auto_upgrade_mode)
    if configuration_protected_settings is not None:
        logger.warning("Protected settings are replaced as a whole: the extension keeps only the %d protected "
                       "setting(s) given now.", len(configuration_protected_settings))
    return _run(client, target, 'update', 'Updating', no_wait=no_wait, before=current, timeout=timeout,
                begin=lambda polling: client.begin_update(*sdk_path_args(target.ref), name,
                                                          {'properties': properties}, polling=polling))


def delete_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     force=False, no_wait=False, yes=False, timeout=None):
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    # As the official tool does: a missing extension, cluster or resource group is nothing to delete, and the
    # question is asked only about an extension that exists.
    current = _get(client, target, 'delete', missing_ok=True, missing_parent_ok=True)
    if current is None:
        logger.warning("Nothing to delete: there is no %s.", target.describe())
        return None
    from .write_guard import refuse_if_managed
    refuse_if_managed(target, current, 'delete')
    _confirm(cmd, f"Delete {target.describe()}?", yes)
    from .companions import before_delete
    before_delete(cmd, target, current)
    _run(client, target, 'delete', 'Deleting', no_wait=no_wait, before=current, timeout=timeout,
         begin=lambda polling: client.begin_delete(*sdk_path_args(target.ref), name,
                                                   force_delete=True if force else None, polling=polling))
    return None


def show_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None):
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    return _get(client, target, 'show')


def list_extensions(cmd, client, *, resource_group_name=None, cluster_name=None, cluster_type=None, cluster_rp=None,
                    extension_type=None, provisioning_state=None, version=None, subscriptions=None, summary=False):
    if not cluster_name:
        from .inventory import list_fleet_extensions
        return list_fleet_extensions(cmd, resource_group_name=resource_group_name, cluster_type=cluster_type,
                                     extension_type=extension_type, provisioning_state=provisioning_state,
                                     version=version, subscriptions=subscriptions, summary=summary)
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp))
    try:
        from .paging import all_items
        return [extension_output(item) for item in all_items(client.list(*sdk_path_args(target.ref)),
                                                             'the extensions on ' + target.describe())]
    except Exception as err:  # pylint: disable=broad-except
        raise translate(err, target, 'list extensions on') from err


def wait_extension(cmd, client, *, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                   created=False, updated=False, deleted=False, exists=False, custom=None, interval=None,
                   timeout=3600):
    from .polling import Progress, wait_until
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    condition = _wait_condition(target, created=created, updated=updated, deleted=deleted, exists=exists,
                                custom=custom)
    flag = ('--created' if created else '--updated' if updated else '--deleted' if deleted else '--exists' if exists
            else f'--custom "{custom}"')

    def fetch():
        resource = _get(client, target, 'wait for', missing_ok=True)
        if resource is None:
            return None, 'NotFound', ()
        return resource, resource.get('provisioningState'), _status_messages(resource)

    progress = Progress(f"Waiting for '{name}'", verbose=_verbose(cmd))
    try:
        wait_until(fetch, condition, progress, interval=interval, timeout=timeout)
    except TimeoutError as err:
        raise ClientRequestError(
            f"Timed out after {timeout:g}s waiting for {target.describe()}.",
            f"Run the wait again with a larger --timeout, or `{target.az_command('show')}` to see its state.") from err
    except KeyboardInterrupt:
        _interrupted(target, 'wait', flag)
    finally:
        progress.finish()


def _wait_condition(target, *, created, updated, deleted, exists, custom):
    if deleted:
        return lambda resource: resource is None
    if exists:
        return lambda resource: resource is not None
    if custom:
        import jmespath
        expression = jmespath.compile(custom)
        return lambda resource: resource is not None and bool(expression.search(resource))

    def reached_success(resource):
        state = ((resource or {}).get('provisioningState') or '').lower()
        if state in ('failed', 'canceled'):
            _raise_operation_failed(target, 'wait for', resource, None)
        return state == 'succeeded'
    return reached_success


def _run(client, target, action, state_word, *, no_wait, before, timeout, begin):
    """Start an operation; unless --no-wait, wait (at most timeout seconds) for its terminal state and return the
    resulting resource.

    before is the extension as it was (None for a create): status messages it already had are not news.
    A request the service refused is an error (exit 1); once it accepted the operation, a wait that cannot confirm
    the outcome says the operation was started and exits EXIT_NOT_CONFIRMED, never as a failure."""
    import time
    from .polling import AdaptivePolling, Progress
    from .registration import registering

    def start(polling):  # registers the subscription for the provider first if the service asks for that
        return registering(target.cmd, lambda: begin(polling))
    if no_wait:
        try:
            start(False)
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, target, action) from err
        return None
    timeout = timeout or DEFAULT_OPERATION_TIMEOUT
    progress = Progress(f"{state_word} '{target.name}'", verbose=_verbose(target.cmd),
                        known_messages=_status_messages(before))
    try:
        def observe():
            return _status_messages(_current_state(client, target))
        try:
            poller = start(AdaptivePolling(progress, observe, deadline=time.monotonic() + timeout))
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, target, action) from err
        try:
            result = poller.result()
        except Exception as err:  # pylint: disable=broad-except
            if not _is_failed_operation(err):
                _not_confirmed(target, action, timeout, err)
            _raise_operation_failed(target, action, _current_state(client, target), err)
    except KeyboardInterrupt:
        _interrupted(target, action)
    finally:
        progress.finish()
    if action == 'delete':
        return None
    output = extension_output(result)
    if output and (output.get('provisioningState') or '').lower() in ('failed', 'canceled'):
        _raise_operation_failed(target, action, output, None)
    return output


def _is_failed_operation(err):
    """True when err is the poller reporting that the operation ended Failed or Canceled."""
    from azure.core.polling.base_polling import OperationFailed
    return isinstance(err.__cause__, OperationFailed)


def _current_state(client, target):
    """The extension as it is now, for a failure report; None when it is gone or cannot be read."""
    try:
        return extension_output(client.get(*sdk_path_args(target.ref), target.name))
    except Exception:  # pylint: disable=broad-except
        return None


def _raise_operation_failed(target, action, resource, err):
    lines = [f"The {action} of {target.describe()} ended {(resource or {}).get('provisioningState') or 'Failed'}."]
    if err is not None:
        code, message = error_code_and_message(err)
        if message:
            lines.append(f"Error: {(f'({code}) ' if code else '')}{message}")
    error_info = (resource or {}).get('errorInfo') or {}
    if error_info.get('message'):
        lines.append(f"Error: ({error_info.get('code')}) {error_info.get('message')}")
    for status in (resource or {}).get('statuses') or []:
        lines.append(f"Status {status.get('code') or ''}: {status.get('message') or ''}")
    from .redaction import mask_secrets  # the service may echo a protected value in a status message
    raise AzureResponseError(mask_secrets('\n'.join(lines)),
                             f"Run `{target.az_command('show')}` to see the extension.")


def _status_messages(resource):
    return [status.get('message') for status in (resource or {}).get('statuses') or [] if status.get('message')]


def _gets_identity(cluster_type, extension_type):
    """As the official tool: a system-assigned identity for the extension on every kind of cluster but AKS (whose
    extensions use the cluster's own identity), except for Dapr, which needs none."""
    return cluster_type != 'managedClusters' and (extension_type or '').lower() != DAPR


def _scope_was_given(cmd):
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


WAIT_FLAG = {'create': '--created', 'update': '--updated', 'delete': '--deleted'}


def _interrupted(target, action, wait_flag=None):
    """Ctrl-C while waiting: the operation goes on in Azure; say how to follow it and exit 130 like a shell."""
    _say(f"\nStopped waiting. The {'operation' if action == 'wait' else action} goes on in Azure.\n"
         f"Follow it with: {target.az_command('wait', wait_flag or WAIT_FLAG[action])}\n"
         f"See it with: {target.az_command('show')}\n")
    sys.exit(EXIT_INTERRUPTED)  # a typed az error would exit 1; scripts expect 130 for an interrupt


def _not_confirmed(target, action, timeout, err):
    """The service accepted the operation, but waiting for it failed: it may well succeed. Say so, say how to
    follow it, and exit EXIT_NOT_CONFIRMED so that scripts do not retry or roll back a healthy operation."""
    from .polling import WaitTimedOut
    if isinstance(err, WaitTimedOut):
        reason = f"it did not finish within --timeout {timeout:g}s"
    else:
        reason = ("its status could not be read: "
                  f"{getattr(translate(err, target, 'check the ' + action + ' of'), 'error_msg', None) or err}")
    _say(f"The {action} of {target.describe()} was started, but {reason}. It may still be running in Azure.\n"
         f"Follow it with: {target.az_command('wait', WAIT_FLAG[action])}\n"
         f"See it with: {target.az_command('show')}\n")
    sys.exit(EXIT_NOT_CONFIRMED)  # a typed az error would exit 1, which means refused or failed


def _say(text):
    """Write to stderr, which may be closed (2>&-): the exit code still tells the story then."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


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


def _verbose(cmd):
    """--verbose or --debug: worth an extra read of the extension per poll to show its status messages."""
    logging = getattr(cmd.cli_ctx, 'logging', None)
    return (getattr(logging, 'log_level', None) or 0) >= 3


def _set_optional(properties, **values):
    for key, value in values.items():
        if value is not None:
            properties[key] = value
