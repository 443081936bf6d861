"""Microsoft.Compute, as far as extensions' checks read it: the virtual machine sizes offered in a region (`az vm
list-sizes -l`), which virtual nodes compares a cluster's node pools with. Sizes are data; every known region offers
all of them."""
from ..frontdoor import errors
from ..frontdoor.errors import json_response
from .subscriptions import REGIONS

API_VERSIONS = ('2024-11-01', '2024-07-01', '2024-03-01', '2023-09-01', '2023-07-01', '2023-03-01', '2022-11-01',
                '2022-08-01', '2021-11-01')
# The resource types served, for the provider manifest.
TYPES = ('locations/vmSizes',)

# (name, cores, memory in MiB, maximum data disks)
SIZES = (
    ('Standard_B2s', 2, 4096, 4),
    ('Standard_DS2_v2', 2, 7168, 8),
    ('Standard_D2s_v3', 2, 8192, 4),
    ('Standard_D4s_v3', 4, 16384, 8),
    ('Standard_D8s_v3', 8, 32768, 16),
    ('Standard_D4ds_v5', 4, 16384, 8),
    ('Standard_E4s_v3', 4, 32768, 8),
    ('Standard_F4s_v2', 4, 8192, 8),
)

VM_SIZES = r'/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.Compute/locations/(?P<location>[^/]+)/vmSizes'


def size_body(name, cores, memory, disks):
    return {'name': name, 'numberOfCores': cores, 'osDiskSizeInMB': 1047552, 'resourceDiskSizeInMB': cores * 8192,
            'memoryInMB': memory, 'maxDataDiskCount': disks}


async def list_sizes(service, call):
    service.check_subscription(call.params['sub'])
    location = call.params['location'].replace(' ', '').lower()
    if location not in {name for name, _, _, _ in REGIONS}:
        raise errors.ArmError(400, 'LocationNotAvailableForResourceType',
                              f"The provided location '{call.params['location']}' is not available for resource type "
                              "'Microsoft.Compute/locations/vmSizes'.")
    return json_response({'value': [size_body(*size) for size in SIZES]})


ROUTES = [
    (VM_SIZES, {'GET': list_sizes}, API_VERSIONS),
]
