"""The brain of the Brains tutorial (seed 002), timed through the tutorial's own API.

Written against the API both this project and the original Spark (``spark-snn`` 1.2.2) offer:
``spark.ModuleSpecs``, ``spark.nn.BrainConfig``, ``spark.nn.Brain``, ``spark.split``/``spark.merge``;
every module keeps its library's default configuration, as on the tutorial page (so plasticity is
whatever each library's default ALIF neuron does), unless ``--stdp`` adds this project's pair STDP
rule to the pool (the original's default ALIF neuron learns; this project's does not). Run it with the interpreter of the library to
time; it imports ``spark`` from there and prints one JSON line:

* ``build_s``: constructing the brain and its first call (which builds it);
* ``first_loop_call_s``: the first call of the jitted ``run_model`` (tracing and compiling);
* ``loop_steps_per_s``: the tutorial's per-step loop, ``out, state = run_model(graph, state, x)``;
* ``fused_steps_per_s``: the same step in one ``jax.lax.scan`` over a precomputed input.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import time

import jax
import jax.numpy as jnp
import numpy as np

import spark


def brain_config(units: int, stdp: bool) -> object:
    pool = {"_s_units": (units,), "_s_async_spikes": True}
    if stdp:  # pair STDP on the pool's weights (this project's name for it)
        pool["learning_rule"] = spark.nn.learning_rules.STDPRuleConfig()
    modules_map = {
        "spiker": spark.ModuleSpecs(
            name="spiker",
            module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
            config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
                glue=jnp.array(0), mins=jnp.array(-1), maxs=jnp.array(1), resolution=128, max_freq=200.0, tau=30.0
            ),
            inputs={"signal": [spark.PortMap(origin="__call__", port="drive")]},
        ),
        "neurons_pool": spark.ModuleSpecs(
            name="neurons_pool",
            module_cls=spark.nn.neurons.ALIFNeuron,
            inputs={
                "in_spikes": [
                    spark.PortMap(origin="spiker", port="spikes"),
                    spark.PortMap(origin="neurons_pool", port="out_spikes"),
                ]
            },
            config=spark.nn.neurons.ALIFNeuronConfig(**pool),
        ),
        "integrator": spark.ModuleSpecs(
            name="integrator",
            module_cls=spark.nn.interfaces.ExponentialIntegrator,
            inputs={"spikes": [spark.PortMap(origin="neurons_pool", port="out_spikes")]},
            config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2),
        ),
    }
    input_map = {"drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=jnp.float16)}
    output_map = {
        "action": {
            "input": spark.PortMap(origin="integrator", port="signal"),
            "spec": spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=jnp.float16),
        }
    }
    return spark.nn.BrainConfig(input_map=input_map, output_map=output_map, modules_map=modules_map)


@jax.jit
def run_model(graph, state, x):
    model = spark.merge(graph, state)
    out = model(drive=x)
    _, state = spark.split(model)
    return out, state


def _library() -> str:
    for dist in ("spark-nnx", "spark-snn"):
        try:
            return f"{dist} {importlib.metadata.version(dist)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return f"spark {getattr(spark, '__version__', '?')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--steps", type=int, default=2000, help="steps per timed loop / fused run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="500 steps, 2 repeats")
    parser.add_argument("--stdp", action="store_true", help="pair STDP on the pool (this project's API)")
    args = parser.parse_args()
    steps, repeats = (500, 2) if args.quick else (args.steps, args.repeats)

    t0 = time.perf_counter()
    brain = spark.nn.Brain(config=brain_config(args.units, args.stdp))
    brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))
    build_s = time.perf_counter() - t0

    graph, state = spark.split(brain)
    t = np.arange(steps)[:, None]
    obs = np.sin(2 * np.pi * t / 400.0 * np.array([1.0, 0.7, 1.3, 0.5])).astype(np.float16)
    xs = [spark.FloatArray(jnp.asarray(row)) for row in obs]
    t0 = time.perf_counter()
    jax.block_until_ready(run_model(graph, state, xs[0]))
    first_s = time.perf_counter() - t0

    def loop() -> None:
        s = state
        for x in xs:
            _, s = run_model(graph, s, x)
        jax.block_until_ready(s)

    @jax.jit
    def fused(state, drive):
        def body(s, x):
            out, s = run_model(graph, s, spark.FloatArray(x))
            return s, out["action"].value

        return jax.lax.scan(body, state, drive)

    drive = jnp.asarray(obs)
    jax.block_until_ready(fused(state, drive))
    times = {"loop": [], "fused": []}
    for _ in range(repeats):  # interleaved, so load changes hit both alike
        t0 = time.perf_counter()
        loop()
        times["loop"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        jax.block_until_ready(fused(state, drive))
        times["fused"].append(time.perf_counter() - t0)
    print(json.dumps({
        "library": _library(),
        "jax": jax.__version__,
        "units": args.units,
        "stdp": args.stdp,
        "build_s": build_s,
        "first_loop_call_s": first_s,
        "loop_steps_per_s": steps / float(np.median(times["loop"])),
        "fused_steps_per_s": steps / float(np.median(times["fused"])),
    }))


if __name__ == "__main__":
    main()
