"""Sequential and Residual: shapes, names, state plumbing, errors; LinearJax and ExpSynJax closed forms."""

import numpy as np
import pytest

from spark.lowlevel import ExpSyn, ExpSynJax, LIFJax, Linear, LinearJax, RateJax, Residual, Sequential


def test_linear_closed_form():
    w, b = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 0.5])
    lin = LinearJax((2, 3), weight=w, bias=b)
    x = np.random.default_rng(7).normal(size=(2, 4, 2))
    out, state, rec = lin(x, record=True)
    np.testing.assert_allclose(out, x @ w + b, rtol=1e-6)
    assert (state, rec) == ({}, {})
    assert set(lin.parameters()) == {"weight", "bias"}
    assert set(LinearJax((2, 3)).parameters()) == {"weight"}
    assert Linear((2, 3)).class_name == "Linear"


@pytest.mark.parametrize("dt", [1e-3, 5e-3])
def test_expsyn_closed_form(dt):
    tau = np.array([0.01, 0.02])
    syn = ExpSynJax(2, tau=tau, dt=dt)
    x = np.zeros((30, 2))
    x[0] = [1.0, 2.0]
    out, state, _ = syn(x)
    t = np.arange(30)[:, None]
    np.testing.assert_allclose(out[0], [1.0, 2.0] * np.exp(-t * dt / tau), rtol=1e-5)
    np.testing.assert_allclose(state["isyn"], out[0, -1], rtol=1e-6)
    assert ExpSyn(2).spiking_input and not ExpSyn(2).spiking_output


def test_sequential_names_shape_and_state():
    net = Sequential(LinearJax((3, 4)), LIFJax(4), ExpSynJax(4))
    assert net.shape == (3, 4, 4, 4) and net.size_in == 3 and net.size_out == 4
    assert list(net.modules()) == ["0_LinearJax", "1_LIFJax", "2_ExpSynJax"]
    assert net[1] is net.modules()["1_LIFJax"] and len(net) == 3
    assert not net.spiking_input and not net.spiking_output
    out, state, rec = net(np.ones((2, 10, 3)), record=True)
    assert out.shape == (2, 10, 4)
    assert set(state) == {"1_LIFJax", "2_ExpSynJax"}
    assert net[1].vmem.shape == (2, 4)  # __call__ wrote the batched state back into the submodule
    assert set(rec) >= {"1_LIFJax", "1_LIFJax_output"} and rec["1_LIFJax"]["vmem"].shape == (2, 10, 4)
    assert set(net.parameters()["1_LIFJax"]) == {"tau_mem", "tau_syn", "bias", "threshold"}
    assert net(np.ones((2, 10, 3)))[2] == {}


def test_sequential_from_mapping_and_errors():
    net = Sequential({"inp": LinearJax((2, 3)), "out": RateJax(3)})
    assert list(net.modules()) == ["inp", "out"] and net.out.name == "out"
    with pytest.raises(
        ValueError, match=r"Sequential: '0_LinearJax' outputs 3 channels but '1_RateJax' expects 4"
    ):
        Sequential(LinearJax((2, 3)), RateJax(4))
    with pytest.raises(ValueError, match="give at least one module"):
        Sequential()
    with pytest.raises(TypeError, match=r"'0_int' is a int, not a spark.lowlevel Module"):
        Sequential(3)


def test_residual_adds_the_input():
    w = np.eye(2) * 2.0
    res = Residual(LinearJax((2, 2), weight=w))
    x = np.random.default_rng(8).normal(size=(5, 2))
    np.testing.assert_allclose(res(x)[0][0], 3.0 * x, rtol=1e-6)
    with pytest.raises(ValueError, match="maps 2 channels to 3; a skip connection needs them equal"):
        Residual(LinearJax((2, 3)))


def test_unbatched_input_gives_every_stage_unbatched_state_like_on_its_own():
    from spark.lowlevel import LIFJax, LinearJax, Residual, Sequential

    x = np.random.default_rng(0).random((12, 3)).astype(np.float32)
    lin, lif = LinearJax((3, 4)), LIFJax(4)
    alone_mid, _, _ = lin.evolve(x)
    alone_out, alone_state, _ = lif.evolve(alone_mid[0])
    seq = Sequential(LinearJax((3, 4), weight=lin.weight.value), LIFJax(4))
    out, state, rec = seq.evolve(x, record=True)
    assert out.shape == (1, 12, 4) and rec["0_LinearJax_output"].shape == (1, 12, 4)
    for name, value in alone_state.items():
        assert state["1_LIFJax"][name].shape == value.shape  # (4,), not (1, 4)
        np.testing.assert_allclose(state["1_LIFJax"][name], value, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, alone_out, rtol=1e-5, atol=1e-6)
    res = Residual(LinearJax((4, 4)), LIFJax(4))
    y, res_state, _ = res.evolve(x[:, :1].repeat(4, axis=1))
    assert y.shape == (1, 12, 4) and res_state["1_LIFJax"]["vmem"].shape == (4,)
    _, batched_state, _ = res.evolve(np.stack([x[:, :1].repeat(4, axis=1)] * 2))
    assert batched_state["1_LIFJax"]["vmem"].shape == (2, 4)
