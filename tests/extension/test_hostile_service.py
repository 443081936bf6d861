"""A misbehaving service, closed standard streams and unbounded waits: no traceback, no hang, no false failure.

Exit codes (README, "Exit codes"): 0 done, 1 refused or failed, 4 started but not confirmed, 130 interrupted."""
import os
import shlex
import subprocess

import pytest

from .helpers import RG, extension_requests, unique

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
EXTENSION_PATH = r'/extensions/{}$'
POLL_PATH = r'/extensions/{}/operations/'
EXIT_REFUSED_OR_FAILED, EXIT_NOT_CONFIRMED = 1, 4


def _create(aks, name, *extra):
    return aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux', '-o', 'json',
                   *extra)


def _shell(aks, args, redirect, env=None):
    """Run az under bash with a standard stream closed (0<&-, 1>&-, 2>&-)."""
    line = ' '.join(shlex.quote(str(arg)) for arg in [aks.az] + list(args)) + ' ' + redirect
    return subprocess.run(['bash', '-c', line], env=dict(aks.env, **(env or {})), capture_output=True, text=True,
                          timeout=300, check=False)


def _state(aks, name):
    shown = [item for item in aks.json('k8s-extension', 'list', *ARC) if item['name'] == name]
    return shown[0]['provisioningState'] if shown else None


def test_closed_stdin_refuses_to_prompt_and_sends_nothing(aks, service):
    name = unique('h')
    _create(aks, name)
    service.clear_requests()
    done = _shell(aks, ['k8s-extension', 'delete', *ARC, '-n', name], '0<&-')
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'no terminal is attached' in done.stderr and '--yes' in done.stderr and 'Traceback' not in done.stderr
    assert extension_requests(service, 'DELETE') == []


@pytest.mark.parametrize('redirect', ['2>&-', '1>&-'])
def test_closed_stderr_or_stdout_still_creates(aks, service, redirect):
    name = unique('h')
    done = _shell(aks, ['k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux'], redirect)
    assert done.returncode == 0, done.stderr
    assert _state(aks, name) == 'Succeeded'


@pytest.mark.parametrize('value,note', [('soon', "Ignored Retry-After 'soon'"), ('-5', None),
                                        ('Thu, 01 Jan 1970 00:00:00 GMT', None)])
def test_unreadable_or_past_retry_after_on_polls_is_ignored(aks, service, value, note):
    name = unique('h')
    service.fault(method='GET', path=POLL_PATH.format(name), count=3, retry_after=value)
    done = _create(aks, name, '--verbose')
    assert done.returncode == 0, done.stderr
    assert 'Traceback' not in done.stderr and (note is None or note in done.stderr)
    assert _state(aks, name) == 'Succeeded'


def test_huge_retry_after_on_a_throttled_request_is_clamped_and_said(aks, service):
    name = unique('h')
    service.fault(method='PUT', path=EXTENSION_PATH.format(name), count=1, status=429,
                  retry_after='Fri, 31 Dec 9999 23:59:59 GMT')
    done = _create(aks, name, '--verbose')  # the test's own timeout (300 s) bounds it; unclamped it is years
    assert done.returncode == 0, done.stderr
    assert 'waiting 30s instead' in done.stderr
    assert len([r for r in extension_requests(service, 'PUT') if r['path'].endswith(name)]) == 2


@pytest.mark.parametrize('body', ['', '{"id": "/subscriptions/x', '<html>Bad gateway</html>'])
def test_a_200_with_an_unreadable_body_is_a_typed_error(aks, service, body):
    name = unique('h')
    _create(aks, name)
    service.fault(method='GET', path=EXTENSION_PATH.format(name), count=10, status=200, body=body)
    done = aks.run('k8s-extension', 'show', *ARC, '-n', name)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'HTTP 200' in done.stderr or 'could not be read' in done.stderr
    assert 'Traceback' not in done.stderr and 'unexpected error' not in done.stderr


@pytest.mark.parametrize('status', [202, 204])
def test_a_read_answered_without_a_body_is_a_typed_error_without_a_traceback(aks, service, status):
    name = unique('h')
    _create(aks, name)
    service.fault(method='GET', path=EXTENSION_PATH.format(name), count=10, status=status, body='')
    done = aks.run('k8s-extension', 'show', *ARC, '-n', name)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert f'HTTP {status}' in done.stderr
    assert 'Traceback' not in done.stderr and 'deserialization' not in done.stderr


def test_a_create_answered_202_without_a_body_is_a_typed_error(aks, service):
    name = unique('h')
    service.fault(method='PUT', path=EXTENSION_PATH.format(name), count=1, status=202, body='')
    done = _create(aks, name)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'HTTP 202' in done.stderr and 'Traceback' not in done.stderr


def test_a_status_answer_that_is_not_json_ends_in_started_not_failed(aks, service):
    name = unique('h')
    _create(aks, name)
    service.fault(method='GET', path=POLL_PATH.format(name), count=1000, status=200, body='<html>proxy</html>')
    done = aks.run('k8s-extension', 'update', *ARC, '-n', name, '--config', 'a=1', '--timeout', '6')
    service.clear_faults()
    assert done.returncode == EXIT_NOT_CONFIRMED, done.stderr
    assert 'was started' in done.stderr and 'Traceback' not in done.stderr


