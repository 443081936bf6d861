"""Well-known extension types: one module each, found by the registry below.

Every module of this package whose name does not start with an underscore is one extension type: it defines
``TYPE``, an instance of a subclass of ``_base.ExtensionType`` that holds the type's rules, defaults and companion
resources. Adding a type is adding one such module (and its tests). A type no module knows gets the defaults
(``DEFAULT``): the generic path, nothing particular.

Modules starting with an underscore are shared machinery: the hooks (``_base``), the rules engine over them
(``_rules``), what companion hooks work with (``_context``) and resources more than one type uses.
"""
import importlib
import pkgutil

from ._base import ExtensionType

DEFAULT = ExtensionType()
_REGISTRY = {}


def _load():
    if not _REGISTRY:
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith('_'):
                kind = importlib.import_module(f'{__name__}.{module.name}').TYPE
                _REGISTRY[kind.name] = kind
    return _REGISTRY


def type_for(extension_type):
    """What aksext knows of an extension type (matched without regard to case), or DEFAULT."""
    return _load().get((extension_type or '').lower(), DEFAULT)


def known_types():
    """Every well-known type, by name."""
    return dict(_load())
