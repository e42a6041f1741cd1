"""SparseSynapses: fixed in-degree connectivity, event-driven path == dense equivalent."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.synapses import LinearSynapses, SparseSynapses


def make(n_pre: int = 20, post: int = 6, **kw) -> SparseSynapses:
    syn = SparseSynapses(units=(post,), seed=3, **kw)
    syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (n_pre,))})
    return syn


def test_connectivity_has_k_distinct_inputs_per_unit() -> None:
    syn = make(in_degree=5)
    idx = np.asarray(syn.indices.value)
    assert idx.shape == (6, 5) and idx.dtype == np.int32
    assert all(len(set(row)) == 5 for row in idx.tolist())
    assert idx.min() >= 0 and idx.max() < 20
    assert syn.get_kernel().shape == (6, 5)
    assert make(connection_probability=0.25).get_kernel().shape == (6, 5)


def test_same_seed_same_connectivity() -> None:
    a, b = make(in_degree=4), make(in_degree=4)
    np.testing.assert_array_equal(np.asarray(a.indices.value), np.asarray(b.indices.value))
    np.testing.assert_array_equal(np.asarray(a.get_kernel()), np.asarray(b.get_kernel()))


def dense_twin(syn: SparseSynapses, **kw) -> LinearSynapses:
    dense = LinearSynapses(units=syn.config.units, **kw)
    dense.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (syn.pre_size,))})
    dense.set_kernel(syn.dense_kernel())
    return dense


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_sparse_equals_its_dense_equivalent(dt: float) -> None:
    syn = make(in_degree=5, max_active_fraction=0.2, dt=dt)  # event buffer: 20 * 0.2 = 4 spikes
    dense = dense_twin(syn, dt=dt)
    rng = np.random.default_rng(0)
    for n_active in (0, 1, 3, 4, 12):  # 12 overflows the buffer: exact fallback path
        s = np.zeros(20, np.float32)
        on = rng.choice(20, n_active, replace=False)
        s[on] = rng.choice([-1.0, 1.0], n_active)
        a = np.asarray(syn(spikes=spark.SpikeArray(jnp.asarray(s)))["currents"].value)
        b = np.asarray(dense(spikes=spark.SpikeArray(jnp.asarray(s)))["currents"].value)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{n_active} spikes")
        expected = (np.asarray(syn.dense_kernel()) @ s) / dt
        np.testing.assert_allclose(a, expected, rtol=1e-5, atol=1e-6, err_msg=f"{n_active} spikes")


@jax.jit
def _step(graph, state, inputs):
    model = spark.merge(graph, state)
    out = model(**inputs)
    return out, spark.split(model)[1]


def test_jit_equals_eager_on_both_paths() -> None:
    syn = make(in_degree=5, max_active_fraction=0.2)
    graph, state = spark.split(syn)
    for n_active in (2, 15):
        s = np.zeros(20, np.float32)
        s[:n_active] = 1.0
        s[1] = -1.0
        inputs = {"spikes": spark.SpikeArray(jnp.asarray(s))}
        out, state = _step(graph, state, inputs)
        np.testing.assert_allclose(
            np.asarray(out["currents"].value), np.asarray(syn(**inputs)["currents"].value), rtol=1e-6
        )


def test_per_synapse_spikes_and_learning_view() -> None:
    syn = SparseSynapses(units=(3,), in_degree=2, seed=0)
    syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (3, 5))})
    assert syn.per_synapse
    rng = np.random.default_rng(0)
    delayed = (rng.random((3, 5)) < 0.5).astype(np.float32)
    out = np.asarray(syn(spikes=spark.SpikeArray(jnp.asarray(delayed)))["currents"].value)
    np.testing.assert_allclose(out, np.sum(np.asarray(syn.dense_kernel()) * delayed, axis=1), rtol=1e-6)
    view = syn.kernel_pre_spikes(spark.SpikeArray(jnp.asarray(delayed)))
    idx = np.asarray(syn.indices.value)
    np.testing.assert_array_equal(np.asarray(view.value), np.take_along_axis(delayed, idx, axis=1))


def test_sparse_kernel_learns_through_kernel_pre_spikes() -> None:
    syn = make(in_degree=4)
    rule = spark.nn.learning_rules.HebbianRule(eta=1.0, w_max=100.0)
    s = spark.SpikeArray(jnp.zeros(20).at[jnp.asarray(np.asarray(syn.indices.value)[0, 0])].set(1.0))
    z = spark.SpikeArray(jnp.zeros(6).at[0].set(1.0))
    before = np.asarray(syn.get_kernel())
    out = rule(pre_spikes=syn.kernel_pre_spikes(s), post_spikes=z, kernel=spark.FloatArray(syn.get_kernel()))
    syn.set_kernel(out["kernel"])
    changed = np.asarray(syn.get_kernel()) != before
    assert changed[0, 0] and changed.sum() == int(
        (np.asarray(syn.indices.value)[0] == np.asarray(syn.indices.value)[0, 0]).sum()
    )


def test_float16_runs() -> None:
    syn = make(in_degree=5, dtype="float16")
    out = syn(spikes=spark.SpikeArray(jnp.ones(20, jnp.float16)))["currents"].value
    assert out.dtype == jnp.float16 and np.all(np.isfinite(np.asarray(out, np.float32)))
