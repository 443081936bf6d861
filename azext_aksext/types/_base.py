"""The hooks every well-known extension type may fill in, and their defaults: the generic path's behaviour.

A module of this package subclasses ExtensionType, sets the data that is particular to its type and overrides only
the hooks it needs. The generic path (custom.py, _validators.py, the rollout) calls the hooks and never names a
type. Rules (prepare_*) run while the input is validated and send nothing; companion hooks (before_*) run once
every check has passed, and may read or create other Azure resources.
"""


class ExtensionType:  # pylint: disable=too-few-public-methods
    name = None                   # the extension type, lower case, for example 'microsoft.flux'
    scopes = None                 # the scopes it can be installed at ('cluster',); None: any
    release_namespace = None      # the default release namespace at cluster scope
    fixed_namespace = False       # True: it runs in that namespace only (another is replaced, with a warning)
    fixed_name = None             # the only extension (instance) name the service accepts for it
    max_name_length = None        # the longest instance name it takes (its chart builds Kubernetes names from it)
    cluster_types = None          # the cluster kinds it runs on; None: every kind that accepts any type
    aliases = {}                  # setting keys users may give -> the chart's keys
    default_release_train = None  # the release train a create follows when none is given
    latest_only = False           # the chart runs only on the latest version of its train: a version is ignored,
    #                               minor-version auto-upgrade stays on, and a create takes no protected settings
    system_identity = True        # a system-assigned identity on clusters whose extensions get one (not AKS)
    confirm_delete = True         # delete asks before deleting it, unless --yes

    # Rules: plain values in, plain values out; raise the az error that names the fix.

    def prepare_settings(self, settings, protected, creating):  # pylint: disable=unused-argument
        """The settings to send, checked and translated; settings and protected are dicts, possibly empty."""
        return settings, protected

    def prepare_create(self, request, cluster_type):  # pylint: disable=unused-argument
        """The create Request (name, scope, release namespace, settings) once the settings rules have run."""
        return request

    def prepare_update(self, settings, current, version, auto_upgrade):  # pylint: disable=unused-argument
        """The settings of an update of `current` (the extension as it is) with the version flags given."""
        return settings

    # Companion resources: context is a types._context.Context.

    def before_create(self, context, settings, protected):  # pylint: disable=unused-argument
        """The settings to send once every resource the extension needs exists; raise (sending nothing) if one
        cannot be made."""
        return settings, protected

    def before_update(self, context, settings, protected, current):  # pylint: disable=unused-argument
        return settings, protected

    def before_delete(self, context, extension):  # pylint: disable=unused-argument
        """Remove what the extension's companions leave behind (a data collection rule association, ...)."""
        return None

    def has_hook(self, hook):
        """True when this type does something of its own in the hook (the generic path then builds its context)."""
        return getattr(type(self), hook) is not getattr(ExtensionType, hook)
