"""The gates of a rollout, as pure functions: how long a cluster soaks, where the rollout pauses for approval, whether
an extension passed its health gate, and what a rollback does to one cluster. No I/O.

- Soak (``--soak``): ``30s``, ``10m``, ``1h``, ``1h30m`` or a number of seconds; a cluster is done once its extension
  is Succeeded without an error status, and still is when the soak ends.
- Pause points (``--pause-after``, repeatable): ``canary`` (after the canary wave), a count of clusters, or a
  percentage of the clusters the rollout changes; each is a number of clusters done, the same on every run of the
  change (counted over the clusters this rollout changes, those done by earlier runs included).
- Rollback of one cluster (:func:`rollback_decision`): the journal's record of the extension before the rollout's
  first write to it, the change, and the extension as it is now decide: restore (a PATCH of what the change moved),
  delete (the rollout created it), nothing (already as before, or gone), or report (someone else changed it since).
"""
import math
import re
from collections import namedtuple

from azure.cli.core.azclierror import InvalidArgumentValueError

from .plan import _installed, differing_fields, last_modified, view

# Seconds of soak at most: the service's own 48-hour limit of an operation.
LONGEST_SOAK = 48 * 3600
RESTORE, DELETE, KEEP, REPORT = 'restore', 'delete', 'nothing', 'changed-since'
RollbackStep = namedtuple('RollbackStep', 'action reason properties')   # properties: the PATCH's, for RESTORE
# The values a rollback puts back, as the journal keeps them before a write.
RESTORED = ('version', 'releaseTrain', 'autoUpgradeMinorVersion', 'configurationSettings')


