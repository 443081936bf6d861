"""Helm 3 release records as Helm stores them: a Secret of type ``helm.sh/release.v1`` named
``sh.helm.release.v1.<release>.v<revision>``, whose ``release`` field is base64 of gzip of the release JSON (and the
API adds its own base64 of the Secret's data on top)."""
import base64
import gzip
import json

RELEASE_TYPE = 'helm.sh/release.v1'


def nested(flat):
    """Helm values from dotted keys (``a.b=1`` is ``{"a": {"b": 1}}``), as ``--set`` builds them."""
    values = {}
    for key, value in sorted((flat or {}).items()):
        node = values
        parts = key.split('.')
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return values


def encoded_release(release):
    """The Secret's ``release`` data field (base64 as the API returns Secret data) of a release document."""
    inner = base64.b64encode(gzip.compress(json.dumps(release).encode(), mtime=0))
    return base64.b64encode(inner).decode()


def release_secret(release, created):
    name, revision = release['name'], release['version']
    return {'apiVersion': 'v1', 'kind': 'Secret', 'type': RELEASE_TYPE,
            'metadata': {'name': f'sh.helm.release.v1.{name}.v{revision}', 'namespace': release['namespace'],
                         'creationTimestamp': created, 'uid': f'helm-{name}-{revision}',
                         'labels': {'name': name, 'owner': 'helm', 'status': release['info']['status'],
                                    'version': str(revision)}},
            'data': {'release': encoded_release(release)}}


def release_doc(name, namespace, *, chart, version, revision, status, description, config, deployed, hooks=()):
    return {'name': name, 'namespace': namespace, 'version': revision,
            'info': {'first_deployed': deployed, 'last_deployed': deployed, 'deleted': '', 'description': description,
                     'status': status, 'notes': ''},
            'chart': {'metadata': {'name': chart, 'version': version, 'appVersion': version, 'apiVersion': 'v2'},
                      'templates': [], 'values': {}},
            'config': config,
            # The rendered templates; kept short, and free of the values above, as a chart with no Secret renders.
            'manifest': f'---\n# Source: {chart}/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n',
            'hooks': list(hooks)}
