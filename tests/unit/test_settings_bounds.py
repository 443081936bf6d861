"""Settings files that try to hang, explode or change meaning: each is refused, within a bound of time and memory
enforced on a child process (its address-space limit and this test's timeout), never by timing a normal path."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from azure.cli.core.azclierror import AzCLIError

from azext_aksext.core.settings import read_settings_file

ROOT = Path(__file__).resolve().parents[2]
ALIAS_BOMB = textwrap.dedent('''\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    ''')


# The read bound, shortened in the children so that a silent FIFO costs half a second, not the default 10 s.
READ_BOUND = 0.5


def _read_in_child(path, flag='--config-file', memory_mb=400, timeout=60):
    """read_settings_file(path) in a child limited to memory_mb of address space; returns (exit code, output)."""
    code = textwrap.dedent('''\
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({0} * 2 ** 20, {0} * 2 ** 20))
        from azure.cli.core.azclierror import AzCLIError
        from azext_aksext.core import settings
        settings.READ_SECONDS = {1}
        from azext_aksext.core.settings import read_settings_file
        try:
            read_settings_file(sys.argv[1], sys.argv[2])
        except AzCLIError as err:
            print(err.error_msg)
            sys.exit(1)
        ''').format(memory_mb, READ_BOUND)
    done = subprocess.run([sys.executable, '-c', code, str(path), flag], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done.returncode, done.stdout + done.stderr


def test_an_871_byte_alias_bomb_is_refused_within_bounded_time_and_memory(tmp_path):
    bomb = tmp_path / 'bomb.yaml'
    bomb.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 900
    code, output = _read_in_child(bomb)
    assert code == 1, output  # not killed by the memory limit, not stuck past the timeout
    assert 'expands (through YAML aliases) to more than 1024 KiB' in output


def test_a_fifo_nobody_writes_is_refused_within_the_read_bound(tmp_path):
    fifo = tmp_path / 'silent'
    os.mkfifo(fifo)
    code, output = _read_in_child(fifo, timeout=60)
    assert code == 1 and f'gave no end of data within {READ_BOUND:g}s' in output


def test_the_read_bound_is_ten_seconds():
    from azext_aksext.core import settings
    assert settings.READ_SECONDS == 10.0


def test_dev_zero_is_refused_by_size(tmp_path):
    code, output = _read_in_child('/dev/zero')
    assert code == 1 and ('larger than 1024 KiB' in output or 'binary' in output)


def test_deep_nesting_is_refused_naming_the_file_and_flag(tmp_path):
    deep = tmp_path / 'deep.yaml'
    deep.write_text('[' * 5000 + ']' * 5000)
    code, output = _read_in_child(deep)
    assert code == 1 and 'nested more than 32 levels' in output and str(deep) in output and '--config-file' in output
    deep_json = tmp_path / 'deep.json'
    deep_json.write_text('{"a": ' * 5000 + '"x"' + '}' * 5000)
    code, output = _read_in_child(deep_json)
    assert code == 1 and 'nested' in output


def _error(tmp_path, text, flag='--config-file'):
    path = tmp_path / 'settings.yaml'
    path.write_text(text)
    with pytest.raises(AzCLIError) as caught:
        read_settings_file(str(path), flag)
    return caught.value.error_msg


@pytest.mark.parametrize('text', ['key: !!binary aGVsbG8=', 'key: !!set {a, b}', 'key: !custom value',
                                  'key: !!python/object:os.system x', 'key: !!int 10'])
def test_tags_are_refused_naming_the_key(tmp_path, text):
    message = _error(tmp_path, text)
    assert "Setting 'key'" in message and 'tagged' in message


def test_merge_keys_are_merged_as_yaml_defines_them(tmp_path):
    path = tmp_path / 'merge.yaml'
    path.write_text('base: &base {a: 1, b: 2}\nchild:\n  <<: *base\n  b: 3\n')
    assert read_settings_file(str(path), '--config-file') == {'base.a': '1', 'base.b': '2', 'child.a': '1',
                                                              'child.b': '3'}


@pytest.mark.parametrize('text,key', [('a: 1\nb: 2\na: 3\n', 'a'), ('outer:\n  x: 1\n  x: 2\n', 'outer.x'),
                                      ('{"a": "1", "a": "2"}', 'a')])
def test_duplicate_keys_are_refused_naming_the_key(tmp_path, text, key):
    message = _error(tmp_path, text)
    assert f"'{key}' twice" in message


def test_nul_bytes_are_refused(tmp_path):
    path = tmp_path / 'nul.yaml'
    path.write_bytes(b'a: "x\x00y"\n')
    with pytest.raises(AzCLIError) as caught:
        read_settings_file(str(path), '--config-file')
    assert 'binary' in caught.value.error_msg


@pytest.mark.parametrize('value', ['!Hunter2-secret', '*Hunter2-secret', '&Hunter2-secret x: [', '@Hunter2-secret'])
def test_a_parse_error_in_a_protected_file_never_quotes_the_value(tmp_path, value):
    path = tmp_path / 'protected.yaml'
    path.write_text(f'password: {value}\nother: [\n')
    with pytest.raises(AzCLIError) as caught:
        read_settings_file(str(path), '--config-protected-file')
    assert 'Hunter2' not in caught.value.error_msg + (caught.value.recommendations or [''])[0]


def test_a_service_error_echoing_a_protected_value_is_masked():
    from azext_aksext.core.redaction import remember_secrets
    from azext_aksext.core.errors import error_code_and_message

    class Echo(Exception):
        message = "Invalid value 'S3cr3t-Value' for setting password"
    remember_secrets(['S3cr3t-Value'])
    assert error_code_and_message(Echo())[1] == "Invalid value '***' for setting password"


def test_an_azure_ml_pem_file_that_is_a_silent_fifo_or_dev_zero_is_refused_in_bounded_time_and_memory(tmp_path):
    fifo = tmp_path / 'cert.pem'
    os.mkfifo(fifo)
    code = textwrap.dedent('''\
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (400 * 2 ** 20, 400 * 2 ** 20))
        from azure.cli.core.azclierror import AzCLIError
        from azext_aksext.core import settings
        settings.READ_SECONDS = READ_BOUND
        from azext_aksext.types.azureml import read_ssl_files
        try:
            read_ssl_files({'sslCertPemFile': sys.argv[1]})
        except AzCLIError as err:
            print(err.error_msg)
            sys.exit(1)
        ''').replace('READ_BOUND', str(READ_BOUND))
    for path, expected in ((fifo, 'gave no end of data'), ('/dev/zero', 'larger than 1024 KiB')):
        done = subprocess.run([sys.executable, '-c', code, str(path)], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 1 and expected in done.stdout, done.stdout + done.stderr
