"""Replaying the official tool's own recordings with aksext installed in its place, as a team that recorded its
sessions with k8s-extension would after switching.

The cassettes are the ones in ../shared/reference-traffic/k8s-extension (real Azure traffic recorded by the
official tool; SCENARIOS.md there says what each holds). They are read at run time, never copied into the project,
and rewritten in memory only where a recording's versions are older than what is sent today:

- the extensions and extension types api-versions of the 2023 recordings become those of the newest official tool
  (the extensions SDK's 2025-03-01, the extension types API's 2024-11-01-preview), which aksext sends too;
- the resource provider lookup goes through az's own resource client, so its api-version is the installed
  azure-cli's, whichever tool makes it.

Everything else (paths, queries, answers) is played as recorded, by azure-cli-testsdk's own player. The scenarios
run in a pytest process of their own (see harness.py), under the aksext.extra_reads switch the environment gives.
"""
import logging
import os
import re
from collections import namedtuple
from pathlib import Path

from tests.recording.harness import ROOT, scenario_test_base

REFERENCE = ROOT.parent / 'shared' / 'reference-traffic' / 'k8s-extension'

# The environment variable az maps to `az config set aksext.extra_reads=...`.
SWITCH = 'AZURE_AKSEXT_EXTRA_READS'

EXTENSIONS_API = '2025-03-01'
EXTENSION_TYPES_API = '2024-11-01-preview'
# (pattern in a request's query or an Azure-AsyncOperation URL, replacement)
_REWRITES = (
    (re.compile(r'(?i)(api-version=)2023-05-01-preview\b'), r'\g<1>' + EXTENSION_TYPES_API),
    (re.compile(r'(?i)(api-version=)2023-05-01(?![-\w])'), r'\g<1>' + EXTENSIONS_API),
)
_PROVIDER_LOOKUP = re.compile(r'(?i)(/providers/Microsoft\.KubernetesConfiguration\?api-version=)[\w-]+')

# One az command of a scenario: the requests the player refused while it ran, and aksext's warnings.
Command = namedtuple('Command', 'line refused warnings')


def available():
    return REFERENCE.is_dir()


def resources_api_version():
    """The api-version az's resource client (providers, generic resources) sends in this azure-cli."""
    from azure.cli.core.mock import DummyCli
    from azure.cli.core.profiles import ResourceType, get_api_version
    return get_api_version(DummyCli(), ResourceType.MGMT_RESOURCE_RESOURCES)


def rewrite(text):
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return _PROVIDER_LOOKUP.sub(r'\g<1>' + resources_api_version(), text)


class ReadOnlyRewritingPersister:
    """vcrpy persister: loads a reference cassette rewritten in memory; never writes one."""

    @staticmethod
    def load_cassette(cassette_path, serializer):
        from vcr.serialize import deserialize
        return deserialize(rewrite(Path(cassette_path).read_text(encoding='utf-8')), serializer)

    @staticmethod
    def save_cassette(cassette_path, cassette_dict, serializer):
        raise AssertionError(f'a reference cassette is never written ({cassette_path}, {serializer})')


def extra_reads_on():
    return os.environ.get(SWITCH, 'true').strip().lower() not in ('false', 'no', 'off', '0')


def _below_providers(uri):
    """A request's path below its last /providers/ segment, without the query: what the checks name."""
    return uri.split('?', 1)[0].rsplit('/providers/', 1)[-1]


class Seen(logging.Handler):
    """What a scenario's commands did: the recorded interactions played (their indexes, in the order played), the
    requests the player refused, the warnings aksext logged, and per command (`Command`) what it refused and said."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.played, self.refused, self.warnings, self.commands = [], [], [], []

    def emit(self, record):
        self.warnings.append(record.getMessage())


def official_test_base():
    class OfficialReplayTest(scenario_test_base()):
        """aksext's ScenarioTest (the built wheel as the extension under test, replay with no login), playing a
        reference cassette.

        Beyond the official test's own checks, after the scenario: every recorded interaction was played, once and
        in the recorded order (aksext made every request the official tool made, in its order); with the switch
        off, nothing else was asked; with it on, each command asked at most one request the recording does not
        hold (one of aksext's own reads), said so in one warning, and went on."""

        CASSETTE = None  # the reference file this scenario plays

        def __init__(self, method_name, **kwargs):
            super().__init__(method_name, **kwargs)
            if self.is_live:
                raise RuntimeError('the official recordings are replay-only')
            self.recording_file = str(REFERENCE / (self.CASSETTE or 'none.yaml'))
            self.in_recording = False
            self.vcr.register_persister(ReadOnlyRewritingPersister)
            self.seen = Seen()

        def setUp(self):
            if not Path(self.recording_file).is_file():
                self.skipTest(f'no reference recording {self.recording_file}')
            super().setUp()
            self._watch_player()
            logging.getLogger('cli.azext_aksext').addHandler(self.seen)
            self.addCleanup(logging.getLogger('cli.azext_aksext').removeHandler, self.seen)

        def _watch_player(self):
            cassette, played, refused = self.cassette, self.seen.played, self.seen.refused
            can_play, play = cassette.can_play_response_for, cassette.play_response

            def can_play_response_for(request):
                answer = can_play(request)
                if not answer:
                    refused.append(f'{request.method} {_below_providers(request.uri)}')
                return answer

            def play_response(request):
                before = dict(cassette.play_counts)
                response = play(request)
                played.extend(index for index, count in cassette.play_counts.items() if count != before.get(index))
                return response

            cassette.can_play_response_for, cassette.play_response = can_play_response_for, play_response

        def cmd(self, command, checks=None, expect_failure=False):
            seen = self.seen
            refused, warned = len(seen.refused), len(seen.warnings)
            try:
                return super().cmd(command, checks=checks, expect_failure=expect_failure)
            finally:
                seen.commands.append(Command(command, seen.refused[refused:], seen.warnings[warned:]))

        def assert_refused_reads(self, *requests):
            """With the switch on, the last command's requests the recording does not hold are these reads of
            aksext's own ('GET <path below /providers/>'), each said in one warning; with it off, there are none."""
            last = self.seen.commands[-1]
            expected = list(requests) if extra_reads_on() else []
            self.assertEqual(last.refused, expected, last.line)
            self.assertEqual(len([text for text in last.warnings if text.startswith('Could not')]), len(expected),
                             last.warnings)

        def tearDown(self):
            super().tearDown()  # the wheel was the extension under test; every recorded request was made
            name = os.path.basename(self.recording_file)
            played = self.seen.played
            self.assertEqual(played, sorted(played), f'the requests of {name} were made in another order')
            for command in self.seen.commands:
                refused = [request for request in command.refused if not extra_reads_on() or
                           not request.startswith(('GET ', 'HEAD '))]
                self.assertEqual(refused, [], f'{command.line}: requests the official tool does not make')
                self.assertLessEqual(len(command.refused), 1, f'{command.line}: reads after one went unanswered')

    return OfficialReplayTest
