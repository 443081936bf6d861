"""Malformed invocations across the commands: each ends in a typed az error that names the flag or file, exits 1
or 2, shows no traceback, and sends nothing to the service."""
from collections import defaultdict

import pytest

from .helpers import run_batch

K8S = ['k8s-extension']
AKS = ['aks', 'extension']
TARGET = ['-g', 'rg1', '-c', 'c1', '-n', 'ext1']
K8S_TARGET = TARGET + ['-t', 'managedClusters']
K8S_CREATE = K8S + ['create'] + K8S_TARGET + ['--extension-type', 'microsoft.flux']
AKS_CREATE = AKS + ['create'] + TARGET + ['-t', 'microsoft.flux']
K8S_UPDATE = K8S + ['update'] + K8S_TARGET
AKS_UPDATE = AKS + ['update'] + TARGET
ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1'
ROLLOUT = K8S + ['rollout', '-g', 'rg1', '-n', 'flux', '--extension-type', 'microsoft.flux']


def _files(folder):
    """Settings files that are wrong in every way a user manages to make them wrong."""
    contents = {
        'empty.json': b'', 'blank.yaml': b'  \n\n', 'binary.json': b'{"a": "\x00\x01"}',
        'latin1.yaml': 'k: caf\xe9'.encode('latin-1'), 'broken.json': b'{"a": "1",\n "b": }',
        'broken.yaml': b'a: 1\nb: [unclosed\n', 'list.json': b'["a=1"]', 'list.yaml': b'- a\n- b\n',
        'null.json': b'{"a": null}', 'listvalue.yaml': b'tolerations:\n  - a\n  - b\n',
        'nested-null.yaml': b'a:\n  b: ~\n', 'scalar.yaml': b'hello\n', 'empty-map.yaml': b'a: {}\n',
        'huge.yaml': b'k: ' + b'x' * (10 * 1024 * 1024) + b'\n', 'ok.json': b'{"a": "1"}',
    }
    paths = {}
    for name, data in contents.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = str(path)
    paths['missing'] = str(folder / 'no-such-file.json')
    paths['directory'] = str(folder)
    return paths


