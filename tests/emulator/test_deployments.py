"""ARM deployments: the real `az deployment group create` and the management SDK's deployments client (the official
k8s-extension's legacy Container Insights path) run a template against the emulator, and the resources it names
exist afterwards; a template it cannot read is refused before anything runs, and a resource that cannot be made
fails the deployment with ARM's codes. The recorded traffic holds no deployment: shapes follow the SDK's models."""
import json

import pytest

from .conftest import RG

LA_API = '2022-10-01'
SOLUTION_API = '2015-11-01-preview'


def solution_template():
    """A deployment that deploys, through a nested deployment in the workspace's group, the ContainerInsights solution
    of a workspace: the shape the official tool's legacy mode sends."""
    name = "[concat('ContainerInsights', '(', split(parameters('workspaceResourceId'), '/')[8], ')')]"
    solution = {'apiVersion': SOLUTION_API, 'type': 'Microsoft.OperationsManagement/solutions',
                'location': "[parameters('workspaceRegion')]", 'name': name,
                'properties': {'workspaceResourceId': "[parameters('workspaceResourceId')]"},
                'plan': {'name': name, 'product': "[concat('OMSGallery/', 'ContainerInsights')]",
                         'promotionCode': '', 'publisher': 'Microsoft'}}
    nested = {'type': 'Microsoft.Resources/deployments', 'name': "[parameters('solutionDeploymentName')]",
              'apiVersion': '2017-05-10',
              'subscriptionId': "[split(parameters('workspaceResourceId'), '/')[2]]",
              'resourceGroup': "[split(parameters('workspaceResourceId'), '/')[4]]",
              'properties': {'mode': 'Incremental', 'parameters': {}, 'template': {
                  '$schema': 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#',
                  'contentVersion': '1.0.0.0', 'parameters': {}, 'variables': {}, 'resources': [solution]}}}
    return {'$schema': 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#',
            'contentVersion': '1.0.0.0',
            'parameters': {name: {'type': 'string'}
                           for name in ('workspaceResourceId', 'workspaceRegion', 'solutionDeploymentName')},
            'resources': [nested]}


@pytest.fixture(scope='module')
def workspace(arm):
    workspace_id = f'{arm.subscription}/resourceGroups/{RG}/providers/Microsoft.OperationalInsights/workspaces/dep-logs'
    assert arm.call('PUT', workspace_id, LA_API, {'location': 'westeurope'}).status_code in (200, 201)
    return workspace_id


def _solution(arm, workspace_id):
    return f'{arm.subscription}/resourceGroups/{RG}/providers/Microsoft.OperationsManagement/solutions/' \
           f"ContainerInsights({workspace_id.rsplit('/', 1)[1]})"


def test_az_deployment_group_create_deploys_the_solution_template(az, arm, workspace, tmp_path):
    arm.call('DELETE', _solution(arm, workspace), SOLUTION_API)
    template = tmp_path / 'solution.json'
    template.write_text(json.dumps(solution_template()))
    deployed = az.json('deployment', 'group', 'create', '-g', RG, '-n', 'arc-k8s-monitoring-1', '--template-file',
                       str(template), '--parameters', f'workspaceResourceId={workspace}',
                       'workspaceRegion=westeurope', 'solutionDeploymentName=ContainerInsights-1')
    assert deployed['properties']['provisioningState'] == 'Succeeded'
    solution = arm.call('GET', _solution(arm, workspace), SOLUTION_API).json()
    assert solution['location'] == 'westeurope'
    assert solution['plan'] == {'name': 'ContainerInsights(dep-logs)', 'product': 'OMSGallery/ContainerInsights',
                                'promotionCode': '', 'publisher': 'Microsoft'}
    assert solution['properties']['workspaceResourceId'] == workspace
    assert [item['id'] for item in deployed['properties']['outputResources']] == [solution['id']]
    # The nested deployment is a deployment of its own, in the group its template targeted.
    nested = az.json('deployment', 'group', 'show', '-g', RG, '-n', 'ContainerInsights-1')
    assert nested['properties']['provisioningState'] == 'Succeeded'
    assert 'arc-k8s-monitoring-1' in {item['name'] for item in az.json('deployment', 'group', 'list', '-g', RG)}


def test_the_sdk_deployments_client_runs_the_official_legacy_path(emulator, credential, arm, workspace):
    from azure.mgmt.resource import ResourceManagementClient
    from azure.mgmt.resource.resources.models import Deployment, DeploymentProperties
    arm.call('DELETE', _solution(arm, workspace), SOLUTION_API)
    client = ResourceManagementClient(credential, emulator.endpoint['subscription'], base_url=emulator.url,
                                      connection_verify=emulator.endpoint['ca_bundle'])
    parameters = {'workspaceResourceId': {'value': workspace}, 'workspaceRegion': {'value': 'westeurope'},
                  'solutionDeploymentName': {'value': 'ContainerInsights-2'}}
    poller = client.deployments.begin_create_or_update(RG, 'arc-k8s-monitoring-2', Deployment(
        properties=DeploymentProperties(template=solution_template(), parameters=parameters, mode='incremental')))
    assert poller.result(timeout=30).properties.provisioning_state == 'Succeeded'
    assert arm.call('GET', _solution(arm, workspace), SOLUTION_API).status_code == 200


def test_a_template_it_cannot_read_is_refused_before_it_runs(arm):
    path = f'{arm.subscription}/resourceGroups/{RG}/providers/Microsoft.Resources/deployments/bad'
    template = {'resources': [{'type': 'Microsoft.OperationalInsights/workspaces', 'apiVersion': LA_API,
                               'name': "[uniqueString(resourceGroup().id)]", 'location': 'eastus'}]}
    answer = arm.call('PUT', path, '2024-11-01', {'properties': {'template': template, 'mode': 'Incremental'}})
    assert answer.status_code == 400 and answer.json()['error']['code'] == 'InvalidTemplate'
    assert "'uniqueString' is not supported" in answer.json()['error']['message']
    assert arm.call('GET', path, '2024-11-01').status_code == 404


def test_a_resource_that_cannot_be_made_fails_the_deployment(az, arm, tmp_path):
    template = {'$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
                'contentVersion': '1.0.0.0', 'resources': [{
                    'type': 'Microsoft.Relay/namespaces/hybridConnections', 'apiVersion': '2021-11-01',
                    'name': 'no-such-namespace/hc', 'properties': {}}]}
    (tmp_path / 'orphan.json').write_text(json.dumps(template))
    done = az.run('deployment', 'group', 'create', '-g', RG, '-n', 'orphan', '--template-file',
                  str(tmp_path / 'orphan.json'))
    assert done.returncode != 0 and 'DeploymentFailed' in done.stderr and 'ParentResourceNotFound' in done.stderr
    shown = az.json('deployment', 'group', 'show', '-g', RG, '-n', 'orphan')
    assert shown['properties']['provisioningState'] == 'Failed'
    assert shown['properties']['error']['details'][0]['code'] == 'ParentResourceNotFound'
