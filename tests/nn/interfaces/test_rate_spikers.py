"""PoissonSpiker and LinearSpiker against closed-form rates and spike times."""

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.interfaces import LinearSpiker, PoissonSpiker


def run(module, signal, steps: int) -> np.ndarray:
    x = spark.FloatArray(jnp.asarray(signal))
    return np.stack([np.asarray(module(signal=x)["spikes"].value) for _ in range(steps)])


# -- PoissonSpiker ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_poisson_spike_count_matches_rate_times_duration(dt: float) -> None:
    n, steps, x, max_freq = 2000, 40, 0.5, 100.0
    spikes = run(PoissonSpiker(max_freq=max_freq, dt=dt, seed=3), np.full(n, x, np.float32), steps)
    p = x * max_freq * dt / 1000.0
    expected = n * steps * p
    assert abs(spikes.sum() - expected) < 5 * np.sqrt(expected * (1 - p))
    assert set(np.unique(spikes)) <= {0.0, 1.0}


def test_poisson_clips_the_signal_to_unit_range() -> None:
    spikes = run(PoissonSpiker(max_freq=1000.0, seed=0), np.array([-1.0, 0.0, 1.0, 3.0], np.float32), 5)
    np.testing.assert_array_equal(spikes, np.tile([0.0, 0.0, 1.0, 1.0], (5, 1)))


def test_poisson_same_seed_same_spikes_other_seed_other_spikes() -> None:
    x = np.full(64, 0.5, np.float32)
    a = run(PoissonSpiker(seed=1, max_freq=500.0), x, 5)
    b = run(PoissonSpiker(seed=1, max_freq=500.0), x, 5)
    c = run(PoissonSpiker(seed=2, max_freq=500.0), x, 5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_poisson_rejects_more_than_one_spike_per_step() -> None:
    with pytest.raises(spark.ConfigError, match=r"2 spikes per step.*max_freq <= 1000 Hz"):
        PoissonSpiker(max_freq=2000.0)
    PoissonSpiker(max_freq=2000.0, dt=0.5)  # one spike per step at most: allowed


def test_spikers_accept_float16_and_emit_config_dtype() -> None:
    x = np.full(3, 1.0, np.float16)
    out = PoissonSpiker(max_freq=1000.0, seed=0)(signal=spark.FloatArray(jnp.asarray(x)))["spikes"]
    assert isinstance(out, spark.SpikeArray) and out.dtype == jnp.float32
    out16 = LinearSpiker(max_freq=1000.0, dtype=jnp.float16)(signal=spark.FloatArray(jnp.asarray(x)))[
        "spikes"
    ]
    assert out16.dtype == jnp.float16
    np.testing.assert_array_equal(np.asarray(out16.value), [1.0, 1.0, 1.0])


# -- LinearSpiker -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x", "max_freq", "dt", "period"),
    [(1.0, 250.0, 1.0, 4), (0.5, 250.0, 1.0, 8), (1.0, 250.0, 0.5, 8), (1.0, 500.0, 0.25, 8)],
)
def test_linear_spike_times_are_exact(x: float, max_freq: float, dt: float, period: int) -> None:
    # rate * dt / 1000 is a power of two here, so the phase adds up exactly
    spikes = run(LinearSpiker(max_freq=max_freq, dt=dt), np.array([x], np.float32), 4 * period)[:, 0]
    times = np.flatnonzero(spikes) + 1  # steps counted from 1
    np.testing.assert_array_equal(times, period * np.arange(1, 5))


def test_linear_long_run_rate() -> None:
    spikes = run(LinearSpiker(max_freq=100.0, dt=1.0), np.array([0.3, 0.7, 1.0, 0.0], np.float32), 200)
    np.testing.assert_allclose(spikes.sum(axis=0), [6, 14, 20, 0], atol=1)


def test_linear_reset_restarts_the_phase() -> None:
    spiker = LinearSpiker(max_freq=250.0)
    first = run(spiker, np.array([1.0], np.float32), 6)
    spiker.reset()
    np.testing.assert_array_equal(run(spiker, np.array([1.0], np.float32), 6), first)
