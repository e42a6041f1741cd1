"""A recurrent LIF layer through ``spark.lowlevel`` (Rockpool-style ``evolve``) vs a pure-JAX floor.

The floor writes the same discrete update as :class:`spark.lowlevel.LIFJax` (one synapse per neuron,
recurrent weights, no noise) directly as a ``lax.scan``, on the module's own parameters.
"""

from __future__ import annotations

import typing as tp

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks._harness import Report, interleaved_medians, timed_once


def make_layer(n: int, seed: int = 0) -> tp.Any:
    from spark.lowlevel import LIFJax

    rng = np.random.default_rng(seed)
    w_rec = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n)).astype(np.float32)
    return LIFJax((n, n), tau_mem=0.02, tau_syn=0.005, w_rec=w_rec, dt=1e-3)


def floor_evolve(params: dict, x: jax.Array) -> jax.Array:
    """Spikes ``(T, N)`` of the recurrent LIF layer from zero state, in plain jax.numpy."""
    dt = params["dt"]
    alpha = jnp.exp(-dt / params["tau_mem"])
    beta = jnp.exp(-dt / params["tau_syn"])[:, 0]
    gain = 1.0 - alpha
    gain_bias = gain * params["bias"]
    theta, s_max, w = params["threshold"], params["max_spikes_per_dt"], params["w_rec"]

    def step(carry, x_t):
        i, v, s = carry
        i = beta * i + x_t + s @ w
        v = alpha * v + gain * i + gain_bias
        s = jnp.clip(jnp.floor(v / theta), 0.0, s_max)
        return (i, v - s * theta, s), s

    n = w.shape[0]
    zeros = jnp.zeros((1, n), jnp.float32)
    _, spikes = jax.lax.scan(step, (zeros, zeros, zeros), x[:, None, :])
    return spikes[:, 0]


def bench(report: Report, sizes: tp.Sequence[int], steps: int, repeats: int) -> None:
    for n in sizes:
        bench_one(report, n, steps, repeats)


def bench_one(report: Report, n: int, steps: int, repeats: int) -> None:
    group = f"spark.lowlevel recurrent LIF N={n}"
    print(f"[{group}]", flush=True)
    t_build, layer = timed_once(lambda: make_layer(n))
    rng = np.random.default_rng(1)
    x = jnp.asarray((rng.random((steps, n)) < 0.05).astype(np.float32) * 2.0)
    t_first, (out, _, _) = timed_once(lambda: layer.evolve(x))
    params = {k: jnp.asarray(v) for k, v in {**layer.parameters(), **layer.simulation_parameters()}.items()}
    floor = jax.jit(floor_evolve)
    same = np.array_equal(np.asarray(floor(params, x)), np.asarray(out[0]))
    t = interleaved_medians({"spark": lambda: layer.evolve(x)[0], "floor": lambda: floor(params, x)}, repeats)
    report.add(
        group,
        "pure-JAX floor (lax.scan)",
        steps / t["floor"],
        "steps/s",
        note="outputs identical" if same else "outputs differ",
    )
    report.add(
        group,
        "LIFJax.evolve",
        steps / t["spark"],
        "steps/s",
        ref="pure-JAX floor (lax.scan)",
        target="<= 1.5x floor",
    )
    # the first evolve compiles and then runs all the steps: its compile share is what a warm run lacks
    compile_s = max(t_first - t["spark"], 0.0)
    report.add(group, "construct + compile (first evolve - warm evolve)", t_build + compile_s, "s")
