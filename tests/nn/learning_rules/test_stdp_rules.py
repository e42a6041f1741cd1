"""Closed-form plasticity windows of the pair, triplet and three-factor STDP rules."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.learning_rules import STDPRule, ThreeFactorRule, TripletSTDPRule

W0 = 0.5


def train(
    rule, pre_steps: set[int], post_steps: set[int], n_steps: int, modulation=None, w0: float = W0
) -> float:
    """Drive one synapse with spikes at the given steps; return the final weight."""
    kernel = spark.FloatArray(jnp.full((1, 1), w0, jnp.float32))
    for n in range(n_steps):
        kw = (
            {}
            if modulation is None
            else {"modulation": spark.FloatArray(jnp.asarray(modulation(n), jnp.float32))}
        )
        kernel = rule(
            pre_spikes=spark.SpikeArray(jnp.full((1,), float(n in pre_steps))),
            post_spikes=spark.SpikeArray(jnp.full((1,), float(n in post_steps))),
            kernel=kernel,
            **kw,
        )["kernel"]
    return float(kernel.value[0, 0])


@pytest.mark.parametrize(("dt", "k"), [(1.0, 1), (1.0, 7), (0.5, 4)])
def test_pair_stdp_window(dt: float, k: int) -> None:
    cfg = dict(A_plus=0.02, A_minus=0.03, tau_plus=15.0, tau_minus=25.0, dt=dt)
    delay = k * dt
    ltp = train(STDPRule(**cfg), pre_steps={1}, post_steps={1 + k}, n_steps=k + 3) - W0
    assert ltp == pytest.approx(0.02 * np.exp(-delay / 15.0), rel=1e-5)
    ltd = train(STDPRule(**cfg), pre_steps={1 + k}, post_steps={1}, n_steps=k + 3) - W0
    assert ltd == pytest.approx(-0.03 * np.exp(-delay / 25.0), rel=1e-5)


def test_pair_stdp_simultaneous_spikes_and_eta() -> None:
    assert train(STDPRule(), {2}, {2}, 4) == pytest.approx(W0)
    assert train(STDPRule(A_plus=0.02, eta=0.5), {0}, {1}, 3) - W0 == pytest.approx(
        0.01 * np.exp(-1 / 20), rel=1e-5
    )


def test_pair_stdp_is_outer_product_over_the_kernel() -> None:
    rule = STDPRule(A_plus=0.1, A_minus=0.0)
    k = spark.FloatArray(jnp.full((2, 3), W0))
    k = rule(
        pre_spikes=spark.SpikeArray(jnp.array([1.0, 0.0, -1.0])),
        post_spikes=spark.SpikeArray(jnp.zeros(2)),
        kernel=k,
    )["kernel"]
    k = rule(
        pre_spikes=spark.SpikeArray(jnp.zeros(3)),
        post_spikes=spark.SpikeArray(jnp.array([0.0, 1.0])),
        kernel=k,
    )["kernel"]
    dw = np.asarray(k.value) - W0
    expected = 0.1 * np.exp(-1 / 20) * np.outer([0, 1], [1, 0, 1])  # an inhibitory (-1) spike counts too
    np.testing.assert_allclose(dw, expected, rtol=1e-5, atol=1e-7)


def test_triplet_extra_potentiation() -> None:
    cfg = dict(A2_plus=0.01, A3_plus=0.02, A2_minus=0.0, A3_minus=0.0, tau_plus=16.8, tau_y=114.0)
    k1, k2 = 5, 15  # pre at 0, post at k1 and k2
    dw = train(TripletSTDPRule(**cfg), pre_steps={0}, post_steps={k1, k2}, n_steps=k2 + 2) - W0
    first = 0.01 * np.exp(-k1 / 16.8)
    second = np.exp(-k2 / 16.8) * (0.01 + 0.02 * np.exp(-(k2 - k1) / 114.0))
    assert dw == pytest.approx(first + second, rel=1e-5)
    pair_only = train(TripletSTDPRule(**{**cfg, "A3_plus": 0.0}), {0}, {k1, k2}, k2 + 2) - W0
    assert dw > pair_only > 0


def test_triplet_depression_and_default_minimal_model() -> None:
    cfg = dict(A2_minus=0.01, A3_minus=0.005, tau_minus=33.7, tau_x=101.0, A2_plus=0.0, A3_plus=0.0)
    dw = train(TripletSTDPRule(**cfg), pre_steps={0, 4}, post_steps={2}, n_steps=6) - W0
    assert dw == pytest.approx(-np.exp(-2 / 33.7) * (0.01 + 0.005 * np.exp(-4 / 101.0)), rel=1e-5)
    minimal = TripletSTDPRule.get_config_spec()()
    assert (minimal.A2_plus, minimal.A3_minus, minimal.A3_plus, minimal.A2_minus, minimal.tau_y) == (
        0.0,
        0.0,
        6.5e-3,
        7.1e-3,
        114.0,
    )


def test_three_factor_needs_modulation() -> None:
    cfg = dict(A_plus=0.1, A_minus=0.1, eta=1.0)
    assert train(ThreeFactorRule(**cfg), {0}, {2}, 10) == W0
    assert train(ThreeFactorRule(**cfg), {0}, {2}, 10, modulation=lambda n: 0.0) == W0


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_three_factor_closed_form_and_sign_follows_modulation(dt: float) -> None:
    cfg = dict(A_plus=0.1, A_minus=0.1, tau_plus=20.0, tau_e=50.0, eta=0.5, dt=dt, w_max=10.0)
    # pairing at steps 0 -> 2 tags the synapse; a modulation pulse at step 6 converts the tag
    pulse = lambda sign: lambda n: sign if n == 6 else 0.0  # noqa: E731
    tag = 0.1 * np.exp(-2 * dt / 20.0) * np.exp(-(6 - 2) * dt / 50.0)
    up = train(ThreeFactorRule(**cfg), {0}, {2}, 8, modulation=pulse(1.0)) - W0
    down = train(ThreeFactorRule(**cfg), {0}, {2}, 8, modulation=pulse(-2.0)) - W0
    assert up == pytest.approx(0.5 * dt * 1.0 * tag, rel=1e-5)
    assert down == pytest.approx(0.5 * dt * -2.0 * tag, rel=1e-5)
    # post-before-pre tags negatively: positive modulation then depresses
    anti = train(ThreeFactorRule(**cfg), {2}, {0}, 8, modulation=pulse(1.0)) - W0
    assert anti < 0


def test_three_factor_per_unit_modulation() -> None:
    rule = ThreeFactorRule(A_plus=0.1, eta=1.0)
    k = spark.FloatArray(jnp.full((2, 1), W0))
    k = rule(pre_spikes=spark.SpikeArray(jnp.ones(1)), post_spikes=spark.SpikeArray(jnp.zeros(2)), kernel=k)[
        "kernel"
    ]
    k = rule(
        pre_spikes=spark.SpikeArray(jnp.zeros(1)),
        post_spikes=spark.SpikeArray(jnp.ones(2)),
        kernel=k,
        modulation=spark.FloatArray(jnp.array([1.0, 0.0])),
    )["kernel"]
    w = np.asarray(k.value)[:, 0]
    assert w[0] > W0 and w[1] == W0
    with pytest.raises(
        ValueError,
        match=r"modulation of shape \(3,\) must be a scalar or have one value per "
        r"postsynaptic unit \(2\)",
    ):
        rule(
            pre_spikes=spark.SpikeArray(jnp.zeros(1)),
            post_spikes=spark.SpikeArray(jnp.ones(2)),
            kernel=k,
            modulation=spark.FloatArray(jnp.ones(3)),
        )


def test_rule_leaves_untouched_weights_outside_the_bounds_alone():
    import jax.numpy as jnp

    import spark

    rule = spark.nn.learning_rules.STDPRule(w_min=0.0, w_max=1.0)
    kernel = spark.FloatArray(jnp.array([[3.0, 0.5]]))
    out = rule(pre_spikes=spark.SpikeArray(jnp.array([0.0, 1.0])), post_spikes=spark.SpikeArray(jnp.array([1.0])),
               kernel=kernel)["kernel"].value
    assert float(out[0, 0]) == 3.0  # no pre spike on input 0: unchanged, not clipped to w_max
    assert 0.0 <= float(out[0, 1]) <= 1.0
