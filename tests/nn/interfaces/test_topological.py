"""Topological (place-code) spikers: tuning curves, circular ranges and seed 002's configuration."""

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.interfaces import (
    TopologicalLinearSpiker,
    TopologicalLinearSpikerConfig,
    TopologicalPoissonSpiker,
    TopologicalPoissonSpikerConfig,
)
from spark.nn.interfaces._tuning import place_code


def code(x, mins=-1.0, maxs=1.0, glue=0, resolution=5, tau=4.0, tuning="gaussian") -> np.ndarray:
    x = jnp.asarray(x, jnp.float32)
    return np.asarray(
        place_code(x, jnp.float32(mins), jnp.float32(maxs), jnp.int32(glue), resolution, tau, tuning)
    )


@pytest.mark.parametrize(
    ("x", "unit"), [(-1.0, 0), (-0.5, 1), (0.0, 2), (0.5, 3), (1.0, 4), (0.3, 3), (7.0, 4)]
)
def test_peak_at_the_preferred_unit(x: float, unit: int) -> None:
    act = code([x])[0]
    assert act.argmax() == unit


def test_gaussian_and_triangular_tuning_in_closed_form() -> None:
    # preferred values -1, -0.5, 0, 0.5, 1; range L = 2; x = 0 -> d = (0 - c) / 2
    d = np.array([0.5, 0.25, 0.0, -0.25, -0.5])
    np.testing.assert_allclose(code([0.0], tau=4.0)[0], np.exp(-0.5 * (4.0 * d) ** 2), rtol=1e-6)
    np.testing.assert_allclose(
        code([0.0], tau=2.0, tuning="triangular")[0], np.maximum(0, 1 - 2.0 * np.abs(d))
    )


def test_glue_wraps_the_range_into_a_circle() -> None:
    # on a circle [0, 1) the 8 preferred values are 0, 0.125, ..., 0.875: 0.99 is closest to 0
    assert code([0.99], mins=0.0, maxs=1.0, glue=1, resolution=8, tau=8.0)[0].argmax() == 0
    assert code([0.99], mins=0.0, maxs=1.0, glue=0, resolution=8, tau=8.0)[0].argmax() == 7
    ring = code([0.0], mins=0.0, maxs=1.0, glue=1, resolution=8, tau=8.0)[0]
    np.testing.assert_allclose(ring[1], ring[7], rtol=1e-6)  # symmetric neighbours across the seam


def test_linear_topological_first_spike_from_the_preferred_unit() -> None:
    spiker = TopologicalLinearSpiker(resolution=5, max_freq=500.0, tau=4.0)
    x = spark.FloatArray(jnp.array([1.0, -0.5]))
    first, second = (np.asarray(spiker(signal=x)["spikes"].value) for _ in range(2))
    assert first.sum() == 0
    np.testing.assert_array_equal(second, [[0, 0, 0, 0, 1], [0, 1, 0, 0, 0]])


def test_per_input_ranges() -> None:
    spiker = TopologicalLinearSpiker(
        resolution=3, mins=np.array([0.0, -10.0]), maxs=np.array([1.0, 10.0]), max_freq=1000.0, tau=100.0
    )
    out = spiker(signal=spark.FloatArray(jnp.array([0.5, 10.0])))["spikes"].value
    np.testing.assert_array_equal(np.asarray(out), [[0, 1, 0], [0, 0, 1]])


def seed_002_config(cls):
    return cls(
        glue=jnp.array(0), mins=jnp.array(-1), maxs=jnp.array(1), resolution=128, max_freq=200.0, tau=30.0
    )


@pytest.mark.parametrize(
    ("module_cls", "config_cls"),
    [
        (TopologicalLinearSpiker, TopologicalLinearSpikerConfig),
        (TopologicalPoissonSpiker, TopologicalPoissonSpikerConfig),
    ],
)
def test_seed_002_spiker_is_visibly_active(module_cls, config_cls, tmp_path) -> None:
    config = seed_002_config(config_cls)
    spiker = module_cls(config=config)
    x = spark.FloatArray(jnp.array([-1.0, -0.3, 0.4, 1.0], jnp.float16))
    spikes = np.stack([np.asarray(spiker(signal=x)["spikes"].value) for _ in range(16)])
    assert spikes.shape == (16, 4, 128) and spikes.dtype == np.float32
    units_firing = (spikes.sum(axis=0) > 0).sum(axis=1)
    assert np.all(units_firing >= 5), units_firing
    centre = spikes.sum(axis=0).argmax(axis=1) / 127 * 2 - 1  # preferred value of the busiest unit
    np.testing.assert_allclose(centre, [-1.0, -0.3, 0.4, 1.0], atol=0.15)
    config.to_file(str(tmp_path / "spiker.scfg"))
    assert config_cls.from_file(str(tmp_path / "spiker.scfg")) == config


def test_config_errors_name_the_field() -> None:
    with pytest.raises(spark.ConfigError, match="maxs must be greater than mins"):
        TopologicalLinearSpikerConfig(mins=1.0, maxs=1.0)
    with pytest.raises(spark.ConfigError, match="'tuning' must be one of 'gaussian', 'triangular'"):
        TopologicalLinearSpikerConfig(tuning="box")
    with pytest.raises(spark.ConfigError, match="'glue' must lie in"):
        TopologicalPoissonSpikerConfig(glue=2)
    with pytest.raises(spark.ConfigError, match="'resolution' must be positive"):
        TopologicalPoissonSpikerConfig(resolution=0)


def test_ranges_that_do_not_fit_the_signal_fail_at_build() -> None:
    spiker = TopologicalLinearSpiker(mins=np.array([-1.0, -1.0, -1.0]), maxs=1.0)
    with pytest.raises(
        spark.BuildError, match=r"mins has shape \(3,\), which does not broadcast to the signal shape \(4,\)"
    ):
        spiker(signal=spark.FloatArray(jnp.zeros(4)))
