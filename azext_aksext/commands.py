"""The command table: one set of custom functions behind both `az k8s-extension` and `az aks extension`."""
from azure.cli.core.commands import CliCommandType

from ._client_factory import cf_extensions
from ._client_factory import cf_extension_types
from ._format import extension_table, extension_type_table, extension_version_table
from ._params import GROUPS
from ._validators import validate_cluster, validate_create, validate_names, validate_update, validate_wait


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

    types = CliCommandType(operations_tmpl='azext_aksext.extension_types#{}', client_factory=cf_extension_types)
    with self.command_group('k8s-extension extension-types', custom_command_type=types,
                            client_factory=cf_extension_types) as g:
        for place in ('location', 'cluster'):
            validator = validate_cluster if place == 'cluster' else validate_names
            g.custom_command('list-by-' + place, 'list_types_by_' + place, validator=validator,
                             table_transformer=extension_type_table)
            g.custom_show_command('show-by-' + place, 'show_type_by_' + place, validator=validator,
                                  table_transformer=extension_type_table)
            g.custom_command('list-versions-by-' + place, 'list_versions_by_' + place, validator=validator,
                             table_transformer=extension_version_table)
            g.custom_show_command('show-version-by-' + place, 'show_version_by_' + place, validator=validator,
                                  table_transformer=extension_version_table)
        # The spellings of older releases, kept for scripts: hidden, and they say where to go.
        for old, new, function, place in (('list', 'list-by-cluster', 'list_types_by_cluster', 'cluster'),
                                          ('show', 'show-by-cluster', 'show_type_by_cluster', 'cluster'),
                                          ('list-versions', 'list-versions-by-location', 'list_versions_by_location',
                                           'location')):
            g.custom_command(old, function, validator=validate_cluster if place == 'cluster' else validate_names,
                             table_transformer=extension_version_table if 'versions' in old else extension_type_table,
                             deprecate_info=g.deprecate(redirect='k8s-extension extension-types ' + new, hide=True))
    with self.command_group('aks extension type', custom_command_type=types, client_factory=cf_extension_types) as g:
        g.custom_command('list', 'aks_list_types', validator=validate_names, table_transformer=extension_type_table)
        g.custom_show_command('show', 'aks_show_type', validator=validate_names,
                              table_transformer=extension_type_table)
    with self.command_group('aks extension type version', custom_command_type=types,
                            client_factory=cf_extension_types) as g:
        g.custom_command('list', 'aks_list_versions', validator=validate_names,
                         table_transformer=extension_version_table)
        g.custom_show_command('show', 'aks_show_version', validator=validate_names,
                              table_transformer=extension_version_table)
