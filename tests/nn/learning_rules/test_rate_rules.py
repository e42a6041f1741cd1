"""Hebbian and Oja rules: direction of change, bounds, layouts."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn.learning_rules import HebbianRule, OjaRule, STDPRule


def step(rule, pre, post, kernel):
    return rule(
        pre_spikes=spark.SpikeArray(jnp.asarray(pre, jnp.float32)),
        post_spikes=spark.SpikeArray(jnp.asarray(post, jnp.float32)),
        kernel=spark.FloatArray(jnp.asarray(kernel, jnp.float32)),
    )["kernel"].value


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_hebbian_first_step_is_eta_dt_outer_product(dt: float) -> None:
    rule = HebbianRule(eta=0.1, dt=dt)
    w = step(rule, [1, 0, -1], [1, 0], np.full((2, 3), 0.5))
    np.testing.assert_allclose(
        np.asarray(w) - 0.5, 0.1 * dt * np.outer([1, 0], [1, 0, 1]), rtol=1e-6, atol=1e-7
    )


def test_hebbian_grows_only_correlated_weights_and_respects_w_max() -> None:
    rule = HebbianRule(eta=0.05, w_max=1.0)
    w = np.full((1, 2), 0.5, np.float32)
    for n in range(40):
        w = step(rule, [1, 0], [float(n % 2 == 0)], w)
    w = np.asarray(w)
    assert w[0, 1] == 0.5  # the silent input keeps its weight
    assert w[0, 0] == 1.0  # the co-active input grew to the bound


def test_oja_relaxes_towards_x_over_y() -> None:
    # pre and post both spike every step with equal time constants: x = y, fixed point w = 1
    rule = OjaRule(eta=0.01)
    w = np.array([[0.2, 1.8]], np.float32)
    first = np.asarray(step(rule, [1, 1], [1], w))
    assert first[0, 0] > 0.2 and first[0, 1] < 1.8
    for _ in range(300):
        w = step(rule, [1, 1], [1], w)
    np.testing.assert_allclose(np.asarray(w), [[1.0, 1.0]], atol=1e-3)


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_oja_first_step_is_the_exact_solution(dt: float) -> None:
    rule = OjaRule(eta=0.2, dt=dt)
    w = np.asarray(step(rule, [0, 1], [1, 0], [[0.5, 0.5], [0.5, 0.5]]))
    gamma = np.exp(-0.2 * dt)  # y = 1 after one spike
    np.testing.assert_allclose(w[0], [0.5 * gamma, 0.5 * gamma + (1 - gamma)], rtol=1e-6)
    np.testing.assert_allclose(w[1], [0.5, 0.5])  # a silent unit keeps its weights


@pytest.mark.parametrize("cls", [HebbianRule, OjaRule, STDPRule])
def test_weights_stay_in_bounds(cls: type) -> None:
    rule = cls(eta=1e3, w_min=0.1, w_max=0.9)
    rng = np.random.default_rng(0)
    w = rng.uniform(0.1, 0.9, (3, 4)).astype(np.float32)
    for _ in range(6):
        w = step(rule, rng.random(4) < 0.5, rng.random(3) < 0.5, w)
        assert np.asarray(w).min() >= 0.1 and np.asarray(w).max() <= 0.9


def test_per_synapse_pre_spikes_match_the_flat_layout() -> None:
    flat, per = STDPRule(A_plus=0.1), STDPRule(A_plus=0.1)
    w = np.full((2, 3), 0.5, np.float32)
    seq = [([1, 0, 1], [0, 0]), ([0, 0, 0], [1, 1]), ([0, 1, 0], [0, 1])]
    wf, wp = w, w
    for pre, post in seq:
        wf = step(flat, pre, post, wf)
        wp = step(per, np.tile(pre, (2, 1)), post, wp)  # every unit sees the same delayed copy
    assert per.pre_shape == (2, 3) and flat.pre_shape == (3,)
    np.testing.assert_allclose(np.asarray(wf), np.asarray(wp), rtol=1e-6)
