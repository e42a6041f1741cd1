"""spark.sim with a real brain (spiker -> recurrent ALIF pool -> integrator, as in the 'Brains' tutorial)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
import spark.sim as sim

UNITS = 8


def tiny_brain(seed: int = 0) -> spark.nn.Brain:
    modules = {
        "spiker": spark.ModuleSpecs(
            name="spiker",
            module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
            config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
                resolution=4, max_freq=400.0, tau=3.0, seed=seed
            ),
            inputs={"signal": [spark.PortMap("__call__", "drive")]},
        ),
        "neurons_pool": spark.ModuleSpecs(
            name="neurons_pool",
            module_cls=spark.nn.neurons.ALIFNeuron,
            config=spark.nn.neurons.ALIFNeuronConfig(_s_units=(UNITS,), _s_async_spikes=True, seed=seed + 1),
            inputs={
                "in_spikes": [spark.PortMap("spiker", "spikes"), spark.PortMap("neurons_pool", "out_spikes")]
            },
        ),
        "integrator": spark.ModuleSpecs(
            name="integrator",
            module_cls=spark.nn.interfaces.ExponentialIntegrator,
            config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2, seed=seed + 2),
            inputs={"spikes": [spark.PortMap("neurons_pool", "out_spikes")]},
        ),
    }
    config = spark.nn.BrainConfig(
        input_map={"drive": spark.InputSpec(spark.FloatArray, (2,), jnp.float16)},
        output_map={
            "action": {
                "input": spark.PortMap("integrator", "signal"),
                "spec": spark.OutputSpec(spark.FloatArray, (2,), jnp.float16),
            }
        },
        modules_map=modules,
    )
    brain = spark.nn.Brain(config=config)
    brain(drive=spark.FloatArray(jnp.zeros((2,), jnp.float16)))
    return brain


@jax.jit
def run_model(graph, state, x):
    model = spark.merge(graph, state)
    out = model(drive=x)
    _, state = spark.split(model)
    return out, state


@jax.jit
def retrieve_spikes(graph, state):
    return spark.merge(graph, state).get_spikes_from_cache()


def drive(T: int, batch: int | None = None, seed: int = 0) -> np.ndarray:
    shape = (T, 2) if batch is None else (batch, T, 2)
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float16)


@pytest.fixture(scope="module")
def brain_pair():
    return tiny_brain(), tiny_brain()


def test_fused_brain_run_equals_the_tutorial_loop(brain_pair):
    fused, looped = brain_pair
    x = drive(30)
    res = sim.run(fused, {"drive": x}, record=["neurons_pool/soma/potential", "action", "cache/*/out_spikes"])
    graph, state = spark.split(looped)
    actions, pool_spikes = [], []
    for t in range(30):
        out, state = run_model(graph, state, spark.FloatArray(jnp.asarray(x[t])))
        actions.append(np.asarray(out["action"].value))
        pool_spikes.append(np.asarray(retrieve_spikes(graph, state)["neurons_pool"].value))
    np.testing.assert_array_equal(res.outputs["action"].value, np.stack(actions))
    np.testing.assert_array_equal(res.records["cache/neurons_pool/out_spikes"], np.stack(pool_spikes))
    assert np.abs(np.stack(pool_spikes)).sum() > 0
    assert res.records["modules/neurons_pool/soma/potential"].shape == (30, UNITS)
    assert res.outputs["action"].value.dtype == np.float16
    for (
        k,
        v,
    ) in state.items():  # two compiled programs: floats may differ in the last bit (fused multiply-add)
        got, want = np.asarray(spark.split(fused)[1][k]), np.asarray(v)
        if np.issubdtype(want.dtype, np.floating):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=k)
        else:
            np.testing.assert_array_equal(got, want, err_msg=k)


def test_batched_brains_equal_looped_copies():
    template = tiny_brain(seed=3)
    x = drive(12, batch=2, seed=4)
    batch = sim.replicate(template, 2, seed=5)
    res = sim.run(batch, {"drive": x}, record="cache/neurons_pool/out_spikes")
    for i, copy in enumerate(sim.make_copies(template, 2, seed=5)):
        alone = sim.run(copy, {"drive": x[i]}, record="cache/neurons_pool/out_spikes")
        np.testing.assert_array_equal(
            alone.records["cache/neurons_pool/out_spikes"], res.records["cache/neurons_pool/out_spikes"][i]
        )
        np.testing.assert_array_equal(alone.outputs["action"].value, res.outputs["action"].value[i])


def test_brain_evolve_and_inspection(brain_pair):
    brain = brain_pair[0]
    out, new_state, rec = sim.evolve(brain, drive(6).astype(np.float32), record=True)
    assert out.shape == (1, 6, 2)  # one output port: a bare array
    assert np.shape(new_state["modules"]["neurons_pool"]["soma"]["potential"]) == (UNITS,)
    assert rec["modules"]["neurons_pool"]["soma"]["potential"].shape == (1, 6, UNITS)
    assert "kernel" in sim.parameters(brain)["modules"]["neurons_pool"]["synapses"]
    assert "potential" in sim.state(brain)["modules"]["neurons_pool"]["soma"]
