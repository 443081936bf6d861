"""The rollout journal: the record of one change across many clusters, so that a re-run resumes it and never sends a
cluster a second operation for it.

A journal starts with a header that names its change (the extension, its type, the desired values, a salted digest
of the protected values, the targets); a journal of another change is refused, naming both. Then one JSON record a
line, appended: a `run` record for each process that holds the journal, and `cluster` records for each step of a
cluster: `submitting` (appended before a write is sent, with the extension's last-modified time as read just
before, the moment the answer is due, and the values it had), `submitted` (the service accepted it), `succeeded`,
`failed` (the service's own Failed state), `rejected` (refused before any operation started: a re-run plans it
afresh). A killed process loses nothing it appended (the data is in the kernel); a torn last line is cut off by the
next run. The first `submitting` record of a cluster keeps, under `before`, what its extension held before the
rollout's first write (`{"exists": false}` when there was none): what a rollback restores. A rollback's own steps are
`cluster` records with `phase` `rollback`; `pause` and `approve` records (with their `phase` and `point`) say where
a rollout waits for approval and who let it go on.

The storage is a backend with four operations (open and lock, read, append, close), whose append any worker may
call at any time: `FileBackend` here, a local file held with an OS lock for the whole run; `blobbackend.BlobBackend`,
an append blob held with a lease. Every byte of an existing journal is checked before it is trusted:
anything else (another file, another encoding, a device, a FIFO) is refused before any write.
"""
import errno
import hashlib
import hmac
import json
import os
import secrets
import socket
import stat
import threading
import time

from azure.cli.core.azclierror import FileOperationError, ValidationError

SUBMITTING, SUBMITTED, SUCCEEDED, FAILED = 'submitting', 'submitted', 'succeeded', 'failed'
REJECTED = 'rejected'   # the write was refused or never sent: a re-run may send it
STATUSES = (SUBMITTING, SUBMITTED, SUCCEEDED, FAILED, REJECTED)
ROLLOUT, ROLLBACK = 'rollout', 'rollback'   # the phases of a change
GATE_RECORDS = ('pause', 'approve')
KIND, FORMAT = 'aksext-rollout-journal', 1
# Pseudo file systems: a write there is not a journal but a command to the kernel.
_REFUSED_ROOTS = ('/proc', '/sys', '/dev')


def default_path(cli_ctx, change):
    base = os.path.join(cli_ctx.config.config_dir, 'aksext', 'rollouts')
    return os.path.join(base, f'{change}.jsonl')


class JournalError(FileOperationError):
    """The journal cannot be opened, read, trusted or written; the message names it and the cause."""


def _refuse(path, why, fix='Give another --journal, or leave it out to use the default file.'):
    return JournalError(f"Cannot use the rollout journal '{path}': {why}.", fix)


class FileBackend:
    """A journal in a local file: opened without following it into a FIFO or a device, held with fcntl's exclusive
    lock until the process ends, appended to one whole record per write."""

    def __init__(self, path):
        self.path = path
        self.fd = None
        self.writing = threading.Lock()    # one record's bytes at a time, however many workers append

    def open(self):
        real = os.path.realpath(self.path)
        if any(real == root or real.startswith(root + '/') for root in _REFUSED_ROOTS):
            raise _refuse(self.path, f'{real} is on a system file system ({real.split("/")[1]}), not a file')
        directory = os.path.dirname(os.path.abspath(self.path))
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        except OSError as err:
            file_in_path = ' (a part of the path is a file, not a directory)' if err.errno == errno.EEXIST else ''
            raise _refuse(self.path, f'its folder cannot be made: {_os_reason(err)}{file_in_path}') from err
        try:
            # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked right after.
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
        except OSError as err:
            raise _refuse(self.path, _os_reason(err)) from err
        mode = os.fstat(self.fd).st_mode
        if not stat.S_ISREG(mode):
            self.close()
            raise _refuse(self.path, f'it is {_kind_of(mode)}, not a regular file')
        import fcntl
        fcntl.fcntl(self.fd, fcntl.F_SETFL, fcntl.fcntl(self.fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)

    def lock(self):
        """True once this process holds the journal; False while another one does."""
        import fcntl
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as err:
            raise _refuse(self.path, 'it cannot be locked: ' + _os_reason(err)) from err
        return True

    def read(self):
        try:
            chunks, offset = [], 0
            while True:
                chunk = os.pread(self.fd, 1 << 20, offset)
                if not chunk:
                    return b''.join(chunks)
                chunks.append(chunk)
                offset += len(chunk)
        except OSError as err:
            raise _refuse(self.path, 'it cannot be read: ' + _os_reason(err)) from err

    def cut(self, size):
        """Drop everything after the first `size` bytes (the torn last line of a killed run)."""
        try:
            os.ftruncate(self.fd, size)
        except OSError as err:
            raise _refuse(self.path, 'its torn last line cannot be removed: ' + _os_reason(err)) from err

    def append(self, data):
        view = memoryview(data)
        with self.writing:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]

    def close(self):
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None


