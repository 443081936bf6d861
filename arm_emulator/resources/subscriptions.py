"""The subscription and tenant listings az login and az account read, and a subscription's regions (`az account
list-locations`; the official monitoring code maps region display names to names through it). The regions are
data here; every provider manifest lists its locations by these display names."""
from ..frontdoor.errors import json_response

# Subscriptions and tenants (az login uses 2022-12-01).
API_VERSIONS = ('2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2019-06-01', '2018-06-01', '2016-06-01',
                '2015-11-01', '2015-01-01', '2014-04-01-preview', '2014-04-01')

SUB = r'/subscriptions/(?P<sub>[^/]+)'

# (name, display name, geography group, paired region): the public cloud's physical regions that clusters and
# their companion resources use here, plus the two canary regions.
REGIONS = (
    ('eastus', 'East US', 'US', 'westus'),
    ('eastus2', 'East US 2', 'US', 'centralus'),
    ('westus', 'West US', 'US', 'eastus'),
    ('westus2', 'West US 2', 'US', 'westcentralus'),
    ('westus3', 'West US 3', 'US', 'eastus'),
    ('centralus', 'Central US', 'US', 'eastus2'),
    ('northcentralus', 'North Central US', 'US', 'southcentralus'),
    ('southcentralus', 'South Central US', 'US', 'northcentralus'),
    ('westcentralus', 'West Central US', 'US', 'westus2'),
    ('canadacentral', 'Canada Central', 'Canada', 'canadaeast'),
    ('canadaeast', 'Canada East', 'Canada', 'canadacentral'),
    ('brazilsouth', 'Brazil South', 'South America', 'southcentralus'),
    ('northeurope', 'North Europe', 'Europe', 'westeurope'),
    ('westeurope', 'West Europe', 'Europe', 'northeurope'),
    ('uksouth', 'UK South', 'UK', 'ukwest'),
    ('ukwest', 'UK West', 'UK', 'uksouth'),
    ('francecentral', 'France Central', 'Europe', 'francesouth'),
    ('germanywestcentral', 'Germany West Central', 'Europe', 'germanynorth'),
    ('swedencentral', 'Sweden Central', 'Europe', 'swedensouth'),
    ('switzerlandnorth', 'Switzerland North', 'Europe', 'switzerlandwest'),
    ('norwayeast', 'Norway East', 'Europe', 'norwaywest'),
    ('southeastasia', 'Southeast Asia', 'Asia Pacific', 'eastasia'),
    ('eastasia', 'East Asia', 'Asia Pacific', 'southeastasia'),
    ('japaneast', 'Japan East', 'Asia Pacific', 'japanwest'),
    ('japanwest', 'Japan West', 'Asia Pacific', 'japaneast'),
    ('koreacentral', 'Korea Central', 'Asia Pacific', 'koreasouth'),
    ('australiaeast', 'Australia East', 'Asia Pacific', 'australiasoutheast'),
    ('australiasoutheast', 'Australia Southeast', 'Asia Pacific', 'australiaeast'),
    ('centralindia', 'Central India', 'Asia Pacific', 'southindia'),
    ('southindia', 'South India', 'Asia Pacific', 'centralindia'),
    ('southafricanorth', 'South Africa North', 'Africa', 'southafricawest'),
    ('uaenorth', 'UAE North', 'Middle East', 'uaecentral'),
    ('qatarcentral', 'Qatar Central', 'Middle East', None),
    ('eastus2euap', 'East US 2 EUAP', 'US', 'centraluseuap'),
    ('centraluseuap', 'Central US EUAP', 'US', 'eastus2euap'),
)
# Region display names, as provider manifests list a resource type's locations.
DISPLAY_NAMES = [display for _, display, _, _ in REGIONS]


def subscription_body(service):
    return {'id': '/subscriptions/' + service.subscription, 'authorizationSource': 'RoleBased',
            'managedByTenants': [], 'subscriptionId': service.subscription, 'tenantId': service.tenant,
            'displayName': 'ARM emulator subscription', 'state': 'Enabled',
            'subscriptionPolicies': {'locationPlacementId': 'Public_2014-09-01', 'quotaId': 'PayAsYouGo_2014-09-01',
                                     'spendingLimit': 'Off'}}


async def list_subscriptions(service, _call):
    return json_response({'value': [subscription_body(service)], 'count': {'type': 'Total', 'value': 1}})


async def get_subscription(service, call):
    service.check_subscription(call.params['sub'])
    return json_response(subscription_body(service))


async def list_tenants(service, _call):
    return json_response({'value': [{
        'id': '/tenants/' + service.tenant, 'tenantId': service.tenant, 'countryCode': 'US',
        'displayName': 'ARM emulator tenant', 'domains': ['armemulator.onmicrosoft.com'], 'tenantCategory': 'Home',
        'defaultDomain': 'armemulator.onmicrosoft.com', 'tenantType': 'AAD'}]})


def location_body(service, name, display, geography, paired):
    location_id = f'/subscriptions/{service.subscription}/locations/{name}'
    pairs = [{'name': paired, 'id': f'/subscriptions/{service.subscription}/locations/{paired}'}] if paired else []
    return {'id': location_id, 'name': name, 'type': 'Region', 'displayName': display,
            'regionalDisplayName': f'({geography}) {display}',
            'metadata': {'regionType': 'Physical', 'regionCategory': 'Recommended' if pairs else 'Other',
                         'geographyGroup': geography, 'pairedRegion': pairs}}


async def list_locations(service, call):
    service.check_subscription(call.params['sub'])
    return json_response({'value': [location_body(service, *region) for region in REGIONS]})


ROUTES = [
    ('/subscriptions', {'GET': list_subscriptions}, API_VERSIONS),
    ('/tenants', {'GET': list_tenants}, API_VERSIONS),
    (SUB, {'GET': get_subscription}, API_VERSIONS),
    (SUB + '/locations', {'GET': list_locations}, API_VERSIONS),
]
