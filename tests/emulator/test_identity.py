"""Azure AD endpoints and the bearer check in front of ARM."""
import jwt
import requests

from .conftest import error_code


def token_request(endpoint, secret, scope='https://management.core.windows.net//.default'):
    return requests.post(f"{endpoint['arm']}{endpoint['tenant']}/oauth2/v2.0/token",
                         data={'grant_type': 'client_credentials', 'client_id': endpoint['client_id'],
                               'client_secret': secret, 'scope': scope},
                         verify=endpoint['ca_bundle'], timeout=30)


def test_a_storage_token_has_what_azurite_checks_and_arm_refuses_it(emulator, arm):
    answer = token_request(emulator.endpoint, emulator.endpoint['client_secret'], 'https://storage.azure.com/.default')
    token = answer.json()['access_token']
    claims = jwt.decode(token, options={'verify_signature': False})
    assert claims['aud'] == 'https://storage.azure.com/'
    assert claims['iss'] == f"https://sts.windows.net/{emulator.endpoint['tenant']}/"
    assert claims['iat'] == claims['nbf'] and claims['exp'] - claims['iat'] == answer.json()['expires_in'] == 3600
    refused = arm.call('GET', arm.subscription + '/resourcegroups', '2024-11-01', token='Bearer ' + token)
    assert refused.status_code == 401 and error_code(refused) == 'InvalidAuthenticationTokenAudience'
    assert "wrong audience or resource 'https://storage.azure.com/'" in refused.json()['error']['message']


def test_az_login_as_service_principal(az, emulator, admin):
    account = az.json('account', 'show')
    assert account['id'] == emulator.endpoint['subscription']
    assert account['tenantId'] == emulator.endpoint['tenant']
    assert account['user'] == {'name': emulator.endpoint['client_id'], 'type': 'servicePrincipal'}
    groups = az.json('group', 'list')
    assert 'demo-rg' in [g['name'] for g in groups]
    calls = admin.requests()
    assert any(r['path'].endswith('/resourcegroups') and r['status'] == 200 for r in calls)


def test_az_login_with_wrong_secret_fails(az, emulator, tmp_path):
    from arm_emulator.harness.azcli import AzCli
    wrong = AzCli(dict(emulator.endpoint, client_secret='not-the-secret'), tmp_path / 'config')
    try:
        wrong.login()
    except AssertionError as error:
        assert 'AADSTS7000215' in str(error)
    else:
        raise AssertionError('login with a wrong secret succeeded')


def test_token_endpoint(emulator):
    good = token_request(emulator.endpoint, emulator.endpoint['client_secret'])
    assert good.status_code == 200 and good.json()['token_type'] == 'Bearer'
    claims = jwt.decode(good.json()['access_token'], options={'verify_signature': False})
    assert claims['tid'] == emulator.endpoint['tenant'] and claims['appid'] == emulator.endpoint['client_id']
    bad = token_request(emulator.endpoint, 'wrong')
    assert bad.status_code == 400 and bad.json()['error'] == 'invalid_client'
    assert bad.json()['error_description'].startswith('AADSTS7000215: Invalid client secret provided.')


def test_openid_configuration(emulator):
    response = requests.get(f"{emulator.url}{emulator.endpoint['tenant']}/v2.0/.well-known/openid-configuration",
                            verify=emulator.endpoint['ca_bundle'], timeout=30)
    assert response.json()['token_endpoint'] == f"{emulator.url}{emulator.endpoint['tenant']}/oauth2/v2.0/token"


def test_arm_requires_a_valid_token(arm):
    for token in (None, 'Bearer not-a-jwt', 'Bearer ' + jwt.encode({'exp': 4102444800}, 'other-key-' * 4)):
        response = arm.call('GET', arm.subscription + '/resourcegroups', '2024-11-01', token=token)
        assert response.status_code == 401, token
        assert error_code(response) == 'InvalidAuthenticationToken'
        assert response.headers['WWW-Authenticate'].startswith('Bearer ')
    assert arm.call('GET', arm.subscription + '/resourcegroups', '2024-11-01').status_code == 200


def test_a_secret_starting_with_a_dash_reaches_azure_ad_as_the_password(az, emulator, tmp_path):
    # Were it passed as `-p -x...`, az's parser would take it for a flag and never ask Azure AD.
    from arm_emulator.harness.azcli import AzCli
    dashed = AzCli(dict(emulator.endpoint, client_secret='-' + emulator.endpoint['client_secret']), tmp_path / 'c')
    try:
        dashed.login()
    except AssertionError as error:
        assert 'AADSTS7000215' in str(error) and 'expected one argument' not in str(error)
    else:
        raise AssertionError('login with a wrong secret succeeded')


def test_generated_secrets_never_start_with_a_dash():
    from arm_emulator.frontdoor.identity import client_secret
    assert not any(client_secret().startswith('-') for _ in range(2000))
