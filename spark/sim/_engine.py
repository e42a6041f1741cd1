r"""The compiled loop: many steps of a module fused into one XLA program.

One step is the function the Spark tutorial writes by hand,

.. math:: (\text{out}_t, s_{t+1}) = \text{merge}(g, s_t)(x_t),

over the flat state :math:`s` of :func:`spark.split`. Before compiling, one abstract evaluation of
the step (``jax.eval_shape``, no computation) sorts the state keys into

* *carried* keys, which the step rewrites (potentials, traces, plastic weights, PRNG keys), and
* *frozen* keys, which it passes through untouched (fixed weights, masks, ``dt``),

so only carried keys travel through the loop and come back from the device; frozen keys stay where
they are, and a dense kernel that never changes is never copied.

A *chunk* runs up to ``capacity`` steps in a ``lax.fori_loop`` whose trip count is an argument, so
the same compiled chunk serves every chunk of a run, the last (shorter) one included. Outputs are
written into preallocated ``(capacity, ...)`` buffers; recorded signals into ``(capacity / d, ...)``
buffers, sampled right after steps ``0, d, 2d, ...`` (an outer loop over samples around an inner loop
over the steps between them, so a skipped step costs no recording work).
"""

from __future__ import annotations

import dataclasses as dc
import typing as tp
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.errors import BuildError
from spark.core.graph import SparkGraph, merge, split
from spark.core.payloads import SparkPayload
from spark.sim._inputs import wrap_fn_output
from spark.sim._recording import RecordPlan

__all__ = ["Layout", "analyze", "get_chunk_fn"]


@dc.dataclass(frozen=True)
class Layout:
    """What one step does to the state and what it returns (from one abstract evaluation)."""

    carry_keys: tuple[str, ...]
    frozen_keys: tuple[str, ...]
    output_types: tuple[tuple[str, type[SparkPayload]], ...]
    output_shapes: tuple[tuple[str, jax.ShapeDtypeStruct], ...]
    state_shapes: tuple[tuple[str, jax.ShapeDtypeStruct], ...]

    @property
    def output_ports(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.output_types)


def _step_inputs(module: tp.Any, const: dict, x_t: dict, fn: tp.Callable | None, t: jax.Array) -> dict:
    inputs = dict(const)
    inputs.update(x_t)
    if fn is not None:
        inputs.update(wrap_fn_output(module, fn(t)))
    return inputs


def _describe(module: tp.Any) -> str:
    return f"{type(module).__name__} '{getattr(module, 'name', '?')}'"


def analyze(
    graph: SparkGraph, state: dict[str, tp.Any], const: dict, x_t: dict, fn: tp.Callable | None
) -> Layout:
    """Evaluate one step abstractly and find carried/frozen keys and the output structure.

    ``state``, ``const`` and ``x_t`` may hold arrays or ``jax.ShapeDtypeStruct``; nothing is computed.
    """
    found: dict[str, tp.Any] = {}

    def probe(state: dict, const: dict, x_t: dict, t: jax.Array) -> tp.Any:
        model = merge(graph, state)
        out = model(**_step_inputs(model, const, x_t, fn, t))
        _, new = split(model, fixed_in_state=True)
        found["unchanged"] = {k for k in state if new.get(k) is state[k]}
        found["new_keys"] = list(new)
        found["name"] = _describe(model)
        return out

    out = jax.eval_shape(probe, state, const, x_t, jax.ShapeDtypeStruct((), jnp.int32))
    if set(found["new_keys"]) != set(state):
        added = sorted(set(found["new_keys"]) - set(state))
        removed = sorted(set(state) - set(found["new_keys"]))
        raise BuildError(
            f"{found['name']} changed its variables during a step (added {added}, removed {removed}); create "
            f"every variable in build() so the state has the same keys at every step"
        )
    if not isinstance(out, tp.Mapping) or not all(isinstance(v, SparkPayload) for v in out.values()):
        raise TypeError(
            f"{found['name']}: a step must return a dict of spark payloads, got {type(out).__name__}"
        )
    carry = tuple(k for k in state if k not in found["unchanged"])
    frozen = tuple(k for k in state if k in found["unchanged"])
    return Layout(
        carry_keys=carry,
        frozen_keys=frozen,
        output_types=tuple((p, type(v)) for p, v in out.items()),
        output_shapes=tuple((p, jax.ShapeDtypeStruct(v.value.shape, v.value.dtype)) for p, v in out.items()),
        state_shapes=tuple((k, jax.ShapeDtypeStruct(np.shape(v), v.dtype)) for k, v in state.items()),
    )


def _index(tree: tp.Any, i: jax.Array) -> tp.Any:
    return jax.tree_util.tree_map(lambda a: jax.lax.dynamic_index_in_dim(a, i, keepdims=False), tree)


