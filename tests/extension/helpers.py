"""What the scenario tests share: the demo seed's names, command-line builders, the emulator's request log and ARM
state read directly (not through the az under test), and the batch runner. Fixtures live in conftest.py."""
import hashlib
import json
import subprocess
import sys
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import requests

RG = 'demo-rg'
AKS_CLUSTER = 'demo-aks'
ARC_CLUSTER = 'demo-arc'
API_VERSION = '2025-03-01'
ARC = ['--cluster-name', ARC_CLUSTER, '--resource-group', RG, '--cluster-type', 'connectedClusters']
BATCH = Path(__file__).with_name('az_batch.py')


def unique(prefix):
    return f'{prefix}-{uuid.uuid4().hex[:6]}'


def redacted(value):
    """How the emulator's request log shows a protected setting value."""
    return f'<redacted sha256:{hashlib.sha256(value.encode()).hexdigest()[:16]}>'


def k8s(verb, name=None, cluster=AKS_CLUSTER, cluster_type='managedClusters'):
    args = ['k8s-extension', verb, '-g', RG, '-c', cluster, '--cluster-type', cluster_type]
    return args + (['-n', name] if name else [])


def aks_ext(verb, name=None):
    return ['aks', 'extension', verb, '-g', RG, '-c', AKS_CLUSTER] + (['-n', name] if name else [])


def valid_name(text, max_length):
    """Azure ML's companion resource names, as the official tool makes them."""
    name = ''.join(ch for ch in text if ch.isalnum())
    return name if len(name) <= max_length else name[:max_length - 6] + hashlib.md5(text.encode()).hexdigest()[:6]


def run_batch(cli, commands):
    """Run az command lines in one process (see az_batch.py); returns one result dict per command."""
    done = subprocess.run([sys.executable, str(BATCH)], input=json.dumps(commands), env=cli.env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def extension_requests(admin, method=None):
    """Requests the emulator received for extensions, optionally of one method."""
    return [r for r in admin.requests()
            if '/extensions' in r['path'] and (method is None or r['method'] == method)]


def companion_writes(service):
    """The writes the emulator received for resources other than extensions (companions)."""
    return [(r['method'], r['path']) for r in service.requests()
            if r['method'] in ('PUT', 'DELETE', 'POST') and 'Microsoft.KubernetesConfiguration/' not in r['path']
            and '/oauth2/' not in r['path'] and not r['path'].endswith('/sharedKeys')]


# Many clusters: a seed of healthy clusters, and the writes each got.
CLEAN = {'stopped_share': 0, 'sp_share': 0, 'not_ready_share': 0, 'failed_share': 0}


def az_json(cli, *args):
    """(the finished az process, its stdout as JSON or None)."""
    done = cli.run(*args, '-o', 'json')
    try:
        return done, (json.loads(done.stdout) if done.stdout.strip() else None)
    except ValueError:
        return done, None


def writes(admin):
    """Accepted PUT/PATCH requests per extension path (a write that landed counts, whatever answer got back): more
    than one for a path is a second operation."""
    return Counter(r['path'].lower() for r in admin.requests()
                   if r['method'] in ('PUT', 'PATCH') and '/extensions/' in r['path']
                   and (0 < r['status'] < 300 or str(r.get('fault') or '').startswith('served')))


def clean_group(admin, prefix, clusters=8, **extra):
    """A group of its own (first subscription) with healthy clusters, so a test's rollout targets only those."""
    spec = dict(CLEAN, subscriptions=1, groups=1, clusters=clusters, prefix=prefix, extensions_per_cluster=1,
                extension_types=['microsoft.flux'], arc_share=0.3)
    spec.update(extra)
    admin.seed_clusters(**spec)
    return f'{prefix}-rg-0'


class Arm:
    """Reads and seeds the emulator's ARM state directly (not through the az under test)."""

    def __init__(self, emulator):
        self.endpoint, self.admin = emulator.endpoint, emulator.admin
        self.sub = emulator.endpoint['subscription']

    def call(self, method, path, api_version, body=None):
        return requests.request(method, self.endpoint['arm'].rstrip('/') + path, params={'api-version': api_version},
                                json=body, headers={'Authorization': 'Bearer ' + self.admin.token()},
                                verify=self.endpoint['ca_bundle'], timeout=30)

    def get(self, path, api_version):
        response = self.call('GET', path, api_version)
        return response.json() if response.status_code == 200 else None

    @property
    def default_group(self):
        return f'/subscriptions/{self.sub}/resourceGroups/DefaultResourceGroup-EUS'

    @property
    def default_workspace(self):
        return (f'{self.default_group}/providers/Microsoft.OperationalInsights/workspaces/'
                f'DefaultWorkspace-{self.sub}-EUS')

    def cluster(self, kind='Microsoft.Kubernetes/connectedClusters', name=ARC_CLUSTER):
        return f'/subscriptions/{self.sub}/resourceGroups/{RG}/providers/{kind}/{name}'

    def rule(self, cluster):
        return f'/subscriptions/{self.sub}/resourceGroups/{RG}/providers/Microsoft.Insights/dataCollectionRules/' \
               f'MSCI-eastus-{cluster}'


@contextmanager
def own_emulator(wheel, home, op_seconds=0.3):
    """An emulator of a test module's own (its clock and settings are the module's to move), and a real az logged in
    to it with aksext added from the wheel: (emulator, cli)."""
    from arm_emulator.harness.azcli import AzCli
    from arm_emulator.harness.control import EmulatorProcess
    with EmulatorProcess(home / 'emulator', op_seconds=op_seconds) as emulator:
        cli = AzCli(emulator.endpoint, home / 'config', extension_dir=home / 'extensions')
        cli.login()
        cli.add_extension(wheel)
        yield emulator, cli
