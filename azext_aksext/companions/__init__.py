"""Companion Azure resources: what some extension types need besides the extension itself (a Log Analytics
workspace, a data collection rule, a storage account lookup, ...), made or found before the extension is sent,
and the settings derived from them.

Which module handles which extension type is data (HANDLERS); each module offers any of ``create(context,
settings, protected) -> (settings, protected)``, ``update(context, settings, protected, current)`` with the same
result, and ``delete(context, extension)``. The command functions call one hook per verb and know nothing of the
types."""
import importlib

HANDLERS = {
    'microsoft.azuremonitor.containers': 'container_insights',
    'microsoft.azuredefender.kubernetes': 'defender',
    'microsoft.dataprotection.kubernetes': 'backup',
    'microsoft.azureml.kubernetes': 'azureml',
    'microsoft.azuremonitor.containers.metrics': 'prometheus',
}


def _handler(extension_type, verb):
    module = HANDLERS.get((extension_type or '').lower())
    if module is None:
        return None
    return getattr(importlib.import_module('.' + module, __name__), verb, None)


def before_create(cmd, target, extension_type, settings, protected, *, location=None):
    """The settings to send, once every companion resource the type needs exists; raises (sending no extension)
    when one could not be made."""
    handler = _handler(extension_type, 'create')
    if handler is None:
        return settings, protected
    from .context import Context
    context = Context(cmd, target, extension_type, location)
    new_settings, new_protected = handler(context, dict(settings or {}), dict(protected or {}))
    return new_settings or settings, new_protected or protected


def before_update(cmd, target, extension_type, settings, protected, *, current):
    """The settings to send with an update of the extension `current` (as the user sees it)."""
    handler = _handler(extension_type, 'update')
    if handler is None:
        return settings, protected
    from .context import Context
    return handler(Context(cmd, target, extension_type), settings, protected, current)


def before_delete(cmd, target, extension):
    """Remove what the extension's companions leave on the cluster (a data collection rule association)."""
    handler = _handler(extension.get('extensionType'), 'delete')
    if handler is not None:
        from .context import Context
        handler(Context(cmd, target, extension.get('extensionType')), extension)