def _write(bufs: dict, values: dict, i: jax.Array) -> dict:
    return {
        k: jax.lax.dynamic_update_index_in_dim(b, values[k].astype(b.dtype), i, 0) for k, b in bufs.items()
    }


def make_chunk(
    graph: SparkGraph,
    layout: Layout,
    record: RecordPlan,
    keep_outputs: bool,
    fn: tp.Callable | None,
    capacity: int,
) -> tp.Callable:
    """The (uncompiled) chunk function ``(carry, frozen, const, xs, t0, n) -> (carry, outputs, records)``.

    ``xs`` holds the sequence inputs of the chunk, ``(capacity, ...)``; steps ``0..n-1`` run (``n`` may
    be traced), at global step indices ``t0 + i``. Buffers past ``n`` (and the
    spare record row) are left as zeros or junk; callers keep the first ``n`` / ``ceil(n / d)`` rows.

    The step appears once in the program whatever the decimation (compile time grows with every copy
    of it): with ``d > 1`` an outer loop over record samples ``g = 0..ceil(n/d)`` runs the steps
    ``(g-1)d+1 .. gd`` (just step 0 for ``g = 0``) and then writes sample ``g``; the last pass runs the
    steps after the last sample and writes a spare row that is dropped.
    """
    d = record.decimate
    n_rec = -(-capacity // d)
    out_shapes = dict(layout.output_shapes)
    state_shapes = dict(layout.state_shapes)
    carry_keys = layout.carry_keys
    rec_ports = record.output_ports

    def step(carry, frozen, const, x_t, t):
        model = merge(graph, {**frozen, **carry})
        out = model(**_step_inputs(model, const, x_t, fn, t))
        _, new = split(model, fixed_in_state=True)
        return {k: new[k] for k in carry_keys}, {p: v.value for p, v in out.items()}

    def chunk(carry, frozen, const, xs, t0, n):
        out_bufs = (
            {p: jnp.zeros((capacity, *s.shape), s.dtype) for p, s in out_shapes.items()}
            if keep_outputs
            else {}
        )
        rows = n_rec + (1 if d > 1 else 0)
        rec_bufs = {p: jnp.zeros((rows, *out_shapes[p].shape), out_shapes[p].dtype) for p in rec_ports}
        rec_bufs.update(
            {k: jnp.zeros((rows, *state_shapes[k].shape), state_shapes[k].dtype) for k in record.state_keys}
        )
        last = {p: jnp.zeros(out_shapes[p].shape, out_shapes[p].dtype) for p in rec_ports}

        def one(i, val):
            c, ob, rb, lo = val
            c, out = step(c, frozen, const, _index(xs, i), t0 + i)
            return c, _write(ob, out, i), rb, {p: out[p] for p in lo}

        def sample(c, lo):
            vals = dict(lo)
            vals.update({k: c[k] if k in c else frozen[k] for k in record.state_keys})
            return vals

        init = (carry, out_bufs, rec_bufs, last)
        if record.empty:
            val = jax.lax.fori_loop(0, n, one, init)
        elif d == 1:

            def every(i, val):
                c, ob, rb, lo = one(i, val)
                return c, ob, _write(rb, sample(c, lo), i), lo

            val = jax.lax.fori_loop(0, n, every, init)
        else:

            def group(g, val):
                lo_i = jnp.maximum(0, (g - 1) * d + 1)
                hi_i = jnp.minimum(g * d + 1, n)
                c, ob, rb, lo = jax.lax.fori_loop(lo_i, hi_i, one, val)
                return c, ob, _write(rb, sample(c, lo), g), lo

            val = jax.lax.fori_loop(0, (n + d - 1) // d + 1, group, init)
        return val[:3]

    return chunk


_CACHE: OrderedDict[tp.Any, tp.Callable] = OrderedDict()
_CACHE_SIZE = 64


def get_chunk_fn(
    graph: SparkGraph,
    layout: Layout,
    record: RecordPlan,
    keep_outputs: bool,
    fn: tp.Callable | None,
    capacity: int,
    vmap_axes: tuple | None,
    jit: bool,
) -> tp.Callable:
    """A (cached) compiled chunk function; ``vmap_axes`` = in_axes of ``(carry, frozen, const, xs)``."""
    axes_key = (
        None
        if vmap_axes is None
        else tuple(tuple(sorted(a.items())) if isinstance(a, dict) else a for a in vmap_axes)
    )
    key = (graph, layout, record, keep_outputs, fn, capacity, axes_key, jit)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    chunk = make_chunk(graph, layout, record, keep_outputs, fn, capacity)
    if vmap_axes is not None:
        chunk = jax.vmap(chunk, in_axes=(*vmap_axes, None, None))
    compiled = jax.jit(chunk) if jit else chunk
    _CACHE[key] = compiled
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return compiled
