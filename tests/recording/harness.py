"""What the recorded scenario tests share: the base class, the recording processors that make cassettes safe to
commit and replayable anywhere, installing the wheel for the in-process az, and the cassette scan.

The scenario modules (scenario_*.py) run in a pytest process of their own, never inside the main test session:
test_replay.py starts one for playback, record.py one for recording; the official tool's recorded scenarios
(official_*.py, played from ../shared by official.py) run the same way, from test_official_replay.py. That
process gets its own AZURE_CONFIG_DIR and AZURE_EXTENSION_DIR before azure.cli.core is imported, and whatever the
test framework patches (time.sleep, os.environ, login) stays there.
"""
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from arm_emulator.frontdoor.requestlog import PROTECTED, replace_protected

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECORDINGS = HERE / 'recordings'
EXTENSION_NAME = 'aksext'

PUBLIC_ARM = 'https://management.azure.com'
# An address of the local stand-in: what a cassette must never name.
LOCAL_ADDRESS = re.compile(r'(?:https?://)?(?:127\.0\.0\.1|localhost):\d+', re.IGNORECASE)
PROTECTED_KEY = PROTECTED
SCRUBBED = 'scrubbed'

# Values the scenarios pass as protected settings; the cassette scan makes sure none of them is recorded.
PROTECTED_VALUES = ('Pr0tected-ApiKey-6c1f0e', 'Pr0tected-Token-93ab57', 'Pr0tected-Password-d204c8')

# record.py tells the recording processors the stand-in's tenant, to replace it with the mocked one.
ENV_RECORD_TENANT = 'AKSEXT_RECORD_TENANT'


def install_wheel(wheel, extensions_dir):
    """Lay the wheel out as an az extension: <dir>/aksext/ with the package and its dist-info.

    That is what `az extension add` leaves (minus the dependencies, which the venv already has), without pip,
    a network or an az process."""
    target = Path(extensions_dir) / EXTENSION_NAME
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def scenario_env(config_dir, extensions_dir, live=False, extra=None):
    """The environment of a scenario process: a clean az (no AZURE_* leaking in), quiet and offline."""
    from arm_emulator.harness.azcli import QUIET_SETTINGS
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('AZURE_', 'AKSEXT_', 'PYTEST_'))}
    env.update(QUIET_SETTINGS)
    env.update(AZURE_CONFIG_DIR=str(config_dir), AZURE_EXTENSION_DIR=str(extensions_dir))
    if live:
        env['AZURE_TEST_RUN_LIVE'] = 'true'
    env.update(extra or {})
    return env


def scenario_command(*pytest_args, files='scenario_*.py'):
    """pytest over the scenario modules only (their names keep them out of the main session): aksext's own
    (scenario_*.py), or the official tool's (official_*.py)."""
    return [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:xdist',
            '-o', f'python_files={files}', '-o', 'addopts=', str(HERE)] + list(pytest_args)


