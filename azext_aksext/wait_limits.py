"""Bounds on --interval and --timeout, checked before anything is sent."""
import math

from azure.cli.core.azclierror import InvalidArgumentValueError

# The service gives up on an extension operation after 48 hours; waiting longer can only wait for nothing.
MAX_TIMEOUT = 48 * 3600
# Below this a fixed interval is a busy loop against the service; above it, a wait that never looks.
MIN_INTERVAL, MAX_INTERVAL = 0.5, 3600


def check_wait_flags(namespace):
    """Refuse a --timeout or --interval that is not a finite number of seconds within the bounds above."""
    timeout, interval = getattr(namespace, 'timeout', None), getattr(namespace, 'interval', None)
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise InvalidArgumentValueError(
            f"--timeout {timeout!r} is not a number of seconds between 0 and {MAX_TIMEOUT} (48 hours, the service's "
            "own limit for an operation).", "For example: --timeout 1800")
    if interval is not None and not (math.isfinite(interval) and MIN_INTERVAL <= interval <= MAX_INTERVAL):
        raise InvalidArgumentValueError(
            f"--interval {interval!r} is not a number of seconds between {MIN_INTERVAL:g} and {MAX_INTERVAL}.",
            "For example: --interval 5, or leave it out to check after 1 s, 2 s, 4 s ... up to 30 s.")
