"""Check 4 (see checks/__init__.py): the extension itself. Writes the service forbids are refused before sending:
changing what cannot change after create (extension type, scope and namespace, identity, plan), and changing an
extension that only its owner (for example AKS) may change."""
from azure.cli.core.azclierror import InvalidArgumentValueError, ValidationError

from ..core.answers import items, mapping, text
from . import reading, unanswered

_WRITE_ACTIONS = ('write', 'delete', '*')


def managed_by(extension):
    """Who owns an extension users may only read (from managementDetails), or None when users may change it."""
    details = mapping(mapping(extension).get('managementDetails'))
    access = [mapping(item) for item in items(details.get('accessDetails'))]
    writers = [item.get('entity') for item in access
               if any(str(action).lower().endswith(_WRITE_ACTIONS) for action in items(item.get('allowedActions')))]
    users_may_write = any(str(entity or '').lower() in ('user', 'users', 'customer') for entity in writers)
    if str(details.get('category') or '').lower() == 'managed' and not users_may_write:
        return next((entity for entity in writers if entity), None) or 'Azure'
    return None


def refuse_if_managed(target, extension, verb):
    owner = managed_by(extension)
    if owner is None:
        return
    raise ValidationError(
        f"Cannot {verb} {target.describe()}: it is managed by {owner}, and users may only read it.",
        "Change it through its owner: for an AKS-managed extension, the `az aks` command of the feature that "
        "installed it (for example `az aks update`).")


def existing_extension(client, target):
    """The extension as the service has it, or None when it does not exist or cannot be read (with a warning).

    For one command, ARM's check-existence (HEAD) asks first and the extension is read (GET) only when it exists (see
    checks/reads.py): a replayed session refuses that request instead of handing over the answer recorded for a later
    command's GET of the extension. A rollout answers from what it read already."""
    if not reading(target):
        return None
    try:
        return mapping(target.reads.extension(client, target))
    except Exception as err:  # pylint: disable=broad-except
        if getattr(err, 'status_code', None) != 404:
            unanswered(target, f"check whether {target.describe()} already exists", err)
        return None


def _scope_of(document):
    scope = mapping(mapping(document).get('scope'))
    if scope.get('namespace') is not None:
        return 'namespace', (text(mapping(scope.get('namespace')).get('targetNamespace')) or '').lower()
    if scope.get('cluster') is not None:
        return 'cluster', (text(mapping(scope.get('cluster')).get('releaseNamespace')) or '').lower()
    return None, ''


def _identity_type(identity):
    value = str(mapping(identity).get('type') or 'None')
    return value.rsplit('.', 1)[-1].lower()


def _plan(plan):
    return tuple(str(mapping(plan).get(key) or '').lower() for key in ('name', 'product', 'publisher'))


def changed_immutables(existing, body):
    """What the create body would change among the properties fixed at create ([(property, now, asked)])."""
    properties = body.get('properties') or {}
    changes = []
    if str(existing.get('extensionType') or '').lower() != str(properties.get('extensionType') or '').lower():
        changes.append(('extension type', existing.get('extensionType'), properties.get('extensionType')))
    asked_kind, asked_namespace = _scope_of(properties)
    now_kind, now_namespace = _scope_of(existing)
    # Scope and namespace left out of the request take the service's default: only what was asked for counts.
    if asked_kind and (asked_kind != now_kind or (asked_namespace and asked_namespace != now_namespace)):
        changes.append(('scope', f'{now_kind} {now_namespace}'.strip(),
                        f'{asked_kind} {asked_namespace}'.strip()))
    # The service leaves identity out of some answers (fleets): compare only an identity it reports.
    now_identity, asked_identity = _identity_type(existing.get('identity')), _identity_type(body.get('identity'))
    if 'identity' in body and existing.get('identity') and now_identity != asked_identity:
        changes.append(('identity', now_identity, asked_identity))
    if _plan(body.get('plan')) != _plan(existing.get('plan')):
        changes.append(('plan', '/'.join(_plan(existing.get('plan'))).strip('/') or 'none',
                        '/'.join(_plan(body.get('plan'))).strip('/') or 'none'))
    return changes


def describe_changes(changes, who):
    """[(property, now, asked)] as "extension type is 'a', the create asks for 'b'; ..."."""
    return '; '.join(f"{name} is '{now}', {who} asks for '{asked}'" for name, now, asked in changes)


def check_create_over_existing(client, target, body):
    """A create of an extension that exists may repeat its spec, never change what is fixed at create."""
    existing = existing_extension(client, target)
    if existing is None:
        return
    refuse_if_managed(target, existing, 'replace')
    changes = changed_immutables(existing, body)
    if not changes:
        return
    raise InvalidArgumentValueError(
        f"{target.describe()} already exists, and its {', '.join(name for name, _, _ in changes)} cannot change "
        f"after create: {describe_changes(changes, 'the create')}.",
        f"To change it, delete the extension and create it again: {target.az_command('delete', '--yes')} then rerun "
        "this create; or create one under another --name.")
