"""What ``spark.split`` puts in the graph and what in the state, and that nothing a step does is lost."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark

KERNEL = "synapses/kernel"


def neuron(plastic: bool) -> spark.nn.Module:
    rule = spark.nn.learning_rules.STDPRuleConfig() if plastic else None
    cfg = spark.nn.neurons.LIFNeuronConfig(_s_units=(8,), learning_rule=rule, seed=3)
    n = spark.nn.neurons.LIFNeuron(config=cfg)
    n(in_spikes=spark.SpikeArray(jnp.zeros((12,), jnp.float32)))
    return n


def spikes(t: int) -> spark.SpikeArray:
    rng = np.random.default_rng(t)
    return spark.SpikeArray(jnp.asarray(rng.random(12) < 0.5, jnp.float32))


@jax.jit
def run_model(graph, state, x):
    model = spark.merge(graph, state)
    out = model(in_spikes=x)
    _, state = spark.split(model)
    return out, state


def test_weights_without_a_learning_rule_travel_in_the_graph_not_the_state():
    graph, state = spark.split(neuron(plastic=False))
    assert graph.fixed_keys() == [KERNEL]
    assert KERNEL not in state and "soma/potential" in state
    out, new = run_model(graph, state, spikes(0))
    assert set(new) == set(state)  # the jitted step returns only what it changes
    _, full = spark.split(neuron(plastic=False), constants_in_state=True)
    assert KERNEL in full


def test_plastic_weights_stay_in_the_state():
    n = neuron(plastic=True)
    fixed = n.step_fixed_paths()
    assert ("synapses", "kernel") not in fixed and ("soma", "potential") not in fixed
    graph, state = spark.split(n)
    assert KERNEL in state and KERNEL not in graph.fixed_keys()


def test_graph_leaves_give_the_same_spikes_as_a_full_state():
    a, b = neuron(plastic=False), neuron(plastic=False)
    ga, sa = spark.split(a)
    gb, sb = spark.split(b, fixed_in_state=True)
    assert KERNEL in sb
    for t in range(30):
        oa, sa = run_model(ga, sa, spikes(t))
        ob, sb = run_model(gb, sb, spikes(t))  # entered through the state: stays in the state
        assert set(sb) == set(gb.keys())
        np.testing.assert_array_equal(oa["out_spikes"].value, ob["out_spikes"].value)
    assert sum(float(v) for v in sa["soma/potential"]) != 0.0


def test_a_fixed_weight_changed_inside_jit_moves_to_the_state_and_is_kept():
    graph, state = spark.split(neuron(plastic=False))

    @jax.jit
    def scale(graph, state):
        model = spark.merge(graph, state)
        model.synapses.kernel.value = model.synapses.kernel.value * 2.0
        return spark.split(model)[1]

    new = scale(graph, state)
    np.testing.assert_allclose(np.asarray(new[KERNEL]), 2.0 * np.asarray(graph.fixed[0]))
    merged = spark.merge(graph, new)  # the state's entry wins over the graph's copy
    np.testing.assert_allclose(np.asarray(merged.synapses.kernel.value), np.asarray(new[KERNEL]))


def test_gradients_through_a_full_split_reach_the_fixed_weights():
    graph, state = spark.split(neuron(plastic=False), fixed_in_state=True)

    def loss(kernel):
        model = spark.merge(graph, {**state, KERNEL: kernel})
        model(in_spikes=spikes(0))
        return jnp.sum(model.synapses.current.value ** 2)

    grad = jax.grad(loss)(state[KERNEL])
    assert grad.shape == (8, 12) and float(jnp.abs(grad).sum()) > 0


def test_split_graph_is_a_pytree_with_the_fixed_values_as_leaves():
    graph, _ = spark.split(neuron(plastic=False))
    leaves, treedef = jax.tree_util.tree_flatten(graph)
    assert len(leaves) == 1 and leaves[0].shape == (8, 12)
    again = jax.tree_util.tree_unflatten(treedef, leaves)
    assert again == graph and hash(again) == hash(graph)


def test_merge_without_the_state_entry_names_it():
    graph, state = spark.split(neuron(plastic=False))
    state.pop("soma/potential")
    with pytest.raises(KeyError, match="soma/potential"):
        spark.merge(graph, state)
