"""LIFJax against an independent NumPy loop of its equations, closed forms, jit == eager, gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from spark.lowlevel import LIF, LIFJax


def lif_reference(x, tau_mem, tau_syn, bias, threshold, dt, w_rec=None, max_spikes=2.0**16):
    """Plain NumPy loop over time (float64) of the documented discrete update."""
    n_b, n_t, n_in = x.shape
    n_out = tau_mem.shape[0]
    n_syn = n_in // n_out
    alpha, beta = np.exp(-dt / tau_mem), np.exp(-dt / tau_syn)
    i = np.zeros((n_b, n_out, n_syn))
    v = np.zeros((n_b, n_out))
    s = np.zeros((n_b, n_out))
    spikes, vmem = np.zeros((n_b, n_t, n_out)), np.zeros((n_b, n_t, n_out))
    for t in range(n_t):
        rec = 0.0 if w_rec is None else (s @ w_rec).reshape(n_b, n_out, n_syn)
        i = beta * i + x[:, t].reshape(n_b, n_out, n_syn) + rec
        v = alpha * v + (1 - alpha) * (i.sum(-1) + bias)
        s = np.clip(np.floor(v / threshold), 0, max_spikes)
        v = v - s * threshold
        spikes[:, t], vmem[:, t] = s, v
    return spikes, vmem, i


@pytest.mark.parametrize("dt", [1e-3, 5e-4])
@pytest.mark.parametrize("has_rec", [False, True])
def test_matches_numpy_reference(dt, has_rec):
    rng = np.random.default_rng(1)
    n_out, n_syn, n_b, n_t = 3, 2, 2, 30
    tau_mem = rng.uniform(0.01, 0.03, n_out)
    tau_syn = rng.uniform(0.002, 0.01, (n_out, n_syn))
    bias, threshold = rng.uniform(0, 0.5, n_out), rng.uniform(0.5, 1.5, n_out)
    w_rec = rng.normal(0, 0.5, (n_out, n_out * n_syn)) if has_rec else None
    x = rng.uniform(0, 2, (n_b, n_t, n_out * n_syn))
    mod = LIFJax(
        (n_out * n_syn, n_out), tau_mem, tau_syn, bias, threshold, w_rec=w_rec, dt=dt, max_spikes_per_dt=3
    )
    out, state, rec = mod(x, record=True)
    ref_s, ref_v, ref_i = lif_reference(x, tau_mem, tau_syn, bias, threshold, dt, w_rec, max_spikes=3)
    assert ref_s.sum() > 5  # the comparison is about spiking dynamics
    np.testing.assert_array_equal(out, ref_s)
    np.testing.assert_allclose(rec["vmem"], ref_v, atol=1e-4)
    np.testing.assert_allclose(state["isyn"], ref_i, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(state["spikes"], ref_s[:, -1])
    assert set(rec) == ({"spikes", "isyn", "vmem", "irec"} if has_rec else {"spikes", "isyn", "vmem"})


@pytest.mark.parametrize("dt", [1e-3, 2e-4])
def test_first_spike_time_closed_form(dt):
    # No input, constant bias b: V_t = b (1 - alpha^t) until the first spike at t* = ceil(ln(1 - θ/b) / ln α)
    tau, b, theta = 0.02, 2.0, 1.0
    mod = LIFJax(1, tau_mem=tau, bias=b, threshold=theta, dt=dt)
    spikes, _, rec = mod(np.zeros((100, 1)), record=True)  # one shape for both dt: one compilation
    first = int(np.argmax(np.asarray(spikes)[0, :, 0])) + 1
    expected = int(np.ceil(np.log(1 - theta / b) / (-dt / tau)))
    assert first == expected
    t = np.arange(1, first)
    np.testing.assert_allclose(rec["vmem"][0, : first - 1, 0], b * (1 - np.exp(-dt / tau) ** t), rtol=1e-5)


def test_max_spikes_and_subtractive_reset():
    mod = LIFJax(1, tau_mem=1e-6, bias=0.0, threshold=1.0, max_spikes_per_dt=2)
    spikes, state, _ = mod(np.array([[3.7]]))
    assert float(spikes[0, 0, 0]) == 2.0  # floor(3.7) = 3 clipped to 2
    np.testing.assert_allclose(state["vmem"], [3.7 - 2.0], rtol=1e-5)


def test_feedforward_has_no_recurrent_work():
    ffwd, rec = LIFJax(4), LIFJax(4, has_rec=True)
    assert "w_rec" not in ffwd.parameters() and "w_rec" in rec.parameters()
    x = jnp.ones((5, 4))
    jaxpr_ffwd = str(jax.make_jaxpr(lambda m, x: m.evolve(x)[0])(ffwd, x))
    jaxpr_rec = str(jax.make_jaxpr(lambda m, x: m.evolve(x)[0])(rec, x))
    assert "dot_general" not in jaxpr_ffwd
    assert "dot_general" in jaxpr_rec


def test_jit_equals_eager():
    # The same call traced with the module as a jit argument, and dispatched from Python.
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 2, (2, 30, 6))
    mod = LIFJax((6, 3), has_rec=True, tau_syn=0.005)
    copy = jax.tree_util.tree_map(lambda a: a, mod)

    @jax.jit
    def run(m, x):
        out, _, rec = m(x, record=True)
        return out, rec, m

    out_jit, rec_jit, after = run(mod, x)
    out_eager, _, rec_eager = copy(x, record=True)
    assert np.asarray(out_eager).sum() > 0
    np.testing.assert_array_equal(out_jit, out_eager)
    np.testing.assert_allclose(rec_jit["vmem"], rec_eager["vmem"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(after.vmem[...], copy.vmem[...], rtol=1e-6, atol=1e-6)
    assert mod.vmem.shape == (3,) and after.vmem.shape == (2, 3)  # the argument itself is unchanged


def test_grads_nonzero_for_every_parameter():
    rng = np.random.default_rng(3)
    mod = LIFJax((4, 2), has_rec=True, tau_syn=0.005, w_rec=rng.normal(0, 0.5, (2, 4)))
    x = jnp.asarray(rng.uniform(0, 3, (2, 20, 4)), jnp.float32)

    def loss(m, x):
        out, _, _ = m(x)
        return jnp.sum(out * jnp.arange(1.0, 3.0))

    grads = jax.grad(loss)(mod, x)
    flat = jax.tree_util.tree_leaves(grads.parameters())
    names = list(grads.parameters())
    assert set(names) == {"tau_mem", "tau_syn", "bias", "threshold", "w_rec"}
    for name, g in zip(names, flat, strict=True):
        assert np.all(np.isfinite(g)) and np.any(np.asarray(g) != 0), name


def test_noise_is_reproducible_for_a_seed():
    x = np.zeros((10, 3))
    a = LIFJax(3, noise_std=0.5, rng_seed=7)
    b = LIFJax(3, noise_std=0.5, rng_seed=7)
    first = a(x, record=True)[2]["vmem"]
    np.testing.assert_array_equal(first, b(x, record=True)[2]["vmem"])
    assert np.std(np.asarray(first)) > 0.01
    assert "rng_key" in a.state() and "rng_key" not in LIFJax(3).state()
    a.reset_state()  # the key comes back too: the same draw again
    np.testing.assert_array_equal(a(x, record=True)[2]["vmem"], first)
    assert not np.array_equal(a(x, record=True)[2]["vmem"], first)  # the key advanced: a new draw


def test_shape_errors():
    with pytest.raises(ValueError, match=r"N_in a multiple of N_out, got \(5, 2\)"):
        LIFJax((5, 2))
    assert LIF(3).shape == (3, 3) and LIF(3).class_name == "LIF"