def test_413_is_refused_and_nothing_is_created(aks, service):
    name = unique('h')
    service.fault(method='PUT', path=EXTENSION_PATH.format(name), count=1, status=413, code='RequestEntityTooLarge',
                  message='The request body is too large.')
    done = _create(aks, name)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'HTTP 413' in done.stderr and 'RequestEntityTooLarge' in done.stderr and 'Traceback' not in done.stderr
    assert _state(aks, name) is None


def test_a_next_link_that_repeats_stops_with_an_error(aks, service):
    service.fault(method='GET', path=r'/connectedClusters/demo-arc/providers/Microsoft.KubernetesConfiguration/'
                  r'extensions$', count=100, status=200, body='{"value": [], "nextLink": "{self}"}')
    done = aks.run('k8s-extension', 'list', *ARC, timeout=120)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'already returned' in done.stderr and 'Traceback' not in done.stderr
    assert len([r for r in service.requests() if r['path'].endswith('/extensions')]) <= 3


def test_a_next_link_that_never_ends_stops_after_a_bounded_number_of_pages(aks, service):
    service.fault(method='GET', path=r'/connectedClusters/demo-arc/providers/Microsoft.KubernetesConfiguration/'
                  r'extensions$', count=1100, status=200, body='{"value": [], "nextLink": "{self}&n={count}"}')
    done = aks.run('k8s-extension', 'list', *ARC, timeout=240)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'stopped after 1000 pages' in done.stderr and 'Traceback' not in done.stderr


