"""Replays the recorded k8s-extension traffic (../shared/reference-traffic) against the emulator and compares the
answers field by field: status class, JSON keys at every level, value types, and the notable headers."""
import json
from pathlib import Path

import pytest
import yaml

REFERENCE = Path(__file__).resolve().parents[2].parent / 'shared' / 'reference-traffic' / 'k8s-extension'
RECORDED_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000'
RECORDED_HOST = 'https://management.azure.com/'
NOTABLE_HEADERS = ('azure-asyncoperation', 'location', 'content-type', 'api-supported-versions')
FLEET_FAILURE = ('The fleet notify operation failed. Please retry the request; if the issue persists, contact '
                 'support. . For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG ')

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason='reference traffic not available')


def json_type(value):
    return {dict: 'object', list: 'array', str: 'string', bool: 'boolean', type(None): 'null'}.get(
        type(value), 'number')


def schema_of(values, schema=None):
    """A merged description of recorded values: their types, object key sets, member and item schemas."""
    schema = schema or {'types': set(), 'keysets': set(), 'members': {}, 'items': None, 'seen_items': False}
    for value in values:
        schema['types'].add(json_type(value))
        if isinstance(value, dict):
            schema['keysets'].add(frozenset(value))
            for key, member in value.items():
                schema['members'][key] = schema_of([member], schema['members'].get(key))
        elif isinstance(value, list) and value:
            schema['items'] = schema_of(value, schema['items'])
    return schema


def differences(actual, schema, where='$'):
    kind = json_type(actual)
    # A value that depends on time (currentVersion, a status) may be null on one side and a string on the other.
    if kind not in schema['types'] and not ({kind} | schema['types']) <= {'null', 'string'}:
        return [f"{where}: {kind} where the recording has {sorted(schema['types'])}"]
    found = []
    if isinstance(actual, dict) and schema['keysets']:
        if frozenset(actual) not in schema['keysets']:
            closest = min(schema['keysets'], key=lambda keys: len(keys ^ set(actual)))
            found.append(f'{where}: keys differ, extra {sorted(set(actual) - closest)} missing '
                         f'{sorted(closest - set(actual))}')
        for key, value in actual.items():
            if key in schema['members']:
                found += differences(value, schema['members'][key], f'{where}.{key}')
    elif isinstance(actual, list) and 'array' in schema['types']:
        if schema['items'] is None and actual:
            found.append(f'{where}: {len(actual)} items where the recording has none')
        for index, item in enumerate(actual if schema['items'] else []):
            found += differences(item, schema['items'], f'{where}[{index}]')
    return found


def load(name):
    return yaml.safe_load((REFERENCE / name).read_text())['interactions']


def replay(arm, interactions):
    """Send each recorded request to the emulator; return (recorded response, emulator response) pairs."""
    subscription = arm.endpoint['subscription']
    pairs = []
    for interaction in interactions:
        request = interaction['request']
        url = request['uri'].replace(RECORDED_HOST, arm.endpoint['arm']).replace(RECORDED_SUBSCRIPTION, subscription)
        body = request['body']
        response = arm.session.request(request['method'], url, data=body.encode() if isinstance(body, str) else body,
                                       headers={'Authorization': 'Bearer ' + arm.admin.token(),
                                                'Content-Type': 'application/json'},
                                       verify=arm.endpoint['ca_bundle'], timeout=30)
        pairs.append((interaction['response'], response))
    return pairs


def check(pairs):
    problems = []
    for index, (recorded, response) in enumerate(pairs):
        label = f"#{index} {response.request.method} {response.request.path_url.split('?')[0][-60:]}"
        if recorded['status']['code'] // 100 != response.status_code // 100:
            problems.append(f"{label}: status {response.status_code} where the recording has "
                            f"{recorded['status']['code']}")
            continue
        headers = {name.lower() for name in recorded['headers']}
        problems += [f'{label}: header {name} missing' for name in NOTABLE_HEADERS
                     if name in headers and name not in {h.lower() for h in response.headers}]
        recorded_body = recorded['body']['string']
        if recorded_body:
            problems += [f'{label}: {problem}'
                         for problem in differences(response.json(), schema_of([json.loads(recorded_body)]))]
    return problems


# The recordings' names, in the order the recordings name them.  pylint: disable-next=too-many-positional-arguments
def seed(emulator, arm, group, location, cluster, cluster_api):
    emulator.admin.put(f'{arm.subscription}/resourceGroups/{group}', {'location': location}, '2024-11-01')
    emulator.admin.put(f'{arm.subscription}/resourceGroups/{group}/providers/{cluster}', {}, cluster_api)


def test_extension_lifecycle_on_arc(emulator, arm, admin):
    seed(emulator, arm, 'azurecli-tests', 'eastus', 'Microsoft.Kubernetes/connectedClusters/arc-cluster',
         '2021-10-01')
    assert check(replay(arm, load('test_k8s_extension.yaml'))) == []


def test_extension_types(emulator, arm, admin):
    seed(emulator, arm, 'azurecli-tests', 'eastus', 'Microsoft.Kubernetes/connectedClusters/arc-cluster',
         '2021-10-01')
    assert check(replay(arm, load('test_k8s_extension_types.yaml'))) == []


def test_extension_lifecycle_on_fleet(emulator, arm, admin):
    seed(emulator, arm, 'britania-flux-test', 'westus2', 'Microsoft.ContainerService/fleets/cli-test-fleet-hub',
         '2026-06-01')
    # The recorded fleet extension failed to install; have the emulator's operation end the same way at once.
    admin.config(op_seconds=0)
    admin.fail_next_operation(name='cli-test-flux', code='InstallationFailed', message=FLEET_FAILURE,
                              error_info=False)
    pairs = replay(arm, load('test_k8s_extension_fleet.yaml'))
    assert check(pairs) == []
    shown = pairs[3][1].json()['properties']
    assert shown['provisioningState'] == 'Failed' and shown['statuses'][0]['message'] == FLEET_FAILURE


def test_comparison_catches_differences():
    schema = schema_of([{'a': None, 'b': [{'c': 1}], 'd': {}}])
    assert differences({'a': 'x', 'b': [{'c': 2}], 'd': {}}, schema) == []
    assert differences({'a': 'x', 'b': [{'c': 'one'}], 'd': {}}, schema) == [
        "$.b[0].c: string where the recording has ['number']"]
    assert differences({'a': None, 'b': [], 'e': 1}, schema) == ["$: keys differ, extra ['e'] missing ['d']"]
