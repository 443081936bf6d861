"""The storage of a rollout Journal (journal.py) in an Azure Blob Storage append blob: :class:`BlobBackend` has
journal.FileBackend's interface over a blobstore.BlobJournal (its lease, its conditional appends), and
:class:`GroupCommit` turns the records many workers append at once into few append blocks. :func:`journal_backend`
chooses the storage of a --journal: a blob for a URL, a file for a path.
"""
import os
import threading

from .blobstore import LEASE_SECONDS, BlobJournal, LeaseLostError, _code, is_blob_url, parse_journal_url, translate

LEASE_ENV = 'AKSEXT_JOURNAL_LEASE_SECONDS'
MIN_LEASE_SECONDS = 15
BLOCK_BYTES = 4 << 20         # the largest append block every service version takes


def lease_seconds():
    """The lease a rollout takes on its journal blob: 60 s, or AKSEXT_JOURNAL_LEASE_SECONDS bounded to the 15-60 s
    the service allows (a shorter lease frees a dead runner's journal sooner, at the price of more renewals)."""
    try:
        value = int(os.environ.get(LEASE_ENV) or LEASE_SECONDS)
    except ValueError:
        return LEASE_SECONDS
    return min(LEASE_SECONDS, max(MIN_LEASE_SECONDS, value))


def journal_backend(cli_ctx, location):
    """The storage of a --journal: a BlobBackend for a URL (parsed here, so that a wrong one is refused before any
    request), else journal.FileBackend for a path."""
    from .journal import FileBackend
    if is_blob_url(location):
        return BlobBackend(cli_ctx, parse_journal_url(location))
    return FileBackend(location)


def _journal_error(error):
    """An az error as the JournalError the rollout engine stops on (it then sends nothing more and prints the rows)."""
    from .journal import JournalError
    if isinstance(error, JournalError):
        return error
    return JournalError(getattr(error, 'error_msg', None) or str(error), getattr(error, 'recommendations', None))


class GroupCommit:  # pylint: disable=too-few-public-methods  # one operation, and the state workers share for it
    """Appends from many workers as few blocks: a worker that finds no block on its way sends every record waiting
    (up to BLOCK_BYTES) as one, the others wait for theirs to be in. ``send(bytes)`` appends a block; its error
    (a journal.JournalError, or an az error that becomes one) ends appending for every worker."""

    def __init__(self, send):
        self.send = send
        self.done = threading.Condition()
        self.pending = []           # (ticket, bytes) waiting, in order
        self.issued = self.committed = 0
        self.sending = False
        self.error = None

    def append(self, data):
        with self.done:
            self.issued += 1
            ticket = self.issued
            self.pending.append((ticket, bytes(data)))
            while self.committed < ticket:
                if self.error is not None:
                    raise self.error
                if self.sending:
                    self.done.wait()
                else:
                    self._send_waiting()

    def _send_waiting(self):
        """Send the waiting records as one block; called holding ``done``, which is released while it is sent."""
        self.sending = True
        batch, size = [], 0
        while self.pending and (not batch or size + len(self.pending[0][1]) <= BLOCK_BYTES):
            batch.append(self.pending.pop(0))
            size += len(batch[-1][1])
        self.done.release()
        failure = None
        try:
            self.send(b''.join(record for _, record in batch))
        except Exception as error:  # pylint: disable=broad-except  # every waiting worker gets it
            failure = _journal_error(error)
        finally:
            self.done.acquire()
            self.sending = False
            self.done.notify_all()
        if failure is not None:
            self.error = failure
            raise failure
        self.committed = batch[-1][0]


class BlobBackend:
    """journal.FileBackend's interface over an append blob: `open` creates the blob unless it exists and refuses a
    blob of another type, `lock` takes its lease (held and renewed until `close`; a second runner gets
    JournalInUseError naming the holder), `read` returns its bytes, `append` adds whole records in append blocks,
    at the position this process last read and under its lease, the records of workers appending at once in one
    block (GroupCommit). An append that fails (the lease lost, no permission) raises journal.JournalError, on which
    a rollout stops starting clusters, prints its rows and names the journal."""

    def __init__(self, cli_ctx, url):
        self.cli_ctx, self.url, self.path = cli_ctx, url, url.url
        self.blob = None        # the BlobJournal, from open()
        self.length = 0         # bytes of the blob read or appended by this process
        self.commits = GroupCommit(self._append_block)

    def open(self):
        from .._client_factory import cf_journal_blob
        from .journal import JournalError
        self.blob = BlobJournal(cf_journal_blob(self.cli_ctx, self.url), self.url)
        self.blob.ensure()
        kind = self.blob._call('read', self.blob.client.get_blob_properties).blob_type  # pylint: disable=protected-access
        kind = str(getattr(kind, 'value', kind))
        if kind != 'AppendBlob':
            raise JournalError(f"Cannot use the rollout journal '{self.path}': it is a {kind}, not an append blob, so "
                               "not a rollout journal.",
                               'Give the URL of a journal a rollout wrote, or of a blob that does not exist yet.')

    def lock(self):
        self.blob.acquire(duration=lease_seconds())
        return True

    def read(self):
        data = self.blob._call('read', lambda: self.blob.client.download_blob().readall())  # pylint: disable=protected-access
        self.length = len(data)
        return data

    def cut(self, size):
        from .journal import JournalError
        raise JournalError(f"Cannot use the rollout journal '{self.path}': its last {self.length - size} byte(s) are "
                           "not a whole record, and an append blob cannot be cut (aksext appends whole records).",
                           'Restore the blob, or give a new --journal (the clusters are then planned afresh).')

    def append(self, data):
        """Append one record; returns once it is in the blob (with the records other workers appended meanwhile)."""
        self.commits.append(data)

    def _append_block(self, data):
        from azure.core.exceptions import HttpResponseError
        from .journal import JournalError
        lease = self.blob.lease
        try:
            lease.check()
            self.blob.client.append_block(data, appendpos_condition=self.length, lease=lease.id)
        except HttpResponseError as error:
            code = _code(error)
            if code.startswith('Lease'):
                lease.lost = True
                raise self.blob._lease_error(code) from error  # pylint: disable=protected-access
            if code == 'AppendPositionConditionNotMet':
                # Under the lease only this process appends: an earlier try whose answer was lost landed.
                if self.read()[-len(data):] == data:
                    return
                raise JournalError(f"The rollout journal '{self.path}' was appended to by another writer while this "
                                   "runner held its lease.",
                                   'Only one rollout may write to a journal: stop the other writer, then run the '
                                   'same command again.') from error
            raise translate(error, self.url, 'append to') from error
        except LeaseLostError:
            raise
        except Exception as error:  # pylint: disable=broad-except  # connection errors and the like
            raise translate(error, self.url, 'append to') from error
        self.length += len(data)

    def close(self):
        if self.blob is not None and self.blob.lease is not None:
            self.blob.lease.release()
