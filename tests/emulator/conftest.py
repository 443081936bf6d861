"""Clients for driving the emulator directly: plain HTTPS with a bearer token, and the real management SDKs."""
import time
import uuid

import pytest
import requests
from azure.core.credentials import AccessToken

RG = 'demo-rg'
AKS = ('Microsoft.ContainerService', 'managedClusters', 'demo-aks')
ARC = ('Microsoft.Kubernetes', 'connectedClusters', 'demo-arc')
EXTENSIONS_API = '2025-03-01'


def unique(prefix):
    return f'{prefix}-{uuid.uuid4().hex[:6]}'


class EmulatorCredential:  # pylint: disable=too-few-public-methods  # azure-core's TokenCredential protocol
    """A TokenCredential that asks the emulator's token endpoint, as the service principal (no azure-identity)."""

    def __init__(self, admin):
        self.admin = admin

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.admin.token(), int(time.time()) + 600)


class Arm:
    """Authenticated HTTPS calls against the emulator's ARM surface, with paths relative to the subscription."""

    def __init__(self, emulator):
        self.endpoint = emulator.endpoint
        self.admin = emulator.admin
        self.session = requests.Session()
        self.subscription = '/subscriptions/' + self.endpoint['subscription']

    def url(self, path):
        return self.endpoint['arm'].rstrip('/') + path

    def call(self, method, path, api_version=None, body=None, token=True, **kwargs):
        params = kwargs.pop('params', {})
        if api_version:
            params['api-version'] = api_version
        headers = {'Authorization': 'Bearer ' + self.admin.token()} if token is True else (
            {'Authorization': token} if token else {})
        return self.session.request(method, self.url(path), params=params, json=body, headers=headers,
                                    verify=self.endpoint['ca_bundle'], timeout=30, **kwargs)

    def cluster_path(self, cluster=AKS, group=RG):
        provider, kind, name = cluster
        return f'{self.subscription}/resourceGroups/{group}/providers/{provider}/{kind}/{name}'

    def extension_path(self, name, cluster=AKS, group=RG):
        return self.cluster_path(cluster, group) + '/providers/Microsoft.KubernetesConfiguration/extensions/' + name


def error_code(response):
    return response.json()['error']['code']


@pytest.fixture(scope='session')
def arm(emulator):
    return Arm(emulator)


@pytest.fixture(scope='session')
def credential(emulator):
    return EmulatorCredential(emulator.admin)


@pytest.fixture(scope='session')
def extensions_client(emulator, credential):
    from azure.mgmt.kubernetesconfiguration.extensions import KubernetesConfigurationExtensionsMgmtClient
    return KubernetesConfigurationExtensionsMgmtClient(credential, emulator.endpoint['subscription'],
                                                       base_url=emulator.url, polling_interval=0.05,
                                                       connection_verify=emulator.endpoint['ca_bundle'])


@pytest.fixture(scope='session')
def types_client(emulator, credential):
    from azure.mgmt.kubernetesconfiguration.extensiontypes import KubernetesConfigurationExtensionTypesMgmtClient
    return KubernetesConfigurationExtensionTypesMgmtClient(credential, emulator.endpoint['subscription'],
                                                           base_url=emulator.url,
                                                           connection_verify=emulator.endpoint['ca_bundle'])


@pytest.fixture
def admin(emulator):
    """The admin API with the request log and faults cleared; runtime settings restored afterwards."""
    emulator.admin.clear_requests()
    emulator.admin.clear_faults()
    yield emulator.admin
    emulator.admin.clear_faults()
    emulator.admin.config(op_seconds=emulator.op_seconds, retry_after=None, page_size=100)


def wait_until_settled(arm, name, cluster=AKS):
    """Wait until the extension's running operation ends: the service refuses writes until then (409)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        state = arm.call('GET', arm.extension_path(name, cluster), EXTENSIONS_API).json()['properties'][
            'provisioningState']
        if state in ('Succeeded', 'Failed', 'Canceled'):
            return state
        time.sleep(0.1)
    raise AssertionError(f'the operation on {name} never finished')
