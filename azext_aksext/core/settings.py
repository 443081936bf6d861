"""Configuration settings from the command line (key=value) and from JSON or YAML files."""
import json
import os
import re

from azure.cli.core.azclierror import FileOperationError, InvalidArgumentValueError

# ARM rejects request bodies over 4 MB; a settings file anywhere near that is a mistake, not configuration.
# The cap holds for the file as read and for its YAML with every alias expanded.
MAX_SETTINGS_FILE_BYTES = 1024 * 1024
# Deeper nesting than this is no chart's values file; it bounds the parser's recursion too.
MAX_DEPTH = 32
# A FIFO or device that gives nothing for this long is a mistake (a pipe nobody writes), not a slow vault. Read
# at each call, so a test can shorten it.
READ_SECONDS = 10.0
_PLAIN_TAGS = ('tag:yaml.org,2002:str', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq')


def is_true(settings, key, default=False):
    """A boolean setting as the official tool reads it: true only for the text 'true' (any case, spaces around it
    ignored) or a true bool; absent, the default. Every yes/no setting aksext reads goes through here."""
    value = (settings or {}).get(key, default)
    return value is True or str(value).strip().lower() == 'true'


# Characters no setting name holds: controls (NUL, newline, tab, escape...), a byte-order mark, line separators.
_UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]')
_NAMES = {'\x00': 'a NUL byte', '\n': 'a newline', '\r': 'a carriage return', '\t': 'a tab',
          '\ufeff': 'a byte-order mark'}


def check_key(key, where):
    """Refuse a setting name holding a character no name holds (names, unlike values, are shown: escaped)."""
    found = _UNPRINTABLE.search(key)
    if found is None:
        return key
    shown = _UNPRINTABLE.sub(lambda match: match.group().encode('unicode_escape').decode(), key)
    what = _NAMES.get(found.group(), f'the control character U+{ord(found.group()):04X}')
    raise InvalidArgumentValueError(
        f"{where} has the setting name '{shown}', which holds {what}.",
        "Setting names are plain text: remove the character (a file saved with a byte-order mark, or a name "
        "pasted with a line break?).")


def parse_pairs(items, flag, secret=False):
    """Turn ['a=1', 'b=x=y'] into {'a': '1', 'b': 'x=y'}: split on the first '=' only.

    An error quotes the bad item, except for secret settings: those are counted, never shown."""
    settings = {}
    for position, item in enumerate(items or (), 1):
        key, sep, value = item.partition('=')
        shown = f"number {position}" if secret else f"'{item}'"
        if not sep:
            raise InvalidArgumentValueError(
                f"{flag} item {shown} has no '='.",
                f"Give each setting as key=value, for example {flag} logLevel=debug.")
        if not key.strip():
            raise InvalidArgumentValueError(
                f"{flag} item {shown} has an empty key.",
                "Give each setting as key=value with a non-empty key.")
        settings[check_key(key.strip(), flag)] = value
    if secret:
        from .redaction import remember_secrets
        remember_secrets(settings.values())
    return settings


def _is_secret(flag):
    return 'protected' in flag


def read_settings_file(path, flag):
    """Read a JSON or YAML mapping of settings; nested mappings become dotted keys, values become strings."""
    settings = _read_settings_file(path, flag)
    if _is_secret(flag):
        from .redaction import remember_secrets
        remember_secrets(settings.values())
    return settings


def _read_settings_file(path, flag):
    text = _read_text(path, flag)
    if not text.strip():
        raise InvalidArgumentValueError(
            f"Settings file '{path}' given to {flag} is empty.",
            "Put a JSON or YAML mapping of setting names to values in it, for example {\"logLevel\": \"debug\"}.")
    document = _parse(text, path, flag)
    if not isinstance(document, dict):
        raise InvalidArgumentValueError(
            f"Settings file '{path}' given to {flag} holds a {_kind(document)}, not a mapping of settings.",
            "Write it as a mapping, for example {\"logLevel\": \"debug\"} or 'logLevel: debug'.")
    return flatten(document, path, flag)


