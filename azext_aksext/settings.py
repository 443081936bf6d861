"""Configuration settings from the command line (key=value) and from JSON or YAML files."""
import json
import os

from azure.cli.core.azclierror import FileOperationError, InvalidArgumentValueError

# ARM rejects request bodies over 4 MB; a settings file anywhere near that is a mistake, not configuration.
MAX_SETTINGS_FILE_BYTES = 1024 * 1024


def parse_pairs(items, flag, secret=False):
    """Turn ['a=1', 'b=x=y'] into {'a': '1', 'b': 'x=y'}: split on the first '=' only.

    An error quotes the bad item, except for secret settings: those are counted, never shown."""
    settings = {}
    for position, item in enumerate(items or (), 1):
        key, sep, value = item.partition('=')
        shown = "number {}".format(position) if secret else "'{}'".format(item)
        if not sep:
            raise InvalidArgumentValueError(
                "{} item {} has no '='.".format(flag, shown),
                "Give each setting as key=value, for example {} logLevel=debug.".format(flag))
        if not key.strip():
            raise InvalidArgumentValueError(
                "{} item {} has an empty key.".format(flag, shown),
                "Give each setting as key=value with a non-empty key.")
        settings[key.strip()] = value
    return settings


def read_settings_file(path, flag):
    """Read a JSON or YAML mapping of settings; nested mappings become dotted keys, values become strings."""
    text = _read_text(path, flag)
    if not text.strip():
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} is empty.".format(path, flag),
            "Put a JSON or YAML mapping of setting names to values in it, for example {\"logLevel\": \"debug\"}.")
    document = _parse(text, path, flag)
    if not isinstance(document, dict):
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} holds a {}, not a mapping of settings.".format(
                path, flag, _kind(document)),
            "Write it as a mapping, for example {\"logLevel\": \"debug\"} or 'logLevel: debug'.")
    return flatten(document, path, flag)


def flatten(document, path, flag, prefix='', parents=()):
    settings = {}
    for key, value in document.items():
        name = '{}{}'.format(prefix, key)
        if key is None or not str(key).strip():
            raise InvalidArgumentValueError(
                "Settings file '{}' ({}) has an empty key{}.".format(path, flag, " under '{}'".format(
                    prefix[:-1]) if prefix else ''), "Give every setting a name.")
        if isinstance(value, dict) and id(value) in parents:
            raise InvalidArgumentValueError(
                "Setting '{}' in '{}' ({}) refers to itself (a YAML alias loop).".format(name, path, flag),
                "Write the values out instead of the alias.")
        if isinstance(value, dict):
            if not value:
                raise InvalidArgumentValueError(
                    "Setting '{}' in '{}' ({}) is an empty mapping.".format(name, path, flag),
                    "Give it a value or remove it.")
            settings.update(flatten(value, path, flag, name + '.', parents + (id(document),)))
        elif isinstance(value, (list, tuple)) or value is None:
            raise InvalidArgumentValueError(
                "Setting '{}' in '{}' ({}) is {}; settings must be strings, numbers or booleans.".format(
                    name, path, flag, 'null' if value is None else 'a list'),
                "Give it a single value; to pass a list, write it as one string, for example \"a,b,c\".")
        elif isinstance(value, bool):
            settings[name] = 'true' if value else 'false'
        else:
            settings[name] = str(value)
    return settings


def _read_text(path, flag):
    # Opened and read as a stream, never stat-ed: `--config-protected-file <(vault read ...)` is a pipe.
    try:
        with open(os.path.expanduser(path), 'rb') as handle:
            raw = handle.read(MAX_SETTINGS_FILE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise FileOperationError(
            "Settings file '{}' given to {} does not exist or is not a file.".format(path, flag),
            "Check the path.")
    except OSError as err:
        raise FileOperationError(
            "Settings file '{}' given to {} could not be read: {}.".format(path, flag, err.strerror),
            "Check the file's permissions.")
    if len(raw) > MAX_SETTINGS_FILE_BYTES:
        raise FileOperationError(
            "Settings file '{}' given to {} is larger than {} KiB.".format(
                path, flag, MAX_SETTINGS_FILE_BYTES // 1024),
            "Settings files hold configuration values only; check that you gave the right file.")
    if b'\x00' in raw:
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} is binary, not JSON or YAML text.".format(path, flag),
            "Give a UTF-8 JSON or YAML file.")
    try:
        return raw.decode('utf-8-sig')
    except UnicodeDecodeError as err:
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} is not UTF-8 text (bad byte at offset {}).".format(
                path, flag, err.start),
            "Save it as UTF-8 JSON or YAML.")


def _parse(text, path, flag):
    """JSON or YAML, with every scalar kept as the text the user wrote (1.10 stays 1.10, yes stays yes)."""
    if text.lstrip().startswith(('{', '[')):
        try:
            return json.loads(text, parse_float=str, parse_int=str, parse_constant=_reject_constant)
        except ValueError as err:
            # {a: 1} is YAML flow style, not broken JSON: without a double quote anywhere, try it as YAML.
            if '"' in text:
                raise InvalidArgumentValueError(
                    "Settings file '{}' given to {} is not valid JSON: {} (line {}, column {}).".format(
                        path, flag, getattr(err, 'msg', err), getattr(err, 'lineno', '?'), getattr(err, 'colno', '?')),
                    "Fix the JSON, or write the file as YAML.")
    import yaml  # only settings files need it: keep it out of az's start-up
    try:
        return yaml.load(text, Loader=_text_scalar_loader(yaml))  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as err:
        mark = getattr(err, 'problem_mark', None)
        where = ' (line {}, column {})'.format(mark.line + 1, mark.column + 1) if mark else ''
        problem = getattr(err, 'problem', None) or 'parse error'
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} is not valid YAML: {}{}.".format(path, flag, problem, where),
            "Fix the YAML, or write the file as JSON.")


def _reject_constant(name):
    raise ValueError('{} is not a setting value'.format(name))


_LOADER = []


def _text_scalar_loader(yaml):
    """A SafeLoader that resolves only null: booleans, numbers and dates stay the text the user wrote."""
    if not _LOADER:
        class TextScalarLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
            pass
        TextScalarLoader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag == 'tag:yaml.org,2002:null']
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        _LOADER.append(TextScalarLoader)
    return _LOADER[0]


def _kind(document):
    if isinstance(document, list):
        return 'list'
    if document is None:
        return 'null'
    return type(document).__name__
