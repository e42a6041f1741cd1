"""Closed-form behaviour of the dense synapse models (linear, traced, conductance-based)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.synapses import ConductanceSynapses, LinearSynapses, TracedSynapses


def built(cls: type, n_pre: int, kernel: np.ndarray | None = None, shape: tuple | None = None, **kw):
    syn = cls(seed=0, **kw)
    syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, shape or (n_pre,))})
    if kernel is not None:
        syn.set_kernel(jnp.asarray(kernel))
    return syn


def spikes(*values: float) -> spark.SpikeArray:
    return spark.SpikeArray(jnp.asarray(values, jnp.float32))


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_linear_is_a_matrix_product_scaled_by_one_over_dt(dt: float) -> None:
    rng = np.random.default_rng(0)
    w = rng.random((3, 5)).astype(np.float32)
    s = np.array([1, 0, -1, 1, 0], np.float32)
    syn = built(LinearSynapses, 5, w, units=(3,), dt=dt)
    out = syn(spikes=spark.SpikeArray(jnp.asarray(s)))["currents"]
    assert isinstance(out, spark.CurrentArray) and out.shape == (3,)
    np.testing.assert_allclose(np.asarray(out.value), w @ s / dt, rtol=1e-6)


def test_linear_flattens_inputs_and_shapes_outputs_as_units() -> None:
    w = np.arange(24, dtype=np.float32).reshape(6, 4) / 10
    syn = built(LinearSynapses, 4, w, shape=(2, 2), units=(2, 3))
    s = np.array([[1, 0], [0, 1]], np.float32)
    out = np.asarray(syn(spikes=spark.SpikeArray(jnp.asarray(s)))["currents"].value)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.reshape(-1), w @ s.reshape(-1), rtol=1e-6)


def test_excitatory_and_inhibitory_spikes_have_opposite_signs() -> None:
    w = np.array([[0.5, 0.25]], np.float32)
    syn = built(LinearSynapses, 2, w, units=(1,))
    assert float(syn(spikes=spikes(1, 0))["currents"].value[0]) == pytest.approx(0.5)
    assert float(syn(spikes=spikes(0, -1))["currents"].value[0]) == pytest.approx(-0.25)
    assert float(syn(spikes=spikes(1, -1))["currents"].value[0]) == pytest.approx(0.25)


def test_per_synapse_spikes_contract_row_by_row() -> None:
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    syn = built(LinearSynapses, 3, w, shape=(2, 3), units=(2,))
    assert syn.per_synapse
    delayed = np.array([[1, 0, 0], [0, 0, -1]], np.float32)  # row i: spikes as seen by unit i
    out = np.asarray(syn(spikes=spark.SpikeArray(jnp.asarray(delayed)))["currents"].value)
    np.testing.assert_allclose(out, [1.0, -6.0])
    flat = built(LinearSynapses, 6, shape=(2, 3), units=(2,), spike_layout="presynaptic")
    assert not flat.per_synapse and flat.get_kernel().shape == (2, 6)


@pytest.mark.parametrize("dt", [1.0, 0.25])
def test_traced_current_decays_by_exp_minus_dt_over_tau(dt: float) -> None:
    tau = 8.0
    syn = built(TracedSynapses, 2, np.array([[0.7, 0.3]]), units=(1,), tau_syn=tau, dt=dt)
    first = float(syn(spikes=spikes(1, 0))["currents"].value[0])
    assert first == pytest.approx(0.7, rel=1e-6)  # jumps by the weight
    values = [float(syn(spikes=spikes(0, 0))["currents"].value[0]) for _ in range(4)]
    for k, v in enumerate(values, start=1):
        assert v == pytest.approx(0.7 * np.exp(-k * dt / tau), rel=1e-5)
    # an inhibitory spike subtracts its weight from the decaying current
    after = float(syn(spikes=spikes(0, -1))["currents"].value[0])
    assert after == pytest.approx(values[-1] * np.exp(-dt / tau) - 0.3, rel=1e-5)


def test_traced_reset_clears_the_current() -> None:
    syn = built(TracedSynapses, 1, np.ones((1, 1)), units=(1,))
    syn(spikes=spikes(1))
    syn.reset()
    assert float(syn.current.value[0]) == 0.0


def test_conductance_currents_follow_the_reversal_potentials() -> None:
    w = np.array([[0.5, 0.2]], np.float32)  # input 0 excitatory, input 1 inhibitory (by spike sign)
    syn = built(ConductanceSynapses, 2, w, units=(1,))
    v = spark.PotentialArray(jnp.array([-60.0]))
    i_exc = float(syn(spikes=spikes(1, 0), potential=v)["currents"].value[0])
    assert i_exc == pytest.approx(0.5 * (0.0 - -60.0))  # g_e (E_e - v) > 0: depolarizing
    syn.reset()
    i_inh = float(syn(spikes=spikes(0, -1), potential=v)["currents"].value[0])
    assert i_inh == pytest.approx(0.2 * (-80.0 - -60.0))  # g_i (E_i - v) < 0: hyperpolarizing
    syn.reset()
    above = float(
        syn(spikes=spikes(1, 0), potential=spark.PotentialArray(jnp.array([10.0])))["currents"].value[0]
    )
    assert above == pytest.approx(0.5 * -10.0)  # above E_e excitation reverses
    syn.reset()
    below = float(
        syn(spikes=spikes(0, -1), potential=spark.PotentialArray(jnp.array([-90.0])))["currents"].value[0]
    )
    assert below == pytest.approx(0.2 * 10.0)  # below E_i inhibition reverses


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_conductances_decay_with_their_own_time_constants(dt: float) -> None:
    syn = built(ConductanceSynapses, 2, np.array([[1.0, 1.0]]), units=(1,), dt=dt)
    syn(spikes=spikes(1, -1))  # no potential: v_rest = -65 mV
    for k in range(1, 4):
        out = float(syn(spikes=spikes(0, 0))["currents"].value[0])
        g_e, g_i = np.exp(-k * dt / 5.0), np.exp(-k * dt / 10.0)
        assert float(syn.g_e[0]) == pytest.approx(g_e, rel=1e-5)
        assert float(syn.g_i[0]) == pytest.approx(g_i, rel=1e-5)
        assert out == pytest.approx(g_e * 65.0 + g_i * -15.0, rel=1e-5)


def test_conductance_cap() -> None:
    syn = built(ConductanceSynapses, 1, np.ones((1, 1)), units=(1,), g_max=1.5)
    for _ in range(3):
        syn(spikes=spikes(1))
    assert float(syn.g_e[0]) == pytest.approx(1.5)


@jax.jit
def _step(graph, state, inputs):
    model = spark.merge(graph, state)
    out = model(**inputs)
    return out, spark.split(model)[1]


@pytest.mark.parametrize("cls", [LinearSynapses, TracedSynapses, ConductanceSynapses])
def test_jit_equals_eager(cls: type) -> None:
    rng = np.random.default_rng(1)
    steps = [
        {
            "spikes": spark.SpikeArray(
                jnp.asarray(rng.choice([-1.0, 0.0, 1.0], 6, p=[0.2, 0.5, 0.3]), jnp.float32)
            )
        }
        for _ in range(5)
    ]
    if cls is ConductanceSynapses:
        for s in steps:
            s["potential"] = spark.PotentialArray(jnp.asarray(rng.uniform(-70, -50, 4), jnp.float32))
    eager = built(cls, 6, units=(4,))
    jitted = built(cls, 6, units=(4,))
    graph, state = spark.split(jitted)
    for inputs in steps:
        a = eager(**inputs)["currents"].value
        b, state = _step(graph, state, inputs)
        np.testing.assert_allclose(np.asarray(a), np.asarray(b["currents"].value), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [LinearSynapses, TracedSynapses, ConductanceSynapses])
def test_float16_runs(cls: type) -> None:
    syn = built(cls, 5, units=(3,), dtype="float16")
    s = spark.SpikeArray(jnp.array([1, 0, -1, 1, 0], jnp.float16))
    for _ in range(3):
        out = syn(spikes=s)["currents"].value
    assert out.dtype == jnp.float16 and syn.get_kernel().dtype == jnp.float16
    assert np.all(np.isfinite(np.asarray(out, np.float32)))