def flatten(document, path, flag, prefix='', parents=()):
    settings = {}
    for key, value in document.items():
        name = f'{prefix}{key}'
        if key is not None:
            check_key(name, f"Settings file '{path}' ({flag})")
        if key is None or not str(key).strip():
            under = f" under '{prefix[:-1]}'" if prefix else ''
            raise InvalidArgumentValueError(f"Settings file '{path}' ({flag}) has an empty key{under}.",
                                            "Give every setting a name.")
        if isinstance(value, dict) and id(value) in parents:
            raise InvalidArgumentValueError(
                f"Setting '{name}' in '{path}' ({flag}) refers to itself (a YAML alias loop).",
                "Write the values out instead of the alias.")
        if isinstance(value, dict):
            if not value:
                raise InvalidArgumentValueError(
                    f"Setting '{name}' in '{path}' ({flag}) is an empty mapping.",
                    "Give it a value or remove it.")
            settings.update(flatten(value, path, flag, name + '.', parents + (id(document),)))
        elif isinstance(value, (list, tuple)) or value is None:
            raise InvalidArgumentValueError(
                f"Setting '{name}' in '{path}' ({flag}) is {'null' if value is None else 'a list'}; settings must be "
                "strings, numbers or booleans.",
                "Give it a single value; to pass a list, write it as one string, for example \"a,b,c\".")
        elif isinstance(value, bool):
            settings[name] = 'true' if value else 'false'
        else:
            settings[name] = str(value)
    return settings


