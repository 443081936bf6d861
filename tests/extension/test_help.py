"""Every command has help with at least two examples, and lists every flag the official tools have, with text."""
import re

import pytest
import yaml

from .helpers import run_batch

K8S_COMMON = ['--resource-group', '-g', '--cluster-name', '-c', '--cluster-type', '-t', '--cluster-resource-provider',
              '--cluster-rp', '--name', '-n']
VERSION_FLAGS = ['--auto-upgrade-minor-version', '--auto-upgrade', '--version', '--release-train']
SETTINGS_FLAGS = ['--configuration-settings', '--config', '--config-protected-settings', '--config-protected',
                  '--config-settings-file', '--config-file', '--config-protected-settings-file',
                  '--config-protected-file']
CREATE_FLAGS = ['--extension-type', '--scope', '--release-namespace', '--target-namespace', '--plan-name',
                '--plan-product', '--plan-publisher', '--no-wait', '--yes', '--timeout']
EXPECTED_FLAGS = {
    'k8s-extension create': K8S_COMMON + CREATE_FLAGS + VERSION_FLAGS + SETTINGS_FLAGS,
    'k8s-extension update': K8S_COMMON + VERSION_FLAGS + SETTINGS_FLAGS + ['--no-wait', '--yes', '--ids', '--timeout'],
    'k8s-extension delete': K8S_COMMON + ['--force', '--no-wait', '--yes', '--ids', '--timeout'],
    'k8s-extension show': K8S_COMMON + ['--ids'],
    'k8s-extension list': ['--resource-group', '--cluster-name', '--cluster-type', '--cluster-resource-provider'],
    'k8s-extension wait': K8S_COMMON + ['--created', '--updated', '--deleted', '--exists', '--custom', '--interval',
                                        '--timeout', '--ids'],
    'aks extension create': (['--resource-group', '--cluster-name', '--name', '--extension-type', '-t'] +
                             CREATE_FLAGS[1:] + VERSION_FLAGS + SETTINGS_FLAGS),
    'aks extension update': (['--resource-group', '--cluster-name', '--name'] + VERSION_FLAGS + SETTINGS_FLAGS +
                             ['--no-wait', '--yes', '--ids']),
    'aks extension delete': ['--resource-group', '--cluster-name', '--name', '--force', '--no-wait', '--yes', '--ids'],
    'aks extension show': ['--resource-group', '--cluster-name', '--name', '--ids'],
    'aks extension list': ['--resource-group', '--cluster-name'],
    'aks extension wait': ['--created', '--updated', '--deleted', '--exists', '--custom', '--interval', '--timeout'],
    'k8s-extension rollout': ['--name', '--extension-type', '--clusters', '--resource-group', '--tags',
                              '--subscriptions', '--cluster-type', '--only', '--dry-run', '--canary', '--max-parallel',
                              '--max-failures', '--journal'] + VERSION_FLAGS + SETTINGS_FLAGS,
    'k8s-extension troubleshoot': ['--name', '-n', '--namespace-list', '--kube-config', '--kube-context',
                                   '--skip-ssl-verification', '--resource-group', '--cluster-name', '--cluster-type',
                                   '--ids'],
    'aks extension troubleshoot': ['--resource-group', '--cluster-name', '--name', '--namespace-list', '--kube-config',
                                   '--kube-context', '--skip-ssl-verification', '--ids'],
    'aks extension rollout': ['--name', '--extension-type', '-t', '--clusters', '--dry-run', '--max-parallel',
                              '--max-failures', '--journal'] + VERSION_FLAGS + SETTINGS_FLAGS,
}
TYPE_COMMANDS = ['k8s-extension extension-types ' + verb.format(place) for verb in (
    'list-by-{}', 'show-by-{}', 'list-versions-by-{}', 'show-version-by-{}') for place in ('location', 'cluster')]
TYPE_COMMANDS += ['aks extension type list', 'aks extension type show', 'aks extension type version list',
                  'aks extension type version show']
# The hidden spellings of older releases have help too.
TYPE_COMMANDS += ['k8s-extension extension-types ' + verb for verb in ('show', 'list', 'list-versions')]
ALL_COMMANDS = list(EXPECTED_FLAGS) + TYPE_COMMANDS


@pytest.fixture(scope='module')
def help_pages(aks):
    results = run_batch(aks, [command.split() + ['-h'] for command in ALL_COMMANDS])
    return {command: result['stdout'] for command, result in zip(ALL_COMMANDS, results)}


@pytest.mark.parametrize('command', ALL_COMMANDS)
def test_every_command_has_two_examples(command):
    from azext_aksext._help import helps
    assert len(yaml.safe_load(helps[command]).get('examples') or []) >= 2


@pytest.mark.parametrize('command', list(EXPECTED_FLAGS))
def test_help_lists_every_flag_with_text(help_pages, command):
    page = help_pages[command]
    options = {}
    for line in page.splitlines():
        match = re.match(r'^\s{4}((?:--?[\w-]+\s?)+)\s*(?:\[Required\])?\s*:\s*(.*)$', line)
        if match:
            for flag in match.group(1).split():
                options[flag] = match.group(2).strip()
    missing = [flag for flag in EXPECTED_FLAGS[command] if flag not in options]
    assert missing == [], page
    assert all(options[flag] for flag in EXPECTED_FLAGS[command]), page
