"""aksext: manage Kubernetes cluster extensions through `az k8s-extension` and `az aks extension`."""
from azure.cli.core import AzCommandsLoader

# Imported for its side effect: it registers the help entries.
from . import _help  # noqa: F401  pylint: disable=unused-import


class AksextCommandsLoader(AzCommandsLoader):

    def __init__(self, cli_ctx=None):
        from azure.cli.core.commands import CliCommandType
        super().__init__(cli_ctx=cli_ctx,
                         custom_command_type=CliCommandType(operations_tmpl='azext_aksext.custom#{}'))

    def load_command_table(self, args):
        from .commands import load_command_table
        load_command_table(self, args)
        return self.command_table

    def load_arguments(self, command):
        from ._params import load_arguments
        load_arguments(self, command)
        if command and command.endswith(' rollout'):
            from knack.events import EVENT_INVOKER_PRE_PARSE_ARGS
            from .multicluster.gates import keep_args
            self.cli_ctx.register_event(EVENT_INVOKER_PRE_PARSE_ARGS, keep_args)


COMMAND_LOADER_CLS = AksextCommandsLoader
