"""Default neuron configs fire at plausible rates in the CartPole brain of the 'Brains' tutorial.

A recurrent pool of 256 neurons driven by a TopologicalLinearSpiker (4 signals x 128 units, up to
200 Hz: 512 input channels), no tuning: the pool must be neither silent nor saturated.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark

STEPS, SKIP = 700, 200  # ms at dt = 1; the first SKIP steps (onset transient) are not counted


def cartpole_brain(neuron_cls: type, **neuron_kwargs) -> spark.nn.Brain:
    cfg_cls = neuron_cls.get_config_spec()
    spiker = spark.ModuleSpecs(
        name="spiker",
        module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
        config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
            glue=jnp.array(0), mins=jnp.array(-1), maxs=jnp.array(1), resolution=128, max_freq=200.0, tau=30.0
        ),
        inputs={"signal": [spark.PortMap(origin="__call__", port="drive")]},
    )
    pool = spark.ModuleSpecs(
        name="neurons_pool",
        module_cls=neuron_cls,
        inputs={
            "in_spikes": [
                spark.PortMap(origin="spiker", port="spikes"),
                spark.PortMap(origin="neurons_pool", port="out_spikes"),
            ]
        },
        config=cfg_cls(_s_units=(256,), _s_async_spikes=True, seed=0, **neuron_kwargs),
    )
    integrator = spark.ModuleSpecs(
        name="integrator",
        module_cls=spark.nn.interfaces.ExponentialIntegrator,
        inputs={"spikes": [spark.PortMap(origin="neurons_pool", port="out_spikes")]},
        config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2),
    )
    config = spark.nn.BrainConfig(
        input_map={"drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=jnp.float16)},
        output_map={
            "action": {
                "input": spark.PortMap(origin="integrator", port="signal"),
                "spec": spark.OutputSpec(payload_type=spark.FloatArray, shape=(2,), dtype=jnp.float16),
            }
        },
        modules_map={"spiker": spiker, "neurons_pool": pool, "integrator": integrator},
    )
    brain = spark.nn.Brain(config=config)
    brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))
    return brain


def observations(steps: int, seed: int = 0) -> np.ndarray:
    """CartPole-like drive: a random walk in [-1, 1], changing every 16 steps."""
    rng = np.random.default_rng(seed)
    walk = np.clip(np.cumsum(rng.normal(0.0, 0.2, (steps // 16 + 1, 4)), axis=0), -1, 1)
    return np.repeat(walk, 16, axis=0)[:steps].astype(np.float16)


def pool_rates(brain: spark.nn.Brain, drive: np.ndarray) -> np.ndarray:
    graph, state = spark.split(brain)

    def body(state, x):
        model = spark.merge(graph, state)
        model(drive=spark.FloatArray(x))
        spikes = jnp.abs(model.get_spikes_from_cache()["neurons_pool"].value).reshape(-1)
        return spark.split(model)[1], spikes.astype(jnp.float32)

    _, spikes = jax.jit(lambda s, xs: jax.lax.scan(body, s, xs))(state, jnp.asarray(drive))
    spikes = np.asarray(spikes)[SKIP:]
    return spikes.sum(axis=0) / (len(spikes) / 1000.0)  # Hz per neuron


@pytest.mark.parametrize(
    "neuron_cls, kwargs",
    [
        (spark.nn.neurons.ALIFNeuron, {}),
        (spark.nn.neurons.ALIFNeuron, {"_s_dtype": jnp.float16}),
        (spark.nn.neurons.LIFNeuron, {}),
        (spark.nn.neurons.AdExNeuron, {}),
    ],
)
def test_default_pool_fires_at_a_plausible_rate(neuron_cls, kwargs):
    rates = pool_rates(cartpole_brain(neuron_cls, **kwargs), observations(STEPS))
    assert 2.0 <= rates.mean() <= 60.0, f"mean rate {rates.mean():.1f} Hz"
    assert (rates == 0).mean() < 0.5, "most of the pool is silent"
    assert rates.max() < 150.0, f"saturated: max rate {rates.max():.0f} Hz"
