"""`az aks extension` on the demo AKS cluster (the cluster type is implied), recorded against the emulator."""
from tests.recording.harness import PROTECTED_VALUES, scenario_test_base

AksextScenarioTest = scenario_test_base()


class AksExtensionScenarioTest(AksextScenarioTest):

    def test_aks_extension(self):
        self.kwargs.update(rg='demo-rg', cluster='demo-aks', name='flux',
                           protected=self.protected_file(sshKey=PROTECTED_VALUES[0], token=PROTECTED_VALUES[1]))
        common = '-g {rg} -c {cluster} -n {name}'

        self.assert_no_protected_value(self.cmd(
            'aks extension create ' + common + ' -t microsoft.flux --release-namespace flux-system '
            '--configuration-settings helm-controller.enabled=true --config-protected-file {protected}',
            checks=[self.check('name', '{name}'),
                    self.check('extensionType', 'microsoft.flux'),
                    self.check('provisioningState', 'Succeeded'),
                    self.check('scope.cluster.releaseNamespace', 'flux-system'),
                    self.check('configurationSettings."helm-controller.enabled"', 'true'),
                    self.check('configurationProtectedSettings', {})]))
        self.cmd('aks extension wait ' + common + ' --created')

        self.cmd('aks extension show ' + common,
                 checks=[self.check('provisioningState', 'Succeeded'),
                         self.check_pattern('id', '.*/Microsoft.ContainerService/managedClusters/{cluster}/.*')])
        self.cmd('aks extension list -g {rg} -c {cluster}',
                 checks=[self.check('length(@)', 1), self.check('[0].name', '{name}')])

        self.cmd('aks extension update ' + common + ' --configuration-settings helm-controller.enabled=false --yes',
                 checks=[self.check('provisioningState', 'Succeeded'),
                         self.check('configurationSettings."helm-controller.enabled"', 'false')])

        self.cmd('aks extension delete ' + common + ' --yes', checks=self.is_empty())
        self.cmd('aks extension wait ' + common + ' --deleted')
        self.cmd('aks extension list -g {rg} -c {cluster}', checks=self.check('length(@)', 0))
