"""Initializers: statistics, exact sparsity and normalization, determinism, configs and files."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.registry import INITIALIZERS

INIT = spark.nn.initializers
KEY = jax.random.PRNGKey(0)


def test_public_names_are_pinned():
    assert sorted(INIT.__all__) == sorted(
        [
            "InitializerConfig",
            "ScaledInitializerConfig",
            "ConstantInitializerConfig",
            "UniformInitializerConfig",
            "NormalInitializerConfig",
            "SparseInitializerConfig",
            "NormalizedInitializerConfig",
            "BlockUniformInitializerConfig",
            "fan_in_of",
        ]
    )
    for name in ("constant", "uniform", "normal", "sparse", "normalized"):
        cls = INITIALIZERS.get(name)
        assert cls.__catalogue_kind__ == "initializer"
        assert issubclass(cls, INIT.InitializerConfig)


@pytest.mark.parametrize("scaling, factor", [("none", 1.0), ("sqrt", 1 / np.sqrt(16)), ("linear", 1 / 16)])
def test_constant_and_fan_in_scaling(scaling, factor):
    w = INIT.ConstantInitializerConfig(value=3.0, fan_in_scaling=scaling).init(KEY, (4, 16))
    assert w.shape == (4, 16) and w.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(w), 3.0 * factor, rtol=1e-6)
    assert INIT.fan_in_of((4, 16)) == 16 and INIT.fan_in_of((5,)) == 1


def test_uniform_statistics_and_bounds():
    w = np.asarray(INIT.UniformInitializerConfig(low=-1.0, high=3.0).init(KEY, (200, 200)))
    assert w.min() >= -1.0 and w.max() < 3.0
    assert abs(w.mean() - 1.0) < 0.02
    assert abs(w.std() - 4.0 / np.sqrt(12)) < 0.02
    scaled = np.asarray(
        INIT.UniformInitializerConfig(low=0.0, high=2.0, fan_in_scaling="linear").init(KEY, (300, 100))
    )
    assert abs(scaled.sum(axis=1).mean() - 1.0) < 0.02  # rows sum to high/2 on average, whatever the fan-in


def test_normal_statistics():
    w = np.asarray(INIT.NormalInitializerConfig(mean=0.5, std=2.0).init(KEY, (300, 300)))
    assert abs(w.mean() - 0.5) < 0.03 and abs(w.std() - 2.0) < 0.03


@pytest.mark.parametrize("density", [0.0, 0.1, 0.25, 1.0])
def test_sparse_has_exact_density_per_row(density):
    init = INIT.SparseInitializerConfig(
        density=density, values=INIT.UniformInitializerConfig(low=1.0, high=2.0)
    )
    w = np.asarray(init.init(KEY, (50, 40)))
    k = int(round(density * 40))
    assert np.all((w != 0).sum(axis=1) == k)
    assert np.all((w[w != 0] >= 1.0) & (w[w != 0] < 2.0))
    if 0 < density < 1:  # rows do not all pick the same inputs
        assert len({tuple(np.flatnonzero(r)) for r in w}) > 1


def test_sparse_fan_in_scaling_uses_connected_inputs():
    values = INIT.ConstantInitializerConfig(value=1.0, fan_in_scaling="linear")
    w = np.asarray(INIT.SparseInitializerConfig(density=0.25, values=values).init(KEY, (3, 40)))
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-6)  # 10 inputs of 1/10 each


@pytest.mark.parametrize("norm", ["sum", "l1", "l2"])
def test_normalized_rows(norm):
    init = INIT.NormalizedInitializerConfig(
        values=INIT.NormalInitializerConfig(mean=1.0), norm=norm, target=3.0
    )
    w = np.asarray(init.init(KEY, (6, 20)), np.float64)
    measure = {"sum": w.sum(1), "l1": np.abs(w).sum(1), "l2": np.sqrt((w * w).sum(1))}[norm]
    np.testing.assert_allclose(measure, 3.0, rtol=1e-5)


def test_normalized_zero_rows_stay_zero():
    init = INIT.NormalizedInitializerConfig(values=INIT.ConstantInitializerConfig(value=0.0))
    assert np.all(np.asarray(init.init(KEY, (2, 3))) == 0)


@pytest.mark.parametrize(
    "init",
    [
        INIT.UniformInitializerConfig(),
        INIT.NormalInitializerConfig(),
        INIT.SparseInitializerConfig(density=0.5),
        INIT.NormalizedInitializerConfig(),
    ],
)
def test_same_key_same_array_and_dtypes(init):
    a, b = init.init(KEY, (5, 7)), init(KEY, (5, 7))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(init.init(jax.random.PRNGKey(1), (5, 7))))
    half = init.init(KEY, (5, 7), jnp.float16)
    assert half.dtype == jnp.float16 and np.all(np.isfinite(np.asarray(half)))


def test_config_errors_name_the_field():
    with pytest.raises(spark.ConfigError, match="low must be smaller than high"):
        INIT.UniformInitializerConfig(low=2.0, high=1.0)
    with pytest.raises(spark.ConfigError, match=r"'density' must lie in \[0.0, 1.0\]"):
        INIT.SparseInitializerConfig(density=1.5)
    with pytest.raises(spark.ConfigError, match="'norm' must be one of 'sum', 'l1', 'l2'"):
        INIT.NormalizedInitializerConfig(norm="max")
    with pytest.raises(spark.ConfigError, match="'std' must be non-negative"):
        INIT.NormalInitializerConfig(std=-1.0)
    with pytest.raises(spark.ConfigError, match="'fan_in_scaling' must be one of"):
        INIT.ConstantInitializerConfig(fan_in_scaling="fan_out")


@pytest.mark.parametrize(
    "init",
    [
        INIT.ConstantInitializerConfig(value=0.5, fan_in_scaling="sqrt"),
        INIT.SparseInitializerConfig(density=0.2, values=INIT.NormalInitializerConfig(mean=1.0, std=0.1)),
        INIT.NormalizedInitializerConfig(values__high=4.0, norm="l2"),
    ],
)
def test_file_round_trip(tmp_path, init):
    path = tmp_path / "init.scfg"
    init.to_file(str(path))
    back = INIT.InitializerConfig.from_file(str(path))
    assert type(back) is type(init) and back == init
    np.testing.assert_array_equal(np.asarray(back.init(KEY, (3, 4))), np.asarray(init.init(KEY, (3, 4))))


def test_initializer_as_a_nested_config_value():
    syn = spark.nn.synapses.LinearSynapsesConfig(
        kernel_initializer=INIT.ConstantInitializerConfig(value=2.0, fan_in_scaling="linear")
    )
    s = spark.nn.synapses.LinearSynapses(config=syn, units=(2,))
    s(spikes=spark.SpikeArray(jnp.zeros(4)))
    np.testing.assert_allclose(np.asarray(s.get_kernel()), 0.5)


@pytest.mark.parametrize("name", ["constant", "uniform", "normal", "sparse", "normalized"])
def test_docstring_examples_run(name):
    import doctest

    cls = INITIALIZERS.get(name)
    tests = [t for t in doctest.DocTestFinder(recurse=False).find(cls, globs={}) if t.examples]
    assert tests, f"{cls.__name__} needs a docstring example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for t in tests:
        runner.run(t)
    assert runner.failures == 0
