"""``spark.sim.Stepper``: one compiled step per call, for closed loops (an environment between steps).

When each step's input depends on the previous output (CartPole, a robot), the run cannot be fused.
The tutorial's per-step function returns the whole state every step, so every fixed weight, delay
table and mask is copied out of the compiled step each time. A stepper keeps the state on the device
and only moves what changes:

* the keys a step rewrites (see :mod:`spark.sim._engine`) are *donated* to the compiled step and
  updated in place;
* the keys it never touches are passed by reference and never copied;
* the small rewritten arrays (potentials, traces, counters, keys) travel packed into one flat buffer
  per dtype, because every array a compiled call returns has a fixed cost (an allocation and a Python
  object, several microseconds each) that dominates a small model's step;
* only the outputs come back to Python.

    >>> step = spark.sim.Stepper(brain)                                  # doctest: +SKIP
    >>> for obs in observations:                                         # doctest: +SKIP
    ...     action = step(drive=spark.FloatArray(obs))['action']
    >>> step.apply()            # write the state back into `brain`       # doctest: +SKIP

The module itself is not updated while stepping (that would cost a Python walk per step): call
:meth:`Stepper.apply` to write the state back, or :meth:`Stepper.module` for a copy to inspect.
"""

from __future__ import annotations

import dataclasses as dc
import math
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.graph import merge, split, update
from spark.core.payloads import SparkPayload
from spark.core.specs import InputSpec
from spark.sim._engine import Layout, analyze
from spark.sim._inputs import _as_payload, _check_ports, port_specs

__all__ = ["Stepper"]

PACK_BYTES = 256 * 2**10
"""Rewritten arrays up to this size are packed into one buffer per dtype; larger ones travel alone."""


@dc.dataclass(frozen=True)
class _Packing:
    """Where each small carried array lives in the flat buffer of its dtype."""

    slots: tuple[tuple[str, str, int, int, tuple[int, ...]], ...]  # (key, dtype, start, size, shape)
    large: tuple[str, ...]

    @classmethod
    def of(cls, arrays: dict[str, tp.Any]) -> _Packing:
        offsets: dict[str, int] = {}
        slots, large = [], []
        for k, v in arrays.items():
            size = math.prod(np.shape(v))
            if size * np.dtype(v.dtype).itemsize > PACK_BYTES:
                large.append(k)
                continue
            dt = np.dtype(v.dtype).str
            start = offsets.get(dt, 0)
            offsets[dt] = start + size
            slots.append((k, dt, start, size, tuple(np.shape(v))))
        return cls(tuple(slots), tuple(large))

    def pack(self, arrays: dict[str, tp.Any]) -> tuple[dict[str, jax.Array], dict[str, jax.Array]]:
        groups: dict[str, list] = {}
        for k, dt, _, _, _ in self.slots:
            groups.setdefault(dt, []).append(jnp.reshape(arrays[k], (-1,)))
        return {dt: jnp.concatenate(parts) for dt, parts in groups.items()}, {
            k: arrays[k] for k in self.large
        }

    def unpack(self, packed: dict[str, jax.Array], large: dict[str, jax.Array]) -> dict[str, jax.Array]:
        out = {
            k: jnp.reshape(packed[dt][start : start + size], shape)
            for k, dt, start, size, shape in self.slots
        }
        out.update(large)
        return out


class Stepper:
    """Steps ``module`` one compiled step per call, keeping its state on the device.

    Args:
        module: a module or brain; an unbuilt one is built from the first call's inputs.

    Calling ``stepper(**inputs)`` (payloads or arrays, cast to the built dtypes) runs one step and
    returns the module's outputs ``{port: payload}``.
    """

    def __init__(self, module: tp.Any):
        self.module = module
        self._graph: tp.Any = None
        self._packing: _Packing | None = None
        self._packed: dict[str, jax.Array] = {}
        self._large: dict[str, jax.Array] = {}
        self._frozen: dict[str, tp.Any] = {}
        self._fn: tp.Callable | None = None
        self._signature: tp.Any = None
        self.steps = 0

    def __repr__(self) -> str:
        return f"Stepper({self.module!r}, {self.steps} steps)"

    def _prepare(self, inputs: dict[str, SparkPayload]) -> None:
        module = self.module
        if not getattr(module, "__built__", False):
            module.build_from_specs({p: InputSpec(type(v), v.shape, v.dtype) for p, v in inputs.items()})
        if self._graph is None:
            self._graph, state = split(module, fixed_in_state=True)
        else:
            state = self.state
        abstract = {p: type(v)(jax.ShapeDtypeStruct(v.shape, v.dtype)) for p, v in inputs.items()}
        layout: Layout = analyze(self._graph, state, {}, abstract, None)
        carry = {k: state[k] for k in layout.carry_keys}
        packing = self._packing = _Packing.of(carry)
        # packing copies; large carried arrays are copied too, since the compiled step consumes them
        self._packed, large = packing.pack(carry)
        self._large = {k: jnp.copy(v) for k, v in large.items()}
        self._frozen = {k: state[k] for k in layout.frozen_keys}
        graph, carry_keys = self._graph, layout.carry_keys

        def step(packed: dict, large: dict, frozen: dict, x: dict) -> tuple[dict, dict, dict]:
            model = merge(graph, {**frozen, **packing.unpack(packed, large)})
            out = model(**x)
            _, new = split(model, fixed_in_state=True)
            packed, large = packing.pack({k: new[k] for k in carry_keys})
            return packed, large, out

        self._fn = jax.jit(step, donate_argnums=(0, 1))
        self._signature = tuple((p, type(v), v.shape, v.dtype) for p, v in inputs.items())

    def __call__(self, **inputs: tp.Any) -> dict[str, SparkPayload]:
        specs = port_specs(self.module)
        _check_ports(self.module, inputs, specs)
        payloads = {p: _as_payload(self.module, p, v, specs) for p, v in inputs.items()}
        signature = tuple((p, type(v), v.shape, v.dtype) for p, v in payloads.items())
        if self._fn is None or signature != self._signature:
            self._prepare(payloads)
        self._packed, self._large, out = self._fn(self._packed, self._large, self._frozen, payloads)
        self.steps += 1
        return out

    @property
    def state(self) -> dict[str, tp.Any]:
        """The current flat state (as from :func:`spark.split`; fresh arrays for the rewritten keys)."""
        if self._graph is None:
            return split(self.module, fixed_in_state=True)[1]
        if self._packing is None:
            return split(self.module, fixed_in_state=True)[1]
        carry = self._packing.unpack(self._packed, {k: jnp.copy(v) for k, v in self._large.items()})
        return {k: carry[k] if k in carry else self._frozen[k] for k in self._graph.keys()}

    def module_copy(self) -> tp.Any:
        """A copy of the module holding the current state (e.g. to call ``get_spikes_from_cache()``)."""
        return self.module if self._graph is None else merge(self._graph, self.state)

    def apply(self) -> tp.Any:
        """Write the current state back into the module; returns the module."""
        if self._graph is not None:
            update(self.module, self.state)
        return self.module
