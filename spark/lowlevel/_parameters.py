"""Rockpool-style attribute kinds: ``Parameter``, ``State``, ``SimulationParameter`` and ``Constant``.

Each kind is a subclass of the matching Spark variable kind, so the generic queries of
:mod:`spark.core.introspection` find them and NNX/JAX treat them as pytree leaves:

* :class:`Parameter` extends :class:`spark.core.variables.Parameter`, listed by ``parameters()``;
* :class:`State` extends :class:`spark.core.variables.Variable`, listed by ``state()``;
* :class:`SimulationParameter` extends :class:`spark.core.variables.SimulationParameter`, listed by
  ``simulation_parameters()``;
* :class:`Constant` extends :class:`spark.core.variables.Constant`, listed by ``simulation_parameters()``.

All four share one constructor, ``Kind(data=None, family=None, init_func=None, shape=None)``:

* ``data`` gives the value directly (a scalar is broadcast to ``shape`` when one is given);
* otherwise ``init_func(shape)`` computes it;
* ``family`` is a free tag (``"weights"``, ``"taus"``, ...) used to filter ``parameters(family)``;
* ``shape`` is the shape the value must have (checked when ``data`` is given).

The initial value is remembered, so ``reset_parameters()`` / ``reset_state()`` bring it back: a concrete
``data`` is copied, an ``init_func`` is called again. Floating values and Python numbers are stored as
``float32`` (parameters always are); integer arrays (e.g. a PRNG key) keep their dtype. The initial value
and ``family`` live in the variable's NNX metadata (static pytree data), so ``jax.jit`` over a module
compiles once per module instance.

Wrapping a value in :class:`Constant` freezes it: ``Parameter(data=Constant(x))`` builds a ``Constant``
instead of a trainable ``Parameter``, so ``RateJax(4, tau=Constant(0.05))`` has a fixed ``tau``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from spark.core import variables as core

__all__ = [
    "Parameter",
    "State",
    "SimulationParameter",
    "Constant",
    "as_jax",
    "base_shape_of",
    "initial_value_of",
]

InitFunc = Callable[[tuple[int, ...]], Any]


class _KeepValue:
    """An ``init_func`` that returns a copy of a concrete initial value (used by the resets)."""

    __slots__ = ("value",)

    def __init__(self, value: np.ndarray):
        self.value = value

    def __call__(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.array(self.value, copy=True)

    def __repr__(self) -> str:
        return f"keep({self.value.tolist()!r})" if self.value.size <= 4 else f"keep(<{self.value.shape}>)"


def _normalise_shape(shape: Any, kind: str) -> tuple[int, ...] | None:
    if shape is None:
        return None
    if isinstance(shape, int | np.integer):
        return (int(shape),)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"{kind}: shape must be an int or a tuple of ints, got {shape!r}") from None


def _to_array(value: Any, real: bool = False) -> jax.Array:
    """Store floats and Python numbers as float32; keep integer/bool arrays (e.g. PRNG keys) as they are,
    unless ``real`` (trainable parameters are always float32).

    Conversions happen on the host, so building a module costs one transfer per array and no JAX work.
    """
    if isinstance(value, jax.Array):
        if real or jnp.issubdtype(value.dtype, jnp.floating):
            return value if value.dtype == jnp.float32 else value.astype(jnp.float32)
        return value
    host = np.asarray(value)
    python_number = isinstance(value, int | float) and not isinstance(value, bool)
    if python_number or host.dtype.kind == "f" or (real and host.dtype.kind in "iub"):
        host = host.astype(np.float32)
    return jax.device_put(host)  # a plain transfer (jnp.asarray would compile a staging op per shape)


def as_jax(value: Any) -> jax.Array:
    """``value`` as a JAX array: arrays and tracers pass through, host data is transferred (float -> float32)."""
    if isinstance(value, jax.Array):
        return value
    host = np.asarray(value)
    return jax.device_put(host.astype(np.float32) if host.dtype == np.float64 else host)


def _prepare(
    kind: str, data: Any, init_func: InitFunc | None, shape: Any, real: bool = False
) -> tuple[jax.Array, InitFunc, tuple]:
    """Resolve ``data`` / ``init_func`` / ``shape`` into (initial array, re-init function, base shape)."""
    shape = _normalise_shape(shape, kind)
    if data is None:
        if init_func is None or shape is None:
            raise ValueError(
                f"{kind}: give `data`, or both `init_func` and `shape` "
                f"(got init_func={init_func!r}, shape={shape!r})"
            )
        if not callable(init_func):
            raise TypeError(f"{kind}: init_func must be callable as init_func(shape), got {init_func!r}")
        value = init_func(shape)
        reinit = init_func
    else:
        if isinstance(data, jax.core.Tracer):
            raise TypeError(f"{kind}: constructors are plain Python; got a traced value for `data`")
        host = np.asarray(data)
        if not isinstance(data, np.ndarray | np.generic | jax.Array) and host.dtype.kind in "iu":
            host = host.astype(np.float32)  # Python numbers and lists are real-valued
        if shape is not None and host.shape != shape:
            try:
                host = np.broadcast_to(host, shape)
            except ValueError:
                raise ValueError(
                    f"{kind}: data of shape {host.shape} does not fit the required shape {shape}; "
                    f"give an array of shape {shape} or a scalar"
                ) from None
        value = host
        reinit = _KeepValue(np.array(host, copy=True))
    array = _to_array(value, real)
    if shape is not None and tuple(array.shape) != shape:
        raise ValueError(f"{kind}: init_func returned shape {tuple(array.shape)}, expected {shape}")
    return array, reinit, tuple(array.shape)


def _value_str(self) -> str:
    """``print(mod.tau)`` shows the value, as Rockpool does; ``repr`` keeps the full NNX view."""
    return str(self.get_value())


class Parameter(core.Parameter):
    """A trainable model parameter (weights, biases, time constants), listed by ``parameters()``.

    Args:
        data: the initial value; a :class:`Constant` here builds a frozen :class:`Constant` instead.
        family: tag used to select parameters, e.g. ``"weights"``, ``"biases"``, ``"taus"``.
        init_func: ``init_func(shape) -> array``, used when ``data`` is ``None`` and on reset.
        shape: required shape of the value.

    Examples:
        >>> import numpy as np
        >>> w = Parameter(shape=(2, 3), init_func=np.zeros, family="weights")
        >>> w.shape, w.family
        ((2, 3), 'weights')
    """

    def __new__(cls, data=None, family=None, init_func=None, shape=None, **metadata):
        if isinstance(data, core.Constant):
            return Constant(
                data=data.get_value(), family=family or data.get_metadata("family", None), shape=shape
            )
        return super().__new__(cls)

    def __init__(self, data=None, family=None, init_func=None, shape=None, **metadata):
        value, reinit, base = _prepare(type(self).__name__, data, init_func, shape, real=True)
        _check_family(type(self).__name__, family)
        super().__init__(value, family=family, init_func=reinit, base_shape=base, **metadata)

    __str__ = _value_str


class State(core.Variable):
    """Internal state that evolves in time (membrane potentials, synaptic currents), listed by ``state()``.

    Same arguments as :class:`Parameter`. After a batched evolution a state holds one row per batch
    copy (a leading ``B`` axis); ``reset_state()`` brings back the initial, unbatched value.
    """

    def __init__(self, data=None, family=None, init_func=None, shape=None, **metadata):
        value, reinit, base = _prepare(type(self).__name__, data, init_func, shape)
        _check_family(type(self).__name__, family)
        super().__init__(value, family=family, init_func=reinit, base_shape=base, **metadata)

    __str__ = _value_str


class SimulationParameter(core.SimulationParameter):
    """A setting of the simulation (``dt``, noise level), listed by ``simulation_parameters()``.

    Same arguments as :class:`Parameter`; never trained.
    """

    def __init__(self, data=None, family=None, init_func=None, shape=None, **metadata):
        value, reinit, base = _prepare(type(self).__name__, data, init_func, shape)
        _check_family(type(self).__name__, family)
        super().__init__(value, family=family, init_func=reinit, base_shape=base, **metadata)

    __str__ = _value_str


class Constant(core.Constant):
    """A value frozen for the module's lifetime; wrap a parameter value in it to make it non-trainable.

    ``Constant(x)`` may be assigned directly (``self.mask = Constant(m)``) or passed where a parameter
    value is expected (``RateJax(4, tau=Constant(0.05))``); either way it is listed by
    ``simulation_parameters()``, not ``parameters()``.
    """

    def __init__(self, data=None, family=None, init_func=None, shape=None, **metadata):
        if isinstance(data, core.Constant | core.Parameter | core.Variable):
            data = data.get_value()
        value, reinit, base = _prepare(type(self).__name__, data, init_func, shape)
        _check_family(type(self).__name__, family)
        super().__init__(value, family=family, init_func=reinit, base_shape=base, **metadata)

    __str__ = _value_str


def _check_family(kind: str, family: Any) -> None:
    if family is not None and not isinstance(family, str):
        raise TypeError(f"{kind}: family must be a string such as 'weights', got {family!r}")


def base_shape_of(variable) -> tuple[int, ...]:
    """The declared (unbatched) shape of a variable; its current shape when it declares none."""
    base = variable.get_metadata("base_shape", None)
    return tuple(variable.get_value().shape) if base is None else base


def initial_value_of(variable) -> jax.Array | None:
    """The initial value of a variable built by this module's kinds (``None`` for other variables)."""
    reinit = variable.get_metadata("init_func", None)
    if reinit is None:
        return None
    value = reinit(base_shape_of(variable))
    old = variable.get_raw_value().dtype
    if jnp.issubdtype(old, jnp.floating):
        if isinstance(value, jax.Array):
            return value if value.dtype == old else value.astype(old)
        return jax.device_put(np.asarray(value).astype(old))
    return _to_array(value)
