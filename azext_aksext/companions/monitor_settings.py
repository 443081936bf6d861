"""Checks of Container Insights' own settings, made before anything is sent: dataCollectionSettings (a JSON
document the data collection rule receives) and proxyEndpoint. The rules are the official tool's; an invalid
JSON document is an error naming the setting rather than a crash."""
import json
import re

from azure.cli.core.azclierror import InvalidArgumentValueError

DATA_COLLECTION_SETTINGS = 'dataCollectionSettings'
_PROXY = re.compile(r'^https?://([^:@/\s]+:[^@/\s]+@)?[^:/@\s]+:\d+/?$', re.IGNORECASE)
_INTERVAL = re.compile(r'^(\d+)m$')


def parse_data_collection_settings(settings):
    """The dataCollectionSettings document, validated; None when the setting is absent."""
    raw = settings.get(DATA_COLLECTION_SETTINGS)
    if raw is None:
        return None
    try:
        document = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as err:
        raise InvalidArgumentValueError(f"dataCollectionSettings is not valid JSON: {err}.",
                                        'Give a JSON object, for example dataCollectionSettings=\'{"interval": '
                                        '"1m", "namespaceFilteringMode": "Off"}\'.') from err
    if not isinstance(document, dict):
        raise InvalidArgumentValueError("dataCollectionSettings must be a JSON object.")
    _check_interval(document.get('interval'))
    mode = document.get('namespaceFilteringMode')
    if mode is not None and mode.lower() not in ('off', 'exclude', 'include'):
        raise InvalidArgumentValueError("dataCollectionSettings: namespaceFilteringMode must be Off, Exclude or "
                                        f"Include, not '{mode}'.")
    for key in ('namespaces', 'streams'):
        if key in document and not isinstance(document[key], list):
            raise InvalidArgumentValueError(f"dataCollectionSettings: {key} must be a JSON array.")
    if 'enableContainerLogV2' in document and not isinstance(document['enableContainerLogV2'], bool):
        raise InvalidArgumentValueError("dataCollectionSettings: enableContainerLogV2 must be true or false.")
    return document


def _check_interval(interval):
    if interval is None:
        return
    match = _INTERVAL.match(str(interval))
    if not match:
        raise InvalidArgumentValueError("dataCollectionSettings: interval must be a number of minutes such as "
                                        f"'1m', not '{interval}'.")
    if not 1 <= int(match.group(1)) <= 30:
        raise InvalidArgumentValueError(f"dataCollectionSettings: interval must be from 1m to 30m, not '{interval}'.")


def check_proxy(protected):
    """proxyEndpoint (a protected setting): its value is never repeated in the error."""
    value = protected.get('proxyEndpoint')
    if value is not None and not _PROXY.match(str(value).strip()):
        raise InvalidArgumentValueError(
            "The protected setting proxyEndpoint is not a proxy URL.",
            "Use http(s)://<user>:<password>@<proxyhost>:<port> (or http(s)://<proxyhost>:<port>).")


def check_monitor_settings(settings, protected):
    parse_data_collection_settings(settings)
    check_proxy(protected)