def parse_duration(text, option='--soak'):
    """Seconds in ``text``: ``90``, ``30s``, ``10m``, ``1h``, ``1h30m``, ``2h15m10s`` (0 allowed). Raises
    InvalidArgumentValueError naming ``option``."""
    value = str(text if text is not None else '').strip().lower()
    found = re.fullmatch(r'(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?', value) if value and not value.isdigit() else None
    if value.isdigit():
        seconds = int(value)
    elif found and any(found.groups()):
        hours, minutes, secs = (int(part or 0) for part in found.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise InvalidArgumentValueError(f"{option} '{text}' is not a duration.",
                                        f"Give seconds or a duration such as {option} 30s, 10m, 1h or 1h30m.")
    if seconds > LONGEST_SOAK:
        raise InvalidArgumentValueError(f"{option} '{text}' is longer than 48 hours.",
                                        f"Give at most {option} 48h.")
    return seconds


def parse_pause_point(text):
    """``canary``, a count (``5``) or a percentage (``50%``) as ('canary', None), ('count', n), ('percent', p)."""
    value = str(text or '').strip().lower()
    if value == 'canary':
        return 'canary', None
    found = re.fullmatch(r'(\d+)(%?)', value)
    if not found or int(found.group(1)) == 0 or (found.group(2) and int(found.group(1)) > 100):
        raise InvalidArgumentValueError(
            f"--pause-after '{text}' is not canary, a count of clusters or a percentage from 1% to 100%.",
            'For example: --pause-after canary --pause-after 50%')
    return ('percent', int(found.group(1))) if found.group(2) else ('count', int(found.group(1)))


def pause_counts(points, canary, total):
    """The numbers of clusters done after which the rollout pauses, ascending, each with the point it comes from:
    [(count, 'canary' | '5' | '50%')]. Points at or past the last cluster are dropped: the rollout ends there."""
    counts = {}
    for text in points or ():
        kind, value = parse_pause_point(text)
        if kind == 'canary':
            count = canary
        elif kind == 'count':
            count = value
        else:
            count = math.ceil(total * value / 100.0)
        if 0 < count < total:
            counts.setdefault(count, str(text).strip().lower())
    return sorted(counts.items())


def health_error(extension):
    """Why an extension does not pass the health gate, or None: it must be Succeeded, without an error status."""
    extension = extension or {}
    state = str(extension.get('provisioningState') or '')
    if state.lower() != 'succeeded':
        return f'the extension is {state or "in an unknown state"}'
    for status in extension.get('statuses') or []:
        if str(status.get('level') or '').lower() == 'error':
            return f"the extension reports an error: {status.get('message') or status.get('code')}"
    return None


def before_of(extension):
    """What the journal keeps of an extension before a write: the values a rollback restores and its scope (no
    secrets: protected settings cannot be read back, only whether it had any is known)."""
    if extension is None:
        return {'exists': False}
    extension = view(extension)
    kept = {key: extension.get(key) for key in RESTORED}
    kept['version'] = extension.get('version') if not extension.get('autoUpgradeMinorVersion') else None
    kept['installedVersion'] = extension.get('currentVersion') or extension.get('version')
    kept['configurationSettings'] = dict(extension.get('configurationSettings') or {})
    kept['scope'] = extension.get('scope')
    kept['exists'] = True
    return kept


def _as_before(installed, before):
    """True when the installed extension holds the values it had before the rollout."""
    if before.get('version') and before['version'] != installed['currentVersion']:
        return False
    if bool(before.get('autoUpgradeMinorVersion')) != bool(installed['autoUpgradeMinorVersion']):
        return False
    if (before.get('releaseTrain') or '').lower() not in ('', installed['releaseTrain']):
        return False
    return dict(before.get('configurationSettings') or {}) == dict(installed['settings'])


def _changed_since(desired, extension, left):
    """True when someone else wrote to the extension after the rollout: its last write is not the one the rollout's
    operation left (``left``, its last-modified time then), or, where that is not known, its values are no longer
    the change's."""
    if left is not None and last_modified(extension) is not None:
        return last_modified(extension) != left
    return bool(differing_fields(desired, _installed(extension)))


# One return per decision reads as the table of decisions it is: pylint: disable-next=too-many-return-statements
def rollback_decision(before, desired, extension, protected=None, left=None):
    """The RollbackStep for one cluster the rollout touched (before: the journal's record before its first write;
    desired: the change; extension: as it is now, None when not installed; protected: the values to restore
    as protected settings, when given; left: the extension's last-modified time when the rollout's operation
    ended, when known)."""
    extension = view(extension)
    if not before.get('exists'):
        if extension is None:
            return RollbackStep(KEEP, 'the extension the rollout created is gone already', None)
        if _changed_since(desired, extension, left):
            return RollbackStep(REPORT, 'the rollout created this extension, and it was changed since (its version '
                                        'or settings are no longer what the rollout set): left as it is', None)
        return RollbackStep(DELETE, 'the rollout created this extension', None)
    if extension is None:
        return RollbackStep(REPORT, 'the extension was deleted since the rollout: not created again', None)
    installed = _installed(extension)
    if _as_before(installed, before):
        return RollbackStep(KEEP, 'the extension already holds its values from before the rollout', None)
    if _changed_since(desired, extension, left):
        return RollbackStep(REPORT, 'the extension was changed since the rollout (its version or settings are no '
                                    'longer what the rollout set): left as it is', None)
    return RollbackStep(RESTORE, None, restore_properties(before, desired, installed, protected))


def restore_properties(before, desired, installed, protected=None):
    """The PATCH that puts back what the change moved: version or auto-upgrade, train, the settings it set (a key
    that was not there before is removed: a null in a PATCH removes it)."""
    properties = {}
    if before.get('autoUpgradeMinorVersion'):
        if not installed['autoUpgradeMinorVersion']:
            properties['autoUpgradeMinorVersion'] = True
    elif before.get('version') and before['version'] != installed['currentVersion']:
        properties['version'] = before['version']
        properties['autoUpgradeMinorVersion'] = False
    elif installed['autoUpgradeMinorVersion']:
        properties['autoUpgradeMinorVersion'] = False
    train = before.get('releaseTrain')
    if train and train.lower() != installed['releaseTrain']:
        properties['releaseTrain'] = train
    old = before.get('configurationSettings') or {}
    settings = {key: old.get(key) for key in (desired.settings or {}) if installed['settings'].get(key) != old.get(key)}
    if settings:
        properties['configurationSettings'] = settings
    if protected:
        properties['configurationProtectedSettings'] = dict(protected)
    return properties


# A rollout's gates, as the validators left them (soak in seconds, pause points as given).
Gating = namedtuple('Gating', 'soak pause_after approve maintenance_config window ignore_windows outside_window '
                              'rollback on_failure')
GATING_OFF = Gating(0, (), False, None, None, True, 'wait', False, 'stop')
_PROTECTED_FLAGS = ('--config-protected-settings', '--config-protected', '--configuration-protected-settings')
ARGS_KEY = 'aksext_command_args'


def keep_args(cli_ctx, args=None, **_):
    """An az event handler (EVENT_INVOKER_PRE_PARSE_ARGS): keeps the command line, so that a paused rollout can say
    the exact command that goes on."""
    cli_ctx.data[ARGS_KEY] = list(args or ())


def continue_command(args, group, add='--approve'):
    """The command line ``args`` with ``add`` (once), protected setting values masked, quoted for a POSIX shell."""
    import shlex
    words, masking = [], False
    for word in args or ():
        if word.startswith('-'):
            masking = word.lower() in _PROTECTED_FLAGS
            words.append(word)
        elif masking:
            key = word.split('=', 1)[0]
            words.append(f'{key}=<same value>' if '=' in word else '<same value>')
        else:
            words.append(word)
    if not words:
        words = group.split() + ['rollout', '...']
    if add and add not in words:
        words.append(add)
    return 'az ' + shlex.join(words)
