"""Extension-type discovery commands, and the checks create makes against the types API."""
import pytest

from .helpers import RG, extension_requests, unique

TYPES_API = '2024-11-01-preview'
SUB_PATH = '/providers/Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes'
ARC = ['-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters']


def type_requests(service):
    return [r for r in service.requests() if '/extensionTypes' in r['path']]


def test_list_and_show_by_location(aks, service):
    listed = aks.json('k8s-extension', 'extension-types', 'list-by-location', '-l', 'eastus', '--cluster-type',
                      'managedClusters', '--release-train', 'stable')
    assert 'microsoft.flux' in [item['name'] for item in listed]
    request = type_requests(service)[0]
    assert request['path'].endswith(SUB_PATH)
    assert request['query']['api-version'] == TYPES_API
    assert request['query']['clusterType'] == 'managedClusters' and request['query']['releaseTrain'] == 'stable'
    shown = aks.json('k8s-extension', 'extension-types', 'show-by-location', '-l', 'eastus', '--extension-type',
                     'microsoft.flux')
    assert shown['name'] == 'microsoft.flux'
    assert shown['properties']['supportedScopes']['defaultScope'] == 'cluster'


def test_types_table_shows_scope_and_namespace(aks, service):
    table = aks.run('k8s-extension', 'extension-types', 'show-by-cluster', *ARC, '--extension-type', 'microsoft.dapr',
                    '-o', 'table')
    assert table.returncode == 0, table.stderr
    header, _, row = table.stdout.splitlines()[:3]
    assert header.split() == ['Name', 'DefaultScope', 'ClusterTypes', 'DefaultReleaseNamespace',
                              'AllowMultipleInstances']
    assert row.split()[:2] == ['microsoft.dapr', 'cluster'] and 'dapr-system' in row
    request = type_requests(service)[0]
    assert request['path'].endswith('/connectedClusters/demo-arc/providers/Microsoft.KubernetesConfiguration/'
                                    'extensionTypes/microsoft.dapr')


def test_versions_by_cluster_one_row_per_version_with_filters(aks, service):
    table = aks.run('k8s-extension', 'extension-types', 'list-versions-by-cluster', *ARC, '--extension-type',
                    'microsoft.flux', '--release-train', 'preview', '--major-version', '1', '--show-latest', 'false',
                    '-o', 'table')
    assert table.returncode == 0, table.stderr
    rows = [line.split() for line in table.stdout.splitlines()[2:]]
    assert len(rows) >= 2 and all(row[1] == 'preview' for row in rows)
    query = type_requests(service)[0]['query']
    assert (query['releaseTrain'], query['majorVersion'], query['showLatest']) == ('preview', '1', 'false')


def test_versions_by_location_and_show_version(aks, service):
    versions = aks.json('k8s-extension', 'extension-types', 'list-versions-by-location', '-l', 'eastus',
                        '--extension-type', 'microsoft.dapr')
    assert '1.6.0' in [item['properties']['version'] for item in versions]
    shown = aks.json('k8s-extension', 'extension-types', 'show-version-by-location', '-l', 'eastus',
                     '--extension-type', 'microsoft.dapr', '--version', '1.6.0')
    assert shown['name'] == '1.6.0'
    by_cluster = aks.json('k8s-extension', 'extension-types', 'show-version-by-cluster', *ARC, '--extension-type',
                          'microsoft.dapr', '--version', '1.6.0')
    assert by_cluster['properties']['version'] == '1.6.0'
    paths = [r['path'] for r in type_requests(service)]
    assert paths[1].endswith(SUB_PATH + '/microsoft.dapr/versions/1.6.0')
    assert paths[2].endswith('/extensionTypes/microsoft.dapr/versions/1.6.0') and 'demo-arc' in paths[2]


def test_list_by_cluster_and_plan_filters(aks, service):
    listed = aks.json('k8s-extension', 'extension-types', 'list-by-cluster', *ARC, '--plan-publisher', 'Microsoft')
    assert isinstance(listed, list)
    assert type_requests(service)[0]['query']['publisherId'] == 'Microsoft'


def test_old_spellings_redirect_and_say_so(aks, service):
    done = aks.run('k8s-extension', 'extension-types', 'list', *ARC)
    assert done.returncode == 0, done.stderr
    assert 'list-by-cluster' in done.stderr and 'deprecated' in done.stderr


