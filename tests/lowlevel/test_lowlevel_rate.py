"""RateJax against an independent NumPy loop of its forward-Euler update; gradients; Constant freezing."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from spark.lowlevel import Constant, Rate, RateJax


def rate_reference(u, tau, bias, threshold, dt, w_rec=None):
    n_b, n_t, n = u.shape
    x = np.zeros((n_b, n))
    xs, ys = np.zeros((n_b, n_t, n)), np.zeros((n_b, n_t, n))
    for t in range(n_t):
        rec = 0.0 if w_rec is None else np.maximum(x - threshold, 0) @ w_rec
        x = x + dt / tau * (-x + bias + u[:, t] + rec)
        xs[:, t], ys[:, t] = x, np.maximum(x - threshold, 0)
    return ys, xs


@pytest.mark.parametrize("dt", [1e-3, 4e-3])
@pytest.mark.parametrize("has_rec", [False, True])
def test_matches_numpy_reference(dt, has_rec):
    rng = np.random.default_rng(4)
    n, n_b, n_t = 3, 2, 25
    tau, bias, threshold = rng.uniform(0.01, 0.05, n), rng.normal(0, 0.5, n), rng.uniform(0, 0.2, n)
    w_rec = rng.normal(0, 0.5, (n, n)) if has_rec else None
    u = rng.normal(1.0, 1.0, (n_b, n_t, n))
    mod = RateJax(n, tau=tau, bias=bias, threshold=threshold, w_rec=w_rec, dt=dt)
    y, state, rec = mod(u, record=True)
    ref_y, ref_x = rate_reference(u, tau, bias, threshold, dt, w_rec)
    np.testing.assert_allclose(y, ref_y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rec["x"], ref_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state["x"], ref_x[:, -1], rtol=1e-5, atol=1e-6)
    assert set(rec) == ({"x", "rec_input"} if has_rec else {"x"})
    assert ("w_rec" in mod.parameters()) == has_rec


def test_steady_state_closed_form():
    # Constant input u: x_t = (b + u)(1 - (1 - dt/tau)^t)
    mod = RateJax(1, tau=0.01, bias=0.5, dt=1e-3)
    _, _, rec = mod(np.full((25, 1), 1.5), record=True)
    t = np.arange(1, 26)
    np.testing.assert_allclose(rec["x"][0, :, 0], 2.0 * (1 - 0.9**t), rtol=1e-5)


def test_grads_nonzero_for_every_parameter():
    rng = np.random.default_rng(5)
    mod = RateJax(3, has_rec=True, w_rec=rng.normal(0, 0.3, (3, 3)), threshold=0.05)
    x = jnp.asarray(rng.uniform(0.5, 1.5, (2, 25, 3)), jnp.float32)

    def loss(m, x):
        return jnp.sum(m(x)[0] ** 2)

    grads = jax.jit(jax.grad(loss))(mod, x).parameters()
    assert set(grads) == {"tau", "bias", "threshold", "w_rec"}
    for name, g in grads.items():
        assert np.all(np.isfinite(g)) and np.all(np.asarray(g) != 0), name


def test_constant_freezes_a_parameter():
    mod = Rate(4, tau=Constant(0.05))
    assert "tau" not in mod.parameters()
    np.testing.assert_allclose(mod.simulation_parameters()["tau"], np.full(4, 0.05))
    np.testing.assert_allclose(mod.tau[...], np.full(4, 0.05))


def test_activation_choice_and_error():
    assert RateJax(2, activation_func="tanh")._activation is jnp.tanh
    with pytest.raises(
        ValueError, match=r"unknown activation_func 'relu6'; use one of \['relu', 'sigmoid', 'tanh'\]"
    ):
        RateJax(2, activation_func="relu6")
    with pytest.raises(ValueError, match=r"RateJax: shape must be N or \(N, N\), got \(2, 3\)"):
        RateJax((2, 3))
