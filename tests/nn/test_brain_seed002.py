"""Tutorial 'Brains' end to end: the CartPole brain, built and stepped as the tutorial does (shortened)."""

from __future__ import annotations

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import spark  # noqa: E402
from spark import PortMap  # noqa: E402


def tutorial_brain_config() -> spark.nn.BrainConfig:
    spiker_specs = spark.ModuleSpecs(
        name="spiker",
        module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
        config=spark.nn.interfaces.TopologicalLinearSpikerConfig(
            glue=jnp.array(0),
            mins=jnp.array(-1),
            maxs=jnp.array(1),
            resolution=128,
            max_freq=200.0,
            tau=30.0,
        ),
        inputs={"signal": [spark.PortMap(origin="__call__", port="drive")]},
    )
    neurons_pool_specs = spark.ModuleSpecs(
        name="neurons_pool",
        module_cls=spark.nn.neurons.ALIFNeuron,
        inputs={
            "in_spikes": [
                spark.PortMap(origin="spiker", port="spikes"),
                spark.PortMap(origin="neurons_pool", port="out_spikes"),
            ]
        },
        config=spark.nn.neurons.ALIFNeuronConfig(_s_units=(256,), _s_async_spikes=True),
    )
    integrator = spark.ModuleSpecs(
        name="integrator",
        module_cls=spark.nn.interfaces.ExponentialIntegrator,
        inputs={"spikes": [spark.PortMap(origin="neurons_pool", port="out_spikes")]},
        config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2),
    )
    modules_map = {"spiker": spiker_specs, "neurons_pool": neurons_pool_specs, "integrator": integrator}
    input_map = {"drive": spark.InputSpec(payload_type=spark.FloatArray, shape=(4,), dtype=jnp.float16)}
    output_map = {
        "action": {
            "input": PortMap(origin="integrator", port="signal"),
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


@jax.jit
def retrieve_spikes(graph, state):
    model = spark.merge(graph, state)
    spikes = model.get_spikes_from_cache()
    return spikes


def process_obs(x):
    x = x / np.array([2.4, 2.5, 0.2095, 3.5])
    x = np.clip(x, a_min=-1, a_max=1)
    return x


def compute_real_reward(x, x_prev, r_prev, terminated):
    if terminated:
        return 0
    r = (x_prev[0] ** 2 - x[0] ** 2) + (x_prev[2] ** 2 - x[2] ** 2)
    r = np.clip(0.5 * r_prev + 2 * r, a_min=-1, a_max=1)
    return r


def test_tutorial_brain_runs_on_cartpole_and_is_alive(tmp_path):
    pytest.importorskip("ale_py")
    import ale_py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gym.register_envs(ale_py)
    env = gym.make("CartPole-v1")
    next_obs, _ = env.reset(seed=42)
    next_obs = process_obs(next_obs)

    brain = spark.nn.Brain(config=tutorial_brain_config())
    first = brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))
    assert set(first) == {"action"}
    np.testing.assert_array_equal(first["action"].value, np.zeros(2, np.float16))
    assert first["action"].value.dtype == jnp.float16
    graph, state = spark.split(brain)

    reward = 0
    for _ in range(200):
        prev_obs = next_obs
        out, state = run_model(graph, state, spark.FloatArray(jnp.array(next_obs, dtype=jnp.float16)))
        next_action = int(np.argmax(out["action"].value))
        next_obs, _, terminated, truncated, info = env.step(next_action)
        if terminated:
            next_obs, _ = env.reset()
            for _ in range(16):
                _, state = run_model(
                    graph, state, spark.FloatArray(jnp.zeros_like(next_obs, dtype=jnp.float16))
                )
        next_obs = process_obs(next_obs)
        reward = compute_real_reward(next_obs, prev_obs, reward, terminated)

    outs, spikes, obs, breaks, actions = [], [], [], [], []
    next_obs, _ = env.reset(seed=42 + 1)
    next_obs = process_obs(next_obs)
    brain_steps_per_env_step = 16
    for i in range(12):
        prev_obs = next_obs
        for _ in range(brain_steps_per_env_step):
            out, state = run_model(graph, state, spark.FloatArray(jnp.array(next_obs, dtype=jnp.float16)))
            outs.append(out["action"].value)
            model_spikes = retrieve_spikes(graph, state)
            spikes.append(
                jnp.concatenate(
                    [
                        model_spikes["spiker"].value.reshape(-1),
                        model_spikes["neurons_pool"].value.reshape(-1),
                    ]
                )
            )
            next_action = int(np.argmax(out["action"].value))
            actions.append(next_action)
        next_obs, _, terminated, truncated, info = env.step(next_action)
        if terminated:
            next_obs, _ = env.reset()
            breaks.append(brain_steps_per_env_step * i)
            for _ in range(50):
                _, state = run_model(
                    graph, state, spark.FloatArray(jnp.zeros_like(next_obs, dtype=jnp.float16))
                )
        next_obs = process_obs(next_obs)
        reward = compute_real_reward(next_obs, prev_obs, reward, terminated)
        obs.append(next_obs)
    model = spark.merge(graph, state)
    spikes = np.abs(np.array(spikes))
    env.close()

    assert isinstance(model, spark.nn.Brain)
    assert spikes.shape == (12 * 16, 4 * 128 + 256)
    pool = spikes[:, 512:]
    rate = pool.mean()
    assert pool.sum() > 0, "the pool is silent with default parameters"
    assert rate < 0.5, f"the pool is saturated with default parameters (mean rate {rate:.2f} spikes/step)"
    assert spikes[:, :512].sum() > 0
    outs = np.array(outs, dtype=np.float32)
    assert outs.std(axis=0).max() > 0, "the action outputs never change"

    fig, ax = plt.subplots(2, 1, figsize=(20, 10), height_ratios=(8, 2))
    ax[0].imshow(1 - spikes.T, cmap="gray", aspect="auto", interpolation="none")
    for b in breaks:
        ax[0].plot([b, b], [0 - 0.5, spikes.shape[1] - 0.5], "r--", alpha=0.1)
    steps = brain_steps_per_env_step * np.arange(len(spikes) // brain_steps_per_env_step)
    for k in range(4):
        ax[0].plot(steps, 64 * np.array(obs).T[k] + 64 + 128 * k, alpha=0.4)
    ax[1].plot(actions)
    ax[1].set_xlim(0, len(actions))
    plt.tight_layout()
    fig.savefig(tmp_path / "raster.png")
    plt.close(fig)
    assert (tmp_path / "raster.png").stat().st_size > 0
