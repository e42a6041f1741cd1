"""The catalogue: every registered module, grouped by kind, with its ports and config schema.

The graph editor's node menu and the docs' component tables are both generated from it.
"""

from __future__ import annotations

import dataclasses as dc
import inspect
import types
import typing as tp

import numpy as np

from spark.core.config import BaseConfig
from spark.core.files import encode
from spark.core.payloads import payload_types
from spark.core.registry import MODULES

__all__ = ["catalogue", "config_schema", "GROUP_ORDER"]

GROUP_ORDER = ("interfaces", "neurons", "somas", "synapses", "learning_rules", "delays", "components", "other")


def _kind(hint: tp.Any, value: tp.Any, meta: dict) -> str:
    from spark.core.specs import normalize_dtype  # noqa: F401

    if meta.get("editor_kind"):
        return meta["editor_kind"]
    if isinstance(value, BaseConfig) or (isinstance(hint, type) and issubclass(hint, BaseConfig)):
        base = getattr(type(value) if isinstance(value, BaseConfig) else hint, "__catalogue_kind__", "config")
        return base
    if isinstance(value, np.dtype):
        return "dtype"
    if isinstance(value, bool) or hint is bool:
        return "bool"
    origin = tp.get_origin(hint)
    if origin is tuple and all(a in (int, Ellipsis) for a in tp.get_args(hint)):
        return "shape"
    if isinstance(value, (np.ndarray,)) or hasattr(value, "__array__") and hasattr(value, "shape"):
        return "array"
    if hint is int or isinstance(value, int):
        return "int"
    if hint is float or isinstance(value, float):
        return "float"
    if hint is str or isinstance(value, str):
        return "str"
    if origin in (tp.Union, types.UnionType):
        args = [a for a in tp.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return _kind(args[0], value, meta)
    return "any"


def config_schema(cfg_cls: type[BaseConfig], _seen: frozenset = frozenset()) -> dict:
    """Describe a config class: each field's kind, default, units, description and nested schema."""
    fields = []
    hints = cfg_cls._hints()
    try:
        example = cfg_cls(__skip_validation__=True)
    except Exception:
        example = None
    for f in cfg_cls._fields():
        meta = dict(f.metadata)
        value = getattr(example, f.name, None) if example is not None else None
        required = f.default is dc.MISSING and f.default_factory is dc.MISSING and not isinstance(value, BaseConfig)
        kind = _kind(hints.get(f.name), value, meta)
        entry: dict[str, tp.Any] = {
            "name": f.name,
            "kind": kind,
            "units": meta.get("units"),
            "description": meta.get("description"),
            "required": required,
        }
        try:
            entry["default"] = None if value is None else encode(value)
        except TypeError:
            entry["default"] = None
        choices = [getattr(v, "choices", None) for v in meta.get("validators", []) or []]
        choices = [c for c in choices if c]
        if choices:
            entry["kind"] = "choice"
            entry["choices"] = [encode(c) for c in choices[0]]
        if isinstance(value, BaseConfig) and type(value) not in _seen:
            entry["schema"] = config_schema(type(value), _seen | {cfg_cls})
        fields.append(entry)
    return {"class": cfg_cls.__name__, "fields": fields}


def _doc(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.strip().splitlines()[0] if doc.strip() else cls.__name__


def catalogue() -> dict:
    """Every registered module, grouped by kind (JSON-ready)."""
    import spark.nn  # noqa: F401  (registers the built-in modules)

    groups: dict[str, list[dict]] = {g: [] for g in GROUP_ORDER}
    seen: set[type] = set()
    for name, cls in MODULES.items():
        if cls in seen or inspect.isabstract(cls) or getattr(cls, "__catalogue_hidden__", False):
            continue
        if name != (MODULES.name_of(cls) or name):
            continue
        seen.add(cls)
        try:
            cfg_cls = cls.get_config_spec()
        except Exception:
            continue
        inputs, optional, outputs = cls._ports()
        entry = {
            "name": name,
            "class": cls.__name__,
            "group": getattr(cls, "__catalogue_group__", "other"),
            "doc": _doc(cls),
            "inputs": {p: {"payload_type": t.__name__, "optional": optional.get(p, False)} for p, t in inputs.items()},
            "outputs": {p: {"payload_type": t.__name__} for p, t in outputs.items()},
            "config": config_schema(cfg_cls),
        }
        groups.setdefault(entry["group"], []).append(entry)
    return {
        "version": 1,
        "payload_types": sorted(payload_types()),
        "groups": {g: sorted(v, key=lambda e: e["name"]) for g, v in groups.items() if v},
    }
