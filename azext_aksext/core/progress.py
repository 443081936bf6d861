"""One progress display for every wait: a single extension's operation and a rollout across clusters.

The live line is az's own (`cli_ctx.get_progress_controller`, the spinner every long-running az command shows):
drawn on stderr only when stderr is a terminal, and never with `core.disable_progress_bar` or `--only-show-errors`.
Whatever the terminal, a change of state is logged (shown with --verbose) and a status message the service had not
shown before is a warning, so a CI log tells the same story as the terminal.
"""
import sys
import threading
import time

from knack.log import get_logger

logger = get_logger(__name__)


def _is_terminal(stream):
    try:
        return bool(stream is not None and stream.isatty())
    except (OSError, ValueError):  # a closed stream
        return False


class _LiveLine:
    """az's progress controller, drawing one line on a terminal; it stops drawing if the terminal goes away."""

    def __init__(self, cli_ctx, stream, label):
        from humanfriendly.terminal.spinners import Spinner
        spinner = Spinner(label=label, stream=stream, hide_cursor=False, interactive=True)
        self.hook = cli_ctx.get_progress_controller(det=False, spinner=spinner)
        self.alive = True
        self._call(lambda: self.hook.begin(message=label))

    def show(self, text):
        self._call(lambda: self.hook.add(message=text))

    def clear(self):
        """Erase the line, so that a log line written next starts on a clean line."""
        self._call(self.hook.active_progress.clear)

    def end(self):
        self._call(self.hook.end)
        self.alive = False

    def _call(self, action):
        if not self.alive:
            return
        try:
            action()
        except (OSError, ValueError, AttributeError):  # the terminal went away (closed, hung up): keep working
            self.alive = False


def _live_line(cli_ctx, stream, label):
    if cli_ctx is None or not _is_terminal(stream):
        return None
    config = getattr(cli_ctx, 'config', None)
    if getattr(cli_ctx, 'only_show_errors', False) or (
            config is not None and config.getboolean('core', 'disable_progress_bar', False)):
        return None
    return _LiveLine(cli_ctx, stream, label)


# The display's state (line, timing, messages seen, lock) is one thing: splitting it would only add indirection.
class Progress:  # pylint: disable=too-many-instance-attributes
    """Progress of one activity ("Creating 'flux'", "Rolling out 'flux'"): its state, status messages and counts.

    cli_ctx None (unit tests, or no az context) shows nothing live; the log lines are the same."""

    def __init__(self, cli_ctx, activity, *, verbose=False, known_messages=(), stream=None, clock=time.monotonic):
        self.activity = activity
        self.verbose = verbose
        self._clock = clock
        self._start = clock()
        self._state = None
        self._seen_messages = set(known_messages)  # what the resource said before this operation is not news
        self._lock = threading.Lock()
        self._line = _live_line(cli_ctx, sys.stderr if stream is None else stream, activity)

    @property
    def live(self):
        return self._line is not None and self._line.alive

    @property
    def wants_details(self):
        """Worth an extra read of the resource per poll: someone is watching (a terminal, or --verbose)."""
        return self.live or self.verbose

    @property
    def elapsed(self):
        return int(self._clock() - self._start)

    def update(self, state=None, messages=()):
        """A new state (logged when it changes) and status messages (each new one is a warning)."""
        with self._lock:
            if state and state != self._state:
                logger.info("%s: %s after %ds", self.activity, state, self.elapsed)
            self._state = state or self._state
            for message in messages:
                if message and message not in self._seen_messages:
                    self._seen_messages.add(message)
                    if self.live:
                        self._line.clear()
                    logger.warning("%s: %s", self.activity, message)
            self._show(self._state or 'waiting')

    def count(self, text):
        """A summary of many operations ("3 done, 2 running ..."), shown live only: the result rows tell the rest."""
        with self._lock:
            self._show(text)

    def _show(self, text):
        if self.live:
            self._line.show(f"{self.activity}: {text} ({self.elapsed}s)")

    def finish(self):
        with self._lock:
            if self._line is not None:
                self._line.end()
