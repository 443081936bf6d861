"""The command table: one set of custom functions behind both `az k8s-extension` and `az aks extension`."""
from azure.cli.core.commands import CliCommandType

from ._client_factory import cf_extensions
from ._format import extension_table
from ._params import GROUPS
from ._validators import validate_cluster, validate_create, validate_update, validate_wait


def load_command_table(self, _):
    custom = CliCommandType(operations_tmpl='azext_aksext.custom#{}', client_factory=cf_extensions)
    for group in GROUPS:
        with self.command_group(group, custom_command_type=custom, client_factory=cf_extensions) as g:
            g.custom_command('create', 'create_extension', validator=validate_create, supports_no_wait=True,
                             table_transformer=extension_table)
            g.custom_command('update', 'update_extension', validator=validate_update, supports_no_wait=True,
                             table_transformer=extension_table)
            g.custom_command('delete', 'delete_extension', validator=validate_cluster, supports_no_wait=True)
            g.custom_show_command('show', 'show_extension', validator=validate_cluster,
                                  table_transformer=extension_table)
            g.custom_command('list', 'list_extensions', validator=validate_cluster,
                             table_transformer=extension_table)
            g.custom_command('wait', 'wait_extension', validator=validate_wait)
