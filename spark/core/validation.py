"""Field validators for configs (``spark.validation``).

A validator checks one field's value and raises ``TypeError``/``ValueError`` with a message that names
the field, shows the value and says what is allowed. Put classes (``PositiveValidator``) or instances
(``RangeValidator(0, 1)``) in a field's ``metadata['validators']``.
"""

from __future__ import annotations

import numbers
import types
import typing as tp

import numpy as np

__all__ = [
    "ConfigurationValidator",
    "TypeValidator",
    "PositiveValidator",
    "NonNegativeValidator",
    "RangeValidator",
    "OneOfValidator",
    "ShapeValidator",
    "check_type",
]


class ConfigurationValidator:
    """Base class: override :meth:`check` to raise on a bad value."""

    def __call__(self, value: tp.Any, *, field: str, hint: tp.Any = None, metadata: dict | None = None) -> None:
        self.check(value, field=field, hint=hint, metadata=metadata or {})

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


def _values(value: tp.Any) -> np.ndarray | None:
    try:
        arr = np.asarray(value)
    except Exception:
        return None
    if arr.dtype.kind not in "biuf":
        return None
    return arr


def _show(value: tp.Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class PositiveValidator(ConfigurationValidator):
    """Every element must be strictly greater than zero."""

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        arr = _values(value)
        if arr is None:
            return  # TypeValidator reports non-numeric values
        if not np.all(arr > 0):
            raise ValueError(f"'{field}' must be positive (> 0), got {_show(value)}")


class NonNegativeValidator(ConfigurationValidator):
    """Every element must be zero or greater."""

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        arr = _values(value)
        if arr is not None and not np.all(arr >= 0):
            raise ValueError(f"'{field}' must be non-negative (>= 0), got {_show(value)}")


class RangeValidator(ConfigurationValidator):
    """Every element must lie in ``[low, high]`` (either bound may be ``None``)."""

    def __init__(self, low: float | None = None, high: float | None = None):
        self.low, self.high = low, high

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        arr = _values(value)
        if arr is None:
            return
        if (self.low is not None and not np.all(arr >= self.low)) or (
            self.high is not None and not np.all(arr <= self.high)
        ):
            lo = "-inf" if self.low is None else self.low
            hi = "inf" if self.high is None else self.high
            raise ValueError(f"'{field}' must lie in [{lo}, {hi}], got {_show(value)}")

    def __repr__(self) -> str:
        return f"RangeValidator({self.low}, {self.high})"


class OneOfValidator(ConfigurationValidator):
    """The value must be one of a fixed set of choices."""

    def __init__(self, *choices: tp.Any):
        self.choices = tuple(choices[0]) if len(choices) == 1 and isinstance(choices[0], (list, tuple)) else choices

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        if value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ValueError(f"'{field}' must be one of {allowed}; got {_show(value)}")


class ShapeValidator(ConfigurationValidator):
    """The value must be a shape: a tuple of positive ints (an int is accepted)."""

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            value = (value,)
        if not (isinstance(value, (tuple, list)) and value and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in value
        )):
            raise ValueError(f"'{field}' must be a shape such as (128,) (positive ints), got {_show(value)}")


class TypeValidator(ConfigurationValidator):
    """The value must match the field's annotation (or ``metadata['valid_types']``).

    Numbers are checked with the usual widening (an ``int`` is a valid ``float``); an array is a valid
    ``float``/``int`` field when its dtype kind fits, so fields can hold per-neuron values.
    """

    def check(self, value: tp.Any, *, field: str, hint: tp.Any, metadata: dict) -> None:
        extra = metadata.get("valid_types")
        if hint is None or hint is tp.Any:
            return
        if check_type(value, hint):
            return
        if extra is not None and extra is not tp.Any and check_type(value, extra):
            return
        target = hint
        if True:
            raise TypeError(f"'{field}' must be of type {_type_name(target)}, got {_show(value)} ({type(value).__name__})")


def _type_name(t: tp.Any) -> str:
    if isinstance(t, type):
        return t.__name__
    return str(t).replace("typing.", "")


def check_type(value: tp.Any, target: tp.Any) -> bool:
    """Loose structural check of ``value`` against a type annotation."""
    if target is tp.Any or target is None:
        return True
    if isinstance(target, str):
        return True  # unresolved forward reference: nothing to check
    origin = tp.get_origin(target)
    args = tp.get_args(target)
    if origin in (tp.Union, types.UnionType):
        return any(check_type(value, a) for a in args)
    if target is type(None):
        return value is None
    if origin is tp.Literal:
        return value in args
    if origin in (list, tuple, set, frozenset, dict):
        if not isinstance(value, origin):
            return origin is tuple and isinstance(value, list) and False
        if origin is dict:
            return not args or all(check_type(k, args[0]) and check_type(v, args[1]) for k, v in value.items())
        if origin is tuple and args:
            if len(args) == 2 and args[1] is Ellipsis:
                return all(check_type(v, args[0]) for v in value)
            return len(args) == len(value) and all(check_type(v, a) for v, a in zip(value, args, strict=True))
        return not args or all(check_type(v, args[0]) for v in value)
    if origin is type:
        return isinstance(value, type) and (not args or not isinstance(args[0], type) or issubclass(value, args[0]))
    if origin is not None:
        target = origin
    if not isinstance(target, type):
        return True
    if target is float:
        if isinstance(value, bool):
            return False
        if isinstance(value, numbers.Real):
            return True
        arr = _values(value)
        return arr is not None and not isinstance(value, (list, tuple)) and arr.dtype.kind in "iuf"
    if target is int:
        if isinstance(value, bool):
            return False
        if isinstance(value, numbers.Integral):
            return True
        arr = _values(value)
        return arr is not None and not isinstance(value, (list, tuple)) and arr.dtype.kind in "iu"
    if target is bool:
        return isinstance(value, (bool, np.bool_))
    try:
        return isinstance(value, target)
    except TypeError:
        return True