def _cases(f):
    """(id, command line, az error type, text the message must contain)."""
    return [
        # rollout gates
        ('soak-not-a-duration', ROLLOUT + ['--soak', '10 minutes'], 'InvalidArgumentValueError', '--soak'),
        ('soak-too-long', ROLLOUT + ['--soak', '49h'], 'InvalidArgumentValueError', 'longer than 48 hours'),
        ('pause-after-zero', ROLLOUT + ['--pause-after', '0'], 'InvalidArgumentValueError', '--pause-after'),
        ('pause-after-percent', AKS + ['rollout', '-g', 'rg1', '-n', 'flux', '--pause-after', 'canary',
                                       '--pause-after', '150%'], 'InvalidArgumentValueError', '--pause-after'),
        ('approve-dry-run', ROLLOUT + ['--approve', '--dry-run'], 'MutuallyExclusiveArgumentError', '--approve'),
        ('window-day', ROLLOUT + ['--window', 'Funday 02:00-04:00'], 'InvalidArgumentValueError', '--window'),
        ('window-too-long', ROLLOUT + ['--window', 'Sat 02:00+9d'], 'InvalidArgumentValueError', 'at most 7 days'),
        ('window-ignored', ROLLOUT + ['--ignore-windows', '--window', 'Sat 02:00+4h'],
         'MutuallyExclusiveArgumentError', '--ignore-windows'),
        ('rollback-on-failure', ROLLOUT + ['--rollback', '--on-failure', 'rollback'],
         'MutuallyExclusiveArgumentError', '--on-failure'),
        ('maintenance-config-empty', ROLLOUT + ['--maintenance-config', ' '], 'InvalidArgumentValueError',
         '--maintenance-config'),
        # key=value
        ('pair-no-equals', K8S_CREATE + ['--configuration-settings', 'a'], 'InvalidArgumentValueError',
         "'a' has no '='"),
        ('pair-empty-key', K8S_CREATE + ['--configuration-settings', '=v'], 'InvalidArgumentValueError', 'empty key'),
        ('protected-no-equals', K8S_CREATE + ['--config-protected-settings', 'secret'], 'InvalidArgumentValueError',
         '--config-protected-settings'),
        ('aks-pair-no-equals', AKS_CREATE + ['--config', 'k'], 'InvalidArgumentValueError', "'k' has no '='"),
        ('update-pair-no-equals', K8S_UPDATE + ['--config', 'x'], 'InvalidArgumentValueError', "'x' has no '='"),
        ('bare-setting-argument', K8S_CREATE + ['openshift=True'], 'UnrecognizedArgumentError', 'openshift=True'),
        # a flag and its file twin
        ('settings-and-file', K8S_CREATE + ['--config', 'a=1', '--config-file', f['ok.json']],
         'MutuallyExclusiveArgumentError', '--config-settings-file'),
        ('protected-and-file', K8S_CREATE + ['--config-protected', 'a=1', '--config-protected-file', f['ok.json']],
         'MutuallyExclusiveArgumentError', '--config-protected-settings-file'),
        ('update-settings-and-file', AKS_UPDATE + ['--configuration-settings', 'a=1', '--config-file', f['ok.json']],
         'MutuallyExclusiveArgumentError', '--configuration-settings'),
        # settings files
        ('file-missing', K8S_CREATE + ['--config-file', f['missing']], 'FileOperationError', 'does not exist'),
        ('file-is-directory', K8S_CREATE + ['--config-file', f['directory']], 'FileOperationError', 'not a file'),
        ('file-empty', K8S_CREATE + ['--config-file', f['empty.json']], 'InvalidArgumentValueError', 'is empty'),
        ('file-blank', AKS_CREATE + ['--config-file', f['blank.yaml']], 'InvalidArgumentValueError', 'is empty'),
        ('file-binary', K8S_CREATE + ['--config-file', f['binary.json']], 'InvalidArgumentValueError', 'binary'),
        ('file-not-utf8', K8S_CREATE + ['--config-file', f['latin1.yaml']], 'InvalidArgumentValueError', 'not UTF-8'),
        ('file-bad-json', K8S_CREATE + ['--config-file', f['broken.json']], 'InvalidArgumentValueError', 'line 2'),
        ('file-bad-yaml', K8S_CREATE + ['--config-file', f['broken.yaml']], 'InvalidArgumentValueError',
         'not valid YAML'),
        ('file-json-list', K8S_CREATE + ['--config-file', f['list.json']], 'InvalidArgumentValueError', 'a list'),
        ('file-yaml-list', AKS_CREATE + ['--config-file', f['list.yaml']], 'InvalidArgumentValueError', 'a list'),
        ('file-null-value', K8S_CREATE + ['--config-file', f['null.json']], 'InvalidArgumentValueError', "'a'"),
        ('file-list-value', K8S_CREATE + ['--config-file', f['listvalue.yaml']], 'InvalidArgumentValueError',
         "'tolerations'"),
        ('file-nested-null', K8S_CREATE + ['--config-file', f['nested-null.yaml']], 'InvalidArgumentValueError',
         "'a.b'"),
        ('file-scalar', K8S_CREATE + ['--config-file', f['scalar.yaml']], 'InvalidArgumentValueError', 'not a mapping'),
        ('file-empty-mapping', K8S_CREATE + ['--config-file', f['empty-map.yaml']], 'InvalidArgumentValueError',
         'empty mapping'),
        ('file-10mb', K8S_CREATE + ['--config-file', f['huge.yaml']], 'FileOperationError', 'larger than'),
        ('protected-file-bad-json', K8S_CREATE + ['--config-protected-file', f['broken.json']],
         'InvalidArgumentValueError', '--config-protected-settings-file'),
        ('update-protected-file-missing', K8S_UPDATE + ['--config-protected-file', f['missing']],
         'FileOperationError', 'no-such-file.json'),
        # names
        ('name-illegal', K8S + ['create', '-g', 'rg1', '-c', 'c1', '-t', 'managedClusters', '-n', 'bad name!',
                                '--extension-type', 'microsoft.flux'], 'InvalidArgumentValueError', '--name/-n'),
        ('name-too-long', AKS + ['show', '-g', 'rg1', '-c', 'c1', '-n', 'a' * 300], 'InvalidArgumentValueError',
         'at most 253'),
        ('cluster-illegal', K8S + ['show', '-g', 'rg1', '-c', 'c@1', '-n', 'e', '-t', 'managedClusters'],
         'InvalidArgumentValueError', '--cluster-name/-c'),
        ('group-illegal', AKS + ['list', '-g', 'rg!', '-c', 'c1'], 'InvalidArgumentValueError', '--resource-group'),
        ('group-is-id', K8S + ['show', '-g', ARM_ID, '-c', 'c1', '-n', 'e', '-t', 'managedClusters'],
         'InvalidArgumentValueError', '--ids'),
        ('cluster-is-id', AKS + ['show', '-g', 'rg1', '-c', ARM_ID + '/providers/x/y/c1', '-n', 'e'],
         'InvalidArgumentValueError', '--ids'),
        ('aks-group-is-id', AKS + ['delete', '-g', ARM_ID, '-c', 'c1', '-n', 'e', '--yes'],
         'InvalidArgumentValueError', '--ids'),
        ('extension-type-illegal', K8S + ['create'] + K8S_TARGET + ['--extension-type', 'bad type'],
         'InvalidArgumentValueError', '--extension-type'),
        ('release-namespace-illegal', K8S_CREATE + ['--release-namespace', 'Bad_NS'], 'InvalidArgumentValueError',
         '--release-namespace'),
        ('target-namespace-illegal', K8S_CREATE + ['--target-namespace', 'UPPER'], 'InvalidArgumentValueError',
         '--target-namespace'),
        ('version-illegal', K8S_CREATE + ['--version', '1.0 beta'], 'InvalidArgumentValueError', '--version'),
        ('train-illegal', K8S_UPDATE + ['--release-train', 'stable!'], 'InvalidArgumentValueError',
         '--release-train'),
        # cluster types and resource providers
        ('cluster-type-unknown', K8S + ['create', '-g', 'rg1', '-c', 'c1', '-n', 'e', '-t', 'bogus',
                                        '--extension-type', 'x'], 'InvalidArgumentValueError', '--cluster-type'),
        ('cluster-type-unknown-show', K8S + ['show'] + TARGET + ['--cluster-type', 'kubernetes'],
         'InvalidArgumentValueError', '--cluster-type'),
        ('cluster-type-missing', K8S + ['show'] + TARGET, 'RequiredArgumentMissingError', '--cluster-type'),
        ('provisioned-needs-rp', K8S + ['show'] + TARGET + ['-t', 'provisionedClusters'],
         'RequiredArgumentMissingError', '--cluster-resource-provider'),
        ('aks-with-arc-rp', K8S + ['show'] + TARGET + ['-t', 'managedClusters', '--cluster-rp', 'Microsoft.Kubernetes'],
         'InvalidArgumentValueError', 'Microsoft.ContainerService'),
        ('arc-with-aks-rp', K8S + ['list', '-g', 'rg1', '-c', 'c1', '-t', 'connectedClusters',
                                   '--cluster-resource-provider', 'Microsoft.ContainerService'],
         'InvalidArgumentValueError', 'Microsoft.Kubernetes'),
        ('provisioned-wrong-rp', K8S + ['delete'] + TARGET + ['-t', 'provisionedClusters', '--cluster-rp',
                                                              'Microsoft.Kubernetes', '--yes'],
         'InvalidArgumentValueError', 'Microsoft.HybridContainerService'),
        # conflicting flags
        ('version-and-autoupgrade', K8S_CREATE + ['--version', '1.0.0', '--auto-upgrade', 'true'],
         'MutuallyExclusiveArgumentError', '--version'),
        ('update-version-and-autoupgrade', K8S_UPDATE + ['--version', '1.0.0', '--auto-upgrade-minor-version', 'true'],
         'MutuallyExclusiveArgumentError', '--auto-upgrade-minor-version'),
        ('aks-version-and-autoupgrade', AKS_CREATE + ['--version', '1.0.0', '--auto-upgrade', 'true'],
         'MutuallyExclusiveArgumentError', '--version'),
        ('both-namespaces', K8S_CREATE + ['--release-namespace', 'a', '--target-namespace', 'b'],
         'MutuallyExclusiveArgumentError', '--target-namespace'),
        ('cluster-scope-target-namespace', AKS_CREATE + ['--scope', 'cluster', '--target-namespace', 'b'],
         'ArgumentUsageError', '--target-namespace'),
        ('namespace-scope-release-namespace', K8S_CREATE + ['--scope', 'namespace', '--release-namespace', 'a'],
         'ArgumentUsageError', '--release-namespace'),
        ('namespace-scope-needs-target', K8S_CREATE + ['--scope', 'namespace'], 'RequiredArgumentMissingError',
         '--target-namespace'),
        ('plan-name-only', K8S_CREATE + ['--plan-name', 'p'], 'RequiredArgumentMissingError', '--plan-publisher'),
        ('plan-two-of-three', AKS_CREATE + ['--plan-name', 'p', '--plan-product', 'o'],
         'RequiredArgumentMissingError', '--plan-publisher'),
        ('wait-no-condition', K8S + ['wait'] + K8S_TARGET, 'ArgumentUsageError', '--created'),
        ('wait-two-conditions', AKS + ['wait'] + TARGET + ['--created', '--deleted'], 'ArgumentUsageError',
         '--deleted'),
        ('wait-zero-timeout', AKS + ['wait'] + TARGET + ['--created', '--timeout', '0'], 'InvalidArgumentValueError',
         '--timeout'),
        ('wait-negative-interval', K8S + ['wait'] + K8S_TARGET + ['--exists', '--interval', '-1'],
         'InvalidArgumentValueError', '--interval'),
        # invalid enum values
        ('scope-unknown', K8S_CREATE + ['--scope', 'global'], 'InvalidArgumentValueError', '--scope'),
        ('autoupgrade-not-boolean', AKS_CREATE + ['--auto-upgrade', 'maybe'], 'InvalidArgumentValueError',
         '--auto-upgrade'),
        # missing required flags
        ('create-no-type', K8S + ['create'] + K8S_TARGET, 'RequiredArgumentMissingError', '--extension-type'),
        ('aks-create-no-type', AKS + ['create'] + TARGET, 'RequiredArgumentMissingError', '--extension-type'),
        ('create-no-name', K8S + ['create', '-g', 'rg1', '-c', 'c1', '-t', 'managedClusters', '--extension-type', 'x'],
         'RequiredArgumentMissingError', '--name'),
        # Commands that take --ids get their required-argument check from az itself.
        ('show-no-cluster', AKS + ['show', '-g', 'rg1', '-n', 'e'], 'UnclassifiedUserFault', '--cluster-name'),
        ('delete-no-name', K8S + ['delete', '-g', 'rg1', '-c', 'c1', '-t', 'managedClusters', '--yes'],
         'UnclassifiedUserFault', '--name'),
        # Without --cluster-name, list covers every cluster in scope; with it, the group is needed.
        ('list-cluster-no-group', K8S + ['list', '-c', 'c1', '-t', 'managedClusters'], 'RequiredArgumentMissingError',
         '--resource-group'),
    ]


@pytest.fixture(scope='module')
def outcomes(aks, emulator, tmp_path_factory):
    cases = _cases(_files(tmp_path_factory.mktemp('settings-files')))
    emulator.admin.clear_requests()
    results = run_batch(aks, [args for _, args, _, _ in cases])
    received = emulator.admin.requests()
    return {case[0]: (case, result) for case, result in zip(cases, results)}, received


def test_corpus_is_large(outcomes):
    assert len(outcomes[0]) >= 60


def test_no_request_reached_the_service(outcomes):
    _, received = outcomes
    assert [(r['method'], r['path']) for r in received] == []


@pytest.mark.parametrize('case_id', [case[0] for case in _cases(defaultdict(str))])
def test_bad_input_is_a_typed_error(outcomes, case_id):
    (_, _, error_type, fragment), result = outcomes[0][case_id]
    everything = result['stdout'] + result['stderr']
    assert result['exit_code'] in (1, 2), everything
    assert result['error_type'] == error_type, everything
    assert fragment in result['error_message'] + ' '.join(result['recommendations']), everything
    assert 'Traceback' not in everything
    assert result['stdout'] == ''
