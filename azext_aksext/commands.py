"""The command table: one set of custom functions behind both `az k8s-extension` and `az aks extension`.

az imports this module for every command it runs, so validators and table transformers are named here and
imported only when a command of this extension actually runs.
"""
from importlib import import_module

from azure.cli.core.commands import CliCommandType

from ._client_factory import cf_extension_types, cf_extensions


def _late(module, name):
    """A stand-in for module.name that imports it on first call."""
    def call(*args, **kwargs):
        return getattr(import_module('azext_aksext.' + module), name)(*args, **kwargs)
    call.__name__ = name
    return call


def _validator(name, module='_validators'):
    def validate(cmd, namespace):
        _late('core.redaction', 'guard_logs')()  # from here on, every log record is masked (core/redaction.py)
        try:
            return _late(module, name)(cmd, namespace)
        except KeyboardInterrupt:  # exit 130, as for the rest of the command (core/operations.py)
            return _late('core.operations', 'stop_on_interrupt')()
    validate.__name__ = name
    return validate


MULTICLUSTER_VALIDATORS = 'multicluster._validators'
EXTENSION_TABLE = _late('_format', 'extension_table')
TYPE_TABLE = _late('_format', 'extension_type_table')
VERSION_TABLE = _late('_format', 'extension_version_table')
UPGRADES_TABLE = _late('upgrades', 'upgrades_table')
ROLLOUT_TABLE = _late('multicluster.report', 'rollout_table')

EXTENSIONS = CliCommandType(operations_tmpl='azext_aksext.custom#{}', client_factory=cf_extensions)
UPGRADES = CliCommandType(operations_tmpl='azext_aksext.upgrades#{}', client_factory=cf_extensions)
ROLLOUT = CliCommandType(operations_tmpl='azext_aksext.multicluster.custom#{}')
TROUBLESHOOT_TABLE = _late('_format', 'troubleshoot_table')
TYPES = CliCommandType(operations_tmpl='azext_aksext.custom_types#{}', client_factory=cf_extension_types)


def _extension_verbs(g):
    """The verbs of `az k8s-extension` and `az aks extension`, which differ only in their arguments."""
    g.custom_command('create', 'create_extension', validator=_validator('validate_create'),
                     supports_no_wait=True, table_transformer=EXTENSION_TABLE)
    g.custom_command('update', 'update_extension', validator=_validator('validate_update'),
                     supports_no_wait=True, table_transformer=EXTENSION_TABLE)
    g.custom_command('delete', 'delete_extension', validator=_validator('validate_cluster'),
                     supports_no_wait=True)
    g.custom_show_command('show', 'show_extension', validator=_validator('validate_cluster'),
                          table_transformer=EXTENSION_TABLE)
    g.custom_command('list', 'list_extensions', validator=_validator('validate_list', MULTICLUSTER_VALIDATORS),
                     table_transformer=EXTENSION_TABLE)
    g.custom_command('wait', 'wait_extension', validator=_validator('validate_wait'))
    g.custom_command('list-upgrades', 'list_upgrades', custom_command_type=UPGRADES,
                     validator=_validator('validate_cluster'), table_transformer=UPGRADES_TABLE)
    g.custom_command('rollout', 'rollout_extension', custom_command_type=ROLLOUT,
                     validator=_validator('validate_rollout', MULTICLUSTER_VALIDATORS), table_transformer=ROLLOUT_TABLE)
    # Reads the cluster through its own API (and Azure when the cluster is named): no extensions client needed.
    g.custom_command('troubleshoot', 'troubleshoot_extension', client_factory=None,
                     validator=_validator('validate_troubleshoot'), table_transformer=TROUBLESHOOT_TABLE)


def load_command_table(self, _):
    with self.command_group('k8s-extension', custom_command_type=EXTENSIONS, client_factory=cf_extensions) as g:
        _extension_verbs(g)
    with self.command_group('aks extension', custom_command_type=EXTENSIONS, client_factory=cf_extensions) as g:
        _extension_verbs(g)

    by_location, by_cluster = _validator('validate_names'), _validator('validate_cluster')
    with self.command_group('k8s-extension extension-types', custom_command_type=TYPES,
                            client_factory=cf_extension_types) as g:
        g.custom_command('list-by-location', 'list_types_by_location', validator=by_location,
                         table_transformer=TYPE_TABLE)
        g.custom_show_command('show-by-location', 'show_type_by_location', validator=by_location,
                              table_transformer=TYPE_TABLE)
        g.custom_command('list-versions-by-location', 'list_versions_by_location', validator=by_location,
                         table_transformer=VERSION_TABLE)
        g.custom_show_command('show-version-by-location', 'show_version_by_location', validator=by_location,
                              table_transformer=VERSION_TABLE)
        g.custom_command('list-by-cluster', 'list_types_by_cluster', validator=by_cluster,
                         table_transformer=TYPE_TABLE)
        g.custom_show_command('show-by-cluster', 'show_type_by_cluster', validator=by_cluster,
                              table_transformer=TYPE_TABLE)
        g.custom_command('list-versions-by-cluster', 'list_versions_by_cluster', validator=by_cluster,
                         table_transformer=VERSION_TABLE)
        g.custom_show_command('show-version-by-cluster', 'show_version_by_cluster', validator=by_cluster,
                              table_transformer=VERSION_TABLE)
        # The spellings of older releases, kept for scripts: hidden, and they say where to go.
        g.custom_command('list', 'list_types_by_cluster', validator=by_cluster, table_transformer=TYPE_TABLE,
                         deprecate_info=g.deprecate(redirect='k8s-extension extension-types list-by-cluster',
                                                    hide=True))
        g.custom_show_command('show', 'show_type_by_location', validator=by_location, table_transformer=TYPE_TABLE,
                              deprecate_info=g.deprecate(redirect='k8s-extension extension-types show-by-location',
                                                         hide=True))
        g.custom_command('list-versions', 'list_versions_by_cluster', validator=by_cluster,
                         table_transformer=VERSION_TABLE,
                         deprecate_info=g.deprecate(
                             redirect='k8s-extension extension-types list-versions-by-cluster', hide=True))

    with self.command_group('aks extension type', custom_command_type=TYPES,
                            client_factory=cf_extension_types) as g:
        g.custom_command('list', 'aks_list_types', validator=by_location, table_transformer=TYPE_TABLE)
        g.custom_show_command('show', 'aks_show_type', validator=by_location, table_transformer=TYPE_TABLE)
    with self.command_group('aks extension type version', custom_command_type=TYPES,
                            client_factory=cf_extension_types) as g:
        g.custom_command('list', 'aks_list_versions', validator=by_location, table_transformer=VERSION_TABLE)
        g.custom_show_command('show', 'aks_show_version', validator=by_location, table_transformer=VERSION_TABLE)
