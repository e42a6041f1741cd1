"""``SparseSynapses``: event-driven synapses with a fixed number of random inputs per unit."""

from __future__ import annotations

import dataclasses as dc
import functools
import math
import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from spark.core.payloads import SpikeArray
from spark.core.registry import register_module
from spark.core.validation import PositiveValidator, RangeValidator, TypeValidator
from spark.core.variables import Constant
from spark.nn.synapses._base import Synapses, SynapsesConfig, SynapsesOutput

__all__ = ["SparseSynapses", "SparseSynapsesConfig", "fixed_in_degree_indices", "sparse_currents"]


class SparseSynapsesConfig(SynapsesConfig):
    """Configuration of :class:`SparseSynapses`."""

    in_degree: int | None = dc.field(
        default=None,
        metadata={
            "validators": [TypeValidator, PositiveValidator],
            "description": "Number K of presynaptic partners of every postsynaptic unit; None: "
            "round(connection_probability * pre).",
        },
    )
    connection_probability: float = dc.field(
        default=0.1,
        metadata={
            "validators": [TypeValidator, RangeValidator(0.0, 1.0)],
            "description": "Fraction of the presynaptic inputs each unit connects to (used when in_degree is None).",
        },
    )
    max_active_fraction: float = dc.field(
        default=0.1,
        metadata={
            "validators": [TypeValidator, RangeValidator(0.0, 1.0), PositiveValidator],
            "description": "Size of the spike-event buffer as a fraction of the presynaptic inputs; steps with "
            "more spikes take the exact dense-gather path instead.",
        },
    )