def _os_reason(err):
    return f'{err.strerror or err}' + (f' ({os.strerror(err.errno)})' if err.errno and not err.strerror else '')


def _kind_of(mode):
    for test, name in ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO (named pipe)'),
                       (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'),
                       (stat.S_ISSOCK, 'a socket')):
        if test(mode):
            return name
    return 'not a regular file'


def digest(salt, protected):
    """A keyed digest of the protected values: tells two changes apart without holding anything to guess from."""
    text = json.dumps(protected or {}, sort_keys=True)
    return hmac.new(salt.encode(), text.encode(), hashlib.sha256).hexdigest()


def describe(change):
    """A change in a line: what it installs and where."""
    keys = ('version', 'releaseTrain', 'autoUpgradeMinorVersion', 'scope', 'releaseNamespace', 'targetNamespace')
    values = [f"{key} {change[key]}" for key in keys if change.get(key) is not None]
    if change.get('settings'):
        values.append('settings ' + ', '.join(f'{k}={v}' for k, v in sorted(change['settings'].items())))
    if (change.get('protected') or {}).get('keys'):
        values.append('protected settings ' + ', '.join(change['protected']['keys']))
    targets = change.get('targets') or {}
    if targets.get('clusters'):
        where = f"{len(targets['clusters'])} listed cluster(s)"
    else:
        where = ', '.join(f'{key} {value}' for key, value in sorted(targets.items()) if value) or 'the selector'
    return (f"'{change.get('name')}' ({change.get('extensionType') or 'type not given'})"
            f"{': ' + '; '.join(values) if values else ''}; targets: {where}")


