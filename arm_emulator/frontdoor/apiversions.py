"""The api-versions the real service accepts, per resource type, and the front-door check ARM applies."""
from . import errors

# Microsoft.Resources: resource groups and providers (az 2.91 uses 2024-11-01, k8s-extension 2022-09-01 and
# 2025-04-01 in the recordings).
RESOURCE_MANAGER = (
    '2025-04-01', '2025-03-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-07-01', '2022-09-01', '2022-05-01',
    '2022-01-01', '2021-04-01', '2021-01-01', '2020-10-01', '2020-08-01', '2020-06-01', '2020-01-01', '2019-11-01',
    '2019-10-01', '2019-09-01', '2019-08-01', '2019-07-01', '2019-06-01', '2019-05-10', '2019-05-01', '2019-03-01',
    '2018-11-01', '2018-09-01', '2018-08-01', '2018-07-01', '2018-06-01', '2018-05-01', '2018-02-01', '2018-01-01',
    '2017-08-01', '2017-06-01', '2017-05-10', '2017-05-01', '2017-03-01', '2016-09-01', '2016-07-01', '2016-06-01',
    '2016-02-01', '2015-11-01', '2015-01-01', '2014-04-01-preview', '2014-04-01', '2014-01-01')

# Subscriptions and tenants (az login uses 2022-12-01).
SUBSCRIPTIONS = ('2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2019-06-01', '2018-06-01', '2016-06-01',
                 '2015-11-01', '2015-01-01', '2014-04-01-preview', '2014-04-01')

EXTENSIONS = ('2025-03-01', '2024-11-01', '2023-05-01', '2022-11-01', '2022-07-01', '2022-03-01', '2020-07-01-preview')

# The provider manifest lists three versions; the recorded list-versions-by-cluster call went out with 2023-05-01.
EXTENSION_TYPES = ('2024-11-01-preview', '2023-05-01-preview', '2023-05-01', '2022-01-15-preview')

MANAGED_CLUSTERS = (
    '2026-08-01', '2026-06-01', '2026-04-01', '2026-02-01', '2025-10-01', '2025-08-01', '2025-07-01', '2025-05-01',
    '2025-04-01', '2025-03-01', '2025-02-01', '2025-01-01', '2024-10-01', '2024-09-01', '2024-08-01', '2024-07-01',
    '2024-06-01', '2024-05-01', '2024-02-01', '2024-01-01', '2023-11-01', '2023-10-01', '2023-09-01', '2023-08-01',
    '2023-07-01', '2023-06-01', '2023-05-01', '2023-04-01', '2023-03-01', '2023-02-01', '2023-01-01', '2022-11-01',
    '2022-09-01', '2022-08-01', '2022-07-01', '2022-06-01', '2022-04-01', '2022-03-01', '2022-02-01', '2022-01-01',
    '2021-10-01', '2021-09-01', '2021-08-01', '2021-07-01', '2021-05-01', '2021-03-01', '2021-02-01', '2020-12-01',
    '2026-05-02-preview', '2026-03-02-preview', '2025-10-02-preview', '2025-08-02-preview', '2025-06-02-preview',
    '2025-05-02-preview', '2025-04-02-preview', '2025-03-02-preview', '2025-02-02-preview', '2025-01-02-preview',
    '2024-10-02-preview', '2024-09-02-preview', '2024-07-02-preview', '2024-06-02-preview', '2024-05-02-preview')

CONNECTED_CLUSTERS = ('2025-08-01-preview', '2024-12-01-preview', '2024-07-15-preview', '2024-07-01-preview',
                      '2024-06-01-preview', '2024-02-01-preview', '2024-01-01', '2023-11-01-preview',
                      '2022-10-01-preview', '2022-05-01-preview', '2021-10-01', '2021-04-01-preview', '2021-03-01',
                      '2020-01-01-preview')

APPLIANCES = ('2025-03-01-preview', '2022-10-27', '2022-04-15-preview', '2021-10-31-preview', '2021-02-01-preview')

PROVISIONED_CLUSTERS = ('2024-01-01', '2023-11-15-preview', '2022-09-01-preview', '2022-05-01-preview')

FLEETS = ('2026-06-01', '2026-02-01-preview', '2025-08-01-preview', '2025-04-01-preview', '2025-03-01',
          '2024-05-02-preview', '2024-04-01', '2024-02-02-preview', '2023-10-15', '2023-08-15-preview',
          '2023-06-15-preview', '2023-03-15-preview', '2022-09-02-preview', '2022-07-02-preview', '2022-06-02-preview')


def query_value(query, name):
    """A query parameter by name, ignoring case: clients send ``api-version`` and ``api-Version``."""
    name = name.lower()
    for key, value in query.items():
        if key.lower() == name:
            return value
    return None


def requested_version(query):
    version = query_value(query, 'api-version')
    if not version:
        raise errors.missing_api_version()
    return version


def check(query, supported):
    """The request's api-version, once ARM would accept it for a type supporting ``supported``."""
    version = requested_version(query)
    if version.lower() not in (v.lower() for v in supported):
        raise errors.invalid_api_version(version, supported)
    return version
