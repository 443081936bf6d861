"""`az k8s-extension rollout --journal <blob URL>`: the rollout journal in Azure Blob Storage (Azurite, over HTTPS
with the emulator's tokens), driven by real az processes on the signed-in identity. A "runner" is an az with a config
directory of its own, as a CI job on a fresh machine would be. Every test counts the writes each cluster got from the
emulator's request log: one operation per cluster per change, whichever runner sent it.

Leases last AKSEXT_JOURNAL_LEASE_SECONDS=15 here (the shortest the service allows), so a dead runner's lease lapses
in seconds."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from arm_emulator.harness.azcli import AzCli

from .helpers import clean_group, run_batch, unique, writes

FLUX = ['-n', 'flux', '--extension-type', 'microsoft.flux']
LEASE = 15
LEASE_ENV = {'AKSEXT_JOURNAL_LEASE_SECONDS': str(LEASE)}
READER = Path(__file__).with_name('journal_runner.py')


@pytest.fixture(scope='module')
def other_runner(emulator, aks, tmp_path_factory):
    """A second runner: the same identity and extension, a fresh config directory (no journal, no token cache)."""
    cli = AzCli(emulator.endpoint, tmp_path_factory.mktemp('runner-b') / 'config', extension_dir=aks.extension_dir)
    cli.login()
    return cli


@pytest.fixture
def slow(service):
    """Operations that take 3 s, so that a runner can be caught mid-wave; the session's pace restored after."""
    service.config(op_seconds=3)
    yield service
    service.config(op_seconds=1.0)


def command(group, url, *extra):
    return ['k8s-extension', 'rollout', '-g', group, *FLUX, '--journal', url, *extra, '-o', 'json']


def start(cli, args):
    # The test waits for it or kills it.  pylint: disable-next=consider-using-with
    return subprocess.Popen([cli.az, *args], env=dict(cli.env, **LEASE_ENV), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, stdin=subprocess.DEVNULL,
                            cwd=cli.config_dir)


def run(cli, args):
    done = subprocess.run([cli.az, *args], env=dict(cli.env, **LEASE_ENV), capture_output=True, text=True,
                          timeout=300, check=False, stdin=subprocess.DEVNULL, cwd=cli.config_dir)
    assert 'Traceback' not in done.stderr, done.stderr[-3000:]
    return done, (json.loads(done.stdout) if done.stdout.strip() else None)


def records(cli, url):
    """The journal's records, read from the blob by a process of its own."""
    done = subprocess.run([sys.executable, str(READER), 'read', url], env=cli.env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[0])['records']


