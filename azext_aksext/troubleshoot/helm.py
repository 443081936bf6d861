"""Helm 3 release records, decoded from their Secrets (type ``helm.sh/release.v1``): the release JSON is gzip, then
base64, then the API's own base64 of Secret data. What the bundle keeps of one is its history (status, revision,
chart version, the failure description, its hooks) and the keys of its values, never the values: they hold the
extension's protected settings in plain text, and the rendered manifest can too."""
import base64
import binascii
import gzip
import json
import zlib

from .redact import keys_only, leaves

RELEASE_TYPE = 'helm.sh/release.v1'
# Values the extension agent adds to every release (region, cluster and extension names): not secrets.
SYSTEM_VALUES = 'Azure.'
# Larger than any real release record; a bigger one is not read whole (a decompression bomb).
MAX_RELEASE_BYTES = 32 * 1024 * 1024


def decode(secret):
    """The release document of a Helm release Secret, or None when it is not one Helm wrote."""
    data = (secret.get('data') or {}).get('release')
    if secret.get('type') != RELEASE_TYPE or not data:
        return None
    try:
        inner = base64.b64decode(base64.b64decode(data))
        if inner[:2] == b'\x1f\x8b':
            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            inner = stream.decompress(inner, MAX_RELEASE_BYTES)
            if stream.unconsumed_tail:
                return None
        return json.loads(inner)
    except (binascii.Error, ValueError, zlib.error, EOFError, gzip.BadGzipFile):
        return None


def summary(release):
    """What the bundle and the diagnosis keep of a release: no value, no manifest."""
    info = release.get('info') or {}
    metadata = (release.get('chart') or {}).get('metadata') or {}
    return {'name': release.get('name'), 'namespace': release.get('namespace'), 'revision': release.get('version'),
            'status': info.get('status'), 'description': info.get('description'),
            'firstDeployed': info.get('first_deployed'), 'lastDeployed': info.get('last_deployed'),
            'chart': metadata.get('name'), 'chartVersion': metadata.get('version'),
            'appVersion': metadata.get('appVersion'),
            'hooks': [{'name': hook.get('name'), 'kind': hook.get('kind'), 'events': hook.get('events'),
                       'lastRun': (hook.get('last_run') or {}).get('phase')} for hook in release.get('hooks') or []],
            'values': keys_only(release.get('config') or {})}


def secret_values(release, public=()):
    """The string values of a release's config, less the ones known to be ordinary settings (``public``: values
    of the extension's configurationSettings): the rest are protected settings, or may be."""
    public = {str(value) for value in public}
    return [value for key, value in leaves(release.get('config') or {})
            if isinstance(value, str) and value not in public and not key.startswith(SYSTEM_VALUES)]
