"""Pure rules of the companion resources: key masking in traces, Container Insights settings checks, generated
names and default workspace regions."""
import json

import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_aksext.core.redaction import mask_body
from azext_aksext.types._workspace import workspace_regions
from azext_aksext.types.azureml import valid_name
from azext_aksext.types.container_insights import check_monitor_settings, parse_data_collection_settings
from azext_aksext.types.prometheus import trimmed


def test_keys_and_connection_strings_in_answers_are_masked():
    keys = json.dumps({'primarySharedKey': 'K1', 'secondarySharedKey': 'K2', 'primaryConnectionString': 'Endpoint=x',
                       'keyName': 'azureml_rw'})
    masked = json.loads(mask_body(keys))
    assert masked == {'primarySharedKey': '***', 'secondarySharedKey': '***', 'primaryConnectionString': '***',
                      'keyName': 'azureml_rw'}


@pytest.mark.parametrize('document,fragment', [
    ({'interval': '0m'}, 'from 1m to 30m'),
    ({'interval': '5s'}, "number of minutes"),
    ({'namespaceFilteringMode': 'All'}, 'Off, Exclude or Include'),
    ({'namespaces': 'kube-system'}, 'namespaces must be a JSON array'),
    ({'streams': 'x'}, 'streams must be a JSON array'),
    ({'enableContainerLogV2': 'yes'}, 'true or false'),
])
def test_bad_data_collection_settings(document, fragment):
    with pytest.raises(InvalidArgumentValueError, match=fragment):
        parse_data_collection_settings({'dataCollectionSettings': json.dumps(document)})


def test_good_data_collection_settings_and_proxy():
    document = {'interval': '1m', 'namespaceFilteringMode': 'Include', 'namespaces': ['apps'],
                'enableContainerLogV2': True, 'streams': ['Microsoft-ContainerLogV2']}
    assert parse_data_collection_settings({'dataCollectionSettings': json.dumps(document)}) == document
    check_monitor_settings({}, {'proxyEndpoint': 'http://user:pw@proxy.local:3128'})
    with pytest.raises(InvalidArgumentValueError) as caught:
        check_monitor_settings({}, {'proxyEndpoint': 'ftp://user:s3cret@proxy'})
    assert 's3cret' not in str(caught.value)


def test_generated_names():
    assert valid_name('demo-arc-sub-rg-relay', 50) == 'demoarcsubrgrelay'
    long = valid_name('c-' + 'a' * 60 + '-relay', 50)
    assert len(long) == 50 and long[:44] == 'c' + 'a' * 43
    assert trimmed('MSProm-eastus-my_cluster_', 44, dashes_only=True) == 'MSProm-eastus-mycluster'
    assert trimmed('x' * 70 + '-', 64) == 'x' * 64


def test_default_workspace_goes_where_k8s_extension_puts_it_and_is_looked_for_where_az_aks_does():
    assert workspace_regions('azurecloud', 'eastus') == [('eastus', 'EUS')]
    assert workspace_regions('azurecloud', 'nowhere') == [('eastus', 'EUS')]
    # k8s-extension's older table, then az aks's current one.
    assert workspace_regions('azurecloud', 'westus3') == [('eastus', 'EUS'), ('westus3', 'USW3')]
    assert workspace_regions('azurecloud', 'centralindia') == [('centralindia', 'CIN'), ('centralindia', 'CID')]
    assert workspace_regions('azurecloud', 'brazilsouth') == [('southcentralus', 'SCUS'), ('brazilsouth', 'CQ')]
    assert workspace_regions('myprivatecloud', 'westeurope') == [('westeurope', 'WEU')]
    assert workspace_regions('azurechinacloud', 'nowhere')[0] == ('chinaeast2', 'EAST2')
    assert workspace_regions('usnat', 'usnateast')[0][0] == 'usnateast'