def wait_for(predicate, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError('the rollout did not get there in time')


def test_a_runner_killed_mid_wave_is_continued_by_another_once_its_lease_lapses(
        aks, other_runner, slow, journal_container):
    group = clean_group(slow, unique('blobkill'), clusters=6, extensions_per_cluster=0)
    url = f'{journal_container}/{group}.jsonl'
    secret = 'Blob-Secret-' + uuid.uuid4().hex[:8]
    args = command(group, url, '--canary', '0', '--max-parallel', '3', '--config-protected-settings',
                   f'token={secret}')
    first = start(aks, args)
    wait_for(lambda: len(writes(slow)) == 3)   # the first wave sent; its operations run for 3 s
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed = time.time()
    # The dead runner's lease still holds: another runner is told whose it is, and sends nothing.
    refused, _ = run(other_runner, args)
    assert refused.returncode != 0 and f'is in use by pid {first.pid} on host ' in refused.stderr, refused.stderr
    assert url in refused.stderr and f'expires at most {LEASE} s after its last renewal' in refused.stderr
    assert len(writes(slow)) == 3
    time.sleep(max(0.0, killed + LEASE + 1 - time.time()))
    done, rows = run(other_runner, args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'Resuming on 6 cluster(s)' in done.stderr and f'Journal: {url}' in done.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and len(rows) == 6
    assert sorted(writes(slow).values()) == [1] * 6   # the killed wave was followed, not sent again
    written = records(aks, url)
    runs = [r['pid'] for r in written if r.get('record') == 'run']
    assert len(runs) == 2 and runs[0] == first.pid   # the refused runner never wrote to it
    assert secret not in json.dumps(written)


def test_two_runners_at_once_the_second_refuses_naming_the_first_and_a_rerun_after_sends_nothing(
        aks, other_runner, slow, journal_container):
    group = clean_group(slow, unique('blobtwo'), clusters=4, extensions_per_cluster=0)
    url = f'{journal_container}/{group}.jsonl'
    args = command(group, url, '--canary', '0', '--max-parallel', '4')
    first = start(aks, args)
    wait_for(lambda: writes(slow))
    second, _ = run(other_runner, args)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 1 and f'is in use by pid {first.pid} on host ' in second.stderr, second.stderr
    assert sorted(writes(slow).values()) == [1] * 4
    assert {row['result'] for row in json.loads(out)} == {'Succeeded'}
    # The first runner released its lease when it ended: the other goes on at once, and has nothing to send.
    slow.clear_requests()
    again, rows = run(other_runner, args)
    assert again.returncode == 0 and '4 done earlier' in again.stderr, again.stderr
    assert {row['result'] for row in rows} == {'Succeeded'} and not writes(slow)


def test_a_lease_lost_mid_run_stops_the_writes_prints_the_rows_and_names_the_journal(
        aks, slow, journal_container, azurite):
    group = clean_group(slow, unique('bloblost'), clusters=6, extensions_per_cluster=0)
    url = f'{journal_container}/{group}.jsonl'
    runner = start(aks, command(group, url, '--canary', '0', '--max-parallel', '2'))
    wait_for(lambda: len(writes(slow)) == 2)
    # Someone breaks the lease (as `az storage blob lease break` does for a runner thought dead).
    broken = aks.run('storage', 'blob', 'lease', 'break', '-c', journal_container.rsplit('/', 1)[1], '-b',
                     f'{group}.jsonl', '--lease-break-period', '0', '--blob-endpoint', azurite.account_url(),
                     '--auth-mode', 'login')
    assert broken.returncode == 0, broken.stderr
    out, err = runner.communicate(timeout=120)
    assert runner.returncode == 1, err
    assert 'Traceback' not in err and url in err and 'no longer holds the lease' in err, err[-3000:]
    assert 'it was broken, or it expired' in err and 'The rollout stopped starting clusters' in err
    rows = json.loads(out)
    assert len(rows) == 6 and 'NotStarted' in {row['result'] for row in rows}
    submitting = {r['cluster'].lower() for r in records(aks, url) if r.get('status') == 'submitting'}
    sent = {path.split('/providers/microsoft.kubernetesconfiguration')[0] for path in writes(slow)}
    assert sent == submitting and len(sent) < 6   # nothing was sent that the journal does not know of
    assert sorted(writes(slow).values()) == [1] * len(sent)


def test_journal_urls_and_blobs_that_cannot_be_a_journal_are_refused_before_any_write(aks, service, journal_container,
                                                                                      azurite, tmp_path):
    group = clean_group(service, unique('blobbad'), clusters=1, extensions_per_cluster=0)
    where = ['--blob-endpoint', azurite.account_url(), '--auth-mode', 'login', '-c',
             journal_container.rsplit('/', 1)[1]]
    (tmp_path / 'random').write_bytes(os.urandom(300))
    (tmp_path / 'text').write_text('{"record": "header", "kind": "something-else"}\n', encoding='utf-8')
    for name, source, kind in (('block.jsonl', 'random', 'block'), ('binary.jsonl', 'random', 'append'),
                               ('other.jsonl', 'text', 'append')):
        uploaded = aks.run('storage', 'blob', 'upload', '-n', name, '-f', tmp_path / source, '--type', kind, *where)
        assert uploaded.returncode == 0, uploaded.stderr
    done, _ = run(aks, command(group, f'{journal_container}/journal-of-another-change.jsonl', '--version', '1.16.2'))
    assert done.returncode == 0, done.stderr
    service.clear_requests()
    account = azurite.account_url()
    cases = [
        ('http://myrollouts.blob.core.windows.net/journals/j', 'InvalidArgumentValueError', 'needs https://'),
        ('ftp://myrollouts/journals/j', 'InvalidArgumentValueError', 'needs https://'),
        ('https://example.com/journals/j', 'InvalidArgumentValueError', 'is not a Blob Storage endpoint'),
        (f'{journal_container}/j.jsonl?sv=2024-01-01&sig=abc', 'InvalidArgumentValueError', 'drop the query string'),
        (f'{account}/no-such-container/j.jsonl', 'ResourceNotFoundError',
         'az storage container create --name no-such-container'),
        (f"{account.replace('devstoreaccount1', 'nosuchaccount')}/journals/j.jsonl", 'ResourceNotFoundError',
         'Check the storage account'),
        (f'{journal_container}/block.jsonl', 'JournalError', 'not an append blob'),
        (f'{journal_container}/binary.jsonl', 'JournalError', 'not a rollout journal'),
        (f'{journal_container}/other.jsonl', 'JournalError', 'not a journal header'),
        (f'{journal_container}/journal-of-another-change.jsonl', 'ValidationError', 'belongs to another change'),
    ]
    results = run_batch(aks, [command(group, url, '--version', '1.15.1') for url, _, _ in cases])
    for (url, kind, says), result in zip(cases, results):
        assert result['exit_code'] != 0 and result['error_type'] == kind, (url, result)
        text = result['error_message'] + ' '.join(result['recommendations'])
        assert says in text and url.split('?')[0] in result['error_message'], (url, result)
        assert 'Traceback' not in result['stderr']
    assert not writes(service)


def test_a_pause_its_approval_from_another_runner_and_a_rollback_work_the_same_with_a_blob_journal(
        aks, other_runner, service, journal_container):
    group = clean_group(service, unique('blobgate'), clusters=3, extensions_per_cluster=0)
    url = f'{journal_container}/{group}.jsonl'
    args = command(group, url, '--canary', '1', '--pause-after', 'canary', '--ignore-windows')
    paused, rows = run(aks, args)
    assert paused.returncode == 5, paused.stderr[-3000:]
    assert [row['result'] for row in rows].count('Succeeded') == 1 and sum(writes(service).values()) == 1
    approved, rows = run(other_runner, [*args, '--approve'])   # another machine: only the blob is shared
    assert approved.returncode == 0, approved.stderr[-3000:]
    assert {row['result'] for row in rows} == {'Succeeded'} and sorted(writes(service).values()) == [1, 1, 1]
    # The rollback has the same gates: it pauses after its canary too, and the first runner approves it.
    back, rows = run(other_runner, [*args, '--rollback'])
    assert back.returncode == 5 and 'Rollback paused after 1 cluster(s)' in back.stderr, back.stderr[-3000:]
    back, rows = run(aks, [*args, '--rollback', '--approve'])
    assert back.returncode == 0, back.stderr[-3000:]
    deletes = [r['path'].lower() for r in service.requests() if r['method'] == 'DELETE' and '/extensions/' in r['path']]
    assert sorted(deletes) == sorted(writes(service))   # what the rollout created, deleted once each
    assert {row['action'] for row in rows} == {'delete'} and {row['result'] for row in rows} == {'Succeeded'}
    kinds = [r.get('record') for r in records(aks, url)]
    assert kinds.count('pause') == 2 and kinds.count('approve') == 2   # the rollout's and the rollback's