@pytest.mark.parametrize('args', [
    ['-l', 'eastus'],
    ['-g', RG, '-c', 'demo-aks'],
])
def test_aks_type_commands_take_either_form(aks, service, args):
    listed = aks.json('aks', 'extension', 'type', 'list', *args)
    assert 'microsoft.flux' in [item['name'] for item in listed]
    shown = aks.json('aks', 'extension', 'type', 'show', *args, '-t', 'microsoft.flux')
    assert shown['name'] == 'microsoft.flux'
    versions = aks.json('aks', 'extension', 'type', 'version', 'list', *args, '-t', 'microsoft.flux')
    assert versions
    version = aks.json('aks', 'extension', 'type', 'version', 'show', *args, '-t', 'microsoft.flux', '--version',
                       versions[0]['properties']['version'])
    assert version['properties']['version'] == versions[0]['properties']['version']
    expected = SUB_PATH if args[0] == '-l' else '/managedClusters/demo-aks/providers/Microsoft.KubernetesConfiguration'
    assert all(expected in r['path'] for r in type_requests(service))


@pytest.mark.parametrize('args,fragment', [
    (['-l', 'eastus', '-g', RG, '-c', 'demo-aks'], 'not both'),
    ([], 'Say where to look'),
    (['-g', RG], 'Say where to look'),
])
def test_aks_type_commands_need_exactly_one_form(aks, service, args, fragment):
    done = aks.run('aks', 'extension', 'type', 'list', *args)
    assert done.returncode == 1 and fragment in done.stderr
    assert service.requests() == []


@pytest.mark.parametrize('extra,fragment', [
    (['--extension-type', 'microsoft.dapr', '--version', '1.6.1'], 'Nearest available versions: 1.5.1, 1.6.0, 1.7.4'),
    (['--extension-type', 'microsoft.flux', '--release-train', 'nightly'], "no release train 'nightly'"),
    # A type's default scope does not refuse the other scope (test_drop_in.py); its supported cluster types do:
    (['--extension-type', 'microsoft.azuredefender.kubernetes', '--scope', 'cluster', '--cluster-type',
      'managedClusters', '-c', 'demo-aks'], 'does not support managedClusters'),
    (['--extension-type', 'microsoft.azuredefender.kubernetes', '--version', '0.7.40', '--cluster-type',
      'managedClusters', '-c', 'demo-aks'], 'does not support managedClusters'),
])
def test_type_checks_refuse_before_sending(aks, service, extra, fragment):
    args = ['k8s-extension', 'create', '-g', RG, '-c', 'demo-arc', '--cluster-type', 'connectedClusters',
            '-n', unique('chk')]
    done = aks.run(*(args + extra))
    assert done.returncode == 1, done.stderr
    assert fragment in done.stderr
    assert extension_requests(service, 'PUT') == []


@pytest.mark.parametrize('fault,extension_type,extra', [
    (None, 'contoso.private', ['--version', '2.0.0']),  # a private type: the types API answers 404
    ('/extensionTypes/microsoft.flux/versions', 'microsoft.flux', ['--version', '1.14.0']),
    ('/extensionTypes/', 'microsoft.flux', ['--scope', 'cluster', '--version', '1.14.0']),
], ids=['unknown-type', 'versions-503', 'every-check-503'])
def test_when_the_types_api_cannot_answer_one_warning_and_the_service_decides(aks, service, fault, extension_type,
                                                                              extra):
    if fault:
        service.fault(method='GET', path=fault, status=503, count=20)
    done = aks.run('k8s-extension', 'create', *ARC, '-n', unique('warn'), '--extension-type', extension_type, *extra,
                   '-o', 'none')
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('Could not check extension type') == 1
    assert len(extension_requests(service, 'PUT')) == 1


def test_cluster_type_filter_takes_dash_t_like_the_official_tool(aks, service):
    listed = aks.json('k8s-extension', 'extension-types', 'list-by-location', '-l', 'eastus', '-t', 'fleets')
    assert [item['name'] for item in listed] == ['microsoft.flux']
    assert type_requests(service)[0]['query']['clusterType'] == 'fleets'
