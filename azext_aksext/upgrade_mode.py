"""--auto-upgrade-mode (api-version 2025-03-01): none, patch or compatible, consistent with
--auto-upgrade-minor-version and --version. A contradiction is refused before anything is sent."""
from azure.cli.core.azclierror import MutuallyExclusiveArgumentError

MODES = ('none', 'patch', 'compatible')
# The --auto-upgrade-minor-version value each mode agrees with: compatible takes minor upgrades, the others do not.
_MINOR_UPGRADES = {'none': False, 'patch': False, 'compatible': True}


def validate_auto_upgrade_mode(namespace):
    mode = getattr(namespace, 'auto_upgrade_mode', None)
    if mode is None:
        return
    mode = namespace.auto_upgrade_mode = mode.lower()
    if namespace.version is not None and mode != 'none':
        raise MutuallyExclusiveArgumentError(
            f"--version pins the extension, so it cannot be combined with --auto-upgrade-mode {mode}.",
            "Drop --version to let the extension upgrade itself, or use --auto-upgrade-mode none.")
    minor = namespace.auto_upgrade_minor_version
    if minor is not None and minor != _MINOR_UPGRADES[mode]:
        raise MutuallyExclusiveArgumentError(
            f"--auto-upgrade-mode {mode} {'takes' if _MINOR_UPGRADES[mode] else 'excludes'} minor-version upgrades, "
            f"but --auto-upgrade-minor-version is {str(minor).lower()}.",
            "Drop --auto-upgrade-minor-version (the mode decides), or use --auto-upgrade-mode "
            f"{'compatible' if minor else 'patch or none'}.")
    if mode == 'patch' and getattr(namespace, 'release_train', None) is not None:
        return  # patches of the train it follows: --auto-upgrade-minor-version false would mean "follow nothing"
    # Say the same thing in both properties, so the service never has to choose between them.
    namespace.auto_upgrade_minor_version = _MINOR_UPGRADES[mode]
