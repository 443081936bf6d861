"""Journal URLs in Blob Storage (azext_aksext/multicluster/blobstore.py): the public form, the path style an emulator
serves, and the mistakes a --journal value can make."""
import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_aksext.multicluster.blobstore import is_blob_url, parse_journal_url


def test_the_public_form():
    url = parse_journal_url('https://myrollouts.blob.core.windows.net/journals/flux/1.16.2.jsonl')
    assert url.account == 'myrollouts' and url.container == 'journals' and url.blob == 'flux/1.16.2.jsonl'
    assert url.account_url == 'https://myrollouts.blob.core.windows.net'
    assert url.url == 'https://myrollouts.blob.core.windows.net/journals/flux/1.16.2.jsonl'
    sovereign = parse_journal_url('https://acct01.blob.core.chinacloudapi.cn/c01/j')
    assert sovereign.account == 'acct01' and sovereign.account_url == 'https://acct01.blob.core.chinacloudapi.cn'


def test_the_path_style_of_an_emulator():
    url = parse_journal_url('https://127.0.0.1:10000/devstoreaccount1/journals/rollout.jsonl')
    assert url.account == 'devstoreaccount1' and url.container == 'journals' and url.blob == 'rollout.jsonl'
    assert url.account_url == 'https://127.0.0.1:10000/devstoreaccount1'
    assert parse_journal_url('https://localhost:443/acct/abc/x%20y').blob == 'x y'


def test_a_file_is_not_a_blob_url():
    assert is_blob_url('https://a.blob.core.windows.net/c/n') and is_blob_url('HTTP://x')
    assert is_blob_url('ftp://x/y') and is_blob_url('s3://bucket/key')
    assert not is_blob_url('/tmp/rollout.jsonl') and not is_blob_url('rollout.jsonl') and not is_blob_url(None)
    assert not is_blob_url('./https://x') and not is_blob_url('C:\\rollouts\\j.jsonl')


@pytest.mark.parametrize('text,says', [
    ('http://myrollouts.blob.core.windows.net/journals/j', 'needs https://'),
    ('https://myrollouts.blob.core.windows.net/journals/j?sv=2024&sig=abc', 'drop the query string'),
    ('https://example.com/journals/j', "'example.com' is not a Blob Storage endpoint"),
    ('https://myrollouts.blob.core.windows.net/journals', 'a container and a blob name'),
    ('https://myrollouts.blob.core.windows.net/journals/', 'a container and a blob name'),
    ('https://myrollouts.blob.core.windows.net/Journals/j', "'Journals' is not a container name"),
    ('https://myrollouts.blob.core.windows.net/jo--urnals/j', "'jo--urnals' is not a container name"),
    ('https://my-rollouts.blob.core.windows.net/journals/j', 'is not a Blob Storage endpoint'),
    ('https://127.0.0.1:10000/journals/j', 'an emulator URL is'),
    ('https://127.0.0.1:10000/Dev/journals/j', "'Dev' is not a storage account name"),
    ('https://myrollouts.blob.core.windows.net/journals/' + 'x' * 1025, 'longer than 1,024'),
])
def test_a_wrong_url_names_the_flag_and_the_mistake(text, says):
    with pytest.raises(InvalidArgumentValueError) as refused:
        parse_journal_url(text)
    assert str(refused.value).startswith(f'--journal {text}: ') and says in str(refused.value)
    assert 'https://<account>.blob.core.windows.net/<container>/<name>' in refused.value.recommendations[0]


def storage_error(status, code, message='The request failed.'):
    """An error as azure-storage-blob raises it: azure-core's HttpResponseError with the service's error code."""
    from azure.core.exceptions import HttpResponseError
    error = HttpResponseError(message=f'{message}\nErrorCode:{code}')
    error.status_code, error.error_code = status, code
    return error


