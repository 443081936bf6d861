"""Azure AD for one tenant and one service principal: the OpenID and OAuth2 v2.0 endpoints MSAL uses for
``az login --service-principal``, and the bearer-token check in front of every ARM call.

A token's audience is the resource of its scope: ``https://management.core.windows.net//.default`` for ARM,
``https://storage.azure.com/.default`` for Azure Storage (which Azurite accepts: ``iss`` on ``sts.windows.net``,
``aud`` ``https://storage.azure.com/``, ``iat``, ``nbf``, ``exp``). ARM refuses a token for another audience, as the
service does."""
import secrets
import time
import uuid

import jwt
from aiohttp import web

from . import errors

TOKEN_LIFETIME = 3600
ALGORITHM = 'HS256'
# The audiences ARM accepts (its message lists them); the emulator's own URL is accepted too.
ARM_AUDIENCES = ('https://management.core.windows.net/', 'https://management.core.windows.net',
                 'https://management.azure.com/', 'https://management.azure.com')


def client_secret():
    """A URL-safe secret that never starts with '-', so no command line can mistake it for a flag."""
    return 'S' + secrets.token_urlsafe(24)


def ensure_identity(store):
    """The tenant, subscription, service principal and token signing key; created once per data directory."""
    identity = store.meta('identity')
    if identity is None:
        identity = {'tenant': str(uuid.uuid4()), 'subscription': str(uuid.uuid4()),
                    'client_id': str(uuid.uuid4()), 'client_secret': client_secret(),
                    'signing_key': secrets.token_hex(32)}
        store.set_meta('identity', identity)
    return identity


def aad_error(status, error, code, description):
    # MSAL surfaces `error` and `error_description`; AAD puts the AADSTS number first in the description.
    return errors.json_response({'error': error, 'error_description': f'{code}: {description}',
                                 'error_codes': [int(code[6:])], 'timestamp': time.strftime('%Y-%m-%d %H:%M:%SZ'),
                                 'trace_id': str(uuid.uuid4()), 'correlation_id': str(uuid.uuid4())},
                                status=status)