# The state its records build up (per cluster, per phase, gates) is read by attribute: one object is clearer.
class Journal:  # pylint: disable=too-many-instance-attributes
    """One change's journal, held by this process from open to close."""

    # existing: the change must have a journal already (a rollback); any_protected: its protected values may
    # differ (a rollback gives the ones to restore); writing=False: nothing is appended (a dry run).
    def __init__(self, backend, change, protected=None, *, existing=False, any_protected=False, writing=True):
        self.backend, self.path = backend, backend.path
        self.lock = threading.Lock()
        self.state, self.phases = {}, {ROLLBACK: {}}
        self.before = {}        # cluster -> the extension before the rollout's first write to it
        self.left = {}          # cluster -> its last-modified time when the rollout's operation on it ended
        self.gates = []         # the pause and approve records, in order
        self.broken = None      # the error of an append that failed: nothing more may be sent
        backend.open()
        try:
            self._hold()
            header = self.header = self._load()
            if header is None and existing:
                raise ValidationError(
                    f"The rollout journal '{self.path}' holds no rollout of this change, so there is nothing to roll "
                    "back.",
                    "Run --rollback with the flags of the rollout to undo (the same extension, values and targets), "
                    "or give its journal with --journal (the path it printed when it started).")
            if header is None:
                salt = secrets.token_hex(16)
                self.header = {'record': 'header', 'kind': KIND, 'format': FORMAT, 'salt': salt,
                               'change': _sealed(change, salt, protected)}
                if writing:
                    self._append(self.header)
            else:
                _check_change(self.path, header, change, protected, any_protected)
            if writing:
                self._append({'record': 'run', 'pid': os.getpid(), 'host': socket.gethostname(),
                              'started': time.time()})
        except Exception:
            backend.close()
            raise

    def _hold(self):
        if self.backend.lock():
            return
        holder = _last_run(self.backend.read())
        who = (f"process {holder.get('pid')} on {holder.get('host')}, since "
               f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(holder.get('started') or 0))}"
               if holder else 'another process')
        raise ValidationError(
            f"The rollout journal '{self.path}' is in use by {who}: a second rollout of the same change would send "
            "its clusters a second operation.",
            "Wait for that rollout to end (it releases the journal when it exits), or stop it; then run this command "
            "again to resume.")

    def _load(self):
        """The header, or None for a new (empty) journal; the last record of every cluster into self.state. Every
        byte is checked before anything is trusted or written."""
        data = self.backend.read()
        if not data:
            return None
        if b'\x00' in data:
            raise _refuse(self.path, 'it holds binary data, not a rollout journal')
        complete = data.rfind(b'\n') + 1  # after it: the torn last line of a killed run, if any
        try:
            text = data[:complete].decode('utf-8')
        except UnicodeDecodeError as err:
            raise _refuse(self.path, f'it is not UTF-8 text (byte {err.start}), so not a rollout journal') from err
        lines = text.splitlines()
        header = _record(lines[0]) if lines else None
        if header is None or header.get('record') != 'header' or header.get('kind') != KIND:
            raise _refuse(self.path, 'it is not a rollout journal (its first line is not a journal header)',
                          'Give the path of a journal a rollout wrote, or a new file.')
        if header.get('format') != FORMAT or not isinstance(header.get('change'), dict) or \
                not isinstance(header.get('salt'), str):
            raise _refuse(self.path, f"its header is of format {header.get('format')!r}, not {FORMAT}")
        for number, line in enumerate(lines[1:], 2):
            record = _record(line)
            if record is None or not _valid(record):
                raise _refuse(self.path, f'line {number} is not a record of a rollout journal',
                              'Restore the journal, or give a new --journal (the clusters are then planned afresh).')
            self._take(record)
        if complete < len(data):
            self.backend.cut(complete)  # everything before the torn line holds; the fragment goes
        return header

    def same_protected(self, protected):
        """True when ``protected`` are the protected values of the journal's change."""
        sealed = (self.header or {}).get('change', {}).get('protected') or {}
        return sealed.get('digest') == digest(self.header['salt'], protected) if self.header else not protected

    def _take(self, record):
        if record['record'] in GATE_RECORDS:
            self.gates.append(record)
        if record['record'] != 'cluster':
            return
        cluster = record['cluster'].lower()
        if record.get('phase') == ROLLBACK:
            self.phases[ROLLBACK][cluster] = record
            return
        self.state[cluster] = record
        if record.get('left') is not None:
            self.left[cluster] = record['left']   # the extension's last write when the rollout's operation ended
        if isinstance(record.get('before'), dict):
            self.before.setdefault(cluster, record['before'])

    @property
    def resumed(self):
        return bool(self.state)

    def last(self, cluster_id):
        return self.state.get(cluster_id.lower())

    def journal_of(self):
        return self

    def phase(self, name):
        """The journal as one phase of the change sees it (the rollout's is the journal itself)."""
        return self if name == ROLLOUT else Phase(self, name)

    def record(self, cluster_id, status, **details):
        """Append a cluster's step. Raises JournalError when it cannot be written (then nothing more may be sent)."""
        self._write(dict({key: value for key, value in details.items() if value is not None}, record='cluster',
                         cluster=cluster_id, status=status, time=time.time()))

    def gate(self, kind, phase, point, **details):
        """Append a pause or an approval of ``point`` (a --pause-after value) in ``phase``."""
        self._write(dict(details, record=kind, phase=phase, point=point, time=time.time(),
                         host=socket.gethostname(), pid=os.getpid()))

    def paused(self, phase):
        """{point: its pause record} for the points of ``phase`` paused at and not approved since."""
        waiting = {}
        for record in self.gates:
            if record.get('phase') != phase:
                continue
            if record['record'] == 'pause':
                waiting[record.get('point')] = record
            else:
                waiting.pop(record.get('point'), None)
        return waiting

    def approved(self, phase):
        return {record.get('point') for record in self.gates
                if record.get('phase') == phase and record['record'] == 'approve'}

    def _write(self, event):
        with self.lock:
            if self.broken is not None:
                raise self.broken
        try:
            self._append(event)     # outside the lock: a backend orders appends itself (a blob batches them)
        except JournalError as err:
            with self.lock:
                self.broken = self.broken or err
            raise
        with self.lock:
            self._take(event)

    def _append(self, record):
        data = (json.dumps(record, sort_keys=True) + '\n').encode('utf-8')
        try:
            self.backend.append(data)
        except OSError as err:
            raise JournalError(f"Could not write to the rollout journal '{self.path}': {_os_reason(err)}.",
                               "Free space or fix the file's permissions, then run the same command again: it "
                               "resumes from what the journal holds.") from err

    def close(self):
        self.backend.close()


