"""``spark.sim.run`` and ``spark.sim.Simulator``: fused multi-step runs of a module, a brain or a batch.

    >>> result = spark.sim.run(brain, {'drive': spark.FloatArray(x)},           # doctest: +SKIP
    ...                        record=['neurons_pool/soma/potential', 'action'], decimate=10)
    >>> result.outputs['action'].value.shape                                      # doctest: +SKIP
    (T, 2)
    >>> result.records['modules/neurons_pool/soma/potential'].shape               # doctest: +SKIP
    (ceil(T / 10), 256)

The ``T`` steps run in one compiled loop (see :mod:`spark.sim._engine`), or in compiled chunks of
``chunk_size`` steps — the same compiled code for every chunk — when a progress bar is shown or the
kept signals would not fit comfortably in device memory. Each finished chunk's outputs and records are
copied to host (NumPy) arrays while the next chunk runs, so device memory holds one chunk at a time.
Running in chunks gives exactly the same numbers as one chunk.
"""

from __future__ import annotations

import dataclasses as dc
import math
import typing as tp
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.graph import split
from spark.core.payloads import SparkPayload
from spark.core.specs import InputSpec
from spark.core.variables import RNGKey, Variable
from spark.sim._batch import Batch
from spark.sim._engine import Layout, analyze, get_chunk_fn
from spark.sim._inputs import InputPlan, first_step_inputs, normalize_inputs
from spark.sim._recording import RecordPlan, resolve_record
from spark.sim._sharding import place_inputs

__all__ = ["RunResult", "Simulator", "run"]

AUTO_PROGRESS_STEPS = 100_000
"""Runs at least this long show a progress bar when ``progress=None``."""
PROGRESS_CHUNKS = 50
"""Number of chunks a run with a progress bar is split into (when no ``chunk_size`` is given)."""
DEVICE_BUFFER_BYTES = 256 * 2**20
"""Above this many bytes of kept signals, a run is split into chunks to bound device memory."""


@dc.dataclass
class RunResult:
    """What a run returns.

    Attributes:
        outputs: every output port, stacked over time: ``(T, ...)``, or ``(B, T, ...)`` for a batch
            (payloads of NumPy arrays); empty when ``keep_outputs=False``.
        records: each recorded signal, ``(ceil(T / decimate), ...)`` (or ``(B, ...)`` first), NumPy.
        state: the final flat state (as from :func:`spark.split`; batched keys keep their ``B`` axis).
            Like any JAX result it may still be computing when ``run`` returns with nothing to fetch
            (no outputs kept, nothing recorded); ``jax.block_until_ready(result.state)`` waits for it.
        steps: number of steps run.
        decimate: one record sample every ``decimate`` steps.
        changed_keys: the state keys the steps rewrite (the others were passed through unchanged).
    """

    outputs: dict[str, SparkPayload]
    records: dict[str, np.ndarray]
    state: dict[str, tp.Any]
    steps: int
    decimate: int = 1
    changed_keys: tuple[str, ...] = ()

    @property
    def record_steps(self) -> np.ndarray:
        """Step index of each record sample (the value right after that step)."""
        return np.arange(0, self.steps, self.decimate)


_LAYOUTS: OrderedDict[tp.Any, Layout] = OrderedDict()


def _abstract(x: tp.Any, drop: int = 0) -> jax.ShapeDtypeStruct:
    return jax.ShapeDtypeStruct(tuple(np.shape(x))[drop:], x.dtype)


def _payload_abstract(p: SparkPayload, drop: int) -> SparkPayload:
    return type(p)(_abstract(p.value, drop))


def _layout_for(graph: tp.Any, state: dict, batched: frozenset, plan: InputPlan) -> Layout:
    lead = 2 if plan.batch is not None else 1

    def shape(v: tp.Any, drop: int) -> tuple:
        return tuple(np.shape(v))[drop:]

    key = (
        graph,
        tuple((k, shape(v, 1 if k in batched else 0), v.dtype) for k, v in state.items()),
        tuple(
            (p, type(v), shape(v.value, 1 if p in plan.const_batched else 0), v.dtype)
            for p, v in plan.const.items()
        ),
        tuple((p, type(v), shape(v.value, lead), v.dtype) for p, v in plan.seq.items()),
        plan.fn,
    )
    layout = _LAYOUTS.get(key)
    if layout is None:
        abs_state = {k: _abstract(v, 1 if k in batched else 0) for k, v in state.items()}
        abs_const = {
            p: _payload_abstract(v, 1 if p in plan.const_batched else 0) for p, v in plan.const.items()
        }
        abs_x = {p: _payload_abstract(v, lead) for p, v in plan.seq.items()}
        layout = analyze(graph, abs_state, abs_const, abs_x, plan.fn)
        _LAYOUTS[key] = layout
        if len(_LAYOUTS) > 64:
            _LAYOUTS.popitem(last=False)
    return layout


