"""Azure Managed Grafana for managed Prometheus (setting grafana-resource-id): Grafana's identity may read the
Azure Monitor workspace (Monitoring Data Reader), and the workspace is added to Grafana's integrations. An
existing role assignment or integration is reused; the role assignment carries no tag (the type has none) and is
left on delete, as the official tool leaves it."""
import uuid

from azure.mgmt.core.tools import parse_resource_id

GRAFANA_API = '2022-08-01'
MONITORING_DATA_READER = 'b0d8363b-8ddd-447d-831f-62ca05bff136'


def link(context, grafana_id, workspace_id):
    grafana_id = '/' + grafana_id.strip().strip('/')
    resources = context.resources(parse_resource_id(grafana_id)['subscription']).resources
    grafana = context.step('read Azure Managed Grafana ' + grafana_id,
                           lambda: resources.get_by_id(grafana_id, GRAFANA_API))
    principal = (grafana.identity.principal_id if grafana.identity else None)
    if principal:
        _grant_reader(context, workspace_id, principal)
    properties = grafana.properties or {}
    integrations = properties.setdefault('grafanaIntegrations', {}).setdefault(
        'azureMonitorWorkspaceIntegrations', [])
    if any((item.get('azureMonitorWorkspaceResourceId') or '').lower() == workspace_id.lower()
           for item in integrations):
        context.found('Grafana integration of', workspace_id)
        return
    integrations.append({'azureMonitorWorkspaceResourceId': workspace_id})
    grafana.properties = properties
    context.step('add the workspace to Grafana ' + grafana_id, lambda: resources.begin_create_or_update_by_id(
        grafana_id, GRAFANA_API, grafana).result())
    context.made('Grafana integration of', workspace_id)


def _grant_reader(context, workspace_id, principal):
    client = context.authorization(parse_resource_id(workspace_id)['subscription'])
    role = f'{workspace_id}/providers/Microsoft.Authorization/roleDefinitions/{MONITORING_DATA_READER}'
    existing = context.step('read the role assignments of ' + workspace_id, lambda: [
        item for item in client.role_assignments.list_for_scope(workspace_id)
        if (item.get('properties') or {}).get('principalId') == principal and
        (item.get('properties') or {}).get('roleDefinitionId', '').lower().endswith(MONITORING_DATA_READER)])
    if existing:
        context.found('role assignment', existing[0].get('id'))
        return
    made = context.step('give Grafana Monitoring Data Reader on ' + workspace_id, lambda: client.role_assignments.
                        create(workspace_id, str(uuid.uuid4()), {'properties': {
                            'roleDefinitionId': role, 'principalId': principal, 'principalType': 'ServicePrincipal'}}))
    context.made('role assignment', made.get('id'))
