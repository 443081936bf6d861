"""The front door's api-version check: every ARM request names one, and each route says which it accepts.

The versions themselves are data of the resource families (``API_VERSIONS`` and the like in ``resources/``).
"""
from . import errors


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