def fixed_in_degree_indices(seed: int, post: int, pre: int, k: int) -> np.ndarray:
    """``(post, k)`` int32 presynaptic indices: ``k`` distinct inputs per row, sorted, drawn uniformly.

    Rows are drawn in chunks so memory stays bounded for large populations.
    """
    rng = np.random.default_rng(seed)
    out = np.empty((post, k), np.int32)
    rows = max(1, (1 << 22) // max(pre, 1))
    for start in range(0, post, rows):
        stop = min(post, start + rows)
        keys = rng.random((stop - start, pre), dtype=np.float32)
        pick = (
            np.argpartition(keys, k - 1, axis=1)[:, :k]
            if k < pre
            else np.tile(np.arange(pre), (stop - start, 1))
        )
        out[start:stop] = np.sort(pick, axis=1)
    return out


def outgoing_table(indices: np.ndarray, pre: int) -> np.ndarray:
    """The pre -> post adjacency of a ``(post, K)`` index table, for event-driven propagation.

    ``(pre + 1, 2, D)`` int32, ``D`` the largest out-degree: ``[j, 0]`` the flat ids (``i * K + k``)
    of the synapses leaving input ``j``, ``[j, 1]`` their postsynaptic units. Unused slots and the
    padding row ``pre`` hold synapse id 0 (any valid id: its weight is read, never used) and unit
    ``post``, which is out of range for the scatter that drops it.
    """
    post, k = indices.shape
    flat = indices.reshape(-1)
    order = np.argsort(flat, kind="stable").astype(np.int64)
    counts = np.bincount(flat, minlength=pre)
    width = max(int(counts.max(initial=0)), 1)
    table = np.zeros((pre + 1, 2, width), np.int32)
    table[:, 1, :] = post
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    slot = np.arange(flat.size) - np.repeat(starts, counts)
    table[flat[order], 0, slot] = order
    table[flat[order], 1, slot] = order // k
    return table


@register_module
class SparseSynapses(Synapses):
    r"""Event-driven sparse synapses: each unit receives :math:`K` random inputs (fixed in-degree).

    Unit :math:`i` is connected to the :math:`K` distinct presynaptic inputs
    :math:`\mathcal{C}_i = \{c_{i1}, \dots, c_{iK}\}` with weight magnitudes :math:`w_{ik} \ge 0`
    (``indices`` and ``kernel``, both ``(post, K)``). Continuous form (delta synapses, signed spikes):

    .. math::

        I_i(t) = \sum_{k=1}^{K} w_{ik}\, s_{c_{ik}}(t)

    Discrete update implemented (a spike is a one-step pulse of height :math:`1/\Delta t`, as in
    :class:`LinearSynapses`), the sum computed from the spikes' side:

    .. math::

        I_i[n] = \frac{1}{\Delta t} \sum_{j \,:\, s_j[n] \ne 0} \; \sum_{k \,:\, c_{ik} = j} w_{ik}\, s_j[n]

    At build a pre → post adjacency is precomputed: for every input :math:`j`, the flat ids of its
    outgoing synapses and their targets (padded to the largest out-degree :math:`D`). Each step the indices of the
    spiking inputs are collected into an event buffer, their outgoing weights are gathered and
    scatter-added onto their targets (``segment_sum``). Buffers come in sizes
    :math:`E, E/4, E/16, E/64` with :math:`E = \lceil f_{max}\, n_{pre} \rceil` (``max_active_fraction``); a
    step uses the smallest one that holds its spikes (``lax.switch``), so the cost is
    :math:`O(n_{active} D)` (the buffer only pads the final scatter), instead of :math:`O(n_{post} n_{pre})`.

    **Overflow policy**: when more than :math:`E` inputs spike in one step, the step instead computes
    :math:`I_i = \sum_k w_{ik} s_{c_{ik}}` by gathering every synapse (:math:`O(n_{post} K)`, exact):
    no spike is ever dropped. (Under ``vmap`` every branch runs.)

    The kernel is ``(post, K)``: learning rules act on it with the presynaptic spikes seen by each
    synapse, :meth:`kernel_pre_spikes` (``(post, K)``). :meth:`dense_kernel` gives the equivalent
    ``(post, pre)`` matrix.

    Args:
        spikes: ``SpikeArray`` of any shape (flattened to ``pre``), or ``(post, pre)`` per-synapse spikes
            (then each unit reads its own row at its ``K`` inputs).

    Returns:
        ``{'currents': CurrentArray}`` of shape ``config.units`` in ``config.dtype``.

    Examples:
        >>> import spark, jax.numpy as jnp
        >>> syn = spark.nn.synapses.SparseSynapses(units=(3,), in_degree=2, seed=0)
        >>> out = syn(spikes=spark.SpikeArray(jnp.array([1.0, 0.0, 0.0, -1.0])))
        >>> syn.indices.value.shape, syn.get_kernel().shape, syn.dense_kernel().shape
        ((3, 2), (3, 2), (3, 4))

    Reference:
        Brunel N. (2000), Dynamics of sparsely connected networks of excitatory and inhibitory
        spiking neurons, *J. Comput. Neurosci.* 8:183-208, doi:10.1023/A:1008925309027 (fixed in-degree
        random connectivity); Brette R. et al. (2007), *J. Comput. Neurosci.* 23:349-398,
        doi:10.1007/s10827-007-0038-6 (event-driven spike propagation).
    """

    config: SparseSynapsesConfig

    def _in_degree(self, pre: int) -> int:
        k = self.config.in_degree
        if k is None:
            k = max(1, round(float(self.config.connection_probability) * pre))
        if k > pre:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': in_degree={k} exceeds the {pre} presynaptic inputs; "
                f"use in_degree <= {pre}"
            )
        return int(k)

    def _build_synapses(self, pre: int) -> None:
        post = self.post_size
        k = self._in_degree(pre)
        rng = self.init_rng()
        seed = int(rng.integers(0, 2**31 - 1))
        key_w = rng
        indices = fixed_in_degree_indices(seed, post, pre, k)
        self.in_degree = k
        self.indices = Constant(jnp.asarray(indices))
        self.kernel = self._init_kernel((post, k), key=key_w)
        self.out_synapses = Constant(jnp.asarray(outgoing_table(indices, pre)))
        self.max_events = max(1, min(pre, math.ceil(float(self.config.max_active_fraction) * pre)))

    # -- views ------------------------------------------------------------------------------------------
    def kernel_pre_spikes(self, spikes: SpikeArray) -> SpikeArray:
        """The ``(post, K)`` spikes arriving at each synapse (what a learning rule pairs with the kernel)."""
        value = jnp.asarray(spikes.value)
        idx = self.indices.value
        if self.per_synapse:
            return SpikeArray(jnp.take_along_axis(value.reshape(self.post_size, self.pre_size), idx, axis=1))
        return SpikeArray(value.reshape(self.pre_size)[idx])

    def dense_kernel(self) -> jax.Array:
        """The equivalent dense ``(post, pre)`` kernel (zeros where there is no synapse)."""
        post = self.post_size
        rows = jnp.broadcast_to(jnp.arange(post)[:, None], self.indices.value.shape)
        dense = jnp.zeros((post, self.pre_size), self.kernel.value.dtype)
        return dense.at[rows, self.indices.value].add(self.kernel.value)

    # -- step -------------------------------------------------------------------------------------------
    @property
    def event_buffer_sizes(self) -> tuple[int, ...]:
        """The event-buffer sizes, smallest first (the largest is ``max_events``)."""
        e = self.max_events
        return tuple(sorted({max(1, e >> i) for i in (0, 2, 4, 6)}))

    def __call__(self, spikes: SpikeArray) -> SynapsesOutput:
        dtype = self.kernel.value.dtype
        inv_dt = 1.0 / float(self.config.dt)
        if self.per_synapse:
            per_syn = self.kernel_pre_spikes(spikes).value.astype(dtype)
            return {"currents": self._to_units(_gather_rows(self.kernel.value, per_syn) * inv_dt)}
        s = jnp.asarray(spikes.value, dtype).reshape(self.pre_size)
        currents = sparse_currents(
            s, self.kernel.value, self.indices.value, self.out_synapses.value, sizes=self.event_buffer_sizes
        )
        return {"currents": self._to_units(currents * inv_dt)}


