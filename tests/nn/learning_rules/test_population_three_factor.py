"""PopulationThreeFactorRule: closed-form eligibility and updates, fixed inhibitory synapses, jit == eager."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.learning_rules import PopulationThreeFactorRule, PopulationThreeFactorRuleConfig


def _rule(**kw):
    return PopulationThreeFactorRule(config=PopulationThreeFactorRuleConfig(**kw))


def _step(rule, pre, post, w, m=None):
    kw = {"modulation": spark.FloatArray(jnp.asarray(m, jnp.float32))} if m is not None else {}
    return rule(
        pre_spikes=spark.SpikeArray(jnp.asarray(pre, jnp.float32)),
        post_spikes=spark.SpikeArray(jnp.asarray(post, jnp.float32)),
        kernel=spark.FloatArray(jnp.asarray(w, jnp.float32)),
        **kw,
    )["kernel"].value


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_eligibility_is_population_deviation_times_pre_trace(dt):
    tau_pre, tau_e, rho0 = 4.0, 10.0, 100.0  # rho0 in Hz
    rule = _rule(eta=2.0, tau_pre=tau_pre, tau_e=tau_e, target_rate=rho0, dt=dt, w_max=10.0)
    w0 = np.full((2, 3), 1.0)
    pre = [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    post = [[0, 0], [1, 0], [1, 1]]
    x, e = np.zeros(3), np.zeros((2, 3))
    w = w0
    for s, z in zip(pre, post, strict=True):
        w = _step(rule, s, z, w)  # no modulation: weights unchanged
        xh = x * np.exp(-dt / tau_pre)
        e = e * np.exp(-dt / tau_e) + (np.mean(z) - rho0 * dt / 1000.0) * xh[None, :]
        x = xh + np.asarray(s)
    np.testing.assert_allclose(np.asarray(w), w0)
    np.testing.assert_allclose(np.asarray(rule.eligibility.value), e, rtol=1e-5, atol=1e-7)
    # a modulated step: one more decay and pairing, then W += eta * dt * M * E
    xh = x * np.exp(-dt / tau_pre)
    e = e * np.exp(-dt / tau_e) + (0.0 - rho0 * dt / 1000.0) * xh[None, :]
    w = _step(rule, [0, 0, 0], [0, 0], w, m=-1.0)
    np.testing.assert_allclose(np.asarray(w), np.clip(w0 + 2.0 * dt * -1.0 * e, 0, 10), rtol=1e-5)


def test_unit_mode_uses_each_units_own_spikes():
    rule = _rule(eta=1.0, post="unit", target_rate=0.0, tau_pre=5.0)
    _step(rule, [1.0], [0, 0], np.full((2, 1), 0.5))
    w = _step(rule, [0.0], [1, 0], np.full((2, 1), 0.5), m=-0.1)
    np.testing.assert_allclose(np.asarray(w[:, 0]), [0.5 - 0.1 * np.exp(-1 / 5), 0.5], rtol=1e-5)


def test_inhibitory_inputs_are_not_plastic_and_keep_weights_outside_the_bounds():
    rule = _rule(eta=1.0, target_rate=0.0, w_max=1.0)
    w = np.array([[0.5, 3.0]])  # input 1 is inhibitory, its weight above w_max
    _step(rule, [1, -1], [0], w)
    out = np.asarray(_step(rule, [1, -1], [1], w, m=1.0))
    assert out[0, 1] == pytest.approx(3.0)
    assert out[0, 0] == pytest.approx(min(1.0, 0.5 + np.exp(-1 / 5)))


def test_sign_of_modulation_sets_the_direction_and_population_below_target_flips_it():
    rule = _rule(eta=1.0, target_rate=500.0)  # 0.5 spikes per step
    w = np.full((2, 1), 0.5)
    _step(rule, [1.0], [0, 0], w)
    out = np.asarray(_step(rule, [0.0], [0, 0], w, m=-1.0))  # silent population, below target: potentiate
    assert (out > 0.5).all()


def test_jit_matches_eager_and_is_deterministic():
    def run(jit):
        rule = _rule(eta=0.5, target_rate=20.0)
        rule.build_from_specs(
            {
                "pre_spikes": spark.InputSpec(spark.SpikeArray, (4,), np.float32),
                "post_spikes": spark.InputSpec(spark.SpikeArray, (3,), np.float32),
                "kernel": spark.InputSpec(spark.FloatArray, (3, 4), np.float32),
                "modulation": spark.InputSpec(spark.FloatArray, (1,), np.float32),
            }
        )
        graph, state = spark.split(rule)

        def f(state, pre, post, w, m):
            r = spark.merge(graph, state)
            out = r(
                pre_spikes=spark.SpikeArray(pre),
                post_spikes=spark.SpikeArray(post),
                kernel=spark.FloatArray(w),
                modulation=spark.FloatArray(m),
            )["kernel"].value
            return spark.split(r)[1], out

        f = jax.jit(f) if jit else f
        rng = np.random.default_rng(0)
        w = jnp.full((3, 4), 0.5)
        for _ in range(6):
            pre = jnp.asarray(rng.random(4) < 0.5, jnp.float32)
            post = jnp.asarray(rng.random(3) < 0.5, jnp.float32)
            state, w = f(state, pre, post, w, jnp.asarray([rng.standard_normal()], jnp.float32))
        return np.asarray(w)

    np.testing.assert_allclose(run(True), run(False), rtol=1e-6)
    np.testing.assert_array_equal(run(True), run(True))


def test_config_errors_name_the_field():
    with pytest.raises(spark.ConfigError, match="post"):
        PopulationThreeFactorRuleConfig(post="neuron")
    with pytest.raises(spark.ConfigError, match="target_rate"):
        PopulationThreeFactorRuleConfig(target_rate=-1.0)


def test_registered_in_the_catalogue_and_file_round_trip(tmp_path):
    names = [e["name"] for e in spark.catalogue()["groups"]["learning_rules"]]
    assert "PopulationThreeFactorRule" in names
    cfg = PopulationThreeFactorRuleConfig(eta=0.3, tau_e=40.0, post="unit")
    cfg.to_file(tmp_path / "rule.scfg")
    assert PopulationThreeFactorRuleConfig.from_file(tmp_path / "rule.scfg") == cfg
