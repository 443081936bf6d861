"""The Azure Blob Storage side of a durable rollout journal: one append blob per journal, written with the signed-in az
identity (a token for Azure Storage; no account keys, no SAS), whole JSON records per append block.

- :func:`parse_journal_url`: ``https://<account>.blob.core.windows.net/<container>/<name>`` (other clouds' blob
  suffixes too), or the path style an emulator serves, ``https://127.0.0.1:<port>/<account>/<container>/<name>``.
- :class:`BlobJournal`: :meth:`~BlobJournal.ensure` creates the append blob when missing; :meth:`~BlobJournal.append`
  adds one record on the condition that the blob still ends where this process last read it (the
  ``x-ms-blob-condition-appendpos`` header), so two writers never interleave silently: one that lost the race reads
  what the other wrote and tries again (and finds its own record there when only the answer was lost);
  :meth:`~BlobJournal.read` returns every record.
- :meth:`BlobJournal.acquire` takes the blob's lease (finite, 60 s by default) and records its holder (host, pid,
  start time) in the blob's metadata; a :class:`Lease` renews it from a background thread while the holder runs and
  :meth:`Lease.release` frees it. A second runner gets :class:`JournalInUseError` naming the holder, or waits for it
  when asked; a holder that died frees it when its lease expires. Writes under a lease carry its id.

Every failure is a typed az error naming the journal's URL and the fix (no permission: the role "Storage Blob Data
Contributor"). The client comes from ``_client_factory.cf_journal_blob``.
"""
import datetime
import json
import os
import re
import socket
import threading
import time
import uuid
from collections import namedtuple
from urllib.parse import unquote, urlsplit

from azure.cli.core.azclierror import (AzureConnectionError, AzureResponseError, ForbiddenError,
                                       InvalidArgumentValueError, ResourceNotFoundError, UnauthorizedError)

LEASE_SECONDS = 60            # the service allows 15 to 60 seconds, or infinite (which a dead runner never frees)
WAIT_POLL_SECONDS = 5.0       # how often a runner asked to wait tries the lease again
APPEND_TRIES = 20             # appends lost to other writers before giving up
ROLE = 'Storage Blob Data Contributor'
# Codes of a token Storage did not accept (expired, another audience), as opposed to a missing role.
AUTHENTICATION_CODES = ('AuthenticationFailed', 'InvalidAuthenticationInfo')
HOLDER_KEYS = ('aksext_holder_host', 'aksext_holder_pid', 'aksext_holder_started', 'aksext_holder_lease_seconds')
BLOB_HOST = re.compile(r'^(?P<account>[a-z0-9]{3,24})\.blob\.core\.[a-z0-9.-]+$')
EMULATOR_HOST = re.compile(r'^(127\.\d+\.\d+\.\d+|localhost|::1)$')
CONTAINER = re.compile(r'^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$')
ACCOUNT = re.compile(r'^[a-z0-9]{3,24}$')
URL_SCHEME = re.compile(r'^[a-z][a-z0-9+.-]*://', re.IGNORECASE)
EXAMPLE = 'https://<account>.blob.core.windows.net/<container>/<name>, for example ' \
          'https://myrollouts.blob.core.windows.net/journals/flux-1.16.2.jsonl'

JournalUrl = namedtuple('JournalUrl', 'url account_url account container blob')


def is_blob_url(text):
    """Whether a --journal value is a URL (a blob, or a mistake parse_journal_url names) rather than a file."""
    return bool(URL_SCHEME.match(str(text or '')))