def play_scenarios(wheel, work, files='scenario_*.py', extra=None):
    """Play the scenario modules matching `files` in a pytest process of their own, with the wheel installed in a
    fresh extensions folder under `work` and a fresh az config; the names of the scenarios that passed (no failure,
    error or skip). A failure of any fails here, with pytest's report."""
    install_wheel(wheel, Path(work) / 'extensions')
    env = scenario_env(Path(work) / 'config', Path(work) / 'extensions', extra=extra)
    report = Path(work) / 'scenarios.xml'
    done = subprocess.run(scenario_command('--junitxml', str(report), files=files), env=env, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, 'scenario playback failed:\n' + done.stdout[-20000:] + done.stderr[-5000:]
    return {case.get('name') for case in ElementTree.parse(report).getroot().iter('testcase') if not list(case)}


# ---------------------------------------------------------------------------------------------------------------
# Recording processors
# ---------------------------------------------------------------------------------------------------------------

def _text(value):
    return value.decode('utf-8') if isinstance(value, bytes) else value


def _scrub_document(document):
    return replace_protected(document, lambda secret: SCRUBBED if secret is not None else None)


def scrub_protected(body):
    """Replace every protected setting value in a JSON body (text or bytes); other bodies pass unchanged."""
    text = _text(body)
    if not text or PROTECTED_KEY not in text:
        return body
    try:
        scrubbed = json.dumps(_scrub_document(json.loads(text)))
    except ValueError:
        return body
    return scrubbed.encode('utf-8') if isinstance(body, bytes) else scrubbed


def _make_processors():
    from azure.cli.testsdk.scenario_tests import RecordingProcessor
    from azure.cli.testsdk.scenario_tests.const import MOCKED_TENANT_ID

    class AadTrafficFilter(RecordingProcessor):
        """Record no login traffic at all: the token endpoint, OpenID metadata and instance discovery."""
        AAD_PATH = re.compile(r'^/[^/]+/(oauth2/|v2\.0/\.well-known/|discovery/)|^/common/discovery/', re.I)

        def process_request(self, request):
            if 'login.microsoftonline.com' in request.host or self.AAD_PATH.search(request.path):
                return None
            return request

    class PublicCloudRewriter(RecordingProcessor):
        """The stand-in's address becomes public ARM's, its tenant the mocked one: in the URL, both bodies and
        every response header (Azure-AsyncOperation and Location point back at the stand-in)."""

        def __init__(self):
            self.tenant = os.environ.get(ENV_RECORD_TENANT)

        def _rewrite(self, text):
            text = LOCAL_ADDRESS.sub(PUBLIC_ARM, text)
            if self.tenant:
                text = re.sub(re.escape(self.tenant), MOCKED_TENANT_ID, text, flags=re.I)
            return text

        def process_request(self, request):
            request.uri = self._rewrite(request.uri)
            body = _text(request.body)
            if body:
                request.body = self._rewrite(body).encode('utf-8')
            return request

        def process_response(self, response):
            body = response['body']['string']
            if body:
                text = self._rewrite(_text(body))
                response['body']['string'] = text if isinstance(body, str) else text.encode('utf-8')
            for name, values in response['headers'].items():
                response['headers'][name] = [self._rewrite(value) for value in values]
            return response

    class ProtectedSettingsScrubber(RecordingProcessor):
        """Protected setting values never reach a cassette, in requests (PUT, PATCH) or responses."""

        def process_request(self, request):
            if request.body:
                request.body = scrub_protected(request.body)
            return request

        def process_response(self, response):
            if response['body']['string']:
                response['body']['string'] = scrub_protected(response['body']['string'])
            return response

    return AadTrafficFilter(), PublicCloudRewriter(), ProtectedSettingsScrubber()


# ---------------------------------------------------------------------------------------------------------------
# Making azure-cli-testsdk work here
# ---------------------------------------------------------------------------------------------------------------
#
# azure-cli-testsdk 0.3.0 was written for an older azure-cli-core; with the current core (2.9x) it needs four
# things, all done here and nowhere else:
# 1. Login in playback: its replay patch patch_retrieve_token_for_user gives the credential only get_token(), but
#    core's CredentialAdaptor now calls the MSAL-style acquire_token(scopes) (from
#    Identity.get_user_credential) and expects a dict with access_token, token_type and expires_in.
#    replay_credential() answers both ways and replaces that patch.
# 2. Sleeps in playback: its patch_long_run_operation_delay imports msrestazure, which azure-cli no longer
#    installs, to patch pollers this extension does not use (it polls with azure-core, whose transport sleeps
#    through time.sleep). no_sleeps() replaces that patch: it stubs core's own LongRunningOperation delay.
#    With time.sleep patched as well (the testsdk's own patch_time_sleep_api, which the extension's `wait` loop
#    also goes through), playback waits for no Retry-After and no back-off at all.
# 3. Loading the extension in-process: the testsdk runs az in the test process, which appends the extension's
#    folder to sys.path; pytest has already put the working tree first, where azext_aksext also lives.
#    use_installed_extension() puts the installed wheel's folder in front, so the code under test is the wheel.
# 4. Isolation: it reads AZURE_CONFIG_DIR and AZURE_EXTENSION_DIR when azure.cli.core is imported, patches
#    time.sleep and resets os.environ to a plain dict in tearDown: so the scenarios run in a pytest process of
#    their own (see scenario_command), never among the other tests.

def use_installed_extension():
    extensions_dir = os.environ.get('AZURE_EXTENSION_DIR')
    if not extensions_dir:
        raise RuntimeError('AZURE_EXTENSION_DIR is not set: run the scenarios through test_replay.py or '
                           'record.py, which install the wheel for them.')
    folder = str(Path(extensions_dir) / EXTENSION_NAME)
    sys.path[:] = [folder] + [entry for entry in sys.path if entry != folder]
    loaded = sys.modules.get('azext_aksext')
    if loaded is not None and not str(Path(loaded.__file__).resolve()).startswith(str(Path(folder).resolve())):
        raise RuntimeError(f'azext_aksext was imported from {loaded.__file__} before the installed extension')
    return folder


def replay_credential(unit_test):
    from azure.cli.testsdk.scenario_tests import mock_in_unit_test

    class ReplayCredential:
        TOKEN = 'replayed-token'

        def __init__(self, *args, **kwargs):
            pass

        def acquire_token(self, scopes, **kwargs):
            return {'access_token': self.TOKEN, 'token_type': 'Bearer', 'expires_in': 3600}

        def get_token(self, *scopes, **kwargs):
            import time
            from azure.core.credentials import AccessToken
            return AccessToken(self.TOKEN, int(time.time()) + 3600)

    mock_in_unit_test(unit_test, 'azure.cli.core.auth.identity.Identity.get_user_credential',
                      lambda *args, **kwargs: ReplayCredential())


def no_sleeps(unit_test):
    from azure.cli.testsdk.scenario_tests import mock_in_unit_test

    def no_sleep(*_args, **_kwargs):
        return None

    mock_in_unit_test(unit_test, 'azure.cli.core.commands.LongRunningOperation._delay', no_sleep)


def _scenario_test_base():
    from azure.cli.testsdk import ScenarioTest
    from azure.cli.testsdk.patches import patch_long_run_operation_delay, patch_retrieve_token_for_user

    class AksextScenarioTest(ScenarioTest):
        """A ScenarioTest whose cassettes name public ARM and hold no secret, replayable with no login."""

        def __init__(self, method_name, **kwargs):
            super().__init__(method_name, **kwargs)
            aad_filter, rewriter, scrubber = _make_processors()
            # The login filter goes first, so nothing else sees those requests; the rest after testsdk's own.
            self.recording_processors = [aad_filter] + self.recording_processors + [rewriter, scrubber]
            self.replay_patches = [patch for patch in self.replay_patches
                                   if patch not in (patch_long_run_operation_delay, patch_retrieve_token_for_user)]
            self.replay_patches += [replay_credential, no_sleeps]

        def setUp(self):
            if not self.is_live and not os.path.exists(self.recording_file):
                self.fail(f'no recording {os.path.basename(self.recording_file)}: run `make record` to record it '
                          'against the emulator')
            # Again here: collecting each test module puts the working tree back in front.
            self.extension_folder = Path(use_installed_extension()).resolve()
            super().setUp()

        def tearDown(self):
            super().tearDown()
            loaded_from = Path(sys.modules['azext_aksext'].__file__).resolve()
            self.assertIn(self.extension_folder, loaded_from.parents,
                          f'the extension under test was imported from {loaded_from}, not the installed wheel')
            if not self.in_recording:
                # The commands made exactly the recorded calls, polls included: none left over.
                self.assertTrue(self.cassette.all_played,
                                f'requests recorded but not replayed in {os.path.basename(self.recording_file)}')

        def protected_file(self, **settings):
            """A JSON file of protected settings, for --config-protected-file (keeps them out of the command)."""
            path = Path(self.create_temp_dir()) / 'protected.json'
            path.write_text(json.dumps(settings))
            return str(path)

        def assert_no_protected_value(self, result):
            for value in PROTECTED_VALUES:
                self.assertNotIn(value, result.output)
            return result

    return AksextScenarioTest


def scenario_test_base():
    use_installed_extension()  # before the first az command imports azext_aksext; setUp repeats it
    return _scenario_test_base()


# ---------------------------------------------------------------------------------------------------------------
# Cassette scan
# ---------------------------------------------------------------------------------------------------------------

BEARER = re.compile(r'Bearer\s+[A-Za-z0-9\-_.~+/=]{20,}')
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.')
CLIENT_SECRET = re.compile(r'client_secret|clientSecret|client_assertion', re.IGNORECASE)
LOGIN_HOST = re.compile(r'login\.microsoftonline\.com|/oauth2/v2\.0/token', re.IGNORECASE)


def _protected_values_in(document, found):
    if isinstance(document, dict):
        for key, value in document.items():
            if key == PROTECTED_KEY and isinstance(value, dict):
                found.extend(secret for secret in value.values() if secret not in (None, SCRUBBED))
            else:
                _protected_values_in(value, found)
    elif isinstance(document, list):
        for item in document:
            _protected_values_in(item, found)
    return found


def _bodies(cassette):
    for interaction in cassette.get('interactions') or []:
        yield (interaction.get('request') or {}).get('body')
        yield ((interaction.get('response') or {}).get('body') or {}).get('string')


def scan_cassette(text, secrets=()):
    """Problems in one cassette's text: a list of strings, empty when it is safe to commit."""
    import yaml
    problems = []
    if LOCAL_ADDRESS.search(text):
        problems.append(f'names the local emulator ({LOCAL_ADDRESS.search(text).group(0)})')
    for pattern, what in ((BEARER, 'a bearer token'), (JWT, 'a JWT'), (CLIENT_SECRET, 'a client secret'),
                          (LOGIN_HOST, 'login traffic')):
        if pattern.search(text):
            problems.append(f'holds {what}')
    for value in tuple(PROTECTED_VALUES) + tuple(secret for secret in secrets if secret):
        if value in text:
            problems.append(f'holds the secret value {value[:4]}...')
    try:
        cassette = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        return problems + [f'is not YAML: {err}']
    for body in _bodies(cassette):
        body = _text(body)
        if body and PROTECTED_KEY in body:
            try:
                leaked = _protected_values_in(json.loads(body), [])
            except ValueError:
                leaked = ['(unparsed body)']
            if leaked:
                problems.append(f'holds {len(leaked)} unscrubbed protected setting value(s)')
    for interaction in cassette.get('interactions') or []:
        uri = (interaction.get('request') or {}).get('uri') or ''
        if not uri.startswith(PUBLIC_ARM + '/'):
            problems.append(f'requests {uri[:80]} (not public ARM)')
    return problems


def cassettes():
    return sorted(RECORDINGS.glob('*.yaml'))
