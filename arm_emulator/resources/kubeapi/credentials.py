"""The credentials ARM hands out for a cluster's Kubernetes API: ``listClusterUserCredential`` and
``listClusterAdminCredential`` on an AKS cluster answer ``{"kubeconfigs": [{"name", "value"}]}`` with a base64
kubeconfig, as AKS does. The kubeconfig points at the emulator's Kubernetes API for that cluster (routes.py), trusts
the emulator's CA and carries a bearer token of its own per cluster and role; the admin API hands out the same
kubeconfig for any cluster type (an Arc cluster has no such ARM action)."""
import base64
import hashlib
import hmac
from pathlib import Path

import yaml

from ...frontdoor import errors
from ...frontdoor.errors import json_response
from .. import clusters

PREFIX = '/kubernetes'
ROLES = {'user': 'clusterUser', 'admin': 'clusterAdmin'}
ACTIONS = {'listclusterusercredential': 'user', 'listclusteradmincredential': 'admin'}


def token(service, cluster_key, role):
    key = service.values['signing_key'].encode()
    return f'{role}.' + hmac.new(key, f'kubernetes:{role}:{cluster_key}'.encode(), hashlib.sha256).hexdigest()


def role_of(service, cluster_key, bearer):
    """'user' or 'admin' for a token of this cluster, else None."""
    for role in ROLES:
        if hmac.compare_digest(bearer, token(service, cluster_key, role)):
            return role
    return None


def server_url(service, cluster):
    return service.base_url.rstrip('/') + PREFIX + cluster['id']


def kubeconfig(service, cluster, role='user'):
    name, group = cluster['name'], cluster['id'].split('/')[4]
    user = f'{ROLES[role]}_{group}_{name}'
    ca = Path(service.ca_path).read_bytes() if getattr(service, 'ca_path', None) else b''
    return {'apiVersion': 'v1', 'kind': 'Config', 'preferences': {},
            'clusters': [{'name': name, 'cluster': {'server': server_url(service, cluster),
                                                    'certificate-authority-data': base64.b64encode(ca).decode()}}],
            'contexts': [{'name': name + ('-admin' if role == 'admin' else ''),
                          'context': {'cluster': name, 'user': user}}],
            'current-context': name + ('-admin' if role == 'admin' else ''),
            'users': [{'name': user, 'user': {'token': token(service, cluster['id'].lower(), role)}}]}


def kubeconfig_text(service, cluster, role='user'):
    return yaml.safe_dump(kubeconfig(service, cluster, role), sort_keys=False)


async def list_credential(service, call):
    kind, cluster = clusters.find(service, call.params)
    if kind.resource != 'managedClusters':
        raise errors.invalid_resource_type(kind.rp, call.api_version)
    role = ACTIONS[call.params['action'].lower()]
    value = base64.b64encode(kubeconfig_text(service, cluster, role).encode()).decode()
    return json_response({'kubeconfigs': [{'name': ROLES[role], 'value': value}]})


ROUTES = [
    (clusters.CLUSTER + r'/(?P<action>listClusterUserCredential|listClusterAdminCredential)',
     {'POST': list_credential}, clusters.cluster_versions),
]
