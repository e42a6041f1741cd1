"""Pin the public names of spark.lowlevel and the Rockpool-style alias modules."""

import spark.lowlevel as ll
from spark.lowlevel import parameters as ll_parameters
from spark.lowlevel.nn import modules as ll_modules

PUBLIC = {
    "Module", "Parameter", "State", "SimulationParameter", "Constant", "Rate", "RateJax", "LIF", "LIFJax",
    "Linear", "LinearJax", "ExpSyn", "ExpSynJax", "Sequential", "Residual", "TimedModule", "TSContinuous",
    "TSEvent",
}  # fmt: skip


def test_public_names():
    assert set(ll.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(ll, name) is not None


def test_rockpool_paths():
    assert ll_parameters.Parameter is ll.Parameter and ll_parameters.Constant is ll.Constant
    assert ll_modules.RateJax is ll.RateJax and ll_modules.Module is ll.Module
    assert issubclass(ll.Rate, ll.RateJax) and issubclass(ll.LIF, ll.LIFJax)


def test_kinds_extend_the_core_kinds():
    from spark.core import variables as core

    assert issubclass(ll.Parameter, core.Parameter)
    assert issubclass(ll.State, core.Variable)
    assert issubclass(ll.SimulationParameter, core.SimulationParameter)
    assert issubclass(ll.Constant, core.Constant)
