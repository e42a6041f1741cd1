"""Typed configurations: ``spark.nn.BaseConfig`` and ``spark.nn.Config``.

A config is declared as a plain class body; Spark turns it into a keyword-only dataclass::

    class LIFSomaConfig(spark.nn.Config):
        tau_mem: float = dc.field(default=20.0, metadata={
            'units': 'ms', 'validators': [spark.validation.PositiveValidator],
            'description': 'Membrane time constant.'})

Keyword forms accepted by every config (and by every module's constructor):

* ``field=value`` sets a field; a dict or a config instance sets a nested config;
* ``child__field=value`` sets a field of a nested config (any depth: ``a__b__c=``);
* ``_s_field=value`` sets ``field`` here and in *every* nested config that has it.

Explicit keywords win over shared ones. Unknown keys raise and suggest the closest field name.
"""

from __future__ import annotations

import copy
import dataclasses as dc
import inspect as _inspect
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.errors import ConfigError, suggest
from spark.core.registry import CONFIGS, MODULES
from spark.core.validation import ConfigurationValidator, PositiveValidator, TypeValidator

__all__ = ["BaseConfig", "Config", "BaseSparkConfig", "random_seed", "CONFIG_TO_MODULE"]

# Filled by spark.core.module: config class -> the module class that declares it as default.
CONFIG_TO_MODULE: dict[type, type] = {}

_SEED_RNG = np.random.default_rng()


def random_seed() -> int:
    """A fresh random seed (used as the default of every ``seed`` field)."""
    return int(_SEED_RNG.integers(0, 2**31 - 1))


def _is_config_type(t: tp.Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseConfig)


def _config_type_of(hint: tp.Any) -> type | None:
    """The config class named by an annotation (``X``, ``X | None``), or ``None``."""
    if _is_config_type(hint):
        return hint
    for a in tp.get_args(hint):
        if _is_config_type(a):
            return a
    return None


def _factory_takes_kwargs(factory: tp.Callable) -> bool:
    try:
        params = _inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind in (p.VAR_KEYWORD, p.KEYWORD_ONLY) for p in params)


