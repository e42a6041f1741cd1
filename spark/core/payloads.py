"""Typed payloads: thin pytree wrappers that tell what an array means.

A payload carries one array in ``.value``. Its *type* (``SpikeArray``, ``CurrentArray``, ...) is what
lets Spark decide which output may feed which input. Payloads are JAX pytrees, so they pass through
``jax.jit``, ``jax.lax.scan`` and ``spark.split``/``spark.merge`` unchanged, type included.

Arithmetic on a payload works on its value and returns a plain array; wrap the result in the payload
type you mean.
"""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "SparkPayload",
    "ValueSparkPayload",
    "FloatArray",
    "SpikeArray",
    "CurrentArray",
    "PotentialArray",
    "IntegerArray",
    "BooleanMask",
    "payload_types",
    "payload_type_by_name",
]

_PAYLOAD_TYPES: dict[str, type[SparkPayload]] = {}


def _unwrap(x: tp.Any) -> tp.Any:
    return x.value if isinstance(x, SparkPayload) else x


class SparkPayload:
    """Base class of every payload: a typed wrapper around one array, ``.value``."""

    __slots__ = ("value",)

    def __init__(self, value: tp.Any):
        while isinstance(value, SparkPayload) or hasattr(value, "get_value"):
            value = value.value if isinstance(value, SparkPayload) else value.get_value()
        if not isinstance(value, (jax.Array, np.ndarray, jax.ShapeDtypeStruct)) and not _is_tracer(value):
            value = jnp.asarray(value)
        self.value = value

    def __init_subclass__(cls, **kwargs: tp.Any) -> None:
        super().__init_subclass__(**kwargs)
        jax.tree_util.register_pytree_node(
            cls,
            lambda p: ((p.value,), None),
            lambda _, children: _unflatten(cls, children[0]),
        )
        _PAYLOAD_TYPES[cls.__name__] = cls

    # -- array-like behaviour ------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def dtype(self) -> tp.Any:
        return self.value.dtype

    def __jax_array__(self) -> jax.Array:
        return jnp.asarray(self.value)

    def __array__(self, dtype: tp.Any = None, copy: tp.Any = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={self.value!r})"

    def __eq__(self, other: object) -> tp.Any:  # element-wise, like arrays
        return self.value == _unwrap(other)

    __hash__ = None  # type: ignore[assignment]

    def __getitem__(self, idx: tp.Any) -> tp.Any:
        return self.value[idx]

    def __len__(self) -> int:
        return len(self.value)


_PAYLOAD_TYPES["SparkPayload"] = SparkPayload


def _is_tracer(x: tp.Any) -> bool:
    return isinstance(x, jax.core.Tracer)


def _unflatten(cls: type[SparkPayload], value: tp.Any) -> SparkPayload:
    obj = object.__new__(cls)
    obj.value = value
    return obj


def _binary(op: tp.Callable[[tp.Any, tp.Any], tp.Any]) -> tuple[tp.Callable, tp.Callable]:
    def fwd(self: SparkPayload, other: tp.Any) -> tp.Any:
        return op(self.value, _unwrap(other))

    def rev(self: SparkPayload, other: tp.Any) -> tp.Any:
        return op(_unwrap(other), self.value)

    return fwd, rev


for _name, _op in {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "pow": lambda a, b: a**b,
    "matmul": lambda a, b: a @ b,
    "mod": lambda a, b: a % b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
}.items():
    _f, _r = _binary(_op)
    setattr(SparkPayload, f"__{_name}__", _f)
    setattr(SparkPayload, f"__r{_name}__", _r)
for _name, _op in {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "ne": lambda a, b: a != b,
}.items():
    setattr(SparkPayload, f"__{_name}__", _binary(_op)[0])
SparkPayload.__neg__ = lambda self: -self.value  # type: ignore[method-assign]
SparkPayload.__abs__ = lambda self: abs(self.value)  # type: ignore[method-assign]


class ValueSparkPayload(SparkPayload):
    """A payload whose value is a plain numeric array (the common case)."""


class FloatArray(ValueSparkPayload):
    """A real-valued signal with no particular physical meaning."""


class SpikeArray(ValueSparkPayload):
    """Spikes of a population, one entry per neuron.

    Entries are ``0`` (no spike), ``+1`` (a spike of an excitatory neuron) or ``-1`` (a spike of an
    inhibitory neuron): the sign carries Dale's law to the synapses downstream. ``spikes`` gives the
    unsigned events and ``inhibition_mask`` the neurons that spiked with a negative sign.
    """

    @property
    def spikes(self) -> jax.Array:
        return jnp.abs(self.value)

    @property
    def inhibition_mask(self) -> jax.Array:
        return self.value < 0


class CurrentArray(ValueSparkPayload):
    """Input currents, in the units of the receiving soma (usually pA or nA)."""


class PotentialArray(ValueSparkPayload):
    """Membrane potentials (mV)."""


class IntegerArray(ValueSparkPayload):
    """Integer data: indices, counts, discrete actions."""


class BooleanMask(ValueSparkPayload):
    """A boolean mask, e.g. which neurons are inhibitory."""


def payload_types() -> dict[str, type[SparkPayload]]:
    """Every payload type defined so far, by class name."""
    return dict(_PAYLOAD_TYPES)


def payload_type_by_name(name: str) -> type[SparkPayload]:
    """Resolve a payload class from its name; raise a clear error for unknown names."""
    from spark.core.errors import RegistryError, suggest

    try:
        return _PAYLOAD_TYPES[name]
    except KeyError:
        raise RegistryError(
            f"unknown payload type '{name}'{suggest(name, _PAYLOAD_TYPES)}; "
            f"known payload types: {', '.join(sorted(_PAYLOAD_TYPES))}"
        ) from None
