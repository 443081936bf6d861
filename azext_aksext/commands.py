"""The command table: one set of custom functions behind both `az k8s-extension` and `az aks extension`.

az imports this module for every command it runs, so validators and table transformers are named here and
imported only when a command of this extension actually runs.
"""
from importlib import import_module

from azure.cli.core.commands import CliCommandType

from ._client_factory import cf_extension_types, cf_extensions
from ._params import GROUPS


def _late(module, name):
    """A stand-in for module.name that imports it on first call."""
    def call(*args, **kwargs):
        return getattr(import_module('azext_aksext.' + module), name)(*args, **kwargs)
    call.__name__ = name
    return call


def _validator(name, module='_validators'):
    def validate(cmd, namespace):
        return _late(module, name)(cmd, namespace)
    validate.__name__ = name
    return validate


EXTENSION_TABLE = _late('_format', 'extension_table')
TYPE_TABLE = _late('_format', 'extension_type_table')
VERSION_TABLE = _late('_format', 'extension_version_table')


def load_command_table(self, _):
    custom = CliCommandType(operations_tmpl='azext_aksext.custom#{}', client_factory=cf_extensions)
    for group in GROUPS:
        with self.command_group(group, custom_command_type=custom, client_factory=cf_extensions) as g:
            g.custom_command('create', 'create_extension', validator=_validator('validate_create'),
                             supports_no_wait=True, table_transformer=EXTENSION_TABLE)
            g.custom_command('update', 'update_extension', validator=_validator('validate_update'),
                             supports_no_wait=True, table_transformer=EXTENSION_TABLE)
            g.custom_command('delete', 'delete_extension', validator=_validator('validate_cluster'),
                             supports_no_wait=True)
            g.custom_show_command('show', 'show_extension', validator=_validator('validate_cluster'),
                                  table_transformer=EXTENSION_TABLE)
            g.custom_command('list', 'list_extensions', validator=_validator('validate_list', 'fleet_validators'),
                             table_transformer=EXTENSION_TABLE)
            g.custom_command('wait', 'wait_extension', validator=_validator('validate_wait'))

    rollout = CliCommandType(operations_tmpl='azext_aksext.rollout.command#{}')
    for group in GROUPS:
        with self.command_group(group, custom_command_type=rollout) as g:
            g.custom_command('rollout', 'rollout_extension', validator=_validator('validate_rollout', 'fleet_validators'),
                             table_transformer=_late('rollout.report', 'rollout_table'))

    types = CliCommandType(operations_tmpl='azext_aksext.extension_types#{}', client_factory=cf_extension_types)
    with self.command_group('k8s-extension extension-types', custom_command_type=types,
                            client_factory=cf_extension_types) as g:
        for place in ('location', 'cluster'):
            validator = _validator('validate_cluster' if place == 'cluster' else 'validate_names')
            g.custom_command('list-by-' + place, 'list_types_by_' + place, validator=validator,
                             table_transformer=TYPE_TABLE)
            g.custom_show_command('show-by-' + place, 'show_type_by_' + place, validator=validator,
                                  table_transformer=TYPE_TABLE)
            g.custom_command('list-versions-by-' + place, 'list_versions_by_' + place, validator=validator,
                             table_transformer=VERSION_TABLE)
            g.custom_show_command('show-version-by-' + place, 'show_version_by_' + place, validator=validator,
                                  table_transformer=VERSION_TABLE)
        # The spellings of older releases, kept for scripts: hidden, and they say where to go.
        for old, new, function, place in (('list', 'list-by-cluster', 'list_types_by_cluster', 'cluster'),
                                          ('show', 'show-by-cluster', 'show_type_by_cluster', 'cluster'),
                                          ('list-versions', 'list-versions-by-location', 'list_versions_by_location',
                                           'location')):
            g.custom_command(old, function,
                             validator=_validator('validate_cluster' if place == 'cluster' else 'validate_names'),
                             table_transformer=VERSION_TABLE if 'versions' in old else TYPE_TABLE,
                             deprecate_info=g.deprecate(redirect='k8s-extension extension-types ' + new, hide=True))
    for group, verbs in (('aks extension type', ('aks_list_types', 'aks_show_type'), ),
                         ('aks extension type version', ('aks_list_versions', 'aks_show_version'))):
        table = VERSION_TABLE if group.endswith('version') else TYPE_TABLE
        with self.command_group(group, custom_command_type=types, client_factory=cf_extension_types) as g:
            g.custom_command('list', verbs[0], validator=_validator('validate_names'), table_transformer=table)
            g.custom_show_command('show', verbs[1], validator=_validator('validate_names'), table_transformer=table)