def test_a_request_never_answered_times_out_then_is_retried(aks, service):
    name = unique('h')
    _create(aks, name)
    service.clear_requests()
    service.fault(method='GET', path=EXTENSION_PATH.format(name), count=1, latency=3600)
    done = subprocess.run([aks.az, 'k8s-extension', 'show', *ARC, '-n', name, '-o', 'json'],
                          env=dict(aks.env, AKSEXT_READ_TIMEOUT='3'), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert '"provisioningState": "Succeeded"' in done.stdout


def test_a_wait_that_cannot_read_the_status_says_started_and_exits_4(aks, service):
    name = unique('h')
    service.fault(method='GET', path=POLL_PATH.format(name), count=1000, status=503)
    done = _create(aks, name, '--timeout', '8')
    service.clear_faults()
    assert done.returncode == EXIT_NOT_CONFIRMED, done.stderr
    assert 'was started' in done.stderr and 'may still be running' in done.stderr
    assert f'az k8s-extension wait -g {RG} -c demo-arc -n {name} --cluster-type connectedClusters --created' \
        in done.stderr and 'az k8s-extension show' in done.stderr
    assert 'Traceback' not in done.stderr
    waited = aks.run('k8s-extension', 'wait', *ARC, '-n', name, '--created', '--timeout', '60')
    assert waited.returncode == 0, waited.stderr  # nothing lost: the operation went on and succeeded
    assert _state(aks, name) == 'Succeeded'


def test_a_rejected_token_mid_wait_is_not_reported_as_a_failure(aks, service):
    name = unique('h')
    service.fault(method='GET', path=POLL_PATH.format(name), count=1000, status=401,
                  code='ExpiredAuthenticationToken', message='The access token expiry has passed.')
    done = _create(aks, name)
    service.clear_faults()
    assert done.returncode == EXIT_NOT_CONFIRMED, done.stderr
    assert 'was started' in done.stderr and 'Traceback' not in done.stderr


def test_a_throttling_storm_longer_than_the_retries_is_ridden_out(aks, service):
    name = unique('h')
    # Eight 429s in a row: more than one request's retries, well inside the wait's time budget.
    service.fault(method='GET', path=POLL_PATH.format(name), count=8, status=429, retry_after=1)
    done = _create(aks, name)
    assert done.returncode == 0, done.stderr
    assert _state(aks, name) == 'Succeeded'


def test_timeout_on_create_stops_waiting_and_exits_4(aks, service):
    name = unique('h')
    service.config(op_seconds=30)
    try:
        done = _create(aks, name, '--timeout', '2')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode == EXIT_NOT_CONFIRMED, done.stderr
    assert 'did not finish within --timeout 2s' in done.stderr


@pytest.mark.parametrize('verb,flag,value', [
    ('create', '--timeout', '0'), ('create', '--timeout', '-1'), ('update', '--timeout', 'nan'),
    ('delete', '--timeout', 'inf'), ('create', '--timeout', '1e9'), ('wait', '--interval', '1e-300'),
    ('wait', '--interval', '-1'), ('wait', '--timeout', '1e300')])
def test_absurd_waits_are_refused_before_anything_is_sent(aks, service, verb, flag, value):
    extra = {'create': ['--extension-type', 'microsoft.flux'], 'update': ['--config', 'a=1'],
             'delete': ['--yes'], 'wait': ['--created']}[verb]
    done = aks.run('k8s-extension', verb, *ARC, '-n', unique('h'), *extra, flag, value)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert flag in done.stderr and 'Traceback' not in done.stderr
    assert extension_requests(service) == []


def test_a_second_writer_while_the_first_runs_is_refused_and_the_first_kept(aks, service):
    name = unique('h')
    service.config(op_seconds=20)
    try:
        first = _create(aks, name, '--no-wait', '--config-protected', 'token=first')
        second = _create(aks, name, '--config-protected', 'token=second')
    finally:
        service.config(op_seconds=1.0)
    assert first.returncode == 0, first.stderr
    assert second.returncode == EXIT_REFUSED_OR_FAILED
    assert 'another operation on it is still running' in second.stderr and 'HTTP 409' in second.stderr
    assert 'second' not in second.stderr and 'Traceback' not in second.stderr
    puts = [r for r in extension_requests(service, 'PUT') if r['path'].endswith(name)]
    assert [r['status'] for r in puts] == [201, 409]
    assert _state(aks, name) == 'Creating'


def test_a_token_that_expires_mid_wait_is_renewed(aks, emulator, service, tmp_path):
    from arm_emulator.harness.azcli import AzCli
    name = unique('h')
    service.config(token_seconds=4)
    try:
        # A fresh login, so that every token this az holds lives 4 s while the operation takes 12 s.
        short = AzCli(emulator.endpoint, tmp_path / 'config', extension_dir=aks.extension_dir)
        short.login()
        service.config(op_seconds=12)
        service.clear_requests()
        done = short.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    finally:
        service.config(token_seconds=None, op_seconds=1.0)
    assert done.returncode == 0, done.stderr
    logged = service.requests()
    assert not [r for r in logged if r['status'] == 401]
    assert len([r for r in logged if r['path'].endswith('/oauth2/v2.0/token')]) >= 2
    assert _state(aks, name) == 'Succeeded'


def test_two_creates_at_once_one_wins_the_other_is_refused(aks, service):
    name = unique('h')
    service.config(op_seconds=5)
    try:
        # Two processes at once: each is waited for below.  pylint: disable-next=consider-using-with
        runs = [subprocess.Popen([aks.az, 'k8s-extension', 'create', *ARC, '-n', name, '--extension-type',
                                  'microsoft.flux', '--config-protected', 'token=' + secret, '-o', 'none'],
                                 env=aks.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for secret in ('alpha-secret', 'beta-secret')]
        results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    finally:
        service.config(op_seconds=1.0)
    codes = sorted(code for code, _ in results)
    assert codes == [0, EXIT_REFUSED_OR_FAILED], results
    refused = [stderr for code, stderr in results if code][0]
    assert 'another operation on it is still running' in refused and 'Nothing was changed' in refused
    assert 'secret' not in refused
    puts = [r for r in extension_requests(service, 'PUT') if r['path'].endswith(name)]
    assert sorted(r['status'] for r in puts) == [201, 409]
    assert _state(aks, name) == 'Succeeded'


def test_a_failed_operation_exits_1_and_masks_a_protected_value_the_service_echoes(aks, service):
    name = unique('h')
    service.fail_next_operation(name=name, code='InvalidConfiguration',
                                message="helm: value 'Sup3r-Secret-Value' for token is not valid")
    done = _create(aks, name, '--config-protected', 'token=Sup3r-Secret-Value')
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'ended Failed' in done.stderr and "value '***' for token" in done.stderr
    assert 'Sup3r-Secret-Value' not in done.stderr + done.stdout


def test_dev_stdin_with_stdin_closed_is_a_clear_error_and_nothing_is_sent(aks, service):
    name = unique('h')
    done = _shell(aks, ['k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux',
                        '--config-protected-file', '/dev/stdin'], '0<&-')
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert '/dev/stdin' in done.stderr and 'standard input, which is closed' in done.stderr
    assert 'Traceback' not in done.stderr
    assert extension_requests(service, 'PUT') == []


def test_a_fifo_nobody_writes_is_refused_in_bounded_time_and_nothing_is_sent(aks, service, tmp_path):
    fifo = tmp_path / 'settings-pipe'
    os.mkfifo(fifo)
    done = aks.run('k8s-extension', 'create', *ARC, '-n', unique('h'), '--extension-type', 'microsoft.flux',
                   '--config-file', fifo, timeout=120)  # the bound: this timeout, not a speed assertion
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'gave no end of data' in done.stderr and 'Traceback' not in done.stderr
    assert extension_requests(service, 'PUT') == []


def test_a_looping_next_link_stops_the_extension_types_list_too(aks, service):
    service.fault(method='GET', path=r'/locations/eastus/extensionTypes$', count=100, status=200,
                  body='{"value": [], "nextLink": "{self}"}')
    done = aks.run('k8s-extension', 'extension-types', 'list-by-location', '-l', 'eastus', timeout=120)
    assert done.returncode == EXIT_REFUSED_OR_FAILED
    assert 'already returned' in done.stderr and 'Traceback' not in done.stderr
