"""Running one long-running operation on an extension (create, update, delete) and reporting how it ended.

A request the service refused is an error (exit 1); once the service accepted the operation, a wait that cannot
confirm how it ended says the operation was started and exits EXIT_NOT_CONFIRMED, never as a failure; Ctrl-C while
waiting exits EXIT_INTERRUPTED. Both say how to follow the operation.
"""
import sys
import time

from azure.cli.core.azclierror import AzureResponseError

from .defaults import OPERATION_TIMEOUT
from .errors import error_code_and_message, translate

EXIT_INTERRUPTED = 130
EXIT_NOT_CONFIRMED = 4  # the service accepted the operation, but whether it finished could not be confirmed
EXIT_PAUSED = 5  # a rollout stopped at an approval pause (--pause-after); the same command with --approve goes on
WAIT_FLAG = {'create': '--created', 'update': '--updated', 'delete': '--deleted'}
STATE_WORD = {'create': 'Creating', 'update': 'Updating', 'delete': 'Deleting'}


def run(client, target, action, *, no_wait, before, timeout, begin):
    """Start an operation with begin(polling); unless no_wait, wait (at most timeout seconds) for its terminal
    state and return the resulting resource as the user sees it.

    before is the extension as it was (None for a create): status messages it already had are not news."""
    from .progress import Progress
    from .registration import registering
    from .waiting import AdaptivePolling

    def start(polling):  # registers the subscription for the provider first if the service asks for that
        return registering(target.cmd, lambda: begin(polling))
    if no_wait:
        try:
            start(False)
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, target, action) from err
        return None
    timeout = timeout or OPERATION_TIMEOUT
    progress = Progress(target.cmd.cli_ctx, f"{STATE_WORD[action]} '{target.name}'", verbose=verbose(target.cmd),
                        known_messages=status_messages(before))
    poller = None
    try:
        def observe():
            return status_messages(current_state(client, target))
        try:
            poller = start(AdaptivePolling(progress, observe, deadline=time.monotonic() + timeout))
        except Exception as err:  # pylint: disable=broad-except
            raise translate(err, target, action) from err
        try:
            result = poller.result()
        except Exception as err:  # pylint: disable=broad-except
            if not _is_failed_operation(err):
                not_confirmed(target, action, timeout, err)
            raise_operation_failed(target, action, current_state(client, target), err)
    except KeyboardInterrupt:
        progress.finish()
        if poller is None:  # stopped before the service answered: whether the request landed is unknown
            stop_on_interrupt()
        interrupted(target, action)
    finally:
        progress.finish()
    if action == 'delete':
        return None
    from .._format import extension_output
    output = extension_output(result)
    if output and (output.get('provisioningState') or '').lower() in ('failed', 'canceled'):
        raise_operation_failed(target, action, output, None)
    return output


def current_state(client, target):
    """The extension as it is now, for a status message or a failure report; None when it is gone or unreadable."""
    from .._format import extension_output
    from .clusters import sdk_path_args
    try:
        return extension_output(client.get(*sdk_path_args(target.ref), target.name))
    except Exception:  # pylint: disable=broad-except
        return None


def _is_failed_operation(err):
    """True when err is the poller reporting that the operation ended Failed or Canceled."""
    from azure.core.polling.base_polling import OperationFailed
    return isinstance(err.__cause__, OperationFailed)


def raise_operation_failed(target, action, resource, err):
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


def status_messages(resource):
    return [status.get('message') for status in (resource or {}).get('statuses') or [] if status.get('message')]


def verbose(cmd):
    """--verbose or --debug: worth an extra read of the extension per poll to show its status messages."""
    logging = getattr(cmd.cli_ctx, 'logging', None)
    return (getattr(logging, 'log_level', None) or 0) >= 3


def interrupted(target, action, wait_flag=None):
    """Ctrl-C while waiting: the operation goes on in Azure; say how to follow it and exit 130 like a shell."""
    say(f"\nStopped waiting. The {'operation' if action == 'wait' else action} goes on in Azure.\n"
        f"Follow it with: {target.az_command('wait', wait_flag or WAIT_FLAG[action])}\n"
        f"See it with: {target.az_command('show')}\n")
    sys.exit(EXIT_INTERRUPTED)  # a typed az error would exit 1; scripts expect 130 for an interrupt


def interruptible(function):
    """A command function that Ctrl-C ends with exit 130 and a summary of what it had sent (az itself would exit 1
    and say nothing). A wait already says more (`interrupted`); this covers every other moment of a command."""
    import functools

    @functools.wraps(function)  # az reads the command's arguments from the signature, which wraps keeps
    def run_interruptibly(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except KeyboardInterrupt:
            return stop_on_interrupt()
    return run_interruptibly


def stop_on_interrupt():
    """Say what was sent, then exit 130 (it never returns)."""
    from .ledger import summary
    say(f"\nInterrupted. {summary()}\n")
    sys.exit(EXIT_INTERRUPTED)


def not_confirmed(target, action, timeout, err):
    """The service accepted the operation, but waiting for it failed: it may well succeed. Say so, say how to
    follow it, and exit EXIT_NOT_CONFIRMED so that scripts do not retry or roll back a healthy operation."""
    from .waiting import WaitTimedOut
    if isinstance(err, WaitTimedOut):
        why = f"it did not finish within --timeout {timeout:g}s"
    else:
        why = ("its status could not be read: "
               f"{getattr(translate(err, target, 'check the ' + action + ' of'), 'error_msg', None) or err}")
    say(f"The {action} of {target.describe()} was started, but {why}. It may still be running in Azure.\n"
        f"Follow it with: {target.az_command('wait', WAIT_FLAG[action])}\n"
        f"See it with: {target.az_command('show')}\n")
    sys.exit(EXIT_NOT_CONFIRMED)  # a typed az error would exit 1, which means refused or failed


def say(text):
    """Write to stderr, which may be closed (2>&-): the exit code still tells the story then."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass
