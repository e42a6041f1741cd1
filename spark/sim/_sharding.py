"""Sharding a batch of copies across devices with :mod:`jax.sharding`.

The batch axis of every per-copy state key (and of the batched inputs) is split over a 1-D
:class:`~jax.sharding.Mesh` with a :class:`~jax.sharding.NamedSharding`; shared keys are replicated.
The compiled run is the same function as for one device: XLA partitions the vmapped loop so every
device steps only its own copies, with no communication (copies are independent).

On a CPU-only machine several host devices can be simulated for a local check::

    XLA_FLAGS=--xla_force_host_platform_device_count=2 python my_script.py

(the flag must be set before JAX is first imported).
"""

from __future__ import annotations

import typing as tp

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

__all__ = ["shard_batch", "batch_sharding", "place_inputs"]


def batch_sharding(mesh: Mesh, ndim: int, axis_name: str | None = None) -> NamedSharding:
    """Sharding that splits axis 0 over the mesh (``ndim`` is the array's rank)."""
    name = axis_name or mesh.axis_names[0]
    return NamedSharding(mesh, PartitionSpec(name, *([None] * (ndim - 1))))


def shard_batch(batch: tp.Any, devices: tp.Sequence[jax.Device] | None, axis_name: str) -> tp.Any:
    from spark.sim._batch import Batch

    devices = list(jax.devices() if devices is None else devices)
    if not devices:
        raise ValueError("spark.sim.Batch.shard: no devices given")
    if batch.size % len(devices):
        raise ValueError(
            f"spark.sim.Batch.shard: a batch of {batch.size} copies cannot be split evenly over "
            f"{len(devices)} devices; use a batch size that is a multiple of {len(devices)}"
        )
    mesh = Mesh(np.array(devices), (axis_name,))
    replicated = NamedSharding(mesh, PartitionSpec())
    state = {}
    for k, v in batch.state.items():
        sharding = batch_sharding(mesh, np.ndim(v), axis_name) if k in batch.batched else replicated
        state[k] = jax.device_put(v, sharding)
    return Batch(batch.graph, state, batch.batched, batch.size, mesh=mesh)


def place_inputs(mesh: Mesh | None, tree: tp.Any) -> tp.Any:
    """Put batched inputs (leading batch axis) on the batch's mesh; no-op without a mesh."""
    if mesh is None:
        return tree
    return jax.tree_util.tree_map(lambda x: jax.device_put(x, batch_sharding(mesh, np.ndim(x))), tree)
