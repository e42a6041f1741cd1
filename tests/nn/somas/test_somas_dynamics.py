"""Soma dynamics against closed-form references, at two time steps."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.graph import update

S = spark.nn.somas
DTS = [1.0, 0.25]


@jax.jit
def _scan(graph, state, currents):
    def body(state, x):
        m = spark.merge(graph, state)
        out = m(in_currents=spark.CurrentArray(x))
        return spark.split(m)[1], (out["spikes"].value, out["potential"].value)

    return jax.lax.scan(body, state, currents)


def run(soma, currents) -> tuple[np.ndarray, np.ndarray]:
    """Step ``soma`` through ``currents`` (T, *units) under jit + scan; return (spikes, potentials)."""
    currents = jnp.asarray(currents, jnp.float32)
    if not soma.__built__:
        soma.build_from_specs(
            {"in_currents": spark.InputSpec(spark.CurrentArray, currents.shape[1:], currents.dtype)}
        )
    graph, state = spark.split(soma)
    state, (spikes, potentials) = _scan(graph, state, currents)
    update(soma, state)
    return np.asarray(spikes), np.asarray(potentials)


def constant(value, steps, units=1):
    return np.full((steps, units), value, np.float32)


@pytest.mark.parametrize("dt", DTS)
def test_lif_decays_exponentially_to_rest(dt):
    soma = S.LIFSoma(units=(1,), dt=dt, tau_mem=10.0, v_rest=-70.0, seed=0)
    soma.build_from_specs({"in_currents": spark.InputSpec(spark.CurrentArray, (1,), jnp.float32)})
    soma.potential.value = jnp.full((1,), -55.5)
    _, v = run(soma, constant(0.0, int(30 / dt)))
    t = dt * np.arange(1, len(v) + 1)
    np.testing.assert_allclose(v[:, 0], -70.0 + 14.5 * np.exp(-t / 10.0), rtol=1e-5)


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("current", [16.3, 25.0])
def test_lif_first_spike_time_matches_closed_form(dt, current):
    tau, v_rest, v_th = 20.0, -65.0, -50.0
    soma = S.LIFSoma(units=(1,), dt=dt, tau_mem=tau, v_rest=v_rest, v_th=v_th, seed=0)
    spikes, v = run(soma, constant(current, int(100 / dt)))
    t_star = -tau * np.log(1 - (v_th - v_rest) / (1.0 * current))
    first = (np.flatnonzero(spikes[:, 0])[0] + 1) * dt  # step n ends at t = n dt
    assert t_star <= first < t_star + dt
    # before the spike the potential follows the exact charging curve
    t = dt * np.arange(1, int(first / dt))
    np.testing.assert_allclose(v[: len(t), 0], v_rest + current * (1 - np.exp(-t / tau)), rtol=1e-5)


def test_lif_below_rheobase_never_spikes():
    spikes, v = run(S.LIFSoma(units=(1,), seed=0), constant(14.9, 400))
    assert spikes.sum() == 0 and abs(v[-1, 0] - (-65.0 + 14.9)) < 1e-2


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("tau_ref", [0.0, 2.0, 5.0])
def test_refractory_period_sets_shortest_interval(dt, tau_ref):
    soma = S.LIFSoma(units=(1,), dt=dt, tau_ref=tau_ref, seed=0)
    spikes, v = run(soma, constant(1e5, int(20 / dt)))
    n_ref = max(int(round(tau_ref / dt)), 1)
    steps = np.flatnonzero(spikes[:, 0])
    assert steps[0] == 0 and np.all(np.diff(steps) == n_ref)
    clamped = np.setdiff1d(np.arange(len(v)), steps)
    np.testing.assert_array_equal(v[clamped, 0], -65.0)  # held at v_reset while refractory


@pytest.mark.parametrize("dt", DTS)
def test_alif_threshold_adapts_and_relaxes(dt):
    tau_adapt, beta = 50.0, 4.0
    soma = S.ALIFSoma(units=(1,), dt=dt, tau_adapt=tau_adapt, beta=beta, seed=0)
    currents = constant(0.0, int(40 / dt))
    currents[0] = 1e5  # one spike at step 0
    spikes, _ = run(soma, currents[:1])
    assert spikes[0, 0] == 1
    for k in range(1, 6):
        a = float(soma.adaptation.value[0])
        np.testing.assert_allclose(a, np.exp(-k * dt / tau_adapt), rtol=1e-5)
        np.testing.assert_allclose(float(soma.threshold()[0]), -50.0 + beta * a, rtol=1e-6)
        run(soma, currents[1:2])


@pytest.mark.parametrize("dt", DTS)
def test_alif_intervals_lengthen_under_constant_current(dt):
    steps = int(300 / dt)
    adaptive, _ = run(S.ALIFSoma(units=(1,), dt=dt, beta=2.0, seed=0), constant(40.0, steps))
    fixed, _ = run(S.ALIFSoma(units=(1,), dt=dt, beta=0.0, seed=0), constant(40.0, steps))
    isi_a = np.diff(np.flatnonzero(adaptive[:, 0]))
    isi_f = np.diff(np.flatnonzero(fixed[:, 0]))
    assert isi_a[-1] > isi_a[0] and len(set(isi_f[1:].tolist())) == 1  # LIF (beta=0) is periodic
    assert adaptive.sum() < fixed.sum()


@pytest.mark.parametrize("dt", DTS)
def test_eif_spikes_resets_and_stays_finite(dt):
    soma = S.EIFSoma(units=(2,), dt=dt, seed=0)
    spikes, v = run(soma, np.tile([[12.0, 40.0]], (int(500 / dt), 1)))
    assert spikes[:, 0].sum() == 0  # below rheobase (v_T - v_rest - delta_T = 13 mV)
    assert spikes[:, 1].sum() > 2
    np.testing.assert_array_equal(v[spikes[:, 1] == 1, 1], -65.0)
    assert np.all(np.isfinite(v)) and v.max() < -30.0
    # subthreshold fixed point: v - v_rest = 12 + delta_T exp((v - v_T)/delta_T)
    u = v[-1, 0] + 65.0
    assert abs(u - 12.0 - 2.0 * np.exp((v[-1, 0] + 50.0) / 2.0)) < 1e-3


@pytest.mark.parametrize("dt", DTS)
def test_adex_adaptation_jumps_by_b_and_slows_firing(dt):
    b, tau_w = 2.0, 100.0
    soma = S.AdExSoma(units=(1,), dt=dt, a=0.0, b=b, tau_w=tau_w, seed=0)
    spikes, v = run(soma, constant(40.0, int(400 / dt)))
    steps = np.flatnonzero(spikes[:, 0])
    assert len(steps) > 3 and np.all(np.isfinite(v))
    np.testing.assert_array_equal(v[steps, 0], -65.0)
    isi = np.diff(steps)
    assert isi[-1] > isi[0]
    # with a = 0, w decays exactly and jumps by b at each spike
    w = 0.0
    for n in range(steps[-1] + 1):
        w = w * np.exp(-dt / tau_w) + b * spikes[n, 0]
    soma2 = S.AdExSoma(units=(1,), dt=dt, a=0.0, b=b, tau_w=tau_w, seed=0)
    run(soma2, constant(40.0, steps[-1] + 1))
    np.testing.assert_allclose(float(soma2.adaptation.value[0]), w, rtol=1e-4)


@pytest.mark.parametrize("dt", [0.5, 1.0])
def test_izhikevich_regular_spiking(dt):
    soma = S.IzhikevichSoma(units=(1,), dt=dt, seed=0)
    spikes, v = run(soma, constant(10.0, int(500 / dt)))
    steps = np.flatnonzero(spikes[:, 0])
    assert len(steps) >= 3 and np.all(np.isfinite(v))
    np.testing.assert_array_equal(v[steps, 0], -65.0)  # reset to c
    assert np.all(v < 30.0)
    assert np.diff(steps)[-1] >= np.diff(steps)[0]  # regular spiking adapts
    quiet, _ = run(S.IzhikevichSoma(units=(1,), dt=dt, seed=0), constant(0.0, int(200 / dt)))
    assert quiet.sum() == 0


def test_izhikevich_recovery_jumps_by_d():
    soma = S.IzhikevichSoma(units=(1,), d=5.0, seed=0)
    run(soma, constant(0.0, 1))
    u0, v0 = float(soma.recovery.value[0]), float(soma.potential.value[0])
    spikes, _ = run(soma, constant(1e4, 1))
    assert spikes[0, 0] == 1
    np.testing.assert_allclose(float(soma.recovery.value[0]), u0 + 0.02 * (0.2 * v0 - u0) + 5.0, rtol=1e-5)


@pytest.mark.parametrize("cls", [S.LIFSoma, S.ALIFSoma, S.EIFSoma, S.AdExSoma, S.IzhikevichSoma])
def test_strong_inputs_never_give_nan(cls):
    soma = cls(units=(4,), seed=0)
    spikes, v = run(soma, np.tile([[1e6, -1e6, 1e3, -1e3]], (50, 1)))
    assert np.all(np.isfinite(v)) and spikes[:, 0].sum() > 0