def parse_journal_url(text, option='--journal'):
    """A JournalUrl, or InvalidArgumentValueError naming ``option`` and what is wrong."""
    def refuse(problem):
        return InvalidArgumentValueError(f'{option} {text}: {problem}.', f'Give the blob as {EXAMPLE}.')
    parts = urlsplit(str(text).strip())
    if parts.scheme.lower() != 'https':
        raise refuse('a journal in Blob Storage needs https:// (tokens are never sent over plain HTTP)')
    if parts.query or parts.fragment:
        raise refuse('drop the query string: the journal is written with your az login, not a SAS or key')
    host = (parts.hostname or '').lower()
    segments = [unquote(segment) for segment in parts.path.split('/')[1:]]
    if EMULATOR_HOST.match(host):
        if len(segments) < 3:
            raise refuse('an emulator URL is https://127.0.0.1:<port>/<account>/<container>/<name>')
        account, segments = segments[0], segments[1:]
        account_url = f'{parts.scheme}://{parts.netloc}/{account}'
    else:
        found = BLOB_HOST.match(host)
        if not found:
            raise refuse(f"'{parts.hostname}' is not a Blob Storage endpoint (<account>.blob.core.windows.net)")
        account, account_url = found.group('account'), f'https://{parts.netloc}'
    if not ACCOUNT.match(account):
        raise refuse(f"'{account}' is not a storage account name (3-24 lower-case letters and digits)")
    if len(segments) < 2 or not segments[1] or not all(segments[1:]):
        raise refuse('it needs a container and a blob name after the account: .../<container>/<name>')
    container, blob = segments[0], '/'.join(segments[1:])
    if not CONTAINER.match(container):
        raise refuse(f"'{container}' is not a container name (3-63 lower-case letters, digits and single hyphens)")
    if len(blob) > 1024:
        raise refuse('the blob name is longer than 1,024 characters')
    return JournalUrl(url=f'{account_url}/{container}/{blob}', account_url=account_url, account=account,
                      container=container, blob=blob)


# ---- errors -------------------------------------------------------------------------------------------------------

class JournalInUseError(AzureResponseError):
    """Another runner holds the journal's lease; ``holder`` says who, as it recorded itself."""

    def __init__(self, message, recommendation=None, holder=None):
        super().__init__(message, recommendation)
        self.holder = holder or {}


class LeaseLostError(AzureResponseError):
    """This runner's lease on the journal expired or was taken: it must stop writing."""


def _code(error):
    code = getattr(error, 'error_code', None)
    return str(getattr(code, 'value', code) or '')


def _status(error):
    return getattr(error, 'status_code', None) or getattr(getattr(error, 'response', None), 'status_code', None)


