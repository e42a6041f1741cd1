"""SparseConductanceSynapses: the dense COBA model on sparse connectivity, computed from spike events."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark

PRE, POST = 100, 50


def pair(**kw):
    sparse = spark.nn.synapses.SparseConductanceSynapses(units=(POST,), in_degree=10, seed=4, **kw)
    sparse.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (PRE,))})
    dense = spark.nn.synapses.ConductanceSynapses(units=(POST,), seed=0)
    dense.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (PRE,))})
    dense.set_kernel(sparse.dense_kernel())
    return sparse, dense


@pytest.mark.parametrize("p_spike", [0.01, 0.05, 0.3, 1.0])  # small and large buffers, and the overflow path
def test_matches_the_dense_model_with_the_same_weights(p_spike):
    sparse, dense = pair(max_active_fraction=0.1)
    rng = np.random.default_rng(1)
    for _ in range(5):
        s = (rng.random(PRE) < p_spike) * np.where(rng.random(PRE) < 0.3, -1.0, 1.0)
        v = spark.PotentialArray(jnp.asarray(rng.normal(-60, 5, POST), jnp.float32))
        x = spark.SpikeArray(jnp.asarray(s, jnp.float32))
        a = sparse(spikes=x, potential=v)["currents"].value
        b = dense(spikes=x, potential=v)["currents"].value
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(sparse.conductance.value, dense.conductance.value, rtol=1e-5, atol=1e-5)


def test_one_excitatory_and_one_inhibitory_spike_then_exact_decay():
    sparse, _ = pair()
    kernel, idx = np.asarray(sparse.get_kernel()), np.asarray(sparse.indices.value)
    post = 7
    exc, inh = int(idx[post, 0]), int(idx[post, 1])
    s = np.zeros(PRE, np.float32)
    s[exc], s[inh] = 1.0, -1.0
    sparse(spikes=spark.SpikeArray(jnp.asarray(s)))
    w_exc = kernel[idx == exc].reshape(-1)  # every synapse of `exc` (one per target)
    assert np.isclose(float(sparse.g_e[post]), kernel[post, 0]) and np.isclose(float(sparse.g_i[post]), kernel[post, 1])
    assert np.isclose(float(sparse.g_e.sum()), w_exc.sum(), rtol=1e-5)
    silent = spark.SpikeArray(jnp.zeros(PRE, jnp.float32))
    for _ in range(10):
        sparse(spikes=silent)
    cfg = sparse.config
    np.testing.assert_allclose(float(sparse.g_e[post]), kernel[post, 0] * np.exp(-10 * cfg.dt / cfg.tau_e), rtol=1e-5)
    np.testing.assert_allclose(float(sparse.g_i[post]), kernel[post, 1] * np.exp(-10 * cfg.dt / cfg.tau_i), rtol=1e-5)


def test_jit_equals_eager_and_reversal_sign():
    sparse, _ = pair()
    graph, state = spark.split(sparse)
    s = spark.SpikeArray(jnp.asarray(np.random.default_rng(2).random(PRE) < 0.1, jnp.float32))
    v = spark.PotentialArray(jnp.full((POST,), -60.0, jnp.float32))

    @jax.jit
    def step(graph, state):
        m = spark.merge(graph, state)
        return m(spikes=s, potential=v)["currents"].value

    jitted = step(graph, state)
    with jax.disable_jit():
        eager = sparse(spikes=s, potential=v)["currents"].value
    np.testing.assert_allclose(jitted, eager, rtol=1e-6)
    assert float(eager.min()) >= 0.0 and float(eager.max()) > 0.0  # excitation only, below E_e: depolarising


def test_config_rejects_inverted_reversal_potentials():
    with pytest.raises(spark.ConfigError, match="E_i must be below E_e"):
        spark.nn.synapses.SparseConductanceSynapsesConfig(E_e=-90.0, E_i=-80.0).validate()
