"""Every SDK client comes from _client_factory.py, through the pipeline that masks secrets in --debug traces: no
other module of the extension constructs a client, a transport, a Kubernetes API or loads a kubeconfig, or calls
azure-cli-core's client factory."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / 'azext_aksext'
FACTORY = PACKAGE / '_client_factory.py'


def _called_name(call):
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, 'id', '')


def builds_a_client(name):
    # Kubernetes APIs too: client.CoreV1Api(api_client), new_client_from_config(...), load_kube_config(...).
    return name in ('get_mgmt_service_client', '_get_mgmt_service_client', 'get_data_service_client',
                    'new_client_from_config', 'new_client_from_config_dict') or \
        name.startswith('load_kube_config') or name.endswith(('Client', 'Transport')) and not name.endswith('Error') \
        or name[:1].isupper() and name.endswith('Api')


def client_constructions(path):
    tree = ast.parse(path.read_text(), str(path))
    return [f'{path.name}:{node.lineno} {_called_name(node)}' for node in ast.walk(tree)
            if isinstance(node, ast.Call) and builds_a_client(_called_name(node))]


def test_only_the_factory_builds_clients():
    modules = [path for path in PACKAGE.rglob('*.py') if path != FACTORY]
    assert len(modules) > 30
    assert [place for path in modules for place in client_constructions(path)] == []


def test_the_factory_builds_them():
    assert len(client_constructions(FACTORY)) >= 2


@pytest.mark.parametrize('source,found', [
    ('from x import y\nclient = get_mgmt_service_client(ctx, T)', True),
    ('c = RelayAPIMgmtClient(credential)', True),
    ('c = sdk.ResourceGraphClient(credential)', True),
    ('t = RequestsTransport(session=s)', True),
    ('core = client.CoreV1Api(api_client)', True),
    ('config.load_kube_config(config_file=path)', True),
    ('api = kubernetes.config.new_client_from_config(path)', True),
    ('pods = core.list_namespaced_pod(namespace)', False),
    ('raise ClientRequestError("x")', False),
    ('cf_relay(cli_ctx)', False),
])
def test_the_check_sees_a_client_built_in_any_form(tmp_path, source, found):
    path = tmp_path / 'probe.py'
    path.write_text(source)
    assert bool(client_constructions(path)) is found


def test_the_extensions_api_version_aksext_names_is_the_one_its_sdk_speaks():
    from azure.mgmt.kubernetesconfiguration.extensions import KubernetesConfigurationExtensionsMgmtClient
    from azext_aksext.core.clusters import EXTENSIONS_API_VERSION
    client = KubernetesConfigurationExtensionsMgmtClient(credential=object(), subscription_id='s')
    assert client._config.api_version == EXTENSIONS_API_VERSION  # pylint: disable=protected-access  # no public one
