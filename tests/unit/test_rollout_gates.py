"""The gates of a rollout as pure logic: soak durations, pause points, the health gate, the journal's record of an
extension before a write, and what a rollback does to one cluster."""
import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_aksext.multicluster.gates import (DELETE, KEEP, REPORT, RESTORE, before_of, continue_command,
                                             health_error, parse_duration, pause_counts, rollback_decision)
from azext_aksext.multicluster.journal import ROLLBACK, ROLLOUT, SUBMITTING, SUCCEEDED, FileBackend, Journal
from azext_aksext.multicluster.plan import Desired
from azext_aksext.multicluster.rollback import RollbackDecider

CHANGE = Desired(name='flux', extension_type='microsoft.flux', version='1.16.2', release_train=None,
                 auto_upgrade=None, settings={'logLevel': 'debug'}, protected={}, scope=None,
                 release_namespace=None, target_namespace=None)


def extension(version='1.16.2', *, auto=False, settings=None, state='Succeeded', modified='2026-03-07T02:00:00Z',
              statuses=()):
    return {'extensionType': 'microsoft.flux', 'version': None if auto else version, 'currentVersion': version,
            'autoUpgradeMinorVersion': auto, 'releaseTrain': 'Stable', 'provisioningState': state,
            'configurationSettings': dict(settings if settings is not None else {'logLevel': 'debug'}),
            'statuses': list(statuses), 'systemData': {'lastModifiedAt': modified},
            'scope': {'cluster': {'releaseNamespace': 'flux-system'}}}


