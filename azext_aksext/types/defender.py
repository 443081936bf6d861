"""Defender for Containers (microsoft.azuredefender.kubernetes): cluster scope only, instance name
microsoft.azuredefender.kubernetes and namespace mdc. Its companion is the Log Analytics workspace (the default one
when none is named), whose customer ID and shared key become protected settings. As in the official tool, the agent
uses the shared key (amalogs.useAADAuth=False) and skipPrerequisites is not a reason to skip the workspace."""
from ..core.scope import CLUSTER
from ..core.settings import is_true
from ._base import ExtensionType
from ._workspace import agent_settings, read_workspace, resolve_workspace


class Defender(ExtensionType):
    name = 'microsoft.azuredefender.kubernetes'
    scopes = (CLUSTER,)
    release_namespace = 'mdc'
    fixed_namespace = True
    fixed_name = 'microsoft.azuredefender.kubernetes'

    def before_create(self, context, settings, protected):
        settings['amalogs.useAADAuth'] = 'False'
        workspace_id = resolve_workspace(context, settings)
        # A user who also sets omsagent.useAADAuth=true gets no key, as the official tool reads that key first.
        workspace, key = read_workspace(context, workspace_id, with_key=not is_true(settings, 'omsagent.useAADAuth'))
        return agent_settings(context, settings, protected, workspace, key)


TYPE = Defender()