def dynamic_keys(graph: tp.Any) -> list[str]:
    """State keys of dynamic variables (``spark.Variable``, PRNG keys excluded): what ``record=True`` keeps."""
    return [
        k
        for k, t in zip(graph.keys(), graph.variables, strict=False)
        if isinstance(t, Variable) and not isinstance(t, RNGKey)
    ]


def _capacity(steps: int, chunk_size: int | None, show: bool, bytes_per_step: int, d: int) -> int:
    if chunk_size is not None:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
            raise ValueError(f"spark.sim.run: chunk_size must be a positive int, got {chunk_size!r}")
        cap = min(int(chunk_size), steps)
    else:
        cap = math.ceil(steps / PROGRESS_CHUNKS) if show else steps
        # round up to a power of two: runs of similar lengths then share one compiled chunk
        cap = 1 << max(cap - 1, 0).bit_length()
        if bytes_per_step * cap > DEVICE_BUFFER_BYTES:
            cap = max(1, DEVICE_BUFFER_BYTES // max(bytes_per_step, 1))
    cap = max(cap, 1)
    return -(-cap // d) * d


def _pad_time(x: tp.Any, length: int, axis: int) -> tp.Any:
    missing = length - x.shape[axis]
    if missing <= 0:
        return x
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, missing)
    return np.pad(x, widths) if isinstance(x, np.ndarray) else jnp.pad(x, widths)


def _resolve(node: tp.Any, path: tuple) -> tp.Any:
    """The object at ``path`` (attribute names, or keys/indices of containers) under ``node``."""
    for comp in path:
        node = getattr(node, comp) if isinstance(comp, str) and hasattr(node, comp) else node[comp]
    return node


class _Binding:
    """Live references to a module's variables, so that repeated runs skip the graph walk of a split.

    Valid as long as every state key still leads, attribute by attribute from the module, to the same
    variable object (checked before each run); otherwise it is rebuilt.
    """

    def __init__(self, module: tp.Any):
        self.module = module
        self.graph, _ = split(module, fixed_in_state=True)
        self.keys = self.graph.keys()
        self.paths = dict(zip(self.keys, self.graph.paths, strict=True))
        self.refs = {k: _resolve(module, self.paths[k]) for k in self.keys}
        self.dynamic = dynamic_keys(self.graph)

    def valid(self, module: tp.Any) -> bool:
        if module is not self.module or not getattr(module, "__built__", False):
            return False
        try:
            return all(_resolve(module, self.paths[k]) is var for k, var in self.refs.items())
        except (KeyError, IndexError, TypeError, AttributeError):
            return False

    def state(self) -> dict[str, tp.Any]:
        return {k: var.get_raw_value() for k, var in self.refs.items()}

    def write(self, values: dict[str, tp.Any]) -> None:
        for k, value in values.items():
            self.refs[k].set_value(value)


class Simulator:
    """Runs a module, a brain or a :class:`Batch` for many steps in compiled chunks (compile once, run many).

    A compiled chunk takes its number of steps as an argument and holds up to a power of two of them,
    so runs of different lengths mostly reuse the same compiled code.

    Args:
        target: a built or unbuilt :class:`spark.nn.Module` (a brain included), or a :class:`Batch`.
        record: what to record (see :mod:`spark.sim._recording`): output ports, state keys, glob
            patterns, ``True`` for everything dynamic, ``None`` for nothing.
        decimate: keep one record sample every ``decimate`` steps (outputs are kept at every step).
        chunk_size: steps per compiled chunk (default: the whole run, or ~50 chunks with a progress bar).
        keep_outputs: stack the outputs of every step (``False`` keeps only records and the final state).
        jit: compile (default); ``False`` runs the same loop eagerly, for debugging.

    Calling :meth:`run` again with inputs of the same shapes reuses the compiled code, and reads and
    writes the module's variables directly rather than splitting it again. Replacing a variable or a
    submodule is noticed; editing the module's config after the first run is not (create a new
    ``Simulator``, or use :func:`run`, which looks at the module afresh every time).
    """

    def __init__(
        self,
        target: tp.Any,
        *,
        record: tp.Any = None,
        decimate: int = 1,
        chunk_size: int | None = None,
        keep_outputs: bool = True,
        jit: bool = True,
    ):
        self.target = target
        self.record = record
        self.decimate = decimate
        self.chunk_size = chunk_size
        self.keep_outputs = bool(keep_outputs)
        self.jit = bool(jit)
        self._binding: _Binding | None = None

    def __repr__(self) -> str:
        return f"Simulator({self.target!r}, record={self.record!r}, decimate={self.decimate})"

    def run(
        self,
        inputs: tp.Any = None,
        *,
        steps: int | None = None,
        progress: bool | None = None,
        apply: bool = True,
    ) -> RunResult:
        """Run ``steps`` steps; see :func:`run` for the arguments."""
        target = self.target
        is_batch = isinstance(target, Batch)
        module = _template(target) if is_batch else target
        size = target.size if is_batch else None
        plan = normalize_inputs(module, inputs, steps, size)
        if not getattr(module, "__built__", False):
            first = first_step_inputs(module, plan)
            module.build_from_specs({p: InputSpec(type(v), v.shape, v.dtype) for p, v in first.items()})
            plan = normalize_inputs(module, inputs, steps, size)
        binding = None
        if is_batch:
            graph, state, batched = target.graph, target.state, target.batched
        else:
            binding = self._binding
            if binding is None or not binding.valid(module):
                binding = self._binding = _Binding(module)
            graph, state, batched = binding.graph, binding.state(), frozenset()
        layout = _layout_for(graph, state, batched, plan)
        keys, dynamic = (
            (binding.keys, binding.dynamic) if binding is not None else (graph.keys(), dynamic_keys(graph))
        )
        rec = resolve_record(self.record, keys, layout.output_ports, dynamic, self.decimate)
        result = _execute(self, target, module, graph, state, batched, plan, layout, rec, progress, apply)
        if apply and binding is not None:
            binding.write({k: result.state[k] for k in layout.carry_keys})
        return result


def _template(batch: Batch) -> tp.Any:
    tmpl = getattr(batch, "_template", None)
    if tmpl is None or tmpl[0] is not batch.graph:
        tmpl = (batch.graph, batch.module(0))
        batch._template = tmpl  # type: ignore[attr-defined]
    return tmpl[1]


def _signal_bytes(layout: Layout, rec: RecordPlan, keep_outputs: bool) -> int:
    outs = dict(layout.output_shapes)
    states = dict(layout.state_shapes)
    per = sum(math.prod(s.shape) * s.dtype.itemsize for s in outs.values()) if keep_outputs else 0
    per_rec = sum(math.prod(outs[p].shape) * outs[p].dtype.itemsize for p in rec.output_ports)
    per_rec += sum(math.prod(states[k].shape) * states[k].dtype.itemsize for k in rec.state_keys)
    return per + -(-per_rec // rec.decimate)


def _execute(
    sim: Simulator,
    target: tp.Any,
    module: tp.Any,
    graph: tp.Any,
    state: dict,
    batched: frozenset,
    plan: InputPlan,
    layout: Layout,
    rec: RecordPlan,
    progress: bool | None,
    apply: bool,
) -> RunResult:
    steps, d, size = plan.steps, rec.decimate, plan.batch
    is_batch = size is not None
    mesh = getattr(target, "mesh", None) if is_batch else None
    show = progress if progress is not None else steps >= AUTO_PROGRESS_STEPS
    cap = _capacity(
        steps, sim.chunk_size, bool(show), _signal_bytes(layout, rec, sim.keep_outputs) * (size or 1), d
    )

    carry = {k: state[k] for k in layout.carry_keys}
    frozen = {k: state[k] for k in layout.frozen_keys}
    vmap_axes = None
    if is_batch:
        carry = {
            k: v if k in batched else place_inputs(mesh, jnp.array(jnp.broadcast_to(v, (size, *np.shape(v)))))
            for k, v in carry.items()
        }
        vmap_axes = (
            {k: 0 for k in carry},
            {k: 0 if k in batched else None for k in frozen},
            {p: 0 if p in plan.const_batched else None for p in plan.const},
            {p: 0 for p in plan.seq},
        )
    const = {p: place_inputs(mesh, v) if p in plan.const_batched else v for p, v in plan.const.items()}
    chunk_fn = get_chunk_fn(graph, layout, rec, sim.keep_outputs, plan.fn, cap, vmap_axes, sim.jit)

    out_types = dict(layout.output_types)
    out_shapes = dict(layout.output_shapes)
    state_shapes = dict(layout.state_shapes)
    lead = (size,) if is_batch else ()
    taxis = 1 if is_batch else 0
    n_rec_total = -(-steps // d)
    host_out = (
        {p: np.zeros((*lead, steps, *s.shape), s.dtype) for p, s in out_shapes.items()}
        if sim.keep_outputs
        else {}
    )
    host_rec = {
        p: np.zeros((*lead, n_rec_total, *out_shapes[p].shape), out_shapes[p].dtype) for p in rec.output_ports
    }
    host_rec.update(
        {
            k: np.zeros((*lead, n_rec_total, *state_shapes[k].shape), state_shapes[k].dtype)
            for k in rec.state_keys
        }
    )

    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, unit="step", desc=f"{type(module).__name__} '{module.name}'")

    def collect(pending: tuple) -> None:
        out_bufs, rec_bufs, start, n = pending
        out_bufs, rec_bufs = jax.device_get((out_bufs, rec_bufs))
        sl = (slice(None),) * taxis
        for p, buf in out_bufs.items():
            host_out[p][(*sl, slice(start, start + n))] = buf[(*sl, slice(0, n))]
        r0, rn = start // d, -(-n // d)
        for p, buf in rec_bufs.items():
            host_rec[p][(*sl, slice(r0, r0 + rn))] = buf[(*sl, slice(0, rn))]
        if bar is not None:
            bar.update(n)

    pending = None
    try:
        for start in range(0, steps, cap):
            n = min(cap, steps - start)
            xs = plan.chunk(start, start + n)
            xs = {p: type(v)(_pad_time(v.value, cap, taxis)) for p, v in xs.items()}
            xs = place_inputs(mesh, xs)
            if sim.jit:
                carry, out_bufs, rec_bufs = chunk_fn(carry, frozen, const, xs, np.int32(start), np.int32(n))
            else:
                with jax.disable_jit():
                    carry, out_bufs, rec_bufs = chunk_fn(carry, frozen, const, xs, start, n)
            if bar is not None and not out_bufs and not rec_bufs:
                jax.block_until_ready(carry)  # nothing to fetch: wait, so the bar follows the device
            if pending is not None:
                collect(pending)
            pending = (out_bufs, rec_bufs, start, n)
        if pending is not None:
            collect(pending)
    finally:
        if bar is not None:
            bar.close()

    final = {k: carry[k] if k in carry else state[k] for k in state}
    if apply and is_batch:
        target.state = final
        target.batched = batched | frozenset(layout.carry_keys)
    outputs = {p: out_types[p](v) for p, v in host_out.items()}
    return RunResult(
        outputs=outputs,
        records=host_rec,
        state=final,
        steps=steps,
        decimate=d,
        changed_keys=layout.carry_keys,
    )


def run(
    module: tp.Any,
    inputs: tp.Any = None,
    *,
    steps: int | None = None,
    record: tp.Any = None,
    decimate: int = 1,
    chunk_size: int | None = None,
    progress: bool | None = None,
    keep_outputs: bool = True,
    apply: bool = True,
    jit: bool = True,
) -> RunResult:
    """Run ``module`` (a module, a brain or a :class:`Batch`) for ``T`` steps in one compiled loop.

    Args:
        module: what to run; an unbuilt module is built from the first step's inputs.
        inputs: ``{port: payload_or_array}`` with a leading time axis ``T`` (``(B, T, ...)`` for a batch;
            arrays are wrapped in the port's payload type and cast to its dtype), :func:`constant` inputs
            held for every step, a callable ``fn(t) -> {port: payload}`` of the step index, or ``None``.
        steps: number of steps (needed when no input has a time axis).
        record: output ports and/or state keys (glob patterns allowed) to record, or ``True``.
        decimate: keep one record sample every ``decimate`` steps (after steps ``0, d, 2d, ...``).
        chunk_size: steps per compiled chunk; ``None`` picks one (see :class:`Simulator`).
        progress: show a tqdm progress bar (``None``: only for runs of 100k steps or more).
        keep_outputs: keep the stacked outputs of every step.
        apply: write the final state back into the module (or batch); ``False`` leaves it untouched.
        jit: compile (default) or run the same loop eagerly.

    Returns:
        A :class:`RunResult` with stacked outputs, records and the final state.
    """
    sim = Simulator(
        module, record=record, decimate=decimate, chunk_size=chunk_size, keep_outputs=keep_outputs, jit=jit
    )
    return sim.run(inputs, steps=steps, progress=progress, apply=apply)
