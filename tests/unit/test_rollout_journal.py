"""The rollout journal: it belongs to one change, one process holds it, and its content is checked before it is
trusted (in-process: the journal is a plain file; kills and concurrent processes are in tests/extension)."""
import json
import os
import random

import pytest
from azure.cli.core.azclierror import FileOperationError, ValidationError

from azext_aksext.multicluster.journal import SUBMITTED, SUCCEEDED, FileBackend, Journal

CLUSTER = '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a'
CHANGE = {'name': 'flux', 'extensionType': 'microsoft.flux', 'version': '1.16.2', 'settings': {},
          'targets': {'resourceGroup': 'g'}}


def journal(path, change=None, protected=None):
    return Journal(FileBackend(str(path)), dict(change or CHANGE), protected)


def test_records_survive_a_reopen_and_a_torn_last_line_is_cut(tmp_path):
    path = tmp_path / 'j.jsonl'
    first = journal(path)
    first.record(CLUSTER, SUBMITTED, action='update')
    first.close()
    with open(path, 'a', encoding='utf-8') as handle:
        handle.write('{"record": "cluster", "cluster": "/subscr')  # killed while writing
    again = journal(path)
    assert again.last(CLUSTER.upper())['status'] == SUBMITTED and again.resumed
    again.record(CLUSTER, SUCCEEDED)
    again.close()
    lines = path.read_text().splitlines()
    assert all(json.loads(line) for line in lines) and json.loads(lines[0])['record'] == 'header'


@pytest.mark.parametrize('other, named', [
    (dict(CHANGE, version='1.15.1'), 'version 1.15.1'),
    (dict(CHANGE, extensionType='microsoft.dapr', name='dapr'), 'microsoft.dapr'),
    (dict(CHANGE, targets={'resourceGroup': 'other'}), 'resourceGroup other'),
])
def test_a_journal_of_another_change_is_refused_naming_both(tmp_path, other, named):
    journal(tmp_path / 'j.jsonl').close()
    with pytest.raises(ValidationError) as raised:
        journal(tmp_path / 'j.jsonl', other)
    assert 'belongs to another change' in raised.value.error_msg and named in raised.value.error_msg
    assert 'version 1.16.2' in raised.value.error_msg or 'microsoft.flux' in raised.value.error_msg


def test_other_protected_values_are_another_change_and_never_written(tmp_path):
    journal(tmp_path / 'j.jsonl', protected={'token': 'first-secret'}).close()
    with pytest.raises(ValidationError, match='protected values differ'):
        journal(tmp_path / 'j.jsonl', protected={'token': 'second-secret'})
    journal(tmp_path / 'j.jsonl', protected={'token': 'first-secret'}).close()
    assert 'secret' not in (tmp_path / 'j.jsonl').read_text()


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    first = journal(tmp_path / 'j.jsonl')
    with pytest.raises(ValidationError) as raised:
        journal(tmp_path / 'j.jsonl')
    assert 'in use by process' in raised.value.error_msg and str(os.getpid()) in raised.value.error_msg
    first.close()
    journal(tmp_path / 'j.jsonl').close()


@pytest.mark.parametrize('content, why', [
    (bytes(random.Random(7).randrange(256) for _ in range(64)) + b'\x00', 'binary'),
    ('{"record": "header"}\n'.encode('utf-16'), 'binary'),
    ('\u00e9t\u00e9\n'.encode('latin-1'), 'not UTF-8'),
    (b'just some text\n', 'not a rollout journal'),
    (b'[1, 2, 3]\n', 'not a rollout journal'),
], ids=['random bytes', 'utf-16', 'latin-1', 'text', 'a JSON list'])
def test_content_that_is_not_a_journal_is_refused_before_anything_is_written(tmp_path, content, why):
    path = tmp_path / 'j.jsonl'
    path.write_bytes(content)
    with pytest.raises(FileOperationError, match=why):
        journal(path)
    assert path.read_bytes() == content


def test_a_record_of_the_wrong_shape_is_refused_naming_its_line(tmp_path):
    path = tmp_path / 'j.jsonl'
    journal(path).close()
    with open(path, 'a', encoding='utf-8') as handle:
        handle.write('{"record": "cluster", "cluster": 5, "status": "succeeded"}\n{"record": "run"}\n')
    with pytest.raises(FileOperationError, match='line 3 is not a record'):
        journal(path)


def test_places_that_are_not_files_are_refused(tmp_path):
    os.mkfifo(tmp_path / 'fifo')
    (tmp_path / 'loop').symlink_to(tmp_path / 'loop')
    (tmp_path / 'file').write_text('')
    for path, why in ((tmp_path, 'directory'), (tmp_path / 'fifo', 'FIFO'), ('/dev/full', 'system file system'),
                      ('/proc/self/status', 'system file system'), ('/sys/kernel/profiling', 'system file system'),
                      (tmp_path / 'loop', 'symbolic links'),
                      (tmp_path / 'loop' / 'j', 'Cannot use the rollout journal'),
                      (tmp_path / 'file' / 'j', 'a part of the path is a file')):
        with pytest.raises(FileOperationError, match=why):
            journal(path)


def test_a_journal_that_cannot_be_written_says_so(tmp_path):
    if os.geteuid() == 0:
        pytest.skip('root writes anywhere')
    os.chmod(tmp_path, 0o500)
    try:
        with pytest.raises(FileOperationError, match='Permission denied'):
            journal(tmp_path / 'j.jsonl')
    finally:
        os.chmod(tmp_path, 0o700)
