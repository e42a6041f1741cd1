"""Synapses at 4096 neurons with sparse activity: event-driven vs dense, and dense vs memory bandwidth.

``SparseSynapses`` (fixed in-degree, event-driven: work follows the spikes) and ``LinearSynapses``
holding the same connections as a dense ``(post, pre)`` matrix receive the same sparse spike trains.
A dense step must read the whole kernel, so its speed is bounded by memory bandwidth: the floor is
``kernel bytes / copy bandwidth``, with the bandwidth measured in the same run by copying a large array
(bytes read + written per second).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import spark
import spark.sim as sim
from benchmarks._harness import Report, interleaved_medians, median_seconds

N = 4096


def copy_bandwidth(n_bytes: int = 128 * 2**20, passes: int = 10, repeats: int = 5) -> float:
    """Measured memory bandwidth in bytes/s: (bytes read + written) / time, over in-place array passes.

    Each pass reads and rewrites every element of one large buffer (``a + 1``, updated in place in a
    loop, so no allocation or page fault is timed).
    """
    x = jnp.zeros((n_bytes // 4,), jnp.float32)
    sweep = jax.jit(lambda a: jax.lax.fori_loop(0, passes, lambda i, b: b + 1.0, a))
    return 2 * n_bytes * passes / median_seconds(lambda: sweep(x), repeats)


def bench(report: Report, steps: int, repeats: int, in_degree: int = 410, activity: float = 0.01) -> None:
    group = f"synapses N={N}, K={in_degree}, {activity:.0%} active"
    print(f"[{group}]", flush=True)
    spec = {"spikes": spark.InputSpec(spark.SpikeArray, (N,))}
    sparse = spark.nn.synapses.SparseSynapses(units=(N,), in_degree=in_degree, seed=0)
    sparse.build_from_specs(spec)
    dense = spark.nn.synapses.LinearSynapses(units=(N,), seed=0)
    dense.build_from_specs(spec)
    dense.set_kernel(sparse.dense_kernel())
    rng = np.random.default_rng(0)
    spikes = (rng.random((steps, N)) < activity).astype(np.float32)
    inputs = {"spikes": spikes}
    out_sparse = sim.run(sparse, inputs, apply=False).outputs["currents"].value
    out_dense = sim.run(dense, inputs, apply=False).outputs["currents"].value
    close = np.allclose(out_sparse, out_dense, rtol=1e-4, atol=1e-4)
    kernel = jnp.asarray(dense.get_kernel())
    floor = jax.jit(lambda s: jax.lax.scan(lambda c, x: (c, kernel @ x), 0.0, s)[1])
    s_dev = jnp.asarray(spikes)
    t = interleaved_medians(
        {
            "sparse": lambda: sim.run(sparse, inputs, apply=False).state,
            "dense": lambda: sim.run(dense, inputs, apply=False).state,
            "floor": lambda: floor(s_dev),
        },
        repeats,
    )
    bandwidth = copy_bandwidth()
    kernel_bytes = kernel.size * kernel.dtype.itemsize
    report.add(
        group,
        "memory-bandwidth floor (dense)",
        bandwidth / kernel_bytes,
        "steps/s",
        note=f"{kernel_bytes / 2**20:.0f} MiB kernel per step at {bandwidth / 1e9:.1f} GB/s copy bandwidth",
    )
    report.add(
        group,
        "dense LinearSynapses (spark.sim.run)",
        steps / t["dense"],
        "steps/s",
        ref="memory-bandwidth floor (dense)",
    )
    report.add(
        group,
        "pure-JAX dense matvec (lax.scan)",
        steps / t["floor"],
        "steps/s",
        ref="memory-bandwidth floor (dense)",
    )
    report.add(
        group,
        "event-driven SparseSynapses (spark.sim.run)",
        steps / t["sparse"],
        "steps/s",
        ref="dense LinearSynapses (spark.sim.run)",
        note="same currents as dense" if close else "currents differ from dense",
    )
