"""The extension (or cluster, or location) a command acts on, and the az commands that act on it."""
from .clusters import cluster_kind, describe


# What a command acts on, plus what a rollout knows of it already: pylint: disable-next=too-many-instance-attributes
class Target:
    """An extension the user named, and the az commands that act on it in the group the user ran.

    subscription: the cluster's subscription when it is not the current one (a rollout across subscriptions);
    reads: where the checks before a write get their answers (checks/reads.py; a rollout shares one cache)."""

    def __init__(self, cmd, ref, name=None, location=None, *, subscription=None, reads=None):
        self.cmd, self.group = cmd, cmd.name.rsplit(' ', 1)[0]
        self.ref, self.name, self.location = ref, name, location
        # aksext's own reads before a write: None until checks.reading reads the switch, then made (True) until one
        # goes unanswered (checks.unanswered).
        self.extra_reads = None
        self.subscription = subscription
        self._reads = reads
        self.facts = None  # the cluster's Kubernetes version and distribution, once a check has read them

    @property
    def reads(self):
        if self._reads is None:
            from ..checks.reads import Reads
            self._reads = Reads()
        return self._reads

    @classmethod
    def of(cls, cmd, ref, name=None):
        return cls(cmd, ref, name)

    @classmethod
    def in_location(cls, cmd, location):
        return cls(cmd, None, location=location)

    def describe(self):
        if self.ref is None:
            return f"location '{self.location}'"
        if self.name is None:
            return describe(self.ref)
        return f"extension '{self.name}' on {describe(self.ref)}"

    def az_command(self, verb, *extra):
        if self.ref is None:
            return ' '.join(['az', self.group, verb, '-l', self.location] + list(extra))
        parts = ['az', self.group, verb, '-g', self.ref.resource_group, '-c', self.ref.name]
        if self.name and verb != 'list':
            parts += ['-n', self.name]
        if self.group == 'k8s-extension':
            parts += ['--cluster-type', self.ref.cluster_type]
            if cluster_kind(self.ref.cluster_type).needs_provider_flag:
                parts += ['--cluster-resource-provider', self.ref.provider]
        return ' '.join(parts + list(extra))