@pytest.mark.parametrize('text,seconds', [('0', 0), ('90', 90), ('30s', 30), ('10m', 600), ('1h', 3600),
                                          ('1h30m', 5400), ('2h15m10s', 8110), ('48h', 172800)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize('text', ['', 'ten', '10 m', '-5s', '1d', 's', '49h', '1.5h'])
def test_a_bad_duration_names_the_flag(text):
    with pytest.raises(InvalidArgumentValueError, match='--soak'):
        parse_duration(text)


def test_pause_points_are_counts_of_clusters_done():
    assert pause_counts(['canary', '50%', '3'], canary=1, total=10) == [(1, 'canary'), (3, '3'), (5, '50%')]
    assert pause_counts(['33%'], canary=1, total=10) == [(4, '33%')]     # rounded up: at least the share
    assert pause_counts(['100%', '10', 'canary'], canary=0, total=10) == []   # the end, or no canary wave
    assert pause_counts(['2', '2'], canary=1, total=5) == [(2, '2')]
    with pytest.raises(InvalidArgumentValueError, match='--pause-after'):
        pause_counts(['half'], canary=1, total=10)


def test_health_gate_wants_succeeded_without_an_error_status():
    assert health_error(extension()) is None
    assert 'Failed' in health_error(extension(state='Failed'))
    assert 'CrashLoop' in health_error(extension(statuses=[{'level': 'Error', 'message': 'CrashLoop'}]))
    assert health_error(extension(statuses=[{'level': 'Information', 'message': 'installing'}])) is None


def test_the_record_before_a_write_holds_what_a_rollback_restores_and_no_secrets():
    kept = before_of(dict(extension(version='1.15.1', settings={'a': '1'}),
                          configurationProtectedSettings={'token': 'secret'}))
    assert kept['version'] == '1.15.1' and kept['configurationSettings'] == {'a': '1'} and kept['exists']
    assert 'secret' not in repr(kept)
    assert before_of(None) == {'exists': False}
    assert before_of(extension(auto=True))['version'] is None   # auto-upgrade: no version to pin back


def test_rollback_restores_what_the_change_moved():
    before = before_of(extension(version='1.15.1', settings={'logLevel': 'info', 'other': 'x'}))
    now = extension(settings={'logLevel': 'debug', 'other': 'x'})
    step = rollback_decision(before, CHANGE, now, left='2026-03-07T02:00:00Z')
    assert step.action == RESTORE
    assert step.properties == {'version': '1.15.1', 'autoUpgradeMinorVersion': False,
                               'configurationSettings': {'logLevel': 'info'}}
    fresh = before_of(extension(version='1.16.2', auto=True, settings={}))
    step = rollback_decision(fresh, CHANGE, extension(), left='2026-03-07T02:00:00Z')
    assert step.properties == {'autoUpgradeMinorVersion': True, 'configurationSettings': {'logLevel': None}}


def test_rollback_deletes_what_the_rollout_created_and_leaves_others_changes():
    assert rollback_decision({'exists': False}, CHANGE, extension(), left='2026-03-07T02:00:00Z').action == DELETE
    assert rollback_decision({'exists': False}, CHANGE, None).action == KEEP
    later = extension(modified='2026-03-07T03:00:00Z')
    assert rollback_decision({'exists': False}, CHANGE, later, left='2026-03-07T02:00:00Z').action == REPORT
    before = before_of(extension(version='1.15.1', settings={}))
    assert rollback_decision(before, CHANGE, later, left='2026-03-07T02:00:00Z').action == REPORT
    assert rollback_decision(before, CHANGE, None).action == REPORT    # deleted since: not created again
    # Without the time the rollout left it, its values tell.
    assert rollback_decision(before, CHANGE, extension(version='1.14.0')).action == REPORT
    assert rollback_decision(before, CHANGE, extension()).action == RESTORE
    assert rollback_decision(before, CHANGE, extension(version='1.15.1', settings={})).action == KEEP


def test_the_command_to_go_on_masks_protected_values():
    command = continue_command(['k8s-extension', 'rollout', '-n', 'flux', '--config-protected-settings', 'token=s3',
                                'b=x y', '--pause-after', 'canary'], 'k8s-extension')
    assert 's3' not in command and 'token=' in command and command.endswith('--approve')
    assert "'b=<same value>'" in command
    assert continue_command(['k8s-extension', 'rollout', '--approve'], 'k8s-extension').count('--approve') == 1


CLUSTER = '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a'
HEADER = {'name': 'flux', 'extensionType': 'microsoft.flux', 'version': '1.16.2', 'settings': {},
          'targets': {'resourceGroup': 'g'}}


def test_the_journal_keeps_the_first_record_before_pauses_and_the_rollback_phase_apart(tmp_path):
    path = str(tmp_path / 'j.jsonl')
    first = Journal(FileBackend(path), dict(HEADER), {'token': 'tok-new-1'})
    first.record(CLUSTER, SUBMITTING, action='update', before=before_of(extension(version='1.15.1')))
    first.record(CLUSTER, SUBMITTING, action='update', before=before_of(extension()))   # a retry: not the first
    first.record(CLUSTER, SUCCEEDED, action='update', left='2026-03-07T02:00:00Z')
    first.gate('pause', ROLLOUT, 'canary', done=1)
    first.close()
    again = Journal(FileBackend(path), dict(HEADER), {'token': 'tok-old-1'}, existing=True, any_protected=True)
    assert again.before[CLUSTER.lower()]['version'] == '1.15.1' and again.left[CLUSTER.lower()]
    assert list(again.paused(ROLLOUT)) == ['canary'] and not again.paused(ROLLBACK)
    assert not again.same_protected({'token': 'tok-old-1'}) and again.same_protected({'token': 'tok-new-1'})
    again.gate('approve', ROLLOUT, 'canary')
    again.phase(ROLLBACK).record(CLUSTER, SUCCEEDED, action='update')
    assert again.last(CLUSTER)['status'] == SUCCEEDED and again.phase(ROLLBACK).last(CLUSTER)['phase'] == ROLLBACK
    assert not again.paused(ROLLOUT) and again.approved(ROLLOUT) == {'canary'}
    again.close()
    with open(path, encoding='utf-8') as handle:
        assert 'tok-' not in handle.read()   # protected values only as a salted digest
    with pytest.raises(Exception, match='holds no rollout of this change'):
        Journal(FileBackend(str(tmp_path / 'none.jsonl')), dict(HEADER), None, existing=True)


def test_a_rollback_sends_the_protected_values_given_when_they_are_not_the_changes():
    class Recorded:  # pylint: disable=too-few-public-methods
        before = {CLUSTER.lower(): before_of(extension(version='1.15.1'))}
        left = {CLUSTER.lower(): '2026-03-07T02:00:00Z'}

    class Row:  # pylint: disable=too-few-public-methods
        cluster_id = CLUSTER

    change = CHANGE._replace(protected={'token': 'tok-new-1'})
    decision, body = RollbackDecider(change, Recorded(), {'token': 'tok-old-1'}).decide(Row(), extension())
    assert decision.action == 'update'
    assert body['properties']['configurationProtectedSettings'] == {'token': 'tok-old-1'}
    decision, body = RollbackDecider(change, Recorded(), None).decide(Row(), extension())
    assert 'configurationProtectedSettings' not in body['properties'] and 'protected settings' in decision.reason
