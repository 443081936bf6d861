"""Defender for Containers (microsoft.azuredefender.kubernetes): the Log Analytics workspace (the default one when
none is named) and its customer ID and shared key as protected settings. As in the official tool, the agent uses
the shared key (amalogs.useAADAuth=False) and skipPrerequisites is not a reason to skip the workspace."""
from .workspace import agent_settings, read_workspace, resolve_workspace


def create(context, settings, protected):
    settings['amalogs.useAADAuth'] = 'False'
    workspace_id = resolve_workspace(context, settings)
    # A user who also sets omsagent.useAADAuth=true gets no key, as the official tool reads that key first.
    with_key = str(settings.get('omsagent.useAADAuth', '')).lower() != 'true'
    workspace, key = read_workspace(context, workspace_id, with_key=with_key)
    return agent_settings(context, settings, protected, workspace, key)
