"""The functions behind the verbs; both command groups call these. Validators have already checked the input."""
import sys
from types import SimpleNamespace

from azure.cli.core.azclierror import AzureResponseError, ClientRequestError, ManualInterrupt, NoTTYError
from knack.log import get_logger

from ._format import extension_output
from .cluster import cluster_ref, sdk_path_args
from .service_errors import Target, error_code_and_message, translate

# polling, preflight, scope and type_rules are imported inside the functions that use them: az imports this
# module to read the functions' arguments whenever it builds the command table for one of these commands.

logger = get_logger(__name__)

EXIT_INTERRUPTED = 130


# pylint: disable=too-many-arguments,too-many-locals,unused-argument

def create_extension(cmd, client, resource_group_name, cluster_name, name, extension_type, cluster_type=None,
                     cluster_rp=None, scope=None, release_namespace=None, target_namespace=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     plan_name=None, plan_product=None, plan_publisher=None, no_wait=False, yes=False):
    from .preflight import check_aks_cluster, check_type_metadata
    from .scope import scope_body
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    location = check_aks_cluster(cmd, target)
    check_type_metadata(cmd, target, extension_type, scope if _scope_was_given(cmd) else None, version,
                        release_train, location)
    properties = {'extensionType': extension_type}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, scope=scope_body(scope, release_namespace, target_namespace),
                  configurationSettings=configuration_settings,
                  configurationProtectedSettings=configuration_protected_settings)
    body = {'properties': properties}
    if plan_name:
        body['plan'] = {'name': plan_name, 'product': plan_product, 'publisher': plan_publisher}
    if target.ref.cluster_type == 'fleets':
        body['identity'] = {'type': 'SystemAssigned'}  # the fleet hub's Flux acts through its own identity
    return _run(client, target, 'create', 'Creating', no_wait, None,
                lambda polling: client.begin_create(*sdk_path_args(target.ref), name, body, polling=polling))


def update_extension(cmd, client, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     auto_upgrade_minor_version=None, version=None, release_train=None,
                     configuration_settings=None, configuration_protected_settings=None,
                     configuration_settings_file=None, configuration_protected_settings_file=None,
                     no_wait=False, yes=False):
    from .preflight import check_type_metadata
    from .type_rules import apply_rules
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    current = _get(client, target, 'update')
    extension_type = current.get('extensionType')
    rules_input = SimpleNamespace(configuration_settings=configuration_settings, name=name,
                                  configuration_protected_settings=configuration_protected_settings)
    apply_rules(rules_input, extension_type, target.ref.cluster_type, creating=False)
    configuration_settings = rules_input.configuration_settings
    configuration_protected_settings = rules_input.configuration_protected_settings
    check_type_metadata(cmd, target, extension_type, None, version, release_train or current.get('releaseTrain'))
    properties = {}
    _set_optional(properties, autoUpgradeMinorVersion=auto_upgrade_minor_version, releaseTrain=release_train,
                  version=version, configurationSettings=configuration_settings,
                  configurationProtectedSettings=configuration_protected_settings)
    if configuration_protected_settings is not None:
        logger.warning("Protected settings are replaced as a whole: the extension keeps only the %d protected "
                       "setting(s) given now.", len(configuration_protected_settings))
    return _run(client, target, 'update', 'Updating', no_wait, current,
                lambda polling: client.begin_update(*sdk_path_args(target.ref), name, {'properties': properties},
                                                    polling=polling))


def delete_extension(cmd, client, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                     force=False, no_wait=False, yes=False):
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    _confirm(cmd, "Delete {}?".format(target.describe()), yes)
    current = _get(client, target, 'delete', missing_ok=True)
    if current is None:
        logger.warning("Nothing to delete: there is no %s.", target.describe())
        return None
    _run(client, target, 'delete', 'Deleting', no_wait, current,
         lambda polling: client.begin_delete(*sdk_path_args(target.ref), name, force_delete=True if force else None,
                                             polling=polling))
    return None


def show_extension(cmd, client, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None):
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    return _get(client, target, 'show')


def list_extensions(cmd, client, resource_group_name=None, cluster_name=None, cluster_type=None, cluster_rp=None,
                    extension_type=None, provisioning_state=None, version=None, subscriptions=None, summary=False):
    if not cluster_name:
        from .inventory import list_fleet_extensions
        return list_fleet_extensions(cmd, resource_group_name, cluster_type, extension_type, provisioning_state,
                                     version, subscriptions, summary)
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp))
    try:
        return [extension_output(item) for item in client.list(*sdk_path_args(target.ref))]
    except Exception as err:  # pylint: disable=broad-except
        raise translate(err, target, 'list extensions on') from err


