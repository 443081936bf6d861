"""Waiting for long-running operations: the poll schedule, Retry-After, progress output, failures and Ctrl-C.

Intervals are read from the emulator's request timestamps, with wide margins: these check which schedule is
followed, not how fast anything is (that is `make bench`)."""
import os
import pty
import select
import signal
import subprocess
import time

from .helpers import RG, extension_requests, unique

ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']
SPINNER_CHARACTERS = set('⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏|/\\\r')


def _poll_times(service, name):
    put = [r['time'] for r in extension_requests(service, 'PUT') if r['path'].endswith(name)]
    polls = [r['time'] for r in service.requests() if f'/extensions/{name}/operations/' in r['path']]
    return put + polls


def _gaps(times):
    return [later - earlier for earlier, later in zip(times, times[1:])]


def test_without_retry_after_polls_every_half_second_then_a_fifth_of_the_time_waited(aks, service):
    name = unique('w')
    service.config(op_seconds=6.5)
    try:
        done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode == 0, done.stderr
    times = _poll_times(service, name)
    gaps = _gaps(times)
    # One check right after the PUT (a fast operation is done at once), then every 0.5 s, then a fifth of the
    # time waited so far: 0.5, 0.5, ... 0.6, 0.72, 0.86 ...
    assert gaps[0] < 0.5 and 8 <= len(gaps) <= 16, gaps
    for started, gap in zip(times[1:], gaps[1:]):
        assert 0.45 <= gap <= max(0.5, 0.2 * (started - times[1])) + 0.6, gaps
    assert times[-1] - times[0] <= 6.5 * 1.2 + 0.6, gaps  # its end seen within a fifth of its duration


def test_retry_after_from_the_service_wins(aks, service):
    name = unique('w')
    service.config(op_seconds=5.0, retry_after=3)
    try:
        done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux')
    finally:
        service.config(op_seconds=1.0, retry_after=None)
    assert done.returncode == 0, done.stderr
    gaps = _gaps(_poll_times(service, name))
    # Retry-After: 3 on the PUT and on every running poll: no schedule of its own in between.
    assert len(gaps) == 2 and all(2.8 <= gap <= 4.0 for gap in gaps), gaps


def test_non_interactive_run_has_no_spinner_and_verbose_logs_each_state_once(aks, service):
    name = unique('w')
    service.config(op_seconds=2.5)
    try:
        quiet = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux',
                        '-o', 'none')
        verbose = aks.run('k8s-extension', 'update', *ARC, '-n', name, '--config', 'a=1', '--verbose', '-o', 'none')
    finally:
        service.config(op_seconds=1.0)
    assert quiet.returncode == 0 and quiet.stderr == ''
    assert verbose.returncode == 0, verbose.stderr
    assert not SPINNER_CHARACTERS & set(quiet.stderr + verbose.stderr)
    states = [line for line in verbose.stderr.splitlines() if line.startswith(f"INFO: Updating '{name}'")]
    assert [line.split(': ')[2].split(' after')[0] for line in states] == ['Updating', 'Succeeded'], states


def _create_on_a_terminal(aks, service, name, disable_progress_bar):
    service.config(op_seconds=2.5)
    master, slave = pty.openpty()
    env = dict(aks.env, AZURE_CORE_DISABLE_PROGRESS_BAR=disable_progress_bar)
    try:
        with subprocess.Popen([aks.az, 'k8s-extension', 'create', *ARC, '-n', name, '--extension-type',
                               'microsoft.flux', '-o', 'none'], env=env, stdin=slave, stdout=slave,
                              stderr=slave) as process:
            os.close(slave)
            screen = _read_all(master, process)
    finally:
        service.config(op_seconds=1.0)
        os.close(master)
    assert process.returncode == 0, screen
    return screen


def test_terminal_gets_one_live_line_with_state_and_elapsed_time(aks, service):
    """az's own progress line (its spinner), as every long-running az command shows it."""
    name = unique('w')
    screen = _create_on_a_terminal(aks, service, name, 'false')
    assert f"Creating '{name}': Creating (" in screen
    assert screen.count('\n') <= 1  # updated in place, not one line per poll


def test_terminal_line_follows_azs_disable_progress_bar_setting(aks, service):
    name = unique('w')
    screen = _create_on_a_terminal(aks, service, name, 'true')
    assert f"Creating '{name}'" not in screen and screen.count('\n') <= 1


def _read_all(master, process, limit=60):
    chunks, deadline = [], time.time() + limit
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    return b''.join(chunks).decode(errors='replace')


def test_failed_operation_shows_code_message_and_every_status(aks, service):
    name = unique('w')
    service.fail_next_operation(name=name, code='ExtensionOperationFailed', message='helm install: timed out')
    done = aks.run('aks', 'extension', 'create', '-g', RG, '-c', 'demo-aks', '-n', name, '-t', 'microsoft.flux')
    assert done.returncode == 1
    assert '(ExtensionOperationFailed) helm install: timed out' in done.stderr
    assert 'Status InstallationFailed: helm install: timed out' in done.stderr
    assert 'ended Failed' in done.stderr


def test_ctrl_c_while_waiting_exits_130_and_says_how_to_follow(aks, service):
    name = unique('w')
    service.config(op_seconds=30)
    try:
        with subprocess.Popen([aks.az, 'k8s-extension', 'create', *ARC, '-n', name, '--extension-type',
                               'microsoft.flux'], env=aks.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            deadline = time.time() + 30
            while time.time() < deadline and not any('/operations/' in r['path'] and name in r['path']
                                                     for r in service.requests()):
                time.sleep(0.2)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
    finally:
        service.config(op_seconds=1.0)
    assert process.returncode == 130, stderr
    assert 'goes on in Azure' in stderr
    assert f'az k8s-extension wait -g {RG} -c demo-arc -n {name} --cluster-type connectedClusters --created' in stderr
    assert 'Traceback' not in stderr


def test_status_messages_show_as_they_appear_when_watching(aks, service):
    name = unique('w')
    service.config(op_seconds=2.5)
    service.fail_next_operation(name=name, code='InstallationFailed', message='pod crash-looping',
                                progress=['Pulling chart microsoft.flux', 'Installing release'])
    try:
        done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux', '--verbose')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    pulled = [i for i, line in enumerate(lines) if line.endswith(f"'{name}': Pulling chart microsoft.flux")]
    failed = [i for i, line in enumerate(lines) if 'Status InstallationFailed: pod crash-looping' in line]
    assert len(pulled) == 1 and failed and pulled[0] < failed[0], done.stderr


def test_unwatched_wait_reads_the_extension_once_at_the_end(aks, service):
    name = unique('w')
    service.config(op_seconds=2.5)
    try:
        done = aks.run('k8s-extension', 'create', *ARC, '-n', name, '--extension-type', 'microsoft.flux', '-o', 'none')
    finally:
        service.config(op_seconds=1.0)
    assert done.returncode == 0, done.stderr
    polls = [r for r in service.requests() if f'/extensions/{name}/operations/' in r['path']]
    # Create first asks whether the extension exists (404); after that, one read at the end.
    reads = [r for r in extension_requests(service, 'GET') if r['path'].endswith('/extensions/' + name)
             and r['status'] != 404]
    assert len(polls) >= 3 and len(reads) == 1