def read_bounded(path, limit=MAX_SETTINGS_FILE_BYTES + 1, seconds=None):
    """Up to limit bytes of path, read as a stream (never stat-ed: `<(vault read ...)` is a pipe) in a helper
    thread, so that a FIFO nobody writes or a device that never ends costs at most `seconds` (READ_SECONDS by
    default); then it raises TimeoutError(seconds)."""
    seconds = READ_SECONDS if seconds is None else seconds
    import threading
    outcome = {}

    def read():
        try:
            with open(os.path.expanduser(path), 'rb') as handle:
                chunks, size = [], 0
                while size < limit:
                    chunk = handle.read(min(65536, limit - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                outcome['data'] = b''.join(chunks)
        except OSError as err:
            outcome['error'] = err
    reader = threading.Thread(target=read, daemon=True)  # left blocked on a silent FIFO; it dies with az
    reader.start()
    reader.join(seconds)
    if reader.is_alive():
        raise TimeoutError(seconds)
    if 'error' in outcome:
        raise outcome['error']
    return outcome['data']


_STDIN_PATHS = ('/dev/stdin', '/dev/fd/0', '/proc/self/fd/0')


def _read_text(path, flag):
    import sys
    if os.path.expanduser(path) in _STDIN_PATHS and sys.stdin is None:
        # Python found no stdin at start-up (0<&-): descriptor 0 may since have been reused for some other file.
        raise FileOperationError(
            f"Settings file '{path}' given to {flag} is standard input, which is closed.",
            "Pipe the settings into az, or give the path of a file.")
    try:
        raw = read_bounded(path)
    except TimeoutError as err:
        raise FileOperationError(
            f"Settings file '{path}' given to {flag} gave no end of data within {err.args[0]:g}s (a pipe nobody "
            "writes to, or a device?).",
            "Give a regular file, or make sure the pipe is written.") from err
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as err:
        raise FileOperationError(
            f"Settings file '{path}' given to {flag} does not exist or is not a file.",
            "Check the path.") from err
    except OSError as err:
        raise FileOperationError(
            f"Settings file '{path}' given to {flag} could not be read: {err.strerror}.",
            "Check the file's permissions.") from err
    if len(raw) > MAX_SETTINGS_FILE_BYTES:
        raise FileOperationError(
            f"Settings file '{path}' given to {flag} is larger than {MAX_SETTINGS_FILE_BYTES // 1024} KiB.",
            "Settings files hold configuration values only; check that you gave the right file.")
    if b'\x00' in raw:
        raise InvalidArgumentValueError(
            f"Settings file '{path}' given to {flag} is binary, not JSON or YAML text.",
            "Give a UTF-8 JSON or YAML file.")
    try:
        return raw.decode('utf-8-sig')
    except UnicodeDecodeError as err:
        raise InvalidArgumentValueError(
            f"Settings file '{path}' given to {flag} is not UTF-8 text (bad byte at offset {err.start}).",
            "Save it as UTF-8 JSON or YAML.") from err


def _parse(text, path, flag):
    """JSON or YAML, with every scalar kept as the text the user wrote (1.10 stays 1.10, yes stays yes)."""
    if text.lstrip().startswith(('{', '[')):
        try:
            return json.loads(text, parse_float=str, parse_int=str, parse_constant=_reject_constant,
                              object_pairs_hook=lambda pairs: _unique_keys(pairs, path, flag))
        except RecursionError as err:
            raise _too_deep(path, flag) from err
        except ValueError as err:
            if isinstance(err, _DuplicateKey):
                raise InvalidArgumentValueError(str(err), "Give each setting once.") from err
            # {a: 1} is YAML flow style, not broken JSON: without a double quote anywhere, try it as YAML.
            if '"' in text:
                raise InvalidArgumentValueError(
                    f"Settings file '{path}' given to {flag} is not valid JSON: {getattr(err, 'msg', err)} (line "
                    f"{getattr(err, 'lineno', '?')}, column {getattr(err, 'colno', '?')}).",
                    "Fix the JSON, or write the file as YAML.") from err
    import yaml  # only settings files need it: keep it out of az's start-up
    try:
        loader = _text_scalar_loader(yaml)(text)
        try:
            node = loader.get_single_node()  # aliases stay shared references here: nothing is expanded yet
            if node is None:
                return None
            _check_node(node, path, flag)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError as err:
        raise _too_deep(path, flag) from err
    except yaml.YAMLError as err:
        mark = getattr(err, 'problem_mark', None)
        where = f' (line {mark.line + 1}, column {mark.column + 1})' if mark else ''
        problem = getattr(err, 'problem', None) or 'parse error'
        # YAML quotes what it choked on: an alias or tag there is a protected value (not chained either, as --debug
        # would print the YAML error's own text, which quotes the line)
        if _is_secret(flag):
            problem = 'syntax error (the text is not shown: it may be a protected value)'
        raise InvalidArgumentValueError(
            f"Settings file '{path}' given to {flag} is not valid YAML: {problem}{where}.",
            "Fix the YAML, or write the file as JSON.") from (None if _is_secret(flag) else err)


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs, path, flag, prefix=''):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(f"Settings file '{path}' ({flag}) gives the key '{prefix}{key}' twice.")
        seen[key] = value
    return seen


def _too_deep(path, flag):
    return InvalidArgumentValueError(
        f"Settings file '{path}' given to {flag} is nested more than {MAX_DEPTH} levels deep.",
        "Settings are a mapping of names to values; flatten it (a.b.c: value).")


def _check_node(root, path, flag):
    """Before anything is built: refuse duplicate keys, tags other than plain text, nesting beyond MAX_DEPTH and
    a document whose aliases expand beyond MAX_SETTINGS_FILE_BYTES (an alias bomb). Shared nodes are sized once,
    so the check costs as much as the file, not as its expansion."""
    sizes, active = {}, set()

    def size(node, depth, name):
        if depth > MAX_DEPTH:
            raise _too_deep(path, flag)
        if node.tag not in _PLAIN_TAGS and node.tag != 'tag:yaml.org,2002:merge':
            tag = 'with a custom YAML tag' if _is_secret(flag) else f"'{node.tag}'"
            raise InvalidArgumentValueError(
                f"Setting '{name or '(the document)'}' in '{path}' ({flag}) is tagged {tag}; settings are plain text.",
                "Remove the tag, or quote the value if it starts with '!'.")
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in active:
            raise InvalidArgumentValueError(
                f"Setting '{name}' in '{path}' ({flag}) refers to itself (a YAML alias loop).",
                "Write the values out instead of the alias.")
        active.add(id(node))
        if node.id == 'scalar':
            total = len(node.value)
        elif node.id == 'sequence':
            total = sum(size(item, depth + 1, name) for item in node.value)
        else:
            total, keys = 0, set()
            for key, value in node.value:
                key_text = key.value if key.id == 'scalar' else None
                child = f'{name}.{key_text}' if name else key_text
                if key.tag != 'tag:yaml.org,2002:merge':
                    if key_text in keys:
                        raise InvalidArgumentValueError(
                            f"Settings file '{path}' ({flag}) gives the key '{child}' twice.",
                            "Give each setting once.")
                    keys.add(key_text)
                total += size(key, depth + 1, child) + size(value, depth + 1, child)
        active.discard(id(node))
        sizes[id(node)] = total
        if total > MAX_SETTINGS_FILE_BYTES:
            raise FileOperationError(
                f"Settings file '{path}' given to {flag} expands (through YAML aliases) to more than "
                f"{MAX_SETTINGS_FILE_BYTES // 1024} KiB.",
                "Write the values out instead of nesting aliases.")
        return total
    size(root, 0, '')


def _reject_constant(name):
    raise ValueError(f'{name} is not a setting value')


_LOADER = []


def _text_scalar_loader(yaml):
    """A SafeLoader that resolves only null and merge keys (<<): booleans, numbers and dates stay the text the user
    wrote."""
    if not _LOADER:
        class TextScalarLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors,too-few-public-methods
            pass
        TextScalarLoader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers
                    if tag in ('tag:yaml.org,2002:null', 'tag:yaml.org,2002:merge')]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        _LOADER.append(TextScalarLoader)
    return _LOADER[0]


def _kind(document):
    if isinstance(document, list):
        return 'list'
    if document is None:
        return 'null'
    return type(document).__name__
