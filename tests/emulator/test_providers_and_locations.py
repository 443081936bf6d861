"""Provider manifests list every resource type the emulator serves, with api-versions its routes accept, so the real
`az resource show|list|delete` works on every emulated resource; a subscription's regions answer as ARM's do. The
shapes are compared with ../shared/reference-traffic where it holds them (a provider manifest)."""
import json

import pytest
import yaml

from arm_emulator.resources import providers, subscriptions
from arm_emulator.resources.companions import types as companion_types

from .conftest import RG
from .test_fidelity import REFERENCE, differences, schema_of

INSIGHTS_API = '2022-06-01'


def _recorded_provider():
    interactions = yaml.safe_load((REFERENCE / 'test_k8s_extension_fleet.yaml').read_text())['interactions']
    first = next(interaction for interaction in interactions
                 if interaction['request']['uri'].split('?')[0].endswith('Microsoft.KubernetesConfiguration'))
    return json.loads(first['response']['body']['string'])


@pytest.mark.skipif(not REFERENCE.is_dir(), reason='reference traffic not available')
def test_every_namespace_answers_in_the_recorded_shape(arm):
    recorded = _recorded_provider()
    # Other namespaces have no authorizations and may leave out defaultApiVersion; both are optional in the shape.
    schema = schema_of([recorded, {key: value for key, value in recorded.items() if key != 'authorizations'}])
    entry = dict(recorded['resourceTypes'][0])
    entry.pop('defaultApiVersion', None)
    schema['members']['resourceTypes']['items'] = schema_of(recorded['resourceTypes'] + [entry])
    for namespace in sorted(set(providers.CANONICAL.values())):
        body = arm.call('GET', f'{arm.subscription}/providers/{namespace}', '2024-11-01').json()
        assert differences(body, schema) == [], namespace


def test_every_served_type_is_in_its_namespace_manifest(arm):
    listing = arm.call('GET', f'{arm.subscription}/providers', '2024-11-01').json()['value']
    served = {(body['namespace'].lower(), entry['resourceType'].lower()): entry['apiVersions']
              for body in listing for entry in body['resourceTypes']}
    for name in companion_types.TYPES:
        namespace, resource_type = name.split('/', 1)
        assert served[(namespace, resource_type)] == list(companion_types.API_VERSIONS[namespace]), name
    for kind in ('microsoft.containerservice/managedclusters', 'microsoft.kubernetes/connectedclusters',
                 'microsoft.compute/locations/vmsizes', 'microsoft.resources/deployments'):
        assert served[tuple(kind.split('/', 1))], kind
    # Every location a manifest names is a region of the subscription, by its display name.
    answer = arm.call('GET', f'{arm.subscription}/locations', '2019-11-01').json()
    regions = {region['displayName'] for region in answer['value']}
    assert {location for body in listing for entry in body['resourceTypes'] for location in entry['locations']} <= \
        regions


def test_locations_answer_as_arm_lists_them(az, arm):
    body = arm.call('GET', f'{arm.subscription}/locations', '2022-12-01').json()
    eastus = next(region for region in body['value'] if region['name'] == 'eastus')
    assert eastus == {'id': f'{arm.subscription}/locations/eastus', 'name': 'eastus', 'type': 'Region',
                      'displayName': 'East US', 'regionalDisplayName': '(US) East US',
                      'metadata': {'regionType': 'Physical', 'regionCategory': 'Recommended', 'geographyGroup': 'US',
                                   'pairedRegion': [{'name': 'westus', 'id': f'{arm.subscription}/locations/westus'}]}}
    assert len(body['value']) == len(subscriptions.REGIONS)
    query = "[?name=='westeurope'].[displayName, metadata.pairedRegion[0].name]"
    shown = az.json('account', 'list-locations', '--query', query)
    assert shown == [['West Europe', 'northeurope']]
    assert arm.call('GET', '/subscriptions/00000000-0000-0000-0000-00000000dead/locations',
                    '2022-12-01').status_code == 404


def test_az_resource_show_list_and_delete_every_kind_of_emulated_resource(az, arm):
    group = f'{arm.subscription}/resourceGroups/{RG}'
    cluster = group + '/providers/Microsoft.Kubernetes/connectedClusters/demo-arc'
    vnet = group + '/providers/Microsoft.Network/virtualNetworks/res-vnet'
    made = {
        group + '/providers/Microsoft.OperationalInsights/workspaces/res-logs': ('2022-10-01', {'location': 'eastus'}),
        group + '/providers/Microsoft.Insights/dataCollectionRules/res-rule': (INSIGHTS_API, {
            'location': 'eastus', 'properties': {}}),
        vnet: ('2024-05-01', {'location': 'eastus', 'properties': {
            'addressSpace': {'addressPrefixes': ['10.1.0.0/16']},
            'subnets': [{'name': 'default', 'properties': {'addressPrefix': '10.1.0.0/24'}}]}}),
        group + '/providers/Microsoft.Relay/namespaces/res-relay': ('2021-11-01', {'location': 'eastus'}),
    }
    for resource_id, (api_version, body) in made.items():
        assert arm.call('PUT', resource_id, api_version, body).status_code in (200, 201), resource_id
    association = cluster + '/providers/Microsoft.Insights/dataCollectionRuleAssociations/res-association'
    arm.call('PUT', association, INSIGHTS_API, {'properties': {
        'dataCollectionRuleId': group + '/providers/Microsoft.Insights/dataCollectionRules/res-rule'}})
    shown_ids = [*made, vnet + '/subnets/default', association, cluster]
    shown = az.json('resource', 'show', '--ids', *shown_ids)
    assert [item['id'].lower() for item in shown] == [resource_id.lower() for resource_id in shown_ids]
    assert [subnet['name'] for subnet in shown[2]['properties']['subnets']] == ['default']

    listed = az.json('resource', 'list', '-g', RG, '--resource-type', 'Microsoft.OperationalInsights/workspaces')
    assert 'res-logs' in {item['name'] for item in listed}
    assert {item['type'] for item in listed} == {'Microsoft.OperationalInsights/workspaces'}
    assert all(item['properties'] is None for item in listed)  # a listing carries no properties, as ARM's
    names = {item['name'] for item in az.json('resource', 'list', '-g', RG)}
    assert {'demo-aks', 'demo-arc', 'res-logs', 'res-rule', 'res-vnet', 'res-relay'} <= names
    assert 'default' not in names and 'res-association' not in names  # a child and an extension resource

    done = az.run('resource', 'delete', '--ids', *made)
    assert done.returncode == 0, done.stderr
    assert [arm.call('GET', resource_id, api_version).status_code
            for resource_id, (api_version, _) in made.items()] == [404] * len(made)
