"""The subscription and tenant listings az login and az account read."""
from ..frontdoor.errors import json_response

# Subscriptions and tenants (az login uses 2022-12-01).
API_VERSIONS = ('2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2019-06-01', '2018-06-01', '2016-06-01',
                '2015-11-01', '2015-01-01', '2014-04-01-preview', '2014-04-01')

SUB = r'/subscriptions/(?P<sub>[^/]+)'


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


ROUTES = [
    ('/subscriptions', {'GET': list_subscriptions}, API_VERSIONS),
    ('/tenants', {'GET': list_tenants}, API_VERSIONS),
    (SUB, {'GET': get_subscription}, API_VERSIONS),
]
