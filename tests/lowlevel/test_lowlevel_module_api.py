"""Module inspection and mutation: parameters/state/simulation_parameters, set_attributes, resets, names."""

import numpy as np
import pytest

from spark.lowlevel import LIFJax, LinearJax, Module, Parameter, RateJax, SimulationParameter, State


class Net(Module):
    def __init__(self):
        super().__init__(shape=(2, 3))
        self.w = Parameter(shape=self.shape, init_func=lambda s: np.ones(s), family="weights")
        self.trace = State(np.zeros(3))
        self.gain = SimulationParameter(2.0)
        self.rate = RateJax(3, tau=0.05)
        self.lif = LIFJax(3)

    def evolve(self, input_data, record=False):
        x = self._auto_batch(input_data)[0] @ self.w[...]
        y, s1, r1 = self.rate.evolve(x, record)
        z, s2, r2 = self.lif.evolve(y, record)
        return z, {"rate": s1, "lif": s2}, ({"rate": r1, "lif": r2} if record else {})


def test_nested_dicts_by_kind_and_family():
    net = Net()
    params = net.parameters()
    assert set(params) == {"w", "rate", "lif"}
    assert set(params["lif"]) == {"tau_mem", "tau_syn", "bias", "threshold"}
    assert net.parameters("weights") == {"w": params["w"]}
    assert set(net.parameters("taus")["lif"]) == {"tau_mem", "tau_syn"}
    assert net.parameters("nonexistent") == {}
    assert set(net.state()) == {"trace", "rate", "lif"} and set(net.state()["lif"]) == {
        "spikes",
        "isyn",
        "vmem",
    }
    assert set(net.simulation_parameters()) == {"gain", "rate", "lif"}
    assert set(net.simulation_parameters()["lif"]) == {"dt", "noise_std", "max_spikes_per_dt"}
    assert list(net.modules()) == ["rate", "lif"]
    assert set(net.attributes_named("dt")) == {"rate", "lif"}
    assert set(net.attributes_named(("bias", "w"))) == {"w", "rate", "lif"}


def test_repr_and_names():
    net = Net()
    assert repr(net) == (
        "Net with shape (2, 3) {\n    RateJax 'rate' with shape (3,)\n    LIFJax 'lif' with shape (3, 3)\n}"
    )
    assert net.lif.name == "lif" and net.lif.class_name == "LIFJax" and net.lif.full_name == "LIFJax 'lif'"
    assert (net.size_in, net.size_out, net.spiking_input, net.spiking_output) == (2, 3, False, False)
    assert net.lif.spiking_output and not net.lif.spiking_input


def test_set_attributes_round_trip_and_resets():
    net = Net()
    new = {"w": np.full((2, 3), 0.5), "lif": {"bias": np.array([1.0, 2.0, 3.0])}}
    assert net.set_attributes(new) is net
    np.testing.assert_array_equal(net.w[...], np.full((2, 3), 0.5))
    np.testing.assert_array_equal(net.parameters()["lif"]["bias"], [1.0, 2.0, 3.0])
    assert net.lif.bias[...].dtype == np.float32
    net.set_attributes({"lif": {"vmem": np.ones(3)}, "trace": np.ones(3)})
    net.reset_state()
    np.testing.assert_array_equal(net.lif.vmem[...], np.zeros(3))
    np.testing.assert_array_equal(net.trace[...], np.zeros(3))
    np.testing.assert_array_equal(net.lif.bias[...], [1.0, 2.0, 3.0])  # reset_state leaves parameters
    net.reset_parameters()
    np.testing.assert_array_equal(net.w[...], np.ones((2, 3)))  # init_func called again
    np.testing.assert_array_equal(net.lif.bias[...], np.zeros(3))  # concrete value restored
    np.testing.assert_allclose(net.rate.tau[...], np.full(3, 0.05))


def test_set_attributes_errors():
    net = Net()
    with pytest.raises(
        ValueError, match=r"Net\.lif: no attribute 'taumem' to set \(did you mean 'tau_mem'\?\)"
    ):
        net.set_attributes({"lif": {"taumem": np.ones(3)}})
    with pytest.raises(ValueError, match=r"Net\.w: cannot set a value of shape \(3, 2\); expected \(2, 3\)"):
        net.set_attributes({"w": np.ones((3, 2))})
    with pytest.raises(ValueError, match=r"Net\.lif is a LIFJax; give a dict of its attributes, not a float"):
        net.set_attributes({"lif": 1.0})


def test_state_may_take_a_batch_axis_but_parameters_may_not():
    net = Net()
    net.set_attributes({"lif": {"vmem": np.ones((4, 3))}})
    assert net.lif.vmem.shape == (4, 3)
    with pytest.raises(ValueError, match=r"expected \(3,\)$"):
        net.set_attributes({"lif": {"bias": np.ones((4, 3))}})


def test_evolve_of_base_class_and_bad_constructor_arguments():
    with pytest.raises(NotImplementedError, match="Module must define evolve"):
        Module(3).evolve(np.zeros((1, 3)))
    with pytest.raises(TypeError, match=r"Module: unexpected keyword arguments \['tau'\]"):
        Module(3, tau=1.0)
    with pytest.raises(ValueError, match=r"Parameter: give `data`, or both `init_func` and `shape`"):
        Parameter(shape=(3,))
    with pytest.raises(ValueError, match=r"data of shape \(2,\) does not fit the required shape \(3,\)"):
        Parameter(np.ones(2), shape=(3,))
    with pytest.raises(TypeError, match="family must be a string"):
        Parameter(np.ones(2), family=["weights"])


def test_nnx_style_set_attributes_still_works():
    lin = LinearJax((2, 2))
    lin.set_attributes(deterministic=True, raise_if_not_found=False)  # NNX keyword form is delegated
    assert "weight" in lin.parameters()


def test_record_false_records_nothing():
    net = Net()
    x = np.ones((5, 2))
    assert net(x)[2] == {}
    assert net(x, record=True)[2]["lif"]["vmem"].shape == (1, 5, 3)
    assert net.rate.evolve(np.ones((5, 3)))[2] == {} and net.lif.evolve(np.ones((5, 3)))[2] == {}
