"""``Module``: the Rockpool-style base class of :mod:`spark.lowlevel`.

A module is a Flax NNX module (hence a JAX pytree: ``jax.jit`` and ``jax.grad`` accept it as an
argument) that knows its ``shape`` and offers the Rockpool inspection API. Subclasses define
``__init__`` (assigning :class:`Parameter`, :class:`State`, :class:`SimulationParameter` and submodules
as plain attributes) and ``evolve``.

Evolution contract:
    ``evolve(input, record=False) -> (output, new_state, recorded)`` computes without changing the
    module; ``mod(input, record=False)`` calls ``evolve`` and then writes ``new_state`` back into the
    module (``set_attributes``). Inputs are clocked arrays ``(T, size_in)`` or ``(B, T, size_in)``; a 2-D
    input is treated as one batch, so outputs are always ``(B, T, size_out)``. ``recorded`` is ``{}``
    unless ``record=True``, in which case each recorded signal has shape ``(B, T, ...)``.

Batching and state:
    A state declared with shape ``S`` may hold either ``S`` (shared by all batch copies) or
    ``(B, *S)`` (one row per copy). At the start of ``evolve`` the state is broadcast to ``(B, *S)``: an
    unbatched state (or one with ``B == 1``) is copied to every batch element; a batched state must
    have as many rows as the input has batches, otherwise a ``ValueError`` is raised (a 2-D input is
    shared by all rows of an already batched state). Every copy's final state is returned: after a
    call with a 3-D input, or on an already batched module, the states keep their leading ``B`` axis;
    after a 2-D input on an unbatched module, they keep their declared shape ``S``.
    ``reset_state()`` restores the declared, unbatched initial values.

JAX transformations:
    ``jax.jit(f)(mod, x)`` and ``jax.grad(loss)(mod, x)`` take the module as an ordinary argument. The
    gradient is a module of the same class: ``grads.parameters()`` lines up with ``mod.parameters()``
    (feed both to optax, then ``mod.set_attributes(new_params)``). Inside a transformation, calling the
    module updates the traced copy, not the module passed in; return it to keep its new state. A
    module with noise holds an integer PRNG key in its state: differentiate it with
    ``jax.grad(..., allow_int=True)``. Each leaf module compiles its time loop once per configuration
    and input shape, shared by all instances.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from spark.core import introspection
from spark.core import variables as core
from spark.lowlevel._parameters import as_jax, base_shape_of, initial_value_of

__all__ = ["Module", "broadcast_batch"]


def broadcast_batch(
    input_data, states: Mapping[str, jax.Array], bases: Mapping[str, tuple[int, ...]]
) -> tuple[jax.Array, dict[str, jax.Array], bool]:
    """Promote ``input_data`` to ``(B, T, N)`` and broadcast each state to ``(B, *base)``.

    Pure and shape-driven (usable inside ``jax.jit``); validation is :meth:`Module._check_batch`'s job.
    ``B`` is the largest of the input's batches and the states' rows (each of them is ``B`` or 1).
    Returns ``(input, states, batched)``; ``batched`` is ``True`` when the input was 3-D or a state
    already had a batch axis, i.e. when the final states should keep their ``B`` axis.
    """
    x = as_jax(input_data)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(jnp.float32)
    batched = x.ndim == 3
    if x.ndim == 2:
        x = x[None]
    n = x.shape[0]
    for name, value in states.items():
        if value.ndim == len(bases[name]) + 1:
            batched = True
            n = max(n, value.shape[0])
    if x.shape[0] != n:
        x = jnp.broadcast_to(x, (n, *x.shape[1:]))
    out = {name: jnp.broadcast_to(value, (n, *bases[name])) for name, value in states.items()}
    return x, out, batched


def _normalise_shape(shape: Any, owner: str) -> tuple[int, ...]:
    if shape is None:
        return ()
    if isinstance(shape, int):
        return (shape,)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"{owner}: shape must be an int or a tuple of ints, got {shape!r}") from None


class Module(nnx.Module):
    """Base class of Rockpool-style modules: a shape, named attributes and an ``evolve`` method.

    Args:
        shape: ``N`` or ``(N_in, ..., N_out)``; ``size_in = shape[0]``, ``size_out = shape[-1]``.
        spiking_input: whether the module expects spike counts as input.
        spiking_output: whether the module emits spike counts.

    Examples:
        >>> import numpy as np
        >>> from spark.lowlevel import Module, Parameter
        >>> class Scale(Module):
        ...     def __init__(self, shape):
        ...         super().__init__(shape=shape)
        ...         self.gain = Parameter(shape=self.shape, init_func=np.ones, family="gains")
        ...     def evolve(self, input_data, record=False):
        ...         x = self._auto_batch(input_data)[0]
        ...         return x * self.gain[...], {}, {}
        >>> Scale(3)
        Scale with shape (3,)
        >>> Scale(3)(np.ones((2, 3)))[0].shape
        (1, 2, 3)
    """

    def __init__(
        self, shape=None, spiking_input: bool = False, spiking_output: bool = False, *args, **kwargs
    ):
        name = type(self).__name__
        if args:
            raise TypeError(f"{name}: unexpected positional arguments {args!r}")
        if kwargs:
            raise TypeError(f"{name}: unexpected keyword arguments {sorted(kwargs)}")
        self._shape = _normalise_shape(shape, name)
        self._spiking_input = bool(spiking_input)
        self._spiking_output = bool(spiking_output)
        if not hasattr(self, "_name"):
            self._name = None

    # ------------------------------------------------------------------ registration and names
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Module) and not name.startswith("_"):
            value._name = name
        super().__setattr__(name, value)

    @property
    def name(self) -> str | None:
        """The attribute name this module was assigned to in its parent (``None`` at top level)."""
        return getattr(self, "_name", None)

    @property
    def class_name(self) -> str:
        """The name of the module's class."""
        return type(self).__name__

    @property
    def full_name(self) -> str:
        """Class name and attribute name together, e.g. ``RateJax 'neurons'``."""
        return f"{self.class_name} '{self.name}'" if self.name else self.class_name

    @property
    def shape(self) -> tuple[int, ...]:
        """The dimensions of the module: ``(N,)`` or ``(N_in, ..., N_out)``."""
        return self._shape

    @property
    def size_in(self) -> int | None:
        """Number of input channels (``shape[0]``)."""
        return self._shape[0] if self._shape else None

    @property
    def size_out(self) -> int | None:
        """Number of output channels (``shape[-1]``)."""
        return self._shape[-1] if self._shape else None

    @property
    def spiking_input(self) -> bool:
        """``True`` when the module expects spike counts as input."""
        return self._spiking_input

    @property
    def spiking_output(self) -> bool:
        """``True`` when the module emits spike counts."""
        return self._spiking_output

    def __repr__(self) -> str:
        head = f"{self.full_name} with shape {self.shape}"
        subs = self.modules()
        if not subs:
            return head
        body = "\n".join(textwrap.indent(repr(m), "    ") for m in subs.values())
        return f"{head} {{\n{body}\n}}"

    __str__ = __repr__

    # ------------------------------------------------------------------ inspection
    def parameters(self, family: str | Sequence[str] | None = None) -> dict:
        """Nested dict of trainable parameters of this module and its submodules (optionally one family)."""
        return introspection.collect(self, core.Parameter, family)

    def state(self, family: str | Sequence[str] | None = None) -> dict:
        """Nested dict of the current state of this module and its submodules."""
        return introspection.collect(self, core.Variable, family)

    def simulation_parameters(self, family: str | Sequence[str] | None = None) -> dict:
        """Nested dict of simulation parameters and constants (``dt``, frozen values, ...)."""
        return introspection.collect(self, core.Constant, family)

    def modules(self) -> dict[str, Module]:
        """The direct submodules, as ``{attribute name: module}`` in assignment order."""
        return {k: v for k, v in vars(self).items() if isinstance(v, Module) and not k.startswith("_")}

    def attributes_named(self, name: str | Sequence[str]) -> dict:
        """Nested dict of every registered attribute called ``name`` (or one of several names)."""
        names = {name} if isinstance(name, str) else set(name)
        out: dict = {}
        for path, variable in introspection.iter_variables(self):
            if path[-1] in names:
                level = out
                for key in path[:-1]:
                    level = level.setdefault(key, {})
                level[path[-1]] = variable.get_value()
        return out

    # ------------------------------------------------------------------ mutation
    def set_attributes(self, new_attributes: Mapping | None = None, *filters, **kwargs) -> Module:
        """Write a nested dict (as returned by ``parameters()``/``state()``) into this module; returns it.

        Values are converted to the dtype of the attribute they replace. A parameter keeps its shape;
        a state may also take a leading batch axis. Called NNX-style (``set_attributes(deterministic=True)``)
        it behaves like :meth:`flax.nnx.Module.set_attributes`.
        """
        if not isinstance(new_attributes, Mapping):
            lead = () if new_attributes is None else (new_attributes,)
            super().set_attributes(*lead, *filters, **kwargs)
            return self
        introspection.assign(self, new_attributes, check=self._checked_value, owner=self.full_name)
        return self

    def _checked_value(self, path: tuple, variable: nnx.Variable, value: Any) -> jax.Array:
        where = ".".join([self.full_name, *map(str, path)])
        if issubclass(type(value), nnx.Variable):
            value = value.get_value()
        new = as_jax(value)
        old = variable.get_value()
        if jnp.issubdtype(old.dtype, jnp.floating) and new.dtype != old.dtype:
            new = new.astype(old.dtype)
        base = base_shape_of(variable)
        batched_ok = issubclass(type(variable), core.Variable) and new.ndim == len(base) + 1
        if tuple(new.shape) != base and not (batched_ok and tuple(new.shape[1:]) == base):
            allowed = f"{base} or (B, *{base})" if issubclass(type(variable), core.Variable) else f"{base}"
            raise ValueError(f"{where}: cannot set a value of shape {tuple(new.shape)}; expected {allowed}")
        return new

    def reset_state(self) -> Module:
        """Bring every state of this module and its submodules back to its initial (unbatched) value."""
        return self._reset(core.Variable)

    def reset_parameters(self) -> Module:
        """Bring every parameter back to its initial value (``data`` given, or ``init_func`` called again)."""
        return self._reset(core.Parameter)

    def _reset(self, kinds) -> Module:
        for _, variable in introspection.iter_variables(self, kinds):
            value = initial_value_of(variable)
            if value is not None:
                variable.set_value(value)
        return self

    # ------------------------------------------------------------------ evolution
    def evolve(self, input_data, record: bool = False, *args, **kwargs) -> tuple[Any, dict, dict]:
        """Evolve over ``input_data``; return ``(output, new_state, recorded)`` without changing the module."""
        raise NotImplementedError(f"{self.class_name} must define evolve(input_data, record=False)")

    def __call__(self, input_data, record: bool = False, *args, **kwargs) -> tuple[Any, dict, dict]:
        """Evolve (see :meth:`evolve`), store the final state in the module and return the three results."""
        output, new_state, recorded = self.evolve(input_data, record, *args, **kwargs)
        if new_state:
            self.set_attributes(new_state)
        return output, new_state, recorded

    def _auto_batch(
        self, input_data, states: Sequence[str] = ()
    ) -> tuple[jax.Array, dict[str, jax.Array], bool]:
        """Promote the input to ``(B, T, size_in)`` and broadcast the named states to ``(B, *shape)``.

        Returns:
            ``(input, states, batched)`` where ``batched`` tells whether the final states should keep
            their leading ``B`` axis (see the module docstring).

        Raises:
            ValueError: the input is not 2-D/3-D, its last axis differs from ``size_in``, or a batched
                state has a number of rows that matches neither the input's batches nor 1.
        """
        self._check_batch(input_data, states)
        values = {name: getattr(self, name).get_value() for name in states}
        bases = {name: base_shape_of(getattr(self, name)) for name in states}
        return broadcast_batch(input_data, values, bases)

    def _check_batch(self, input_data, states: Sequence[str] = ()) -> None:
        """Validate the input shape against ``size_in`` and the stored states (shapes only, no work)."""
        shape = tuple(jnp.shape(input_data))
        if len(shape) not in (2, 3):
            raise ValueError(
                f"{self.full_name}: input must have shape (T, {self.size_in}) or (B, T, {self.size_in}), "
                f"got shape {shape}"
            )
        if self.size_in is not None and shape[-1] != self.size_in:
            raise ValueError(
                f"{self.full_name}: input has {shape[-1]} channels but size_in is {self.size_in} "
                f"(expected (T, {self.size_in}) or (B, T, {self.size_in}), got shape {shape})"
            )
        in_rows = shape[0] if len(shape) == 3 else 1
        state_rows = set()
        for name in states:
            variable = getattr(self, name)
            value_shape = tuple(jnp.shape(variable.get_raw_value()))
            if len(value_shape) == len(base_shape_of(variable)) + 1:
                state_rows.add(value_shape[0])
        if len(({in_rows} | state_rows) - {1}) > 1:
            raise ValueError(
                f"{self.full_name}: input has {in_rows} batches but the stored state has "
                f"{', '.join(map(str, sorted(state_rows)))} rows; give an input with matching batches "
                f"or call reset_state()"
            )

    def timed(self, dt: float | None = None, t_start: float = 0.0):
        """Wrap this module to accept and return time series (:class:`TSContinuous`, :class:`TSEvent`)."""
        from spark.lowlevel._timed import TimedModule

        return TimedModule(self, dt=dt, t_start=t_start)
