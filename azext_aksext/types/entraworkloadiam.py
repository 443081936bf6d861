"""Microsoft Entra Workload ID (microsoft.entraworkloadiam): cluster scope only, the preview release train unless
given, instance names of 20 characters at most. Its settings, keys read without regard to case: trustDomain and
tenantId (required) become the chart's global.workload-iam.trustDomain and global.workload-iam.tenantID; the join
token the agent registers with is a protected setting only (joinToken), sent as
workload-iam-local-authority.localAuthorityArgs.joinToken. Without one, localAuthority names the local authority a
single-use token is created under, as the official tool does, through the workload-iam extension of az when it is
installed (otherwise the error gives that command to run). The short keys themselves are not sent: the chart does
not read them (the official tool means to drop them, and sends them by mistake)."""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError, RequiredArgumentMissingError

from ..core.scope import CLUSTER
from ._base import ExtensionType

logger = get_logger(__name__)

TRUST_DOMAIN = 'global.workload-iam.trustDomain'
TENANT_ID = 'global.workload-iam.tenantID'
JOIN_TOKEN = 'workload-iam-local-authority.localAuthorityArgs.joinToken'
# The short keys users give (lower case) -> (how users write them, the chart key they become).
USER_KEYS = {'trustdomain': ('trustDomain', TRUST_DOMAIN), 'tenantid': ('tenantId', TENANT_ID)}
LOCAL_AUTHORITY = 'localauthority'
TOKEN = 'jointoken'


def _split(settings, keys):
    """(the values of the short keys, the other settings as given)."""
    values, rest = {}, {}
    for key, value in (settings or {}).items():
        if key.lower() in keys:
            values[key.lower()] = value
        else:
            rest[key] = value
    return values, rest


def mint_command(trust_domain, local_authority):
    return ['workload-iam', 'local-authority', 'attestation-method', 'create', '--td', trust_domain,
            '--la', local_authority, '--type', 'joinTokenAttestationMethod', '--dn', 'myJoinToken',
            '--query', 'singleUseToken', '-o', 'tsv']


class EntraWorkloadIAM(ExtensionType):
    name = 'microsoft.entraworkloadiam'
    scopes = (CLUSTER,)
    default_release_train = 'preview'
    max_name_length = 20

    def prepare_settings(self, settings, protected, creating):
        """The chart's keys for the short ones; localAuthority stays until the create makes its token."""
        if not creating:
            return settings, protected
        given, settings = _split(settings, set(USER_KEYS) | {TOKEN})
        token, protected = _split(protected, {TOKEN})
        if TOKEN in given:
            raise InvalidArgumentValueError(
                "The join token of microsoft.entraworkloadiam is a secret: it cannot be a plain setting.",
                "Give it with --config-protected-settings joinToken=<token> (or --config-protected-file).")
        for short, (spelled, key) in USER_KEYS.items():
            if not given.get(short):
                raise RequiredArgumentMissingError(
                    f"microsoft.entraworkloadiam needs the setting {spelled}.",
                    "Add --configuration-settings trustDomain=<trust domain> tenantId=<tenant ID>.")
            settings[key] = given[short]
        if token.get(TOKEN):
            protected[JOIN_TOKEN] = token[TOKEN]
        elif not _split(settings, {LOCAL_AUTHORITY})[0].get(LOCAL_AUTHORITY):
            raise RequiredArgumentMissingError(
                "microsoft.entraworkloadiam needs a join token, or the local authority to create one under.",
                "Give --config-protected-settings joinToken=<token>, or --configuration-settings "
                "localAuthority=<name>.")
        return settings, protected

    def before_create(self, context, settings, protected):
        authority, settings = _split(settings, {LOCAL_AUTHORITY})
        if authority and JOIN_TOKEN not in protected:
            protected[JOIN_TOKEN] = create_join_token(settings[TRUST_DOMAIN], authority[LOCAL_AUTHORITY])
        return settings, protected


def create_join_token(trust_domain, local_authority):
    """A single-use join token from the workload-iam extension of az, as the official tool gets one."""
    from azure.cli.core.extension import ExtensionNotInstalledException, get_extension
    command = mint_command(trust_domain, local_authority)
    try:
        get_extension('workload-iam')
    except ExtensionNotInstalledException as err:
        raise RequiredArgumentMissingError(
            "microsoft.entraworkloadiam has no join token, and the workload-iam extension of az that creates one "
            "is not installed. Nothing was sent.",
            f"Install it (az extension add --name workload-iam) and run the create again, or create a token with "
            f"`az {' '.join(command)}` and give it with --config-protected-settings joinToken=<token>.") from err
    import os
    from azure.cli.core import get_default_cli
    cli = get_default_cli()
    with open(os.devnull, 'w', encoding='utf-8') as quiet:
        cli.invoke(command, out_file=quiet)  # the token is a secret: nothing is printed
    token = getattr(cli.result, 'result', None)
    if not token:
        raise RequiredArgumentMissingError(
            f"Could not create a join token under local authority '{local_authority}' of trust domain "
            f"'{trust_domain}'. Nothing was sent.",
            f"Check the names, or create one with `az {' '.join(command)}` and give it with "
            "--config-protected-settings joinToken=<token>.")
    return token


TYPE = EntraWorkloadIAM()
