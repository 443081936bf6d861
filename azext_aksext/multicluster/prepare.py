"""What a rollout sends to one cluster, and what must hold first: the same code as `create` and `update` on one
cluster (writes.py, the type rules, checks/ and the companion hooks of types/), so that no rule lives twice.

The type rules depend on the kind of cluster, not on the cluster: they run once per extension type, kind of
cluster and verb, and their verdict (values or refusal) serves every cluster of that kind. The checks run per
cluster, their reads answered from Resource Graph's row and a cache shared across clusters (offers.py). The
companion resources are made per cluster, just before its write; a plan (--dry-run, and the summary before a run)
makes nothing.

A refusal is the az error create or update would raise; for a rollout it blocks that cluster, with the error's
message and its fix as the reason.
"""
import threading
from collections import namedtuple

from azure.cli.core.azclierror import AzCLIError

from ..core.target import Target
from .plan import BLOCKED, CREATE, NOTHING, UPDATE, Decision, decide, view

# A refusal of create or update, as the reason a cluster is blocked.
Refused = namedtuple('Refused', 'reason')


def reason_of(error):
    """An az error as one line: its message and the fix it names."""
    message = getattr(error, 'error_msg', None) or str(error)
    fix = ' '.join(str(line) for line in (getattr(error, 'recommendations', None) or []))
    return f'{message} {fix}'.strip()


class Pipeline:
    """The create and update pipeline of one rollout; thread-safe (workers share it)."""

    def __init__(self, cmd, desired, shared, scope_given):
        self.cmd, self.desired, self.shared, self.scope_given = cmd, desired, shared, scope_given
        self.lock = threading.Lock()
        self.ruled = {}

    def target(self, item, extension):
        """The Target of one cluster, its checks answered from its row and the rollout's shared reads."""
        return Target(self.cmd, item.ref, self.desired.name, subscription=item.subscription,
                      reads=self.shared.reads_for(item.cluster, extension))

    def _rules(self, key, apply):
        """The rules' verdict for key, computed once: values, or the refusal (re-raised for every cluster)."""
        with self.lock:
            if key not in self.ruled:
                try:
                    self.ruled[key] = apply()
                except AzCLIError as err:
                    self.ruled[key] = Refused(reason_of(err))
            return self.ruled[key]

    def decide(self, item, extension, *, companions, journaled_done=False):
        """(Decision, body): what this cluster needs and, for a create or an update, the body to send; companion
        resources are made only with companions=True. Blocked when create or update would refuse it."""
        extension = view(extension)
        if extension is None:
            decision = decide(self.desired, item.cluster, None)
            if decision.action != CREATE:
                return decision, None
            return self._create(item, companions)
        return self._update(item, extension, companions, journaled_done)

    def _create(self, item, companions):
        from ..writes import create_body, create_rules, prepare_create
        desired, kind = self.desired, item.cluster_type
        ruled = self._rules(('create', desired.extension_type.lower(), kind.lower()), lambda: create_rules(
            desired.name, desired.extension_type, kind, scope=desired.scope,
            release_namespace=desired.release_namespace, settings=desired.settings, protected=desired.protected,
            version=desired.version, release_train=desired.release_train,
            auto_upgrade_minor_version=desired.auto_upgrade))
        if isinstance(ruled, Refused):
            return Decision(BLOCKED, ruled.reason, None), None
        request, versions = ruled
        target = self.target(item, None)
        try:
            body = create_body(target, desired.extension_type, scope=request.scope,
                               release_namespace=request.release_namespace,
                               target_namespace=desired.target_namespace,
                               auto_upgrade_minor_version=versions.auto_upgrade, version=versions.version,
                               release_train=versions.release_train)
            body = prepare_create(self.cmd, None, target, body, scope_given=self.scope_given,
                                  settings=request.settings, protected=request.protected, companions=companions)
        except AzCLIError as err:
            return Decision(BLOCKED, reason_of(err), None), None
        return Decision(CREATE, None, None), body

    def _update(self, item, extension, companions, journaled_done):
        from ..writes import prepare_update, update_rules
        desired, kind = self.desired, item.cluster_type
        extension_type = str(extension.get('extensionType') or desired.extension_type or '')
        target = self.target(item, extension)
        ruled = self._rules(('update', extension_type.lower(), kind.lower()), lambda: update_rules(
            target, extension_type, version=desired.version, release_train=desired.release_train,
            auto_upgrade_minor_version=desired.auto_upgrade, settings=desired.settings or None,
            protected=desired.protected or None))
        if isinstance(ruled, Refused):
            return Decision(BLOCKED, ruled.reason, None), None
        version, train, auto_upgrade, settings, protected = ruled
        wanted = desired._replace(version=version, release_train=train, auto_upgrade=auto_upgrade,
                                  settings=settings or {}, protected=protected or {})
        decision = decide(wanted, item.cluster, extension, journaled_done=journaled_done)
        if decision.action != UPDATE:
            return decision, None
        fields = decision.fields
        try:
            body = prepare_update(
                self.cmd, target, extension, version=fields.get('version'), release_train=fields.get('releaseTrain'),
                auto_upgrade_minor_version=fields.get('autoUpgradeMinorVersion'),
                # The type's rules and hooks see every desired setting (some hold only as a whole)...
                settings=dict(settings) if 'configurationSettings' in fields else None,
                protected=fields.get('configurationProtectedSettings'), rules_applied=True, companions=companions)
        except AzCLIError as err:
            return Decision(BLOCKED, reason_of(err), None), None
        # ... and the PATCH carries only those that differ from what is installed (a PATCH merges settings).
        properties = body['properties']
        installed = extension.get('configurationSettings') or {}
        changed = {key: value for key, value in (properties.get('configurationSettings') or {}).items()
                   if installed.get(key) != value}
        properties.pop('configurationSettings', None)
        if changed:
            properties['configurationSettings'] = changed
        if not properties:
            return Decision(NOTHING, None, None), None
        return decision, body