def _first_active(s: jax.Array, size: int) -> jax.Array:
    """Indices of the first ``size`` non-zero entries of ``s``, ascending, padded with ``len(s)``.

    The same as ``jnp.nonzero(s != 0, size=size, fill_value=len(s))``, through ``lax.top_k`` on
    descending float32 index ranks: several times faster on CPU than the cumulative sum behind
    ``nonzero``.
    """
    pre = s.shape[0]
    if pre >= 1 << 24:  # float32 ranks would no longer be exact
        return jnp.nonzero(s != 0, size=size, fill_value=pre)[0]
    rank = jnp.where(s != 0, jnp.arange(pre, 0, -1, dtype=jnp.float32), 0.0)
    top, index = jax.lax.top_k(rank, size)  # float32: XLA's fast top-k path on CPU
    return jnp.where(top > 0, index, pre)


_ROWS_PER_PASS = 4  # spiking inputs handled per loop iteration (fewer, larger iterations)


def _outgoing(
    table: jax.Array, kernel: jax.Array, active: jax.Array, n_active: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """Targets and weights of the outgoing synapses of ``active[:n_active]``: two ``(size, D)`` arrays.

    Filled a few inputs at a time, for about ``n_active / 4`` (traced) iterations: each input's row of
    the table (a dynamic slice) gives the target units, and the weights of those synapses are gathered
    from ``kernel``. On CPU this costs a fraction of one batched gather over the whole event buffer,
    which XLA runs element by element. Rows past ``n_active`` hold the padding row (target ``post``,
    dropped later, and the weight of synapse 0, unused).
    """
    size, width = active.shape[0], table.shape[2]
    per = _ROWS_PER_PASS
    padded = -(-size // per) * per
    if padded > size:  # pad with the padding row `pre`
        active = jnp.concatenate([active, jnp.full((padded - size,), table.shape[0] - 1, active.dtype)])
    flat = kernel.reshape(-1)
    targets = jnp.full((padded, width), kernel.shape[0], table.dtype)
    weights = jnp.zeros((padded, width), kernel.dtype)

    def fill(i: jax.Array, carry: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        targets, weights = carry
        rows = jnp.stack(
            [jax.lax.dynamic_index_in_dim(table, active[i * per + r], keepdims=False) for r in range(per)]
        )  # (per, 2, D): synapse ids, target units
        targets = jax.lax.dynamic_update_slice_in_dim(targets, rows[:, 1], i * per, 0)
        w = flat.at[rows[:, 0]].get(mode="promise_in_bounds")
        return targets, jax.lax.dynamic_update_slice_in_dim(weights, w, i * per, 0)

    passes = (jnp.minimum(n_active, size) + per - 1) // per
    targets, weights = jax.lax.fori_loop(0, passes.astype(jnp.int32), fill, (targets, weights))
    return targets[:size], weights[:size]


def _event_currents(
    s: jax.Array, kernel: jax.Array, table: jax.Array, n_active: jax.Array, size: int, split_signs: bool
) -> jax.Array:
    """Scatter the outgoing weights of the ``n_active <= size`` spiking inputs onto their targets."""
    post, k = kernel.shape
    acc = jnp.promote_types(kernel.dtype, jnp.float32)
    active = _first_active(s, size)  # padding points at the padding row `pre`
    targets, weights = _outgoing(table, kernel, active, n_active)
    weights = weights.astype(acc)
    signs = s.at[active].get(mode="fill", fill_value=0).astype(acc)[:, None]
    if not split_signs:  # padding targets are `post`: dropped by segment_sum
        return jax.ops.segment_sum((weights * signs).reshape(-1), targets.reshape(-1), num_segments=post)
    # channel 0 gathers excitatory (positive) spikes, channel 1 inhibitory ones, by magnitude;
    # padding lands on segments >= 2 * post, dropped
    segments = (2 * targets + (signs < 0).astype(targets.dtype)).reshape(-1)
    summed = jax.ops.segment_sum((weights * jnp.abs(signs)).reshape(-1), segments, num_segments=2 * post)
    return summed.reshape(post, 2)


def _gather_rows(kernel: jax.Array, per_synapse: jax.Array) -> jax.Array:
    acc = jnp.promote_types(kernel.dtype, jnp.float32)
    return jnp.einsum("ik,ik...->i...", kernel, per_synapse, preferred_element_type=acc)


def _gather_currents(s: jax.Array, kernel: jax.Array, indices: jax.Array, split_signs: bool) -> jax.Array:
    """Every synapse reads its input: exact whatever the number of spikes."""
    acc = jnp.promote_types(kernel.dtype, jnp.float32)
    seen = s[indices].astype(acc)
    if split_signs:
        seen = jnp.stack([jnp.maximum(seen, 0), jnp.maximum(-seen, 0)], axis=-1)
        return jnp.sum(kernel.astype(acc)[..., None] * seen, axis=1)
    return jnp.sum(kernel.astype(acc) * seen, axis=1)


@functools.partial(jax.jit, static_argnames=("sizes", "split_signs"))
def sparse_currents(
    s: jax.Array,
    kernel: jax.Array,
    indices: jax.Array,
    out_synapses: jax.Array,
    *,
    sizes: tuple[int, ...],
    split_signs: bool = False,
) -> jax.Array:
    r""":math:`\sum_k w_{ik} s_{c_{ik}}` for ``(pre,)`` spikes, by events in the smallest buffer of
    ``sizes`` that holds them, or by a full gather when there are more spikes than the largest buffer.

    With ``split_signs`` the result is ``(post, 2)``: the weights of positive (excitatory) spikes in
    column 0 and of negative (inhibitory) ones in column 1, each times the spike's magnitude.
    """

    def events(size: int) -> tp.Callable[..., jax.Array]:
        return lambda s, n, kernel, indices, out: _event_currents(s, kernel, out, n, size, split_signs)

    branches = [events(size) for size in sizes]
    if sizes[-1] < s.shape[0]:  # overflow: exact gather over every synapse
        branches.append(lambda s, n, kernel, indices, out: _gather_currents(s, kernel, indices, split_signs))
    n_active = jnp.sum(s != 0).astype(jnp.int32)
    branch = jnp.sum(jnp.asarray(sizes, jnp.int32) < n_active)  # index of the first size >= n_active
    return jax.lax.switch(
        jnp.minimum(branch, len(branches) - 1), branches, s, n_active, kernel, indices, out_synapses
    )
