"""Soma configs, inhibitory signs, dtypes, jit == eager, seeds and files."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark

S = spark.nn.somas
SOMAS = [S.LIFSoma, S.ALIFSoma, S.EIFSoma, S.AdExSoma, S.IzhikevichSoma]


def test_public_names_are_pinned():
    assert sorted(S.__all__) == sorted(
        [
            "Soma",
            "SomaConfig",
            "SomaOutput",
            "LeakySomaConfig",
            "ExponentialSomaConfig",
            "LIFSoma",
            "LIFSomaConfig",
            "ALIFSoma",
            "ALIFSomaConfig",
            "EIFSoma",
            "EIFSomaConfig",
            "AdExSoma",
            "AdExSomaConfig",
            "IzhikevichSoma",
            "IzhikevichSomaConfig",
        ]
    )
    assert issubclass(S.Soma, spark.nn.Component) and S.Soma.__catalogue_group__ == "somas"
    names = {e["name"] for e in spark.catalogue()["groups"]["somas"]}
    assert {c.__name__ for c in SOMAS} <= names


def currents(steps=12, units=4, seed=0, scale=60.0):
    return [
        spark.CurrentArray(jnp.asarray(np.random.default_rng(seed).random(units) * scale, jnp.float32))
        for _ in range(steps)
    ]


def eager(soma, inputs):
    return [soma(in_currents=x) for x in inputs]


@jax.jit
def _step(graph, state, x):
    m = spark.merge(graph, state)
    out = m(in_currents=x)
    return out, spark.split(m)[1]


@pytest.mark.parametrize("cls", SOMAS)
def test_jit_matches_eager_and_seed_repeats(cls):
    inputs = currents()
    a = eager(cls(units=(4,), seed=3, inhibitory_rate=0.5), inputs)
    soma = cls(units=(4,), seed=3, inhibitory_rate=0.5)
    soma.build_from_specs({"in_currents": spark.InputSpec(spark.CurrentArray, (4,), jnp.float32)})
    graph, state = spark.split(soma)
    for x, ref in zip(inputs, a, strict=True):
        out, state = _step(graph, state, x)
        np.testing.assert_array_equal(np.asarray(out["spikes"].value), np.asarray(ref["spikes"].value))
        np.testing.assert_allclose(
            np.asarray(out["potential"].value), np.asarray(ref["potential"].value), rtol=1e-5, atol=1e-4
        )
    again = eager(cls(units=(4,), seed=3, inhibitory_rate=0.5), inputs)
    for x, y in zip(a, again, strict=True):
        np.testing.assert_array_equal(np.asarray(x["spikes"].value), np.asarray(y["spikes"].value))


@pytest.mark.parametrize("cls", SOMAS)
def test_inhibitory_units_spike_with_minus_one(cls):
    soma = cls(units=(2, 4), inhibitory_rate=0.25, seed=1)
    out = soma(in_currents=spark.CurrentArray(jnp.full((8,), 1e5)))  # every unit spikes
    spikes = np.asarray(out["spikes"].value)
    assert spikes.shape == (2, 4)
    assert (spikes == -1).sum() == 2 and (spikes == 1).sum() == 6
    np.testing.assert_array_equal(np.asarray(soma.get_inhibitory_mask()), spikes == -1)
    assert np.array_equal(np.asarray(out["spikes"].inhibition_mask), spikes < 0)


def _mask(seed, rate=0.2, units=50):
    soma = S.LIFSoma(units=(units,), inhibitory_rate=rate, seed=seed)
    soma.build_from_specs({"in_currents": spark.InputSpec(spark.CurrentArray, (units,), jnp.float32)})
    return np.asarray(soma.get_inhibitory_mask())


def test_inhibitory_choice_is_deterministic_from_the_seed_and_mask_overrides():
    assert np.array_equal(_mask(7), _mask(7)) and _mask(7).sum() == 10
    assert not np.array_equal(_mask(7), _mask(8))
    assert _mask(7, rate=0.0).sum() == 0 and _mask(7, rate=1.0).sum() == 50
    mask = np.array([True, False, False, True])
    soma = S.ALIFSoma(units=(4,), inhibitory_mask=mask, inhibitory_rate=0.9)
    out = soma(in_currents=spark.CurrentArray(jnp.full((4,), 1e5)))
    np.testing.assert_array_equal(np.asarray(out["spikes"].value), [-1, 1, 1, -1])


@pytest.mark.parametrize("cls", SOMAS)
def test_float16_runs_and_matches_float32(cls):
    inputs = currents(steps=30, scale=40.0)
    half = cls(units=(4,), dtype=jnp.float16, seed=0)
    full = cls(units=(4,), seed=0)
    outs16 = [half(in_currents=spark.CurrentArray(x.value.astype(jnp.float16))) for x in inputs]
    outs32 = eager(full, inputs)
    assert outs16[-1]["spikes"].dtype == jnp.float16 and outs16[-1]["potential"].dtype == jnp.float16
    assert half.potential.value.dtype == jnp.float32  # state integrates in float32
    s16 = np.stack([np.asarray(o["spikes"].value, np.float32) for o in outs16])
    s32 = np.stack([np.asarray(o["spikes"].value) for o in outs32])
    assert np.all(np.isfinite(np.stack([np.asarray(o["potential"].value, np.float32) for o in outs16])))
    assert abs(s16.sum() - s32.sum()) <= 2


def test_per_unit_parameters_broadcast():
    soma = S.LIFSoma(units=(3,), tau_mem=np.array([5.0, 10.0, 20.0]), seed=0)
    soma.build_from_specs({"in_currents": spark.InputSpec(spark.CurrentArray, (3,), jnp.float32)})
    soma.potential.value = jnp.full((3,), -55.0)
    out = soma(in_currents=spark.CurrentArray(jnp.zeros(3)))
    np.testing.assert_allclose(
        np.asarray(out["potential"].value), -65.0 + 10.0 * np.exp(-1.0 / np.array([5, 10, 20])), rtol=1e-6
    )
    with pytest.raises(
        spark.BuildError, match=r"LIFSomaConfig.tau_mem has shape \(2,\), which does not broadcast"
    ):
        S.LIFSoma(units=(3,), tau_mem=np.array([5.0, 10.0]))(in_currents=spark.CurrentArray(jnp.zeros(3)))


def test_input_of_the_wrong_size_is_a_build_error():
    with pytest.raises(spark.BuildError, match=r"in_currents has shape \(5,\) \(5 values\) but units=\(4,\)"):
        S.LIFSoma(units=(4,))(in_currents=spark.CurrentArray(jnp.zeros(5)))
    out = S.LIFSoma(units=(2, 2))(in_currents=spark.CurrentArray(jnp.zeros(4)))  # same size: reshaped
    assert out["spikes"].shape == (2, 2)


def test_config_errors():
    with pytest.raises(spark.ConfigError, match="'tau_mem' must be positive"):
        S.LIFSomaConfig(tau_mem=-5.0)
    with pytest.raises(spark.ConfigError, match="'tau_ref' must be non-negative"):
        S.ALIFSomaConfig(tau_ref=-1.0)
    with pytest.raises(spark.ConfigError, match="v_reset must be below v_th"):
        S.LIFSomaConfig(v_reset=-40.0, v_th=-50.0)
    with pytest.raises(spark.ConfigError, match=r"'inhibitory_rate' must lie in \[0.0, 1.0\]"):
        S.LIFSomaConfig(inhibitory_rate=1.5)
    with pytest.raises(spark.ConfigError, match=r"inhibitory_mask has shape \(3,\) but units=\(4,\)"):
        S.LIFSomaConfig(units=(4,), inhibitory_mask=[True, False, True])
    with pytest.raises(spark.ConfigError, match="v_T \\(soft threshold\\) must be below the cut-off v_th"):
        S.EIFSomaConfig(v_T=-20.0)
    with pytest.raises(spark.ConfigError, match="'tau_w' must be positive"):
        S.AdExSomaConfig(tau_w=0.0)
    with pytest.raises(spark.ConfigError, match="'beta' must be non-negative"):
        S.ALIFSomaConfig(beta=-1.0)
    with pytest.raises(spark.ConfigError, match="'units' must be a shape"):
        S.IzhikevichSomaConfig(units=(0,))
    with pytest.raises(spark.ConfigError, match="unknown field 'tau_mme' \\(did you mean 'tau_mem'\\?\\)"):
        S.LIFSomaConfig(tau_mme=3.0)


@pytest.mark.parametrize(
    "cfg",
    [
        S.LIFSomaConfig(units=(3,), tau_mem=np.array([5.0, 10.0, 20.0]), seed=1),
        S.ALIFSomaConfig(units=(2,), inhibitory_mask=np.array([True, False]), beta=1.5, seed=2),
        S.EIFSomaConfig(dt=0.5, delta_T=1.0, seed=3),
        S.AdExSomaConfig(a=0.1, b=0.2, dtype=np.float16, seed=4),
        S.IzhikevichSomaConfig(a=0.1, d=2.0, seed=5),
    ],
)
def test_config_file_round_trip(tmp_path, cfg):
    path = str(tmp_path / "soma.scfg")
    cfg.to_file(path)
    back = type(cfg).from_file(path)
    assert back == cfg and back.diff(cfg) == {}


def test_reset_restores_rest_state():
    soma = S.ALIFSoma(units=(2,), seed=0)
    for _ in range(3):
        soma(in_currents=spark.CurrentArray(jnp.full((2,), 1e4)))
    assert float(soma.adaptation.value.sum()) > 0
    soma.reset()
    np.testing.assert_array_equal(np.asarray(soma.potential.value), -65.0)
    np.testing.assert_array_equal(np.asarray(soma.adaptation.value), 0.0)
    np.testing.assert_array_equal(np.asarray(soma.refractory.value), 0)
