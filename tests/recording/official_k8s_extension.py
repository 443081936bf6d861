"""The official tool's recorded scenarios (SCENARIOS.md A, B and C in ../shared/reference-traffic/k8s-extension),
their command lines and checks as its own tests have them, replayed with aksext installed in its place.

With aksext's own reads on (the default), the recordings hold none of them: the player refuses the first each
command makes, aksext says so in one warning and runs the rest of the command as the official tool does
(assert_refused_reads names them). With the switch off, aksext makes none."""
from tests.recording.official import official_test_base

OfficialReplayTest = official_test_base()

KC = 'Microsoft.KubernetesConfiguration'


class K8sExtensionScenarioTest(OfficialReplayTest):
    CASSETTE = 'test_k8s_extension.yaml'

    def test_k8s_extension(self):
        extension_type = 'microsoft.dapr'
        self.kwargs.update(name='dapr', rg='azurecli-tests', cluster_name='arc-cluster',
                           cluster_type='connectedClusters', extension_type=extension_type, release_train='stable',
                           version='1.6.0')
        self.cmd('k8s-extension create -g {rg} -n {name} -c {cluster_name} --cluster-type {cluster_type} '
                 '--extension-type {extension_type} --release-train {release_train} --version {version} '
                 '--configuration-settings "skipExistingDaprCheck=true" --no-wait --auto-upgrade false')
        # The version's check against the types API is refused by the player: one warning, and the create is sent.
        self.assert_refused_reads(f'GET {KC}/extensionTypes/microsoft.dapr/versions')
        installed = self.cmd('k8s-extension list -c {cluster_name} -g {rg} --cluster-type {cluster_type}'
                             ).get_output_in_json()
        self.assertTrue(any(item['extensionType'] == extension_type for item in installed))
        self.cmd('k8s-extension show -c {cluster_name} -g {rg} -n {name} --cluster-type {cluster_type}', checks=[
            self.check('name', '{name}'),
            self.check('releaseTrain', '{release_train}'),
            self.check('version', '{version}'),
            self.check('resourceGroup', '{rg}'),
            self.check('extensionType', '{extension_type}')])
        self.cmd('k8s-extension delete -g {rg} -c {cluster_name} -n {name} --cluster-type {cluster_type} --force -y')
        installed = self.cmd('k8s-extension list -c {cluster_name} -g {rg} --cluster-type {cluster_type}'
                             ).get_output_in_json()
        self.assertFalse(any(item['extensionType'] == extension_type for item in installed))


class K8sExtensionTypesScenarioTest(OfficialReplayTest):
    CASSETTE = 'test_k8s_extension_types.yaml'

    def test_k8s_extension_types(self):
        self.kwargs.update(rg='azurecli-tests', cluster_name='arc-cluster', cluster_type='connectedClusters',
                           extension_type='microsoft.contoso.samples', location='eastus2euap', version='1.1.0')
        by_cluster = '-g {rg} -c {cluster_name} --cluster-type {cluster_type}'
        self.cmd('k8s-extension extension-types show-by-cluster ' + by_cluster + ' --extension-type {extension_type}',
                 checks=[self.check('name', '{extension_type}')])
        self.cmd('k8s-extension extension-types show-by-location -l {location} --extension-type {extension_type}',
                 checks=[self.check('name', '{extension_type}')])
        # The listings by cluster read the cluster to mark each version's compatibility: refused by the player, the
        # marks are null (unknown), after one warning.
        cluster_read = ['GET Microsoft.Kubernetes/connectedClusters/arc-cluster']
        for command, aksext_reads in (('list-by-cluster ' + by_cluster, []),
                                      ('list-by-location --location {location}', []),
                                      ('list-versions-by-cluster ' + by_cluster + ' --extension-type {extension_type}',
                                       cluster_read),
                                      ('list-versions-by-location --location {location} --extension-type '
                                       '{extension_type}', []),
                                      ('show-version-by-cluster ' + by_cluster + ' --extension-type {extension_type} '
                                       '--version {version}', cluster_read),
                                      ('show-version-by-location --location {location} --extension-type '
                                       '{extension_type} --version {version}', [])):
            self.assertTrue(len(self.cmd('k8s-extension extension-types ' + command).get_output_in_json()) > 0,
                            command)
            self.assert_refused_reads(*aksext_reads)


class K8sExtensionFleetScenarioTest(OfficialReplayTest):
    CASSETTE = 'test_k8s_extension_fleet.yaml'

    def test_k8s_extension_fleet(self):
        self.kwargs.update(rg='britania-flux-test', name='cli-test-flux', fleet='cli-test-fleet-hub')
        common = '-g {rg} -n {name} -c {fleet} --cluster-type fleets'
        self.cmd('k8s-extension create ' + common + ' --extension-type microsoft.flux --scope cluster --no-wait')
        # The scope's check against the types API is refused by the player: one warning, then the official tool's
        # requests (the registration, the fleet, the PUT), all played.
        self.assert_refused_reads(f'GET {KC}/extensionTypes/microsoft.flux')
        self.cmd('k8s-extension show ' + common, checks=[
            self.check('name', '{name}'),
            self.check('extensionType', 'microsoft.flux'),
            self.check('scope.cluster.releaseNamespace', 'flux-system'),
            self.check('provisioningState', 'Failed')])
        self.cmd('k8s-extension list -g {rg} -c {fleet} --cluster-type fleets', checks=[
            self.check('length(@)', 1),
            self.check('[0].name', '{name}')])
        self.cmd('k8s-extension delete ' + common + ' --force --no-wait -y')