def _values_equal(a: tp.Any, b: tp.Any) -> bool:
    if a is b:
        return True
    if isinstance(a, (np.ndarray, jax.Array)) or isinstance(b, (np.ndarray, jax.Array)):
        try:
            xa, xb = np.asarray(a), np.asarray(b)
        except Exception:
            return False
        return xa.shape == xb.shape and xa.dtype == xb.dtype and bool(np.array_equal(xa, xb, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_values_equal(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


class BaseConfig:
    """Base class of every configuration: typed fields, nesting, validation and files.

    Subclasses are plain class bodies; each one becomes a keyword-only dataclass automatically and is
    registered by class name, so files can refer to it.
    """

    __config_delimiter__: tp.ClassVar[str] = "__"
    __shared_config_delimiter__: tp.ClassVar[str] = "_s_"
    __class_ref__: tp.ClassVar[str | None] = None
    __graph_editor_metadata__: tp.ClassVar[dict] = {}

    def __init_subclass__(cls, **kwargs: tp.Any) -> None:
        super().__init_subclass__(**kwargs)
        dc.dataclass(cls, init=False, repr=False, eq=False, kw_only=True)
        cls.__init__ = BaseConfig.__init__  # type: ignore[method-assign]
        cls._hints_cache = None
        cls.__metadata__ = {f.name: dict(f.metadata) for f in dc.fields(cls) if not f.name.startswith("_")}
        if cls.__name__ not in CONFIGS or not CONFIGS.get(cls.__name__).__module__.startswith("spark."):
            CONFIGS._by_name[cls.__name__] = cls

    # -- class-level helpers ------------------------------------------------------------------------
    @classmethod
    def _hints(cls) -> dict[str, tp.Any]:
        if cls.__dict__.get("_hints_cache") is None:
            try:
                hints = tp.get_type_hints(cls)
            except Exception:
                hints = {}
                for klass in reversed(cls.__mro__):
                    hints.update(getattr(klass, "__annotations__", {}))
            cls._hints_cache = hints
        return cls._hints_cache

    @classmethod
    def _fields(cls) -> tuple[dc.Field, ...]:
        return tuple(f for f in dc.fields(cls) if not f.name.startswith("_"))

    @classmethod
    def _field_names(cls) -> list[str]:
        return [f.name for f in cls._fields()]

    @classmethod
    def _nested_type(cls, name: str) -> type | None:
        return _config_type_of(cls._hints().get(name))

    @classmethod
    def _has_field_deep(cls, name: str, _seen: set | None = None) -> bool:
        seen = _seen or set()
        if cls in seen:
            return False
        seen.add(cls)
        if name in cls._field_names():
            return True
        return any(
            (t := cls._nested_type(f)) is not None and t._has_field_deep(name, seen) for f in cls._field_names()
        )

    @classmethod
    def get_metadata_of(cls, name: str) -> dict:
        for f in dc.fields(cls):
            if f.name == name:
                return dict(f.metadata)
        raise KeyError(name)

    # -- construction ---------------------------------------------------------------------------------
    def __init__(self, __skip_validation__: bool = False, **kwargs: tp.Any) -> None:
        cls = type(self)
        own = cls.__name__
        names = cls._field_names()
        shared_prefix, delim = cls.__shared_config_delimiter__, cls.__config_delimiter__
        shared: dict[str, tp.Any] = {}
        direct: dict[str, tp.Any] = {}
        nested: dict[str, dict[str, tp.Any]] = {}
        for key, value in kwargs.items():
            if key.startswith(shared_prefix):
                shared[key[len(shared_prefix):]] = value
            elif delim in key.strip("_"):
                head, rest = key.split(delim, 1)
                nested.setdefault(head, {})[rest] = value
            else:
                direct[key] = value
        is_top = not kwargs.pop("__spark_nested__", False) if "__spark_nested__" in kwargs else True
        direct.pop("__spark_nested__", None)
        unknown = [k for k in direct if k not in names]
        unknown += [f"{h}__..." for h in nested if h not in names or cls._nested_type(h) is None and not
                    isinstance(self._default_of(h), BaseConfig)]
        if unknown:
            first = unknown[0].split("__")[0]
            raise ConfigError(
                f"{own}: unknown field '{first}'{suggest(first, names)}; valid fields: {', '.join(names)}"
            )
        if is_top:
            for key in shared:
                if not cls._has_field_deep(key):
                    raise ConfigError(
                        f"{own}: shared key '_s_{key}' matches no field in this config or its children"
                        f"{suggest(key, names)}"
                    )
        missing = []
        for f in cls._fields():
            name = f.name
            sub_cls = cls._nested_type(name)
            if name in direct:
                value = direct[name]
            elif name in shared and sub_cls is None:
                value = shared[name]
            else:
                value = dc.MISSING
            default = self._default_of(name, nested.get(name), shared) if value is dc.MISSING else dc.MISSING
            if sub_cls is not None or isinstance(value, BaseConfig) or isinstance(default, BaseConfig):
                try:
                    value = self._make_nested(name, sub_cls, value, default, nested.get(name, {}), shared)
                except ConfigError as exc:
                    raise ConfigError(f"{own}.{name}: {exc}") from None
            elif value is dc.MISSING:
                value = default
            if value is dc.MISSING:
                missing.append(name)
                continue
            object.__setattr__(self, name, self._normalize(name, value))
        if missing:
            raise ConfigError(
                f"{own}: missing required field{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; pass {missing[0]}=..."
            )
        self.__post_init__()
        if not __skip_validation__:
            self.validate()

    def _default_of(self, name: str, nested_kwargs: dict | None = None, shared: dict | None = None) -> tp.Any:
        f = type(self).__dataclass_fields__[name]
        if f.default is not dc.MISSING:
            return copy.deepcopy(f.default)
        if f.default_factory is not dc.MISSING:
            factory = f.default_factory
            kw = {**{f"_s_{k}": v for k, v in (shared or {}).items()}, **(nested_kwargs or {})}
            if isinstance(factory, type) and issubclass(factory, BaseConfig):
                return factory(__skip_validation__=True, __spark_nested__=True, **kw)
            if kw and _factory_takes_kwargs(factory):
                try:
                    return factory(**kw)
                except TypeError:
                    pass
            return factory()
        return dc.MISSING

    def _make_nested(self, name: str, sub_cls: type | None, value: tp.Any, default: tp.Any,
                     nested_kwargs: dict, shared: dict) -> tp.Any:
        shared_kw = {f"_s_{k}": v for k, v in shared.items()}
        if value is dc.MISSING:
            if isinstance(default, BaseConfig):
                # the factory may or may not have consumed the keywords; applying them again is idempotent
                cfg = default
                cfg._merge({**shared_kw, **nested_kwargs}, nested_ok=True)
                return cfg
            if default is None and not nested_kwargs:
                return None
            if sub_cls is None or _inspect.isabstract(sub_cls):
                return dc.MISSING if default is dc.MISSING else default
            return sub_cls(__skip_validation__=True, __spark_nested__=True, **shared_kw, **nested_kwargs)
        if isinstance(value, dict):
            target = type(default) if isinstance(default, BaseConfig) else sub_cls
            if target is None:
                return value
            if "$type" in value:
                from spark.core.files import decode

                cfg = decode(value, expected=target)
                cfg._merge({**shared_kw, **nested_kwargs}, nested_ok=True)
                return cfg
            return target(__skip_validation__=True, __spark_nested__=True, **{**shared_kw, **value, **nested_kwargs})
        if isinstance(value, BaseConfig):
            cfg = copy.deepcopy(value)
            cfg._merge({**shared_kw, **nested_kwargs}, nested_ok=True)
            return cfg
        return value

    def _normalize(self, name: str, value: tp.Any) -> tp.Any:
        hint = type(self)._hints().get(name)
        if value is not None and (name == "dtype" or name.endswith("_dtype") or hint is jax.typing.DTypeLike):
            try:
                return np.dtype(jnp.dtype(value))
            except TypeError:
                return value
        if isinstance(value, list) and tp.get_origin(hint) is tuple:
            return tuple(value)
        return value

    def __post_init__(self) -> None:
        """Hook for subclasses: derive or check fields after construction (before validation)."""

    # -- mutation ---------------------------------------------------------------------------------------
    def merge(self, partial: dict | None = None, __skip_validation__: bool = False) -> None:
        """Update this config in place from ``partial`` (same keyword forms as the constructor)."""
        self._merge(dict(partial or {}), nested_ok=False)
        if not __skip_validation__:
            self.validate()

    def _merge(self, partial: dict, nested_ok: bool) -> None:
        cls = type(self)
        names = cls._field_names()
        shared = {k[3:]: v for k, v in partial.items() if k.startswith("_s_")}
        if not nested_ok:
            for key in shared:
                if not cls._has_field_deep(key):
                    raise ConfigError(f"{cls.__name__}: shared key '_s_{key}' matches no field{suggest(key, names)}")
        for key, value in shared.items():
            if key in names and not isinstance(getattr(self, key), BaseConfig):
                object.__setattr__(self, key, self._normalize(key, value))
        for name in names:
            child = getattr(self, name)
            if isinstance(child, BaseConfig) and shared:
                child._merge({f"_s_{k}": v for k, v in shared.items()}, nested_ok=True)
        for key, value in partial.items():
            if key.startswith("_s_"):
                continue
            head, _, rest = key.partition("__") if "__" in key.strip("_") else (key, "", "")
            if head not in names:
                raise ConfigError(f"{cls.__name__}: unknown field '{head}'{suggest(head, names)}; "
                                  f"valid fields: {', '.join(names)}")
            current = getattr(self, head)
            if rest:
                if not isinstance(current, BaseConfig):
                    raise ConfigError(f"{cls.__name__}: '{head}' is not a nested config, cannot set '{key}'")
                current._merge({rest: value}, nested_ok=True)
            elif isinstance(current, BaseConfig) and isinstance(value, dict) and "$type" not in value:
                current._merge(value, nested_ok=True)
            elif isinstance(value, BaseConfig):
                object.__setattr__(self, head, copy.deepcopy(value))
            elif isinstance(value, dict) and "$type" in value:
                from spark.core.files import decode

                object.__setattr__(self, head, decode(value, expected=cls._nested_type(head)))
            else:
                object.__setattr__(self, head, self._normalize(head, value))

    def __setattr__(self, name: str, value: tp.Any) -> None:
        if not name.startswith("_") and name not in type(self)._field_names():
            names = type(self)._field_names()
            raise ConfigError(f"{type(self).__name__}: unknown field '{name}'{suggest(name, names)}")
        object.__setattr__(self, name, value)

    # -- validation -------------------------------------------------------------------------------------
    def validation_errors(self, current_path: str | None = None) -> dict[str, list[str]]:
        """Every validation error in this config tree, keyed by dotted field path."""
        out: dict[str, list[str]] = {}
        prefix = f"{current_path}." if current_path else ""
        for f in type(self)._fields():
            msgs = self.get_field_errors(f.name)
            if msgs:
                out[prefix + f.name] = msgs
            value = getattr(self, f.name, None)
            if isinstance(value, BaseConfig):
                out.update(value.validation_errors(prefix + f.name))
        extra = self._extra_errors()
        if extra:
            out.setdefault(current_path or "", []).extend(extra)
        return out

    def _extra_errors(self) -> list[str]:
        """Hook for cross-field checks; return messages."""
        return []

    def validate(self, is_partial: bool = False, errors: list | None = None,
                 current_path: list[str] | None = None) -> list[str] | None:
        """Validate every field (recursively).

        With ``errors=None`` raise :class:`spark.ConfigError` listing *all* problems with their dotted
        paths; with a list, append ``"path: message"`` strings to it and return it.
        """
        root = ".".join(current_path or [type(self).__name__])
        found = [f"{root}.{p}: {m}" if p else f"{root}: {m}"
                 for p, msgs in self.validation_errors().items() for m in msgs]
        if errors is not None:
            errors.extend(found)
            return errors
        if len(found) == 1:
            raise ConfigError(f"invalid {found[0]}")
        if found:
            n = len(found)
            raise ConfigError(f"{type(self).__name__} has {n} invalid field{'s' if n > 1 else ''}:\n  "
                              + "\n  ".join(found))
        return None

    def get_field_errors(self, field_name: str) -> list[str]:
        """Messages of every validator that rejects the current value of ``field_name``."""
        cls = type(self)
        if field_name not in cls._field_names():
            raise ConfigError(f"{cls.__name__}: unknown field '{field_name}'{suggest(field_name, cls._field_names())}")
        meta = cls.get_metadata_of(field_name)
        value = getattr(self, field_name)
        hint = cls._hints().get(field_name)
        msgs = []
        for v in meta.get("validators", []) or []:
            validator = v() if isinstance(v, type) else v
            if not isinstance(validator, ConfigurationValidator) and not callable(validator):
                continue
            try:
                validator(value, field=field_name, hint=hint, metadata=meta)
            except (TypeError, ValueError) as exc:
                msgs.append(str(exc))
                if isinstance(validator, TypeValidator):
                    break  # further checks on a wrongly-typed value only add noise
        return msgs

    # -- introspection ----------------------------------------------------------------------------------
    def get_metadata(self) -> dict[str, dict]:
        """Metadata (units, description, validators, ...) of every field, by name."""
        return {f.name: dict(f.metadata) for f in type(self)._fields()}

    @property
    def class_ref(self) -> type:
        """The module (or initializer) class this config configures."""
        cls = type(self)
        ref = cls.__dict__.get("__class_ref__") or getattr(cls, "__class_ref__", None)
        if ref:
            return MODULES.get(ref)
        if cls in CONFIG_TO_MODULE:
            return CONFIG_TO_MODULE[cls]
        name = cls.__name__
        if name.endswith("Config") and name[:-6] in MODULES:
            return MODULES.get(name[:-6])
        raise ConfigError(
            f"{name}: cannot find the module it configures; name the config '<Module>Config' for a registered "
            f"module or set __class_ref__ = '<registered module name>' in its class body"
        )

    def __iter__(self) -> tp.Iterator[tuple[str, dc.Field, tp.Any]]:
        for f in type(self)._fields():
            yield f.name, f, getattr(self, f.name)

    def get_kwargs(self) -> dict[str, tp.Any]:
        """Field values by name; nested configs become dicts of their own fields."""
        return {
            name: value.get_kwargs() if isinstance(value, BaseConfig) else copy.deepcopy(value)
            for name, _, value in self
        }

    def to_dict(self, is_partial: bool = False) -> dict[str, tp.Any]:
        """The JSON-ready encoding of this config (what ``to_file`` writes)."""
        from spark.core.files import encode

        return encode(self)

    @classmethod
    def from_dict(cls, dct: dict) -> BaseConfig:
        """Inverse of :meth:`to_dict`; also accepts a plain ``{field: value}`` dict."""
        from spark.core.files import decode

        if isinstance(dct, dict) and dct.get("$type") == "config":
            return decode(dct, expected=cls)
        return cls(**dct)

    def to_file(self, file_path: str, is_partial: bool = False, *, compress: bool | None = None) -> None:
        """Write this config to a ``.scfg`` file atomically (gzip if ``compress`` or a ``.gz`` suffix)."""
        from spark.core.files import write_config_file

        write_config_file(self, file_path, compress=compress)

    @classmethod
    def from_file(cls, file_path: str, is_partial: bool = False) -> BaseConfig:
        """Read a config of this class (or a registered subclass) from a ``.scfg`` file."""
        from spark.core.files import read_config_file

        return read_config_file(file_path, expected=cls)

    def diff(self, other: BaseConfig) -> dict[str, tp.Any]:
        """Fields that differ from ``other``: ``{dotted.path: (mine, theirs)}``."""
        out: dict[str, tp.Any] = {}
        self._diff(other, "", out)
        return out

    def _diff(self, other: tp.Any, prefix: str, out: dict) -> None:
        if type(other) is not type(self):
            out[prefix.rstrip(".") or "<config>"] = (type(self).__name__, type(other).__name__)
            return
        for name, _, value in self:
            theirs = getattr(other, name)
            if isinstance(value, BaseConfig) and isinstance(theirs, BaseConfig):
                value._diff(theirs, f"{prefix}{name}.", out)
            elif not _values_equal(value, theirs):
                out[prefix + name] = (value, theirs)

    def with_new_seeds(self, seed: int | None = None) -> BaseConfig:
        """A copy whose ``seed`` fields (at every depth) are fresh; deterministic when ``seed`` is given."""
        rng = np.random.default_rng(seed)
        new = copy.deepcopy(self)
        new._reseed(rng)
        return new

    def _reseed(self, rng: np.random.Generator) -> None:
        for name, _, value in self:
            if name == "seed" and isinstance(value, (int, np.integer)):
                object.__setattr__(self, name, int(rng.integers(0, 2**31 - 1)))
            elif isinstance(value, BaseConfig):
                value._reseed(rng)
            elif isinstance(value, dict):
                for v in value.values():
                    cfg = getattr(v, "config", None)
                    if isinstance(cfg, BaseConfig):
                        cfg._reseed(rng)

    def copy(self) -> BaseConfig:
        return copy.deepcopy(self)

    # -- dunder -----------------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented if not isinstance(other, BaseConfig) else False
        return all(_values_equal(v, getattr(other, n)) for n, _, v in self)

    def __hash__(self) -> int:  # consistent with __eq__: equal configs share a class
        return hash(type(self).__qualname__)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, _, v in self)
        return f"{type(self).__name__}({inner})"

    def inspect(self, simplified: bool = False) -> str:
        """A readable tree of the config: values, units and (unless ``simplified``) descriptions."""
        lines: list[str] = [type(self).__name__]
        self._inspect_lines(lines, "  ", simplified)
        return "\n".join(lines)

    def _inspect_lines(self, lines: list[str], indent: str, simplified: bool) -> None:
        for name, f, value in self:
            if isinstance(value, BaseConfig):
                lines.append(f"{indent}{name}: {type(value).__name__}")
                value._inspect_lines(lines, indent + "  ", simplified)
                continue
            units = f.metadata.get("units")
            shown = _short(value)
            line = f"{indent}{name} = {shown}" + (f" [{units}]" if units else "")
            if not simplified and f.metadata.get("description"):
                line += f"  # {f.metadata['description']}"
            lines.append(line)


def _short(value: tp.Any) -> str:
    if isinstance(value, (np.ndarray, jax.Array)):
        arr = np.asarray(value)
        if arr.size <= 6:
            return f"array({arr.tolist()}, dtype={arr.dtype})"
        return f"array(shape={arr.shape}, dtype={arr.dtype})"
    if isinstance(value, np.dtype):
        return value.name
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


BaseSparkConfig = BaseConfig


class Config(BaseConfig):
    """Default base of module configs: adds ``seed``, ``dtype`` and ``dt`` to every module."""

    seed: int = dc.field(
        default_factory=random_seed,
        metadata={"validators": [TypeValidator], "description": "Seed of the module's random numbers."},
    )
    dtype: jax.typing.DTypeLike = dc.field(
        default=np.dtype("float32"),
        metadata={"description": "Floating-point dtype of the module's state and outputs."},
    )
    dt: float = dc.field(
        default=1.0,
        metadata={"units": "ms", "validators": [TypeValidator, PositiveValidator],
                  "description": "Integration time step."},
    )