# One return per kind of failure reads as the table it is.
def translate(error, url, action):  # pylint: disable=too-many-return-statements
    """The az error for an azure-core or storage exception raised while ``action`` ran on the journal at ``url``."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
    if isinstance(error, (ServiceRequestError, ServiceResponseError)):
        return AzureConnectionError(f'Could not reach the rollout journal {url.url} to {action}: {error}',
                                    'Check the storage account name and your network, then run the command again.')
    if not isinstance(error, HttpResponseError):
        return error
    status, code = _status(error), _code(error)
    detail = f'({code}) ' if code else ''
    first_line = str(getattr(error, 'message', None) or error).splitlines()[0]
    if status == 401 or (status == 403 and code in AUTHENTICATION_CODES):
        return UnauthorizedError(f'Azure Storage rejected the login used to {action} the rollout journal {url.url}: '
                                 f'{detail}{first_line}', 'Run `az login` again and retry.')
    if status == 403:
        return ForbiddenError(
            f'Not authorized to {action} the rollout journal {url.url}: {detail}{first_line}',
            f"The signed-in identity needs the role '{ROLE}' on the container: az role assignment create --role "
            f"'{ROLE}' --assignee <your object id> --scope <the storage account's id>/blobServices/default/"
            f"containers/{url.container}")
    if code == 'ContainerNotFound':
        return ResourceNotFoundError(
            f"The container '{url.container}' of the rollout journal {url.url} does not exist in storage account "
            f"'{url.account}'.",
            f'Create it: az storage container create --name {url.container} --account-name {url.account} '
            '--auth-mode login')
    if status == 404:
        return ResourceNotFoundError(f'The rollout journal {url.url} was not found: {detail}{first_line}',
                                     'Check the storage account, container and blob name.')
    return AzureResponseError(f'Azure Storage could not {action} the rollout journal {url.url} (HTTP {status}): '
                              f'{detail}{first_line}', 'Run the command again; the journal keeps what was written.')


def _holder_text(holder):
    if not holder:
        return 'another runner (it did not record who it is)'
    return (f"pid {holder.get('aksext_holder_pid', '?')} on host {holder.get('aksext_holder_host', '?')}, "
            f"running since {holder.get('aksext_holder_started', '?')}")


# ---- the journal blob -----------------------------------------------------------------------------------------

class BlobJournal:
    """One journal's append blob. ``client``: an azure-storage-blob BlobClient (``cf_journal_blob``); ``url``: the
    parsed JournalUrl. Not thread-safe for appends without a caller's lock (the rollout journal holds one)."""

    def __init__(self, client, url):
        self.client = client
        self.url = url
        self.records = []     # every record read or written, in blob order
        self.length = 0       # bytes of the blob this process has read
        self.lease = None     # the Lease this process holds, if any

    def _call(self, action, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:  # pylint: disable=broad-except  # translate() keeps what it does not know
            raise translate(error, self.url, action) from error

    def ensure(self):
        """Create the append blob unless it exists; True when this call created it."""
        from azure.core.exceptions import ResourceExistsError
        try:
            self.client.create_append_blob(if_none_match='*')
            return True
        except ResourceExistsError:
            return False
        except Exception as error:  # pylint: disable=broad-except
            if _code(error) in ('BlobAlreadyExists', 'ConditionNotMet') or _status(error) == 409:
                return False
            raise translate(error, self.url, 'create') from error

    def read(self):
        """The records appended since this process last read (all of them the first time); kept in ``records``."""
        from azure.core.exceptions import ResourceNotFoundError as Missing
        try:
            size = self.client.get_blob_properties().size
            if size <= self.length:
                return []
            data = self.client.download_blob(offset=self.length, length=size - self.length).readall()
        except Missing as error:
            if _code(error) == 'ContainerNotFound':
                raise translate(error, self.url, 'read') from error
            return []   # no journal yet
        except Exception as error:  # pylint: disable=broad-except
            raise translate(error, self.url, 'read') from error
        complete = data[:data.rfind(b'\n') + 1]  # blocks are whole records; a partial tail is left for later
        self.length += len(complete)
        added = [json.loads(line) for line in complete.decode('utf-8').splitlines() if line.strip()]
        self.records.extend(added)
        return added

    def append(self, record):
        """Append one record (a JSON-serializable dict; it gets an ``id`` unless it has one) after everything this
        process has read, reading what others appended first whenever they got there before; returns the records
        others had appended meanwhile."""
        from azure.core.exceptions import HttpResponseError
        record = dict(record)
        record.setdefault('id', uuid.uuid4().hex)
        data = (json.dumps(record, sort_keys=True) + '\n').encode('utf-8')
        theirs = []
        for _ in range(APPEND_TRIES):
            if self.lease is not None:
                self.lease.check()
            try:
                self.client.append_block(data, appendpos_condition=self.length,
                                         lease=self.lease.id if self.lease else None)
            except HttpResponseError as error:
                code = _code(error)
                if code.startswith('Lease') or (self.lease is None and code == 'LeaseIdMissing'):
                    if self.lease is not None:
                        self.lease.lost = True
                    raise self._lease_error(code) from error
                if code != 'AppendPositionConditionNotMet' and _status(error) != 412:
                    raise translate(error, self.url, 'append to') from error
                added = self.read()
                if any(item.get('id') == record['id'] for item in added):
                    theirs.extend(item for item in added if item.get('id') != record['id'])
                    return theirs   # an earlier try landed; only its answer was lost
                theirs.extend(added)
                continue
            except Exception as error:  # pylint: disable=broad-except
                raise translate(error, self.url, 'append to') from error
            self.length += len(data)
            self.records.append(record)
            return theirs
        raise AzureResponseError(f'Could not append to the rollout journal {self.url.url}: other writers kept '
                                 f'appending first ({APPEND_TRIES} tries).',
                                 'Only one rollout should write to a journal at a time: check for another runner.')

    def _lease_error(self, code):
        holder = self._holder()
        if holder.get('aksext_holder_pid') == str(os.getpid()) and \
                holder.get('aksext_holder_host') == socket.gethostname():
            return LeaseLostError(
                f'This runner no longer holds the lease on the rollout journal {self.url.url} ({code}): it was '
                'broken, or it expired unrenewed; no other runner has recorded itself as holder.',
                'Check that no other rollout of this change runs, then run the same command again: it resumes from '
                'the journal and sends nothing twice.')
        return LeaseLostError(
            f'This runner no longer holds the lease on the rollout journal {self.url.url} ({code}); it is now held '
            f'by {_holder_text(holder)}.',
            'Another runner took over the rollout: stop this one, and follow the other (or run the command again '
            'once it ends).')

    def _holder(self):
        try:
            metadata = self.client.get_blob_properties().metadata or {}
        except Exception:  # pylint: disable=broad-except  # naming the holder is a courtesy
            return {}
        return {key: metadata[key] for key in HOLDER_KEYS if key in metadata}

    def acquire(self, *, wait=False, timeout=3600.0, duration=LEASE_SECONDS, clock=time.monotonic,
                sleep=time.sleep):
        """Take the journal's lease and record this process as its holder; a second runner gets JournalInUseError
        naming the first, or (``wait``) tries every few seconds until it is free or ``timeout`` seconds passed."""
        from azure.core.exceptions import HttpResponseError
        self.ensure()
        deadline = clock() + timeout
        while True:
            try:
                client = self.client.acquire_lease(lease_duration=duration)
                break
            except HttpResponseError as error:
                if _code(error) != 'LeaseAlreadyPresent' and _status(error) != 409:
                    raise translate(error, self.url, 'lease') from error
            holder = self._holder()
            if not wait or clock() >= deadline:
                waited = f' (waited {int(timeout)} s)' if wait else ''
                raise JournalInUseError(
                    f'The rollout journal {self.url.url} is in use by {_holder_text(holder)}{waited}.',
                    'Two runners cannot drive one rollout. Wait for that one to finish; if it died, its lease '
                    f'expires at most {duration} s after its last renewal, and the command can then run again.',
                    holder)
            sleep(min(WAIT_POLL_SECONDS, max(0.1, deadline - clock())))
        self.lease = Lease(self, client, duration)
        self.lease.record_holder()
        self.lease.start()
        return self.lease


class Lease:
    """A held lease on the journal blob, renewed from a daemon thread every third of its duration."""

    def __init__(self, journal, client, duration):
        self.journal = journal
        self.client = client            # azure-storage-blob's BlobLeaseClient
        self.duration = duration
        self.lost = False
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew, name='aksext-journal-lease', daemon=True)
        self.renewed = time.monotonic()

    @property
    def id(self):
        return self.client.id

    def record_holder(self):
        started = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        holder = dict(zip(HOLDER_KEYS, (socket.gethostname(), str(os.getpid()), started, str(self.duration))))
        self.journal._call('lease', self.journal.client.set_blob_metadata,  # pylint: disable=protected-access
                           holder, lease=self.id)

    def start(self):
        self.thread.start()

    def _renew(self):
        while not self.stopped.wait(self.duration / 3):
            try:
                self.client.renew()
                self.renewed = time.monotonic()
            except Exception as error:  # pylint: disable=broad-except  # a blip: the next tick tries again
                if _code(error).startswith('Lease') or time.monotonic() - self.renewed >= self.duration:
                    self.lost = True
                    return

    def check(self):
        """Raise LeaseLostError once the lease is lost (taken, or not renewed within its duration)."""
        if self.lost or time.monotonic() - self.renewed >= self.duration:
            self.lost = True
            raise self.journal._lease_error('LeaseLost')  # pylint: disable=protected-access

    def release(self):
        """Stop renewing, clear the holder and free the lease; a lease already lost is left as it is."""
        self.stopped.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)
        if self.lost:
            return
        try:
            self.journal.client.set_blob_metadata({}, lease=self.id)
            self.client.release()
        except Exception:  # pylint: disable=broad-except  # the lease then expires by itself within its duration
            pass
        finally:
            self.journal.lease = None