class Phase:
    """A phase of a change other than the rollout (its rollback): its own cluster records in the same journal."""

    def __init__(self, journal, name):
        self.journal, self.name, self.path = journal, name, journal.path

    @property
    def resumed(self):
        return bool(self.journal.phases[self.name])

    def journal_of(self):
        return self.journal

    def last(self, cluster_id):
        return self.journal.phases[self.name].get(cluster_id.lower())

    def record(self, cluster_id, status, **details):
        self.journal.record(cluster_id, status, phase=self.name, **details)


def _record(line):
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _valid(record):
    if record.get('record') == 'run':
        return True
    if record.get('record') in GATE_RECORDS:
        return record.get('phase') in (ROLLOUT, ROLLBACK) and isinstance(record.get('point'), str)
    return (record.get('record') == 'cluster' and isinstance(record.get('cluster'), str)
            and record['cluster'].startswith('/subscriptions/') and record.get('status') in STATUSES
            and all(isinstance(record.get(key), (str, type(None))) for key in ('action', 'error', 'seen'))
            and isinstance(record.get('due', 0), (int, float)))


def _last_run(data):
    runs = [record for record in map(_record, data.decode('utf-8', 'replace').splitlines())
            if record and record.get('record') == 'run']
    return runs[-1] if runs else None


def _sealed(change, salt, protected):
    return dict(change, protected={'keys': sorted(protected or {}), 'digest': digest(salt, protected)})


def _check_change(path, header, change, protected, any_protected=False):
    theirs = header['change']
    ours = _sealed(change, header['salt'], protected)
    if json.dumps(theirs, sort_keys=True) == json.dumps(ours, sort_keys=True):
        return
    same_but_secrets = json.dumps(dict(theirs, protected=None), sort_keys=True) == \
        json.dumps(dict(ours, protected=None), sort_keys=True)
    if same_but_secrets and any_protected:
        return
    raise ValidationError(
        f"The rollout journal '{path}' belongs to another change, so none of its records can stand for this one. "
        f"Journal: {describe(theirs)}. This command: {describe(ours)}"
        f"{' (the protected values differ)' if same_but_secrets else ''}.",
        "Give this change its own --journal (or leave --journal out: each change gets its own file), or run the "
        "command that wrote the journal to resume it.")