def wait_extension(cmd, client, resource_group_name, cluster_name, name, cluster_type=None, cluster_rp=None,
                   created=False, updated=False, deleted=False, exists=False, custom=None, interval=None,
                   timeout=3600):
    from .polling import Progress, wait_until
    target = Target.of(cmd, cluster_ref(resource_group_name, cluster_name, cluster_type, cluster_rp), name)
    condition = _wait_condition(target, created, updated, deleted, exists, custom)
    flag = ('--created' if created else '--updated' if updated else '--deleted' if deleted else '--exists' if exists
            else '--custom "{}"'.format(custom))

    def fetch():
        resource = _get(client, target, 'wait for', missing_ok=True)
        if resource is None:
            return None, 'NotFound', ()
        return resource, resource.get('provisioningState'), _status_messages(resource)

    progress = Progress("Waiting for '{}'".format(name), verbose=_verbose(cmd))
    try:
        wait_until(fetch, condition, progress, interval=interval, timeout=timeout)
    except TimeoutError:
        raise ClientRequestError(
            "Timed out after {:g}s waiting for {}.".format(timeout, target.describe()),
            "Run the wait again with a larger --timeout, or `{}` to see its state.".format(target.command('show')))
    except KeyboardInterrupt:
        _interrupted(target, 'wait', flag)
    finally:
        progress.finish()


def _wait_condition(target, created, updated, deleted, exists, custom):
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


def _run(client, target, action, state_word, no_wait, before, begin):
    """Start an operation; unless --no-wait, wait for its terminal state and return the resulting resource.

    before is the extension as it was (None for a create): status messages it already had are not news."""
    from .polling import AdaptivePolling, Progress
    if no_wait:
        try:
            begin(False)
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, target, action) from err
        return None
    progress = Progress("{} '{}'".format(state_word, target.name), verbose=_verbose(target.cmd),
                        known_messages=_status_messages(before))
    try:
        observe = lambda: _status_messages(_current_state(client, target))  # noqa: E731
        result = begin(AdaptivePolling(progress, observe)).result()
    except KeyboardInterrupt:
        _interrupted(target, action)
    except Exception as err:  # pylint: disable=broad-except
        if not _is_failed_operation(err):
            raise translate(err, target, action) from err
        _raise_operation_failed(target, action, _current_state(client, target), err)
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
    lines = ["The {} of {} ended {}.".format(action, target.describe(),
                                             (resource or {}).get('provisioningState') or 'Failed')]
    if err is not None:
        code, message = error_code_and_message(err)
        if message:
            lines.append("Error: {}{}".format("({}) ".format(code) if code else '', message))
    error_info = (resource or {}).get('errorInfo') or {}
    if error_info.get('message'):
        lines.append("Error: ({}) {}".format(error_info.get('code'), error_info.get('message')))
    for status in (resource or {}).get('statuses') or []:
        lines.append("Status {}: {}".format(status.get('code') or '', status.get('message') or ''))
    raise AzureResponseError('\n'.join(lines), "Run `{}` to see the extension.".format(target.command('show')))


def _status_messages(resource):
    return [status.get('message') for status in (resource or {}).get('statuses') or [] if status.get('message')]


def _scope_was_given(cmd):
    """True when the user typed --scope or a namespace flag (a default filled in from type rules does not count)."""
    given = cmd.cli_ctx.data.get('safe_params') or []
    return any(flag in given for flag in ('--scope', '--release-namespace', '--target-namespace'))


def _get(client, target, action, missing_ok=False):
    """The extension as the user sees it; with missing_ok, None when the extension (not its cluster or resource
    group: a wrong -g or -c stays an error, as do 403 and 5xx) does not exist."""
    try:
        return extension_output(client.get(*sdk_path_args(target.ref), target.name))
    except Exception as err:  # pylint: disable=broad-except
        error = translate(err, target, action)
        if missing_ok and getattr(error, 'missing', None) == 'target':
            return None
        raise error from err


WAIT_FLAG = {'create': '--created', 'update': '--updated', 'delete': '--deleted'}


def _interrupted(target, action, wait_flag=None):
    """Ctrl-C while waiting: the operation goes on in Azure; say how to follow it and exit 130 like a shell."""
    sys.stderr.write("\nStopped waiting. The {} goes on in Azure.\nFollow it with: {}\nSee it with: {}\n".format(
        'operation' if action == 'wait' else action, target.command('wait', wait_flag or WAIT_FLAG[action]),
        target.command('show')))
    sys.exit(EXIT_INTERRUPTED)  # a typed az error would exit 1; scripts expect 130 for an interrupt


def _confirm(cmd, question, yes):
    if yes or cmd.cli_ctx.config.getboolean('core', 'disable_confirm_prompt', fallback=False):
        return
    if not sys.stdin.isatty():
        raise NoTTYError("Cannot ask for confirmation: no terminal is attached.",
                         "Add --yes (-y) to confirm in scripts and CI.")
    from knack.prompting import prompt_y_n
    if not prompt_y_n(question, default='n'):
        raise ManualInterrupt('Operation cancelled.')


def _verbose(cmd):
    """--verbose or --debug: worth an extra read of the extension per poll to show its status messages."""
    logging = getattr(cmd.cli_ctx, 'logging', None)
    return (getattr(logging, 'log_level', None) or 0) >= 3


def _set_optional(properties, **values):
    for key, value in values.items():
        if value is not None:
            properties[key] = value
