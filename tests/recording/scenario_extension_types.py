"""Extension types and their versions, by location and by cluster, recorded against the emulator's catalog."""
from tests.recording.harness import scenario_test_base

AksextScenarioTest = scenario_test_base()


class ExtensionTypesScenarioTest(AksextScenarioTest):

    def test_extension_types(self):
        self.kwargs.update(rg='demo-rg', aks='demo-aks', arc='demo-arc', location='eastus')

        self.cmd('k8s-extension extension-types list-by-location -l {location}',
                 checks=[self.greater_than('length(@)', 3),
                         self.check("length([?name=='microsoft.flux'])", 1)])
        self.cmd('k8s-extension extension-types show-by-cluster -g {rg} -c {arc} --cluster-type connectedClusters '
                 '--extension-type microsoft.openservicemesh',
                 checks=[self.check('name', 'microsoft.openservicemesh')])
        self.cmd('k8s-extension extension-types list-versions-by-location -l {location} '
                 '--extension-type microsoft.flux',
                 checks=[self.greater_than('length(@)', 0)])
        self.cmd('aks extension type version list -l {location} -t microsoft.dapr',
                 checks=[self.greater_than('length(@)', 0)])
        self.cmd('aks extension type list -g {rg} -c {aks}',
                 checks=[self.check("length([?name=='microsoft.dataprotection.kubernetes'])", 1)])
