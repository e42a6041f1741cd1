"""The examples of the Rockpool low-level API page, run as written with imports pointed at spark.lowlevel."""

import numpy as np
import pytest

from spark.lowlevel import Module, Parameter, Rate, RateJax


class ffwd_net(Module):  # noqa: N801 - name as in the seed page
    def __init__(self, shape, *args, **kwargs):
        super().__init__(shape=shape, *args, **kwargs)  # noqa: B026 - as written in the seed
        self.w_ffwd = Parameter(shape=self.shape, init_func=lambda s: np.zeros(s), family="weights")
        self.neurons = RateJax(self.shape[-1])

    def evolve(self, input_data, *args, **kwargs):
        x = input_data @ self.w_ffwd
        x, _, _ = self.neurons(x)
        return x, {}, {}


def test_construct_and_print(capsys):
    mod = Rate(4)
    print(mod)
    mod = Rate(4, tau=np.ones(4))
    print(mod)
    assert capsys.readouterr().out == "Rate with shape (4,)\nRate with shape (4,)\n"
    np.testing.assert_array_equal(mod.tau[...], np.ones(4))


def test_evolve_and_record():
    mod = Rate(4, tau=np.ones(4))
    T = 5
    input = np.random.default_rng(0).random((T, mod.size_in))
    output, _, _ = mod(input)
    assert output.shape == (1, 5, 4)
    output, _, recorded_state = mod(input, record=True)
    assert recorded_state["x"].shape == (1, 5, 4)


def test_ffwd_net_print_and_inspect():
    my_mod = ffwd_net((4, 6))
    assert " ".join(str(my_mod).split()) == "ffwd_net with shape (4, 6) { RateJax 'neurons' with shape (6,) }"
    params = my_mod.parameters()
    assert set(params) == {"w_ffwd", "neurons"}
    assert set(params["neurons"]) == {"tau", "bias", "threshold"}
    np.testing.assert_array_equal(params["w_ffwd"], np.zeros((4, 6)))
    np.testing.assert_allclose(params["neurons"]["tau"], np.full(6, 0.02))
    assert set(my_mod.state()) == {"neurons"}
    assert set(my_mod.state()["neurons"]) == {"x"}
    assert set(my_mod.parameters("taus")) == {"neurons"}
    assert set(my_mod.parameters("taus")["neurons"]) == {"tau"}
    assert set(my_mod.parameters("weights")) == {"w_ffwd"}
    assert str(my_mod.w_ffwd) == str(np.zeros((4, 6), np.float32))
    assert str(my_mod.neurons.tau) == str(np.full(6, 0.02, np.float32))


def test_ffwd_net_evolves():
    my_mod = ffwd_net((4, 6))
    out, state, record = my_mod(np.ones((3, 4)))
    assert out.shape == (1, 3, 6)
    assert (state, record) == ({}, {})


@pytest.mark.parametrize("shape", [(4, 6), (2, 3)])
def test_submodule_name(shape):
    my_mod = ffwd_net(shape)
    assert my_mod.name is None and my_mod.full_name == "ffwd_net"
    assert my_mod.neurons.name == "neurons" and my_mod.neurons.full_name == "RateJax 'neurons'"
    assert my_mod.size_in == shape[0] and my_mod.size_out == shape[1]
