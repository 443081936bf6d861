"""A rollout journal in Azure Blob Storage (azext_aksext/multicluster/blobstore.py) against Azurite, through real
processes on the signed-in az identity: two runners at once, a killed holder whose lease expires, an append race,
and the errors a runner sees."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path


RUNNER = Path(__file__).with_name('journal_runner.py')
LEASE = 15   # the shortest lease the service allows, so an expiry takes seconds


def journal(journal_container):
    return f'{journal_container}/rollout-{uuid.uuid4().hex[:8]}.jsonl'


def start(az, *args):
    return subprocess.Popen([sys.executable, str(RUNNER), *map(str, args)], env=az.env, text=True,  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def first_event(process, timeout=60):
    """The first JSON line a runner prints (it flushes each one)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = process.stdout.readline()
        if line.strip():
            return json.loads(line)
        if process.poll() is not None:
            raise AssertionError(f'runner exited {process.returncode}: {process.stderr.read()}')
    raise AssertionError('runner printed nothing')


def finish(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    return process.returncode, events, err


def records(az, url):
    code, events, err = finish(start(az, 'read', url))
    assert code == 0, err
    return events[0]['records']


def test_a_second_runner_is_told_who_holds_the_journal_or_waits_while_the_holder_renews(az, journal_container):
    url = journal(journal_container)
    holder = start(az, 'hold', url, '--seconds', LEASE + 3, '--duration', LEASE)
    acquired = first_event(holder)
    code, events, _ = finish(start(az, 'hold', url, '--seconds', 0))
    assert code == 3
    assert events[0]['in_use']['aksext_holder_pid'] == str(holder.pid)
    assert events[0]['in_use']['aksext_holder_lease_seconds'] == str(LEASE)
    assert f'in use by pid {holder.pid} on host ' in events[0]['message']
    waiter = start(az, 'hold', url, '--seconds', 0, '--wait', '--duration', LEASE)
    held_code, held_events, held_err = finish(holder)
    waited_code, waited_events, waited_err = finish(waiter)
    assert held_code == 0 and waited_code == 0, held_err + waited_err
    released = held_events[-1]['time']
    # The holder kept its lease past its first 15 s by renewing it: the waiter got it only once it was released.
    assert released - acquired['time'] >= LEASE and waited_events[0]['time'] >= released
    assert [record['holder'] for record in records(az, url)] == [holder.pid, waiter.pid]


def test_a_killed_holders_lease_expires_and_frees_the_journal(az, journal_container):
    url = journal(journal_container)
    holder = start(az, 'hold', url, '--seconds', 600, '--duration', LEASE)
    first_event(holder)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    killed_at = time.time()
    code, events, _ = finish(start(az, 'hold', url, '--seconds', 0))
    assert code == 3 and events[0]['in_use']['aksext_holder_pid'] == str(holder.pid)
    code, events, err = finish(start(az, 'hold', url, '--seconds', 0, '--wait', '--duration', LEASE))
    assert code == 0, err
    assert events[0]['time'] - killed_at <= LEASE + 8   # within the lease it last renewed, and a poll
    assert [record['holder'] for record in records(az, url)] == [events[0]['pid']]


def test_writers_racing_to_append_never_interleave_or_lose_a_record(az, journal_container):
    url = journal(journal_container)
    writers = [start(az, 'append', url, '--count', 25, '--tag', tag) for tag in ('a', 'b', 'c')]
    results = [finish(writer) for writer in writers]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    assert sum(events[0]['foreign'] for _, events, _ in results) > 0   # they did race, and re-read
    written = records(az, url)
    assert len(written) == 75 and len({record['id'] for record in written}) == 75
    for tag in 'abc':
        assert [record['n'] for record in written if record['tag'] == tag] == list(range(25))


def test_a_missing_container_names_the_command_that_creates_it(az, azurite):
    code, events, _ = finish(start(az, 'append', f'{azurite.account_url()}/nosuchcontainer/journal.jsonl'))
    assert code == 1 and events[0]['error'] == 'ResourceNotFoundError'
    assert "container 'nosuchcontainer'" in events[0]['message']
    assert events[0]['recommendation'] == [
        'Create it: az storage container create --name nosuchcontainer --account-name devstoreaccount1 '
        '--auth-mode login']
