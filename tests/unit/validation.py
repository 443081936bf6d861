"""Run the extension's validators in-process, on the namespace az would build from a command line.

az builds the namespace from the custom function's signature (one attribute per parameter, with its default) and
fills in the flags given, so the validators can be proven here, in milliseconds, without az or the emulator.
"""
import inspect
import tempfile
from types import SimpleNamespace

from knack.config import CLIConfig

from azext_aksext import _validators, custom, custom_types

# az's configuration as az builds it (knack's, with az's AZURE_ prefix), empty, in a folder removed at exit.
_CONFIG_DIR = tempfile.TemporaryDirectory(prefix='aksext-unit-')  # pylint: disable=consider-using-with
CLI_CTX = SimpleNamespace(config=CLIConfig(config_dir=_CONFIG_DIR.name, config_env_var_prefix='AZURE'))

FUNCTIONS = {
    'create': custom.create_extension, 'update': custom.update_extension, 'delete': custom.delete_extension,
    'show': custom.show_extension, 'list': custom.list_extensions, 'wait': custom.wait_extension,
}
VALIDATORS = {
    'create': 'validate_create', 'update': 'validate_update', 'delete': 'validate_cluster',
    'show': 'validate_cluster', 'list': 'validate_cluster', 'wait': 'validate_wait',
}


def command(name):
    """What az hands a validator as `cmd`: the command's name and the CLI context."""
    return SimpleNamespace(name=name, cli_ctx=CLI_CTX)


def namespace_for(function, **given):
    """The namespace az passes to a command's validator: every parameter's default, then the flags given."""
    values = {name: (None if parameter.default is inspect.Parameter.empty else parameter.default)
              for name, parameter in inspect.signature(function).parameters.items()
              if name not in ('cmd', 'client')}
    unknown = set(given) - set(values) - {'_ids'}
    assert not unknown, f'not parameters of {function.__name__}: {unknown}'
    values.update(given)
    return SimpleNamespace(**values)


def validate(group, verb, **given):
    """Validate `az <group> <verb>` with the given flags; return the namespace as the command would get it."""
    namespace = namespace_for(FUNCTIONS[verb], **given)
    getattr(_validators, VALIDATORS[verb])(command(f'{group} {verb}'), namespace)
    return namespace


def validate_types_command(function_name, validator, **given):
    namespace = namespace_for(getattr(custom_types, function_name), **given)
    group = 'aks extension type' if function_name.startswith('aks_') else 'k8s-extension extension-types'
    getattr(_validators, validator)(command(group + ' list'), namespace)
    return namespace
