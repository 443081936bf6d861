"""Settings parsing: key=value items and JSON/YAML files."""
import pytest
from azure.cli.core.azclierror import FileOperationError, InvalidArgumentValueError

from azext_aksext.core.settings import flatten, parse_pairs, read_settings_file


def test_pairs_split_on_the_first_equals_sign():
    assert parse_pairs(['a=1', 'url=https://x?y=z', 'empty='], '--config') == {
        'a': '1', 'url': 'https://x?y=z', 'empty': ''}


@pytest.mark.parametrize('item,fragment', [('novalue', "has no '='"), ('=v', 'empty key'), (' =v', 'empty key')])
def test_bad_pairs_quote_the_item(item, fragment):
    with pytest.raises(InvalidArgumentValueError) as raised:
        parse_pairs(['ok=1', item], '--config')
    assert fragment in raised.value.error_msg and f"'{item}'" in raised.value.error_msg


def test_nested_yaml_flattens_to_dotted_string_values(tmp_path):
    path = tmp_path / 's.yaml'
    path.write_text('a:\n  b: 1\n  c:\n    d: true\nname: x\nratio: 0.5\n')
    assert read_settings_file(str(path), '--config-file') == {
        'a.b': '1', 'a.c.d': 'true', 'name': 'x', 'ratio': '0.5'}


def test_json_file_with_bom_is_read(tmp_path):
    path = tmp_path / 's.json'
    path.write_bytes(b'\xef\xbb\xbf{"a": {"b": false}}')
    assert read_settings_file(str(path), '--config-file') == {'a.b': 'false'}


def test_json_error_names_file_and_line(tmp_path):
    path = tmp_path / 'bad.json'
    path.write_text('{\n  "a": 1,\n  "b": \n}')
    with pytest.raises(InvalidArgumentValueError) as raised:
        read_settings_file(str(path), '--config-protected-file')
    assert str(path) in raised.value.error_msg and 'line 4' in raised.value.error_msg
    assert '--config-protected-file' in raised.value.error_msg


def test_yaml_error_names_the_line(tmp_path):
    path = tmp_path / 'bad.yaml'
    path.write_text('a: 1\nb: [x\nc: 2\n')
    with pytest.raises(InvalidArgumentValueError) as raised:
        read_settings_file(str(path), '--config-file')
    assert 'line ' in raised.value.error_msg


def test_missing_file_is_a_file_error(tmp_path):
    with pytest.raises(FileOperationError):
        read_settings_file(str(tmp_path / 'nope.yaml'), '--config-file')


def test_list_value_names_the_dotted_key():
    with pytest.raises(InvalidArgumentValueError) as raised:
        flatten({'a': {'b': [1, 2]}}, 'f.yaml', '--config-file')
    assert "'a.b'" in raised.value.error_msg


def test_values_keep_the_text_the_user_wrote(tmp_path):
    yaml_file = tmp_path / 's.yaml'
    yaml_file.write_text('on: yes\nversion: 1.10\nwhen: 2024-01-01\nflag: true\ncount: 007\n')
    assert read_settings_file(str(yaml_file), '--config-file') == {
        'on': 'yes', 'version': '1.10', 'when': '2024-01-01', 'flag': 'true', 'count': '007'}
    json_file = tmp_path / 's.json'
    json_file.write_text('{"v": 1.10, "n": 3, "b": false}')
    assert read_settings_file(str(json_file), '--config-file') == {'v': '1.10', 'n': '3', 'b': 'false'}


@pytest.mark.parametrize('text,fragment', [
    ('{"big": NaN}', 'not valid JSON'),
    ('{"": "x"}', 'empty key'),
    ('a: &x\n  b: *x\n', 'refers to itself'),
])
def test_odd_documents_are_typed_errors(tmp_path, text, fragment):
    path = tmp_path / 'odd.yaml'
    path.write_text(text)
    with pytest.raises(InvalidArgumentValueError) as raised:
        read_settings_file(str(path), '--config-file')
    assert fragment in raised.value.error_msg


def test_yaml_flow_mapping_is_yaml_not_broken_json(tmp_path):
    path = tmp_path / 'flow.yaml'
    path.write_text('{a: 1, b: {c: x}}')
    assert read_settings_file(str(path), '--config-file') == {'a': '1', 'b.c': 'x'}


def test_a_pipe_works_as_a_settings_file():
    import os
    read_end, write_end = os.pipe()
    os.write(write_end, b'{"k": "v"}')
    os.close(write_end)
    try:
        assert read_settings_file(f'/dev/fd/{read_end}', '--config-protected-file') == {'k': 'v'}
    finally:
        os.close(read_end)


def test_secret_items_are_never_quoted_in_errors():
    with pytest.raises(InvalidArgumentValueError) as raised:
        parse_pairs(['ok=1', 'password:Hunter2'], '--config-protected-settings', secret=True)
    assert 'Hunter2' not in raised.value.error_msg and 'number 2' in raised.value.error_msg


@pytest.mark.parametrize('key, named', [('a\nb', 'a newline'), ('a\x00b', 'a NUL byte'),
                                        ('\ufeffkey', 'byte-order mark'), ('a\x1bb', 'U+001B'), ('tab\there', 'a tab')])
def test_setting_names_with_characters_no_name_holds_are_refused_naming_the_key(key, named):
    for secret in (False, True):
        with pytest.raises(InvalidArgumentValueError) as raised:
            parse_pairs([f'{key}=value'], '--configuration-settings', secret=secret)
        assert named in raised.value.error_msg
        assert key.encode('unicode_escape').decode() in raised.value.error_msg and 'value' not in raised.value.error_msg


@pytest.mark.parametrize('text', ['"a\\nb": 1\n', '{"a\\u0000b": "1"}', 'outer:\n  "in\\tner": 1\n'])
def test_setting_names_in_files_are_checked_at_every_level(tmp_path, text):
    path = tmp_path / 'settings.yaml'
    path.write_text(text)
    with pytest.raises(InvalidArgumentValueError, match='setting name'):
        read_settings_file(str(path), '--config-settings-file')
