"""Many-cluster seeding, the Resource Graph endpoint and ARM throttling, on an emulator of their own (the seeded
clusters would change what the shared emulator's other tests see)."""
import pytest
import requests

from arm_emulator.harness.control import EmulatorProcess

GRAPH = 'providers/Microsoft.ResourceGraph/resources'
EXTENSIONS = "KubernetesConfigurationResources | where type =~ 'microsoft.kubernetesconfiguration/extensions'"


@pytest.fixture(scope='module')
def clusters_emulator(tmp_path_factory):
    with EmulatorProcess(tmp_path_factory.mktemp('fleet'), op_seconds=0.2) as process:
        process.admin.seed_clusters(subscriptions=3, groups=2, clusters=120, extensions_per_cluster=3)
        yield process


@pytest.fixture(scope='module')
def seeded(clusters_emulator):
    return clusters_emulator.admin.seed_clusters(subscriptions=3, groups=2, clusters=120, extensions_per_cluster=3)


class Client:
    def __init__(self, emulator):
        self.endpoint = emulator.endpoint
        self.admin = emulator.admin
        self.session = requests.Session()

    def call(self, method, path, body=None, api_version='2021-03-01'):
        return self.session.request(method, self.endpoint['arm'] + path.lstrip('/'),
                                    params={'api-version': api_version}, json=body,
                                    headers={'Authorization': 'Bearer ' + self.admin.token()},
                                    verify=self.endpoint['ca_bundle'], timeout=30)

    def graph(self, query, subscriptions, **options):
        return self.call('POST', GRAPH, {'subscriptions': subscriptions, 'query': query, 'options': options})


@pytest.fixture
def client(clusters_emulator):
    clusters_emulator.admin.config(throttle_scale=1.0)
    yield Client(clusters_emulator)
    clusters_emulator.admin.config(throttle_scale=1.0)


def test_reseeding_the_same_clusters_is_idempotent(seeded):
    assert seeded['clusters'] == 120 and len(seeded['subscriptions']) == 3 and seeded['groups'] == 6
    assert seeded['extensions'] == 360


def test_graph_pages_every_extension_with_pascal_case_properties(client, seeded):
    seen, token, calls = [], None, 0
    while True:
        options = {'$top': 50}
        if token:
            options['$skipToken'] = token
        response = client.graph(EXTENSIONS + ' | order by id asc', seeded['subscriptions'], **options)
        assert response.status_code == 200, response.text
        calls += 1
        body = response.json()
        assert body['resultTruncated'] == 'false' and body['totalRecords'] == 360
        assert int(response.headers['x-ms-user-quota-remaining']) >= 0
        assert response.headers['x-ms-user-quota-resets-after'].startswith('00:00:')
        seen += body['data']
        token = body.get('$skipToken')
        if not token:
            break
    assert calls == 8 and len({row['id'] for row in seen}) == 360
    row = seen[0]
    assert row['type'] == 'microsoft.kubernetesconfiguration/extensions' and row['resourceGroup'].islower()
    assert {'ExtensionType', 'ProvisioningState', 'Version'} <= set(row['properties'])
    assert {row['subscriptionId'] for row in seen} == set(seeded['subscriptions'])


def test_graph_filters_by_subscription_type_state_and_cluster_type(client, seeded):
    query = (EXTENSIONS + " | where properties.ExtensionType =~ 'Microsoft.Flux' and properties.ProvisioningState "
             "in~ ('succeeded', 'failed') | where id contains '/managedclusters/' | project id, properties")
    body = client.graph(query, seeded['subscriptions'][:1], **{'$top': 1000}).json()
    assert body['count'] > 0
    for row in body['data']:
        assert set(row) == {'id', 'properties'}
        assert f"/subscriptions/{seeded['subscriptions'][0]}/" in row['id']
        assert '/managedclusters/' in row['id'].lower() and row['properties']['ExtensionType'] == 'microsoft.flux'


def test_graph_lists_clusters_with_tags_stopped_and_service_principal_ones(client, seeded):
    body = client.graph("Resources | where type in~ ('microsoft.containerservice/managedclusters', "
                        "'microsoft.kubernetes/connectedclusters') | where tags['env'] == 'prod'",
                        seeded['subscriptions'], **{'$top': 1000}).json()
    assert body['count'] == 40 and all(row['tags']['env'] == 'prod' for row in body['data'])
    everything = client.graph('Resources', seeded['subscriptions'], **{'$top': 1000}).json()['data']
    kinds = {row['type'] for row in everything}
    assert kinds == {'microsoft.containerservice/managedclusters', 'microsoft.kubernetes/connectedclusters'}


@pytest.mark.parametrize('query', ['Resources | summarize count() by type', 'Resources | where name ~~ "x"',
                                   'SecurityResources', "Resources | where name == 'unterminated"])
def test_graph_answers_an_unsupported_query_with_its_400(client, seeded, query):
    response = client.graph(query, seeded['subscriptions'])
    assert response.status_code == 400
    error = response.json()['error']
    assert error['code'] == 'BadRequest' and error['details'][0]['code'] == 'InvalidQuery'


def test_graph_quota_refuses_queries_past_fifteen_in_a_window(client, seeded):
    answers = [client.graph('Resources | take 1', seeded['subscriptions']) for _ in range(16)]
    statuses = [r.status_code for r in answers]
    assert 429 in statuses and statuses.index(429) <= 15
    assert all(status == 429 for status in statuses[statuses.index(429):])
    refused = answers[-1]
    assert refused.json()['error']['code'] == 'RateLimiting' and int(refused.headers['Retry-After']) >= 1
    assert refused.headers['x-ms-user-quota-remaining'] == '0'


def test_seeded_clusters_in_other_subscriptions_serve_extension_reads_and_writes(client, seeded):
    row = client.graph(EXTENSIONS + ' | order by id asc', seeded['subscriptions'][2:], **{'$top': 1}).json()['data'][0]
    response = client.call('GET', row['id'], api_version='2025-03-01')
    assert response.status_code == 200 and response.json()['properties']['extensionType'] == row['properties'][
        'ExtensionType']


def test_arm_throttling_refuses_with_retry_after_and_counts_down(client, seeded):
    client.admin.config(throttle_scale=0.02)  # 5 reads, refilling 0.5 a second
    path = f"/subscriptions/{seeded['subscriptions'][1]}/resourceGroups/fleet-rg-0"
    answers = [client.call('GET', path, api_version='2022-09-01') for _ in range(7)]
    remaining = [r.headers.get('x-ms-ratelimit-remaining-subscription-reads') for r in answers]
    assert [r.status_code for r in answers[:5]] == [200] * 5 and remaining[:5] == ['4', '3', '2', '1', '0']
    assert answers[5].status_code == 429 and answers[5].json()['error']['code'] == 'TooManyRequests'
    assert int(answers[5].headers['Retry-After']) >= 1
    assert answers[6].status_code == 429  # asking again before Retry-After is refused again
    other = client.call('GET', f"/subscriptions/{seeded['subscriptions'][2]}/resourceGroups/fleet-rg-0",
                        api_version='2022-09-01')
    assert other.status_code == 200  # buckets are per subscription
    assert client.admin.throttled() >= 2


def test_throttling_scale_zero_turns_it_off(client, seeded):
    client.admin.config(throttle_scale=0)
    path = f"/subscriptions/{seeded['subscriptions'][0]}/resourceGroups/fleet-rg-0"
    answers = [client.call('GET', path, api_version='2022-09-01') for _ in range(10)]
    assert all(r.status_code == 200 and 'x-ms-ratelimit-remaining-subscription-reads' not in r.headers
               for r in answers)
