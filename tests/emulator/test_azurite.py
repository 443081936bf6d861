"""Azurite beside the emulator: HTTPS that an az logged in to the emulator trusts, and bearer tokens from the
emulator's Azure AD for Azure Storage, as the real az's `--auth-mode login` gets them."""
import uuid

import requests


def test_the_real_az_writes_and_reads_a_blob_with_its_login(azurite, az, tmp_path):
    cli = az
    container = 'c' + uuid.uuid4().hex[:12]
    where = ['--blob-endpoint', azurite.account_url(), '--auth-mode', 'login']
    created = cli.run('storage', 'container', 'create', '-n', container, *where)
    assert created.returncode == 0, created.stderr
    (tmp_path / 'note.txt').write_text('hello')
    uploaded = cli.run('storage', 'blob', 'upload', '-c', container, '-n', 'note.txt', '-f', tmp_path / 'note.txt',
                       *where)
    assert uploaded.returncode == 0, uploaded.stderr
    listed = cli.json('storage', 'blob', 'list', '-c', container, *where)
    assert [blob['name'] for blob in listed] == ['note.txt']


def test_it_refuses_requests_without_a_storage_token(azurite, emulator):
    url = f'{azurite.account_url()}/c{uuid.uuid4().hex[:12]}?restype=container'
    anonymous = requests.put(url, headers={'x-ms-version': '2025-11-05'}, verify=emulator.endpoint['ca_bundle'],
                             timeout=30)
    assert anonymous.status_code == 403
    arm_token = emulator.admin.token()   # a token for ARM's audience
    wrong = requests.put(url, headers={'x-ms-version': '2025-11-05', 'Authorization': 'Bearer ' + arm_token},
                         verify=emulator.endpoint['ca_bundle'], timeout=30)
    assert wrong.status_code == 403 and 'AuthenticationFailed' in wrong.text
