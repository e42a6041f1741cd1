"""spark.core.introspection on plain NNX modules (independent of spark.lowlevel's classes)."""

import jax.numpy as jnp
import pytest
from flax import nnx

from spark.core import introspection
from spark.core.variables import Constant, Parameter, SimulationParameter, Variable


class Leaf(nnx.Module):
    def __init__(self):
        self.w = Parameter(jnp.ones(2), family="weights")
        self.tau = Parameter(jnp.full(2, 0.02), family="taus")
        self.v = Variable(jnp.zeros(2))
        self.dt = SimulationParameter(jnp.asarray(1e-3))


class Tree(nnx.Module):
    def __init__(self):
        self.a = Leaf()
        self.layers = nnx.List([Leaf(), Leaf()])
        self.mask = Constant(jnp.ones(2))


def test_collect_by_kind_and_family():
    tree = Tree()
    params = introspection.collect(tree, Parameter)
    assert set(params) == {"a", "layers"} and set(params["layers"]) == {"0", "1"}
    assert set(params["a"]) == {"w", "tau"}
    assert introspection.collect(tree, Parameter, family="taus") == {
        "a": {"tau": params["a"]["tau"]},
        "layers": {"0": {"tau": params["layers"]["0"]["tau"]}, "1": {"tau": params["layers"]["1"]["tau"]}},
    }
    assert set(introspection.collect(tree, Parameter, family=("taus", "weights"))["a"]) == {"w", "tau"}
    assert set(introspection.collect(tree, Constant)) == {"a", "layers", "mask"}  # SimulationParameter too
    assert set(introspection.collect(tree, Variable)["a"]) == {"v"}
    variables = introspection.collect(tree, Variable, values=False)
    assert isinstance(variables["a"]["v"], Variable)


def test_shared_variables_are_listed_once():
    tree = Tree()
    tree.b = tree.a
    paths = [p for p, _ in introspection.iter_variables(tree, Parameter)]
    assert len(paths) == 6 and ("a", "w") in paths


def test_assign_writes_values_and_refuses_unknown_names():
    tree = Tree()
    introspection.assign(tree, {"a": {"w": jnp.zeros(2)}, "layers": {"1": {"v": jnp.ones(2)}}})
    assert float(tree.a.w[...].sum()) == 0.0 and float(tree.layers[1].v[...].sum()) == 2.0
    with pytest.raises(ValueError, match=r"Tree\.a: no attribute 'tua' to set \(did you mean 'tau'\?\)"):
        introspection.assign(tree, {"a": {"tua": 1.0}})
    with pytest.raises(
        ValueError, match=r"Tree\.mask is a Constant, which cannot be set here \(allowed kinds: Parameter\)"
    ):
        introspection.assign(tree, {"mask": jnp.zeros(2)}, kinds=Parameter)
