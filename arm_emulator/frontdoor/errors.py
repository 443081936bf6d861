"""ARM's error envelope, and the front-door errors whose wording clients and tests rely on."""
import json

from aiohttp import web


class ArmError(Exception):
    """An error answered as ``{"error": {"code", "message", "details": [], ...}}`` with an HTTP status."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def envelope(self):
        return {'error': {'code': self.code, 'message': self.message, 'target': None, 'details': [],
                          'additionalInfo': []}}

    def response(self):
        return json_response(self.envelope(), status=self.status, headers=self.headers)


def json_response(body, status=200, headers=None):
    # ARM answers compact JSON with an explicit charset; the recordings show exactly this content type.
    if body is None:
        return web.Response(status=status, headers=headers)
    return web.Response(body=json.dumps(body, separators=(',', ':')).encode(), status=status, headers=headers,
                        content_type='application/json', charset='utf-8')


def missing_api_version():
    return ArmError(400, 'MissingApiVersionParameter',
                    'The api-version query parameter (?api-version=) is required for all requests.')


def invalid_api_version(given, supported):
    return ArmError(400, 'InvalidApiVersionParameter',
                    f"The api-version '{given}' is invalid. The supported versions are '{','.join(supported)}'.")


def resource_group_not_found(name):
    return ArmError(404, 'ResourceGroupNotFound', f"Resource group '{name}' could not be found.")


def resource_not_found(type_path, name, group):
    return ArmError(404, 'ResourceNotFound',
                    f"The Resource '{type_path}/{name}' under resource group '{group}' was not found. For more details "
                    "please go to https://aka.ms/ARMResourceNotFoundFix")


def subscription_not_found(subscription):
    return ArmError(404, 'SubscriptionNotFound', f"The subscription '{subscription}' could not be found.")


def invalid_resource_type(namespace, api_version):
    return ArmError(404, 'InvalidResourceType',
                    f"The resource type could not be found in the namespace '{namespace}' for api version "
                    f"'{api_version}'.")


def missing_registration(namespace):
    return ArmError(409, 'MissingSubscriptionRegistration',
                    f"The subscription is not registered to use namespace '{namespace}'. See "
                    "https://aka.ms/rps-not-found for how to register subscriptions.")


def bad_request(message, code='BadRequest'):
    return ArmError(400, code, message)


def method_not_allowed(method):
    return ArmError(405, 'MethodNotAllowed',
                    f"The requested resource does not support http method '{method}'.")
