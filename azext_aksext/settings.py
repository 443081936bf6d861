"""Configuration settings from the command line (key=value) and from JSON or YAML files."""
import json
import os

from azure.cli.core.azclierror import FileOperationError, InvalidArgumentValueError

# ARM rejects request bodies over 4 MB; a settings file anywhere near that is a mistake, not configuration.
MAX_SETTINGS_FILE_BYTES = 1024 * 1024


def parse_pairs(items, flag):
    """Turn ['a=1', 'b=x=y'] into {'a': '1', 'b': 'x=y'}: split on the first '=' only."""
    settings = {}
    for item in items or ():
        key, sep, value = item.partition('=')
        if not sep:
            raise InvalidArgumentValueError(
                "{} item '{}' has no '='.".format(flag, item),
                "Give each setting as key=value, for example {} logLevel=debug.".format(flag))
        if not key.strip():
            raise InvalidArgumentValueError(
                "{} item '{}' has an empty key.".format(flag, item),
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


def flatten(document, path, flag, prefix=''):
    settings = {}
    for key, value in document.items():
        name = '{}{}'.format(prefix, key)
        if isinstance(value, dict):
            if not value:
                raise InvalidArgumentValueError(
                    "Setting '{}' in '{}' ({}) is an empty mapping.".format(name, path, flag),
                    "Give it a value or remove it.")
            settings.update(flatten(value, path, flag, name + '.'))
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
    expanded = os.path.expanduser(path)
    if not os.path.isfile(expanded):
        raise FileOperationError(
            "Settings file '{}' given to {} does not exist or is not a file.".format(path, flag),
            "Check the path.")
    try:
        if os.path.getsize(expanded) > MAX_SETTINGS_FILE_BYTES:
            raise FileOperationError(
                "Settings file '{}' given to {} is larger than {} KiB.".format(
                    path, flag, MAX_SETTINGS_FILE_BYTES // 1024),
                "Settings files hold configuration values only; check that you gave the right file.")
        with open(expanded, 'rb') as handle:
            raw = handle.read()
    except OSError as err:
        raise FileOperationError(
            "Settings file '{}' given to {} could not be read: {}.".format(path, flag, err.strerror),
            "Check the file's permissions.")
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
    if text.lstrip().startswith(('{', '[')):
        try:
            return json.loads(text)
        except ValueError as err:
            raise InvalidArgumentValueError(
                "Settings file '{}' given to {} is not valid JSON: {} (line {}, column {}).".format(
                    path, flag, err.msg, err.lineno, err.colno),
                "Fix the JSON, or write the file as YAML.")
    import yaml  # only settings files need it: keep it out of az's start-up
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, 'problem_mark', None)
        where = ' (line {}, column {})'.format(mark.line + 1, mark.column + 1) if mark else ''
        problem = getattr(err, 'problem', None) or 'parse error'
        raise InvalidArgumentValueError(
            "Settings file '{}' given to {} is not valid YAML: {}{}.".format(path, flag, problem, where),
            "Fix the YAML, or write the file as JSON.")


def _kind(document):
    if isinstance(document, list):
        return 'list'
    if document is None:
        return 'null'
    return type(document).__name__