@pytest.mark.parametrize('status,code,kind,fix', [
    (403, 'AuthorizationPermissionMismatch', 'ForbiddenError', "the role 'Storage Blob Data Contributor'"),
    (403, 'AuthenticationFailed', 'UnauthorizedError', 'az login'),
    (401, 'InvalidAuthenticationInfo', 'UnauthorizedError', 'az login'),
    (404, 'ContainerNotFound', 'ResourceNotFoundError',
     'az storage container create --name journals --account-name myrollouts --auth-mode login'),
    (500, 'InternalError', 'AzureResponseError', 'Run the command again'),
])
def test_service_errors_name_the_journal_and_the_fix(status, code, kind, fix):
    from azext_aksext.multicluster.blobstore import translate
    url = parse_journal_url('https://myrollouts.blob.core.windows.net/journals/j.jsonl')
    error = translate(storage_error(status, code), url, 'append to')
    assert type(error).__name__ == kind
    assert url.url in str(error) and fix in error.recommendations[0]


def test_an_unreachable_account_is_a_connection_error():
    from azure.core.exceptions import ServiceRequestError
    from azext_aksext.multicluster.blobstore import translate
    url = parse_journal_url('https://nosuchaccount.blob.core.windows.net/journals/j.jsonl')
    error = translate(ServiceRequestError('Name or service not known'), url, 'read')
    assert type(error).__name__ == 'AzureConnectionError' and 'nosuchaccount' in str(error)


@pytest.mark.parametrize('value,seconds', [(None, 60), ('15', 15), ('30', 30), ('5', 15), ('600', 60), ('x', 60)])
def test_the_lease_is_60_s_or_the_environment_s_within_what_the_service_allows(monkeypatch, value, seconds):
    from azext_aksext.multicluster.blobbackend import LEASE_ENV, lease_seconds
    if value is None:
        monkeypatch.delenv(LEASE_ENV, raising=False)
    else:
        monkeypatch.setenv(LEASE_ENV, value)
    assert lease_seconds() == seconds


def test_a_journal_url_gets_the_blob_backend_a_path_the_file_and_a_wrong_url_is_refused_at_once():
    from azext_aksext.multicluster.blobbackend import BlobBackend, journal_backend
    from azext_aksext.multicluster.journal import FileBackend
    blob = journal_backend(None, 'https://myrollouts.blob.core.windows.net/journals/j.jsonl')
    assert isinstance(blob, BlobBackend) and blob.path == 'https://myrollouts.blob.core.windows.net/journals/j.jsonl'
    assert isinstance(journal_backend(None, '/tmp/j.jsonl'), FileBackend)
    with pytest.raises(InvalidArgumentValueError):
        journal_backend(None, 's3://bucket/journal.jsonl')


def test_records_appended_at_once_go_as_few_blocks_each_worker_s_in_its_order():
    import threading
    import time
    from azext_aksext.multicluster.blobbackend import GroupCommit
    blocks = []

    def send(data):
        time.sleep(0.01)   # a round trip to Storage
        blocks.append(data)
    commits = GroupCommit(send)

    def worker(tag):
        for index in range(20):
            commits.append(f'{tag}{index}\n'.encode())
    threads = [threading.Thread(target=worker, args=(tag,)) for tag in 'abcdefgh']
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = b''.join(blocks).decode().split()
    assert sorted(lines) == sorted(f'{tag}{index}' for tag in 'abcdefgh' for index in range(20))
    for tag in 'abcdefgh':
        assert [line for line in lines if line[0] == tag] == [f'{tag}{index}' for index in range(20)]
    assert len(blocks) < 160 / 2   # batched, not one block a record


def test_a_block_that_fails_fails_every_append_from_then_on_as_a_journal_error():
    from azure.cli.core.azclierror import ForbiddenError
    from azext_aksext.multicluster.blobbackend import GroupCommit
    from azext_aksext.multicluster.journal import JournalError

    def send(_data):
        raise ForbiddenError('Not authorized to append to the rollout journal', 'Assign the role')
    commits = GroupCommit(send)
    for _ in range(2):
        with pytest.raises(JournalError) as failed:
            commits.append(b'x\n')
        assert 'Not authorized' in str(failed.value) and failed.value.recommendations == ['Assign the role']
