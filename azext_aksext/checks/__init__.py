"""Reads before a write: what aksext asks Azure before it sends a create or an update, and refuses on.

Validation (_validators.py and the type rules) needs no request; these checks do, and run after it, always in this
order, each only when the command needs it:

1. the cluster (`cluster.py`): an AKS cluster exists and has a managed identity; its location and Kubernetes
   version are kept for the checks below;
2. the extension types API (`types_api.py`): the type runs on this kind of cluster; the release train and the
   version asked for exist;
3. Kubernetes versions (`versions.py`): the version (given, or the newest of the train a create follows) supports
   the cluster's Kubernetes version; `az aks extension update` takes patch upgrades only;
4. the extension itself (`existing.py`): a create over an existing extension changes nothing fixed at create, and
   an extension that Azure manages is not written to.

A check refuses only on what its answer says: a cluster that does not exist, a type or a version the extension
types API does not list, a version that excludes the cluster, an extension whose fixed properties differ. When its
own read gets no usable answer, whatever the cause outside the user's input (no permission, throttled, a failing
service, no answer at all, a request a recorder refuses to play, an answer that cannot be read), it warns once, in
one wording (`warn_unread`), and the rest of the command runs as the official tool runs it: without aksext's other
reads (`unanswered`, `reading`). A check must never need more than the operation does.

The official tool makes none of these reads. `az config set aksext.extra_reads=false`, or the environment variable
AZURE_AKSEXT_EXTRA_READS=false that az maps to it, turns them all off (`extra_reads`): aksext then sends exactly the
official tool's requests, in its order. The checks that need no request stay on.
"""
from knack.log import get_logger
from azure.cli.core.azclierror import InvalidArgumentValueError

logger = get_logger(__name__)

THEN = 'going on without that check: the service checks it'

# The switch: `az config set aksext.extra_reads=false`; az reads AZURE_AKSEXT_EXTRA_READS in its place when set.
SWITCH = ('aksext', 'extra_reads')


def extra_reads(cli_ctx):
    """False when the switch turns aksext's own reads off; true (the default) otherwise."""
    try:
        return cli_ctx.config.getboolean(*SWITCH, fallback=True)
    except ValueError as err:
        raise InvalidArgumentValueError(
            f"The configuration value {'.'.join(SWITCH)} is '{cli_ctx.config.get(*SWITCH)}', which is neither true "
            "nor false.",
            f"Set it to true or false: `az config set {'.'.join(SWITCH)}=false` (or "
            f"{cli_ctx.config.env_var_name(*SWITCH)}=false in the environment) turns aksext's own reads before a "
            f"write off; `az config unset {'.'.join(SWITCH)}` turns them back on.") from err


def reading(target):
    """True while aksext's own reads are made for this command: the switch leaves them on and none has gone
    unanswered yet."""
    if target.extra_reads is None:
        target.extra_reads = extra_reads(target.cmd.cli_ctx)
    return target.extra_reads


def unanswered(target, what, err, then=THEN):
    """The one ending of a read of aksext's own that got no usable answer: one warning, and the rest of the command
    goes without aksext's reads, as the official tool's would."""
    warn_unread(what, err, then)
    target.extra_reads = False


def reason(err):
    """A failed read in a few words: 'HTTP 403', an answer that could not be read, or the kind of failure when there
    was no answer (a dropped connection, a timeout, a recorder that holds no such request)."""
    status = getattr(err, 'status_code', None)
    if status:
        return f'HTTP {status}'
    if isinstance(err, (ValueError, TypeError, KeyError, AttributeError)):  # deserializing a malformed answer
        return f'unreadable answer: {type(err).__name__}'
    return f'no answer: {type(err).__name__}'


def warn_unread(what, err, then=THEN):
    """The one warning of a check whose own read failed: 'Could not <what> (<reason>); <then>.'"""
    logger.warning("Could not %s (%s); %s.", what, reason(err), then)


def before_create(cmd, target, client, body, *, scope_given):
    """Checks 1 to 4 for a create of `body` (the PUT body); returns the cluster's location when check 1 read it.

    scope_given: the user typed the scope (a default filled in by type rules is not checked)."""
    from .cluster import check_aks_cluster
    from .existing import check_create_over_existing
    from .types_api import check_type_metadata
    from .versions import check_compatibility
    properties = body['properties']
    extension_type, version = properties['extensionType'], properties.get('version')
    release_train = properties.get('releaseTrain')
    location, cluster_readable = check_aks_cluster(cmd, target)
    scope = next(iter(properties['scope']), None) if scope_given and properties.get('scope') else None
    check_type_metadata(cmd, target, extension_type, scope=scope, version=version, release_train=release_train,
                        location=location)
    check_compatibility(cmd, target, extension_type, version=version, release_train=release_train,
                        cluster_readable=cluster_readable)
    check_create_over_existing(client, target, body)
    return location


def before_update(cmd, target, current, *, version, release_train):
    """Checks 2 to 4 for an update of the extension `current` (as the user sees it); the extension was read, so
    check 4 has been made by the caller (refuse_if_managed)."""
    from .types_api import check_type_metadata
    from .versions import check_compatibility, check_core_policy
    extension_type = current.get('extensionType')
    train = release_train or current.get('releaseTrain')
    if version or release_train:  # nothing else on update needs the extension types API
        check_type_metadata(cmd, target, extension_type, scope=None, version=version, release_train=train)
    if version:
        check_core_policy(cmd, target, current, version)
        check_compatibility(cmd, target, extension_type, version=version, release_train=train)
