"""The emulator as a process: endpoint.json, certificates, clean shutdown, restart mid-operation, reset, and
many concurrent clients."""
import concurrent.futures
import json
import time

import pytest
import requests

from arm_emulator.harness.control import EmulatorProcess

EXTENSION = ('/subscriptions/{}/resourceGroups/demo-rg/providers/Microsoft.Kubernetes/connectedClusters/demo-arc'
             '/providers/Microsoft.KubernetesConfiguration/extensions/{}')


@pytest.fixture
def private_emulator(tmp_path):
    """An emulator of its own, for tests that stop, restart or reset it."""
    process = EmulatorProcess(tmp_path / 'data', seed='demo', op_seconds=1.5)
    process.start()
    yield process
    process.stop()


def authorized(process):
    return {'Authorization': 'Bearer ' + process.admin.token()}


def test_endpoint_file_and_certificate(emulator):
    endpoint = json.loads((emulator.data_dir / 'endpoint.json').read_text())
    assert endpoint['arm'].startswith('https://127.0.0.1:') and endpoint['arm'].endswith('/')
    for key in ('ca_bundle', 'tenant', 'subscription', 'client_id', 'client_secret'):
        assert endpoint[key]
    for host in ('localhost', '127.0.0.1'):
        url = endpoint['arm'].replace('127.0.0.1', host) + '_emulator/config'
        assert requests.get(url, verify=endpoint['ca_bundle'], timeout=10).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(endpoint['arm'] + '_emulator/config', verify=requests.certs.where(), timeout=10)


def test_restart_mid_operation_finishes_it(private_emulator):
    endpoint = private_emulator.endpoint
    ca = (private_emulator.data_dir / 'ca.pem').read_bytes()
    path = EXTENSION.format(endpoint['subscription'], 'dapr')
    url = endpoint['arm'].rstrip('/') + path
    created = requests.put(url, params={'api-version': '2023-05-01'}, headers=authorized(private_emulator),
                           json={'properties': {'extensionType': 'microsoft.dapr'}}, verify=endpoint['ca_bundle'],
                           timeout=30)
    assert created.status_code == 201
    operation = created.headers['Azure-AsyncOperation']
    token = private_emulator.admin.token()
    private_emulator.admin.set_clock(offset=86400)

    restarted = private_emulator.restart()
    assert private_emulator.returncode == 0  # SIGTERM is a clean stop
    time.sleep(1.6)
    assert restarted['arm'] == endpoint['arm'] and restarted['client_secret'] == endpoint['client_secret']
    assert (private_emulator.data_dir / 'ca.pem').read_bytes() == ca
    assert private_emulator.admin.clock()['offset'] == 86400  # the emulator's time survives a restart

    headers = {'Authorization': 'Bearer ' + token}  # a token issued before the restart still works
    status = requests.get(operation, headers=headers, verify=endpoint['ca_bundle'], timeout=30).json()
    assert status['status'] == 'Succeeded'
    shown = requests.get(url, params={'api-version': '2023-05-01'}, headers=headers,
                         verify=endpoint['ca_bundle'], timeout=30).json()
    assert shown['properties']['provisioningState'] == 'Succeeded'
    assert shown['properties']['currentVersion'] == '1.15.5'
    assert any(r['method'] == 'PUT' for r in private_emulator.admin.requests())


def test_reset_wipes_and_reseeds(private_emulator):
    admin = private_emulator.admin
    endpoint = private_emulator.endpoint
    admin.put(f"/subscriptions/{endpoint['subscription']}/resourceGroups/extra", {'location': 'eastus'},
              '2024-11-01')
    admin.set_clock(now='2030-01-01T00:00:00Z')
    admin.reset(seed=None)
    assert admin.clock()['offset'] == 0  # a reset puts the clock back on this machine's time
    groups_url = endpoint['arm'] + f"subscriptions/{endpoint['subscription']}/resourcegroups"
    listed = requests.get(groups_url, params={'api-version': '2024-11-01'}, headers=authorized(private_emulator),
                          verify=endpoint['ca_bundle'], timeout=30).json()['value']
    assert listed == []
    assert [r['path'] for r in admin.requests()] == [f"/subscriptions/{endpoint['subscription']}/resourcegroups"]
    admin.reset(seed='demo')
    listed = requests.get(groups_url, params={'api-version': '2024-11-01'}, headers=authorized(private_emulator),
                          verify=endpoint['ca_bundle'], timeout=30).json()['value']
    assert [g['name'] for g in listed] == ['demo-rg']


def test_fifty_concurrent_clients(emulator, arm):
    url = arm.url(arm.cluster_path())
    headers = {'Authorization': 'Bearer ' + emulator.admin.token()}

    def fetch(_):
        # A fresh connection per client, so all fifty TLS handshakes and requests really overlap.
        with requests.Session() as session:
            return session.get(url, params={'api-version': '2026-06-01'}, headers=headers,
                               verify=emulator.endpoint['ca_bundle'], timeout=60).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(fetch, range(50)))
    assert statuses == [200] * 50


def test_a_request_held_by_a_latency_fault_does_not_hold_up_a_clean_stop(private_emulator):
    private_emulator.admin.fault(method='GET', path='/resourcegroups$', latency=3600)
    url = (f"{private_emulator.endpoint['arm']}subscriptions/{private_emulator.endpoint['subscription']}/"
           'resourcegroups?api-version=2024-11-01')
    pool = concurrent.futures.ThreadPoolExecutor(1)
    held = pool.submit(requests.get, url, headers=authorized(private_emulator),
                       verify=private_emulator.endpoint['ca_bundle'], timeout=120)
    deadline = time.time() + 10
    while time.time() < deadline and private_emulator.admin.faults():
        time.sleep(0.1)
    private_emulator.stop()  # SIGTERM; stop() kills after 15 s, which would leave a non-zero return code
    assert private_emulator.returncode == 0
    with pytest.raises(requests.RequestException):
        held.result(timeout=60)
    pool.shutdown()
