"""ExponentialIntegrator against its closed-form filter; Concat and Sampler routing."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.interfaces import Concat, ExponentialIntegrator, Sampler


def feed(readout, spikes_per_step) -> np.ndarray:
    return np.stack(
        [
            np.asarray(readout(spikes=spark.SpikeArray(jnp.asarray(s, jnp.float32)))["signal"].value)
            for s in spikes_per_step
        ]
    )


@pytest.mark.parametrize(("dt", "tau"), [(1.0, 20.0), (0.5, 5.0)])
def test_integrator_rises_then_decays_by_exp_minus_dt_over_tau(dt: float, tau: float) -> None:
    readout = ExponentialIntegrator(num_outputs=2, tau=tau, dt=dt)
    on = np.array([1.0, 1.0, 1.0, 1.0, 0.0, 0.0])  # group 0 fully active, group 1 one third active
    y = feed(readout, [on] + [np.zeros(6)] * 5)
    a = math.exp(-dt / tau)
    np.testing.assert_allclose(y[0], [(1 - a) * 1.0, (1 - a) / 3], rtol=1e-6)
    np.testing.assert_allclose(y[1:] / y[:-1], a, rtol=1e-5)


def test_integrator_converges_to_scaled_mean_activity_and_ignores_sign() -> None:
    readout = ExponentialIntegrator(num_outputs=3, tau=2.0, scale=4.0)
    pattern = np.array([1.0, -1.0, 0.0, -1.0, 0.0, 0.0])  # groups: [1, -1], [0, -1], [0, 0]
    y = feed(readout, [pattern] * 60)
    np.testing.assert_allclose(y[-1], [4.0, 2.0, 0.0], rtol=1e-4)


def test_integrator_output_moves_when_the_pool_spikes_in_float16() -> None:
    readout = ExponentialIntegrator(num_outputs=2, dtype=jnp.float16)
    rng = np.random.default_rng(0)
    y = feed(readout, (rng.random((10, 256)) < 0.05).astype(np.float32))
    assert y.dtype == np.float16 and y.shape == (10, 2)
    assert np.all(y[-1] > 0) and np.all(np.diff(y[:, 0].astype(np.float32)) != 0)


def test_integrator_groups_must_divide_the_population() -> None:
    with pytest.raises(
        spark.BuildError, match="7 input neurons cannot be split into num_outputs=2 equal groups"
    ):
        ExponentialIntegrator(num_outputs=2)(spikes=spark.SpikeArray(jnp.zeros(7)))
    with pytest.raises(spark.ConfigError, match="'tau' must be positive"):
        ExponentialIntegrator(tau=0.0)


def test_concat_keeps_order_type_and_promotes_dtype() -> None:
    out = Concat()(
        a=spark.SpikeArray(jnp.ones((2, 2), jnp.float16)),
        b=spark.SpikeArray(jnp.zeros(3)),
        c=spark.SpikeArray(jnp.full((1,), -1.0)),
    )["out"]
    assert isinstance(out, spark.SpikeArray) and out.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(out.value), [1, 1, 1, 1, 0, 0, 0, -1])


def test_sampler_picks_flattened_indices() -> None:
    x = spark.SpikeArray(jnp.arange(6.0).reshape(2, 3))
    out = Sampler(indices=(5, 0, 0))(x=x)["out"]
    assert isinstance(out, spark.SpikeArray)
    np.testing.assert_array_equal(np.asarray(out.value), [5.0, 0.0, 0.0])
    assert Sampler(indices=[2, 1]).config.indices == (2, 1)


def test_sampler_errors() -> None:
    with pytest.raises(spark.BuildError, match=r"indices \[6\] are out of range for an input of 6 entries"):
        Sampler(indices=(1, 6))(x=spark.FloatArray(jnp.zeros((2, 3))))
    with pytest.raises(spark.ConfigError, match="'indices' must be non-negative"):
        Sampler(indices=(-1,))
    with pytest.raises(spark.ConfigError, match="indices must be a non-empty tuple"):
        Sampler(indices=())


def test_integrator_accepts_one_time_constant_per_output() -> None:
    readout = ExponentialIntegrator(num_outputs=2, tau=np.array([1.0, 4.0]))
    y = feed(readout, [np.ones(4)])
    np.testing.assert_allclose(y[0], 1 - np.exp(-1.0 / np.array([1.0, 4.0])), rtol=1e-6)
    with pytest.raises(
        spark.BuildError, match=r"tau has shape \(3,\); give a scalar or one value per output"
    ):
        ExponentialIntegrator(num_outputs=2, tau=np.ones(3))(spikes=spark.SpikeArray(jnp.zeros(4)))
