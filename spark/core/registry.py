"""Registries: the only way a name in a file becomes a class.

``spark.register_module`` registers a module class (optionally under a custom name). Config classes
are registered automatically by class name when they are defined. Loading a file never imports
anything: an unregistered name is an error.
"""

from __future__ import annotations

import typing as tp

from spark.core.errors import RegistryError, suggest

__all__ = ["Registry", "MODULES", "CONFIGS", "INITIALIZERS", "register_module", "register_initializer"]

T = tp.TypeVar("T", bound=type)


class Registry:
    """A name → class table with helpful errors."""

    def __init__(self, kind: str):
        self.kind = kind
        self._by_name: dict[str, type] = {}

    def add(self, name: str, cls: type) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"{self.kind} name must be a non-empty string, got {name!r}")
        existing = self._by_name.get(name)
        if existing is not None and existing is not cls and _qualname(existing) != _qualname(cls):
            raise RegistryError(
                f"{self.kind} name '{name}' is already taken by {_qualname(existing)}; "
                f"register {_qualname(cls)} under another name, e.g. @spark.register_module('my_{name}')"
            )
        self._by_name[name] = cls
        names = cls.__dict__.get("__registry_names__")
        if names is None:
            names = []
            try:
                cls.__registry_names__ = names  # type: ignore[attr-defined]
            except (AttributeError, TypeError):
                pass
        if name not in names:
            names.append(name)

    def get(self, name: str) -> type:
        try:
            return self._by_name[name]
        except KeyError:
            raise RegistryError(
                f"unknown {self.kind} '{name}'{suggest(name, self._by_name)}; "
                f"register it with spark.register_module before loading"
            ) from None

    def name_of(self, cls: type) -> str | None:
        names = cls.__dict__.get("__registry_names__") or []
        for n in names:
            if self._by_name.get(n) is cls:
                return n
        for n, c in self._by_name.items():
            if c is cls:
                return n
        return None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def items(self) -> list[tuple[str, type]]:
        return sorted(self._by_name.items())

    def __len__(self) -> int:
        return len(self._by_name)


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


MODULES = Registry("module")
CONFIGS = Registry("config")
INITIALIZERS = Registry("initializer")


def _default_name(cls: type) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower().replace("__", "_")


def register_module(arg: tp.Any = None) -> tp.Any:
    """Register a module class so files and the editor can refer to it by name.

    Use as ``@spark.register_module`` (registered under its class name, ``'MyAwesomeModule'``, and its
    snake-case form, ``'my_awesome_module'``) or as ``@spark.register_module('custom_name')``
    (registered under that name only). Files store the first registered name.
    """

    def deco(cls: T, name: str | None = None) -> T:
        if not isinstance(cls, type):
            raise TypeError(f"register_module decorates classes, got {cls!r}")
        primary = name or cls.__name__
        MODULES.add(primary, cls)
        alias = _default_name(cls)
        if name is None and alias not in MODULES:
            MODULES.add(alias, cls)
        elif name is None and MODULES.get(alias) is not cls:
            MODULES.add(alias, cls)  # raises a clear clash error
        return cls

    if isinstance(arg, type):
        return deco(arg)
    if arg is None:
        return deco
    if isinstance(arg, str):
        return lambda cls: deco(cls, arg)
    raise TypeError(f"register_module takes a class or a name, got {arg!r}")


def register_initializer(name: str) -> tp.Callable[[T], T]:
    """Register an initializer config class under ``name``."""

    def deco(cls: T) -> T:
        INITIALIZERS.add(name, cls)
        return cls

    return deco