class Identity:
    def __init__(self, values, base_url, lifetime=lambda: TOKEN_LIFETIME):
        self.values = values
        self.base_url = base_url.rstrip('/')
        self.lifetime = lifetime  # seconds a new token lasts; short ones test renewal during a long wait

    @property
    def tenant(self):
        return self.values['tenant']

    def _known_tenant(self, tenant):
        return tenant.lower() in (self.tenant, 'organizations', 'common')

    def issue_token(self, scope):
        now = int(time.time())
        audience = scope.split(' ')[0].rsplit('/.default', 1)[0].rstrip('/') + '/' if scope else None
        claims = {'aud': audience, 'iss': f'https://sts.windows.net/{self.tenant}/', 'iat': now,
                  'nbf': now, 'exp': now + self.lifetime(), 'appid': self.values['client_id'],
                  'oid': self.values['client_id'], 'sub': self.values['client_id'], 'tid': self.tenant,
                  'idtyp': 'app', 'ver': '1.0'}
        return jwt.encode(claims, self.values['signing_key'], algorithm=ALGORITHM)

    def check_bearer(self, request):
        """Raise ARM's 401 unless the request carries a token this emulator issued and that has not expired."""
        header = request.headers.get('Authorization', '')
        challenge = {'WWW-Authenticate': f'Bearer authorization_uri="{self.base_url}/{self.tenant}", '
                                         'error="invalid_token", error_description="The authentication failed."'}
        if not header:
            raise errors.ArmError(401, 'InvalidAuthenticationToken',
                                  "Authentication failed. The 'Authorization' header is missing.", challenge)
        scheme, _, token = header.partition(' ')
        if scheme.lower() != 'bearer' or not token:
            raise errors.ArmError(401, 'InvalidAuthenticationToken',
                                  "Authentication failed. The 'Authorization' header is missing the access token.",
                                  challenge)
        try:
            claims = jwt.decode(token, self.values['signing_key'], algorithms=[ALGORITHM],
                                options={'verify_aud': False})
        except jwt.ExpiredSignatureError as error:
            raise errors.ArmError(401, 'ExpiredAuthenticationToken',
                                  'The access token expiry UTC time is earlier than current UTC time.',
                                  challenge) from error
        except jwt.InvalidTokenError as error:
            raise errors.ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.',
                                  challenge) from error
        audience = claims.get('aud')
        if audience and audience not in ARM_AUDIENCES and audience.rstrip('/') != self.base_url:
            allowed = ','.join(f"'{name}'" for name in ARM_AUDIENCES)
            raise errors.ArmError(401, 'InvalidAuthenticationTokenAudience',
                                  f"The access token has been obtained for wrong audience or resource '{audience}'. "
                                  f"It should exactly match with one of the allowed audiences {allowed}.", challenge)

    async def openid_configuration(self, request):
        tenant = request.match_info['tenant']
        if not self._known_tenant(tenant):
            return aad_error(400, 'invalid_tenant', 'AADSTS90002',
                             f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.")
        root = f'{self.base_url}/{tenant}'
        return errors.json_response({
            'token_endpoint': root + '/oauth2/v2.0/token',
            'token_endpoint_auth_methods_supported': ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
            'jwks_uri': root + '/discovery/v2.0/keys',
            'response_modes_supported': ['query', 'fragment', 'form_post'],
            'subject_types_supported': ['pairwise'],
            'id_token_signing_alg_values_supported': ['RS256'],
            'response_types_supported': ['code', 'id_token', 'code id_token', 'id_token token'],
            'scopes_supported': ['openid', 'profile', 'email', 'offline_access'],
            'issuer': f'{self.base_url}/{self.tenant}/v2.0',
            'request_uri_parameter_supported': False,
            'userinfo_endpoint': root + '/openid/userinfo',
            'authorization_endpoint': root + '/oauth2/v2.0/authorize',
            'device_authorization_endpoint': root + '/oauth2/v2.0/devicecode',
            'http_logout_supported': True, 'frontchannel_logout_supported': True,
            'end_session_endpoint': root + '/oauth2/v2.0/logout',
            'claims_supported': ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid', 'oid'],
            'kerberos_endpoint': root + '/kerberos',
            'tenant_region_scope': 'NA', 'cloud_instance_name': 'emulator.local', 'cloud_graph_host_name': None,
            'msgraph_host': None, 'rbac_url': None})

    async def keys(self, _request):
        return errors.json_response({'keys': []})

    async def token(self, request):
        form = await request.post()
        if not self._known_tenant(request.match_info['tenant']):
            return aad_error(400, 'invalid_request', 'AADSTS90002',
                             f"Tenant '{request.match_info['tenant']}' not found.")
        if form.get('grant_type') != 'client_credentials':
            return aad_error(400, 'unsupported_grant_type', 'AADSTS70003',
                             'The app requested an unsupported grant type.')
        client_id = form.get('client_id', '')
        if client_id != self.values['client_id']:
            return aad_error(400, 'unauthorized_client', 'AADSTS700016',
                             f"Application with identifier '{client_id}' was not found in the directory "
                             f"'{self.tenant}'.")
        if not secrets.compare_digest(form.get('client_secret', ''), self.values['client_secret']):
            return aad_error(400, 'invalid_client', 'AADSTS7000215',
                             "Invalid client secret provided. Ensure the secret being sent in the request is the "
                             f"client secret value, not the client secret ID, for a secret added to app '{client_id}'.")
        return errors.json_response({'token_type': 'Bearer', 'expires_in': self.lifetime(),
                                     'ext_expires_in': self.lifetime(),
                                     'access_token': self.issue_token(form.get('scope', ''))})


# Azure AD's endpoints: (method, path, the Identity method that answers).
ROUTES = (('GET', '/{tenant}/v2.0/.well-known/openid-configuration', 'openid_configuration'),
          ('GET', '/{tenant}/discovery/v2.0/keys', 'keys'),
          ('POST', '/{tenant}/oauth2/v2.0/token', 'token'))


def routes(service):
    """Azure AD's routes for the app. Each looks up ``service.identity`` per request: Service.bind makes it once the
    listening port is known, after the app is built."""
    def answer(name):
        async def handler(request):
            return await getattr(service.identity, name)(request)
        return handler
    add = {'GET': web.get, 'POST': web.post}
    return [add[method](path, answer(name)) for method, path, name in ROUTES]
