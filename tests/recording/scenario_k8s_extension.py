"""`az k8s-extension` on an AKS cluster and on an Arc-enabled cluster, recorded against the emulator's demo seed."""
from tests.recording.harness import PROTECTED_VALUES, scenario_test_base

AksextScenarioTest = scenario_test_base()


class K8sExtensionScenarioTest(AksextScenarioTest):

    def test_k8s_extension_managed_cluster(self):
        """Create waits for the operation; show, list, update, wait and delete follow."""
        self.kwargs.update(rg='demo-rg', cluster='demo-aks', cluster_type='managedClusters', name='dapr',
                           protected=self.protected_file(apiKey=PROTECTED_VALUES[0]),
                           new_protected=self.protected_file(apiKey=PROTECTED_VALUES[1]))
        common = '-g {rg} -c {cluster} --cluster-type {cluster_type} -n {name}'

        self.assert_no_protected_value(self.cmd(
            'k8s-extension create ' + common + ' --extension-type microsoft.dapr --scope cluster '
            '--release-train stable --auto-upgrade-minor-version true '
            '--configuration-settings global.ha.enabled=false dapr_operator.logLevel=info '
            '--config-protected-file {protected}',
            checks=[self.check('name', '{name}'),
                    self.check('extensionType', 'microsoft.dapr'),
                    self.check('provisioningState', 'Succeeded'),
                    self.check('releaseTrain', 'stable'),
                    self.check('scope.cluster.releaseNamespace', 'dapr-system'),
                    self.check('configurationSettings."global.ha.enabled"', 'false'),
                    self.check('configurationSettings."dapr_operator.logLevel"', 'info'),
                    self.check('configurationProtectedSettings', {})]))

        self.cmd('k8s-extension show ' + common,
                 checks=[self.check('name', '{name}'),
                         self.check('provisioningState', 'Succeeded'),
                         self.check_pattern('id', '/subscriptions/.*/resourceGroups/{rg}/providers/'
                                                  'Microsoft.ContainerService/managedClusters/{cluster}/providers/'
                                                  'Microsoft.KubernetesConfiguration/extensions/{name}')])

        self.cmd('k8s-extension list -g {rg} -c {cluster} --cluster-type {cluster_type}',
                 checks=[self.check("length([?name=='{name}'])", 1),
                         self.check("[?name=='{name}'].extensionType | [0]", 'microsoft.dapr')])

        self.assert_no_protected_value(self.cmd(
            'k8s-extension update ' + common + ' --configuration-settings dapr_operator.logLevel=debug '
            '--config-protected-file {new_protected} --yes',
            checks=[self.check('provisioningState', 'Succeeded'),
                    self.check('configurationSettings."dapr_operator.logLevel"', 'debug'),
                    self.check('configurationProtectedSettings', {})]))

        self.cmd('k8s-extension wait ' + common + ' --updated')

        self.cmd('k8s-extension delete ' + common + ' --yes', checks=self.is_empty())
        self.cmd('k8s-extension wait ' + common + ' --deleted')
        self.cmd('k8s-extension show ' + common, expect_failure=True)

    def test_k8s_extension_connected_cluster(self):
        """With --no-wait, and `wait` polling until the operation is done."""
        self.kwargs.update(rg='demo-rg', cluster='demo-arc', cluster_type='connectedClusters', name='flux',
                           protected=self.protected_file(gitToken=PROTECTED_VALUES[2]))
        common = '-g {rg} -c {cluster} --cluster-type {cluster_type} -n {name}'

        self.cmd('k8s-extension create ' + common + ' --extension-type microsoft.flux '
                 '--configuration-settings multiTenancy.enforce=false '
                 '--config-protected-file {protected} --no-wait', checks=self.is_empty())
        self.cmd('k8s-extension wait ' + common + ' --created')

        self.cmd('k8s-extension show ' + common,
                 checks=[self.check('extensionType', 'microsoft.flux'),
                         self.check('provisioningState', 'Succeeded'),
                         self.check('scope.cluster.releaseNamespace', 'flux-system'),
                         self.check('configurationSettings."multiTenancy.enforce"', 'false'),
                         self.check('configurationProtectedSettings', {}),
                         self.check_pattern('id', '.*/Microsoft.Kubernetes/connectedClusters/{cluster}/.*')])

        self.cmd('k8s-extension list -g {rg} -c {cluster} --cluster-type {cluster_type}',
                 checks=[self.check('length(@)', 1), self.check('[0].name', '{name}')])

        self.cmd('k8s-extension update ' + common + ' --configuration-settings multiTenancy.enforce=true --yes',
                 checks=[self.check('provisioningState', 'Succeeded'),
                         self.check('configurationSettings."multiTenancy.enforce"', 'true')])

        self.cmd('k8s-extension delete ' + common + ' --yes --no-wait', checks=self.is_empty())
        self.cmd('k8s-extension wait ' + common + ' --deleted')
        self.cmd('k8s-extension list -g {rg} -c {cluster} --cluster-type {cluster_type}',
                 checks=self.check('length(@)', 0))
