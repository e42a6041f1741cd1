"""Brain stepping semantics: one step of latency per hop, recurrence, reset, jit == eager, determinism."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from brain_parts import CALL, F, S, drive_spec, out, pm, pool, recurrent_config, relay, threshold

import spark


@jax.jit
def run_model(graph, state, x):
    model = spark.merge(graph, state)
    out = model(drive=x)
    _, state = spark.split(model)
    return out, state


@jax.jit
def retrieve_spikes(graph, state):
    return spark.merge(graph, state).get_spikes_from_cache()


def chain_config(order=("r1", "r2", "r3")) -> spark.nn.BrainConfig:
    specs = {
        "r1": relay("r1", pm(CALL, "drive")),
        "r2": relay("r2", pm("r1", "y")),
        "r3": relay("r3", pm("r2", "y")),
    }
    return spark.nn.BrainConfig(
        input_map={"drive": drive_spec((2,))},
        output_map={name: out(name, "y", (2,)) for name in ("r1", "r2", "r3")},
        modules_map={name: specs[name] for name in order},
    )


def drive(t: int, shape=(2,)) -> spark.FloatArray:
    return F(jnp.full(shape, float(t + 1), jnp.float32))


@pytest.mark.parametrize("order", [("r1", "r2", "r3"), ("r3", "r1", "r2"), ("r3", "r2", "r1")])
def test_each_hop_costs_exactly_one_step_whatever_the_module_order(order):
    brain = spark.nn.Brain(config=chain_config(order))
    got = {name: [] for name in ("r1", "r2", "r3")}
    for t in range(5):
        outs = brain(drive=drive(t))
        for name in got:
            got[name].append(float(outs[name].value[0]))
    # input -> r1 -> output: same step; every module -> module hop: one step later.
    assert got["r1"] == [1, 2, 3, 4, 5]
    assert got["r2"] == [0, 1, 2, 3, 4]
    assert got["r3"] == [0, 0, 1, 2, 3]


def test_constant_drive_through_a_chain_arrives_after_the_hops():
    brain = spark.nn.Brain(config=chain_config())
    first = {}
    for t in range(4):
        outs = brain(drive=F(jnp.ones((2,))))
        for name, payload in outs.items():
            if name not in first and float(payload.value[0]) != 0:
                first[name] = t
    assert first == {"r1": 0, "r2": 1, "r3": 2}


def test_initialization_order_builds_upstream_first_and_uses_contracts_only_in_cycles():
    assert spark.nn.Brain(config=chain_config(("r3", "r2", "r1"))).resolve_initialization_order() == [
        "r1",
        "r2",
        "r3",
    ]
    brain = spark.nn.Brain(config=recurrent_config())
    # pa reads pb and itself; pb reads pa. Only pa promises its outputs, so pb is built first from
    # pa's contract, then pa from pb's actual specs (and its own contract for the self-connection).
    assert brain.resolve_initialization_order() == ["th", "pb", "pa"]


def test_recurrent_brain_runs_and_reads_its_own_previous_spikes():
    brain = spark.nn.Brain(config=recurrent_config())
    outs = [brain(drive=F(jnp.array([1.0, -1.0, 1.0, 1.0]))) for _ in range(12)]
    a = np.stack([np.asarray(o["a"].value) for o in outs])
    both = np.stack([np.asarray(o["both"].value) for o in outs])
    assert outs[0]["a"].value.shape == (6,) and outs[0]["both"].value.shape == (2, 6)
    assert isinstance(outs[0]["a"], spark.SpikeArray)
    assert a[0].sum() == 0  # the threshold's spikes reach pa one step later
    assert a.sum() > 0 and (both[:, 1] <= 0).all() and (both[:, 1] < 0).any()  # pb is inhibitory
    np.testing.assert_array_equal(both[:, 0], a)
    pa = brain.modules["pa"]
    assert pa.get_input_specs()["in_spikes"].shape == (4 + 6 + 6,)  # th (4,), pa (6,), pb (6,) concatenated


def test_several_port_maps_are_flattened_and_concatenated_in_order():
    config = spark.nn.BrainConfig(
        input_map={"a": drive_spec((2,)), "b": drive_spec((1, 3))},
        output_map={
            "ab": {"input": [pm("ra", "y"), pm("rb", "y")], "spec": spark.OutputSpec(F, (5,))},
            "cat": out("cat", "y", (5,)),
        },
        modules_map={
            "ra": relay("ra", pm(CALL, "a")),
            "rb": relay("rb", pm(CALL, "b")),
            "cat": relay("cat", pm(CALL, "b"), pm(CALL, "a")),
        },
    )
    brain = spark.nn.Brain(config=config)
    res = brain(a=F(jnp.array([1.0, 2.0])), b=F(jnp.array([[3.0, 4.0, 5.0]])))
    np.testing.assert_array_equal(res["ab"].value, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(res["cat"].value, [3, 4, 5, 1, 2])


def test_outputs_and_inputs_are_cast_to_their_specs():
    config = chain_config()
    config.output_map["r1"] = out("r1", "y", (1, 2), F, jnp.float16)
    config.input_map["drive"] = drive_spec((2,), jnp.float16)
    brain = spark.nn.Brain(config=config)
    res = brain(drive=F(jnp.array([0.5, 1.5], jnp.float32)))  # float32 given, float16 declared
    assert res["r1"].value.dtype == jnp.float16 and res["r1"].value.shape == (1, 2)
    assert brain.modules["r1"].get_input_specs()["x"].dtype == np.float16


def test_first_call_builds_and_returns_zeros_downstream_of_a_hop():
    brain = spark.nn.Brain(config=recurrent_config())
    res = brain(drive=F(jnp.zeros((4,))))
    assert set(res) == {"a", "both"}
    assert float(jnp.abs(res["both"].value).sum()) == 0.0


def test_spikes_from_cache_cover_every_spiking_module():
    brain = spark.nn.Brain(config=recurrent_config())
    for _ in range(6):
        res = brain(drive=F(jnp.ones((4,))))
    spikes = brain.get_spikes_from_cache()
    assert set(spikes) == {"th", "pa", "pb"}
    assert all(isinstance(v, spark.SpikeArray) for v in spikes.values())
    np.testing.assert_array_equal(spikes["pa"].value, res["a"].value)
    np.testing.assert_array_equal(spikes["th"].value, np.ones(4))


def test_reset_clears_modules_and_cache():
    brain = spark.nn.Brain(config=recurrent_config())
    brain(drive=F(jnp.zeros((4,))))
    brain.reset()
    _, initial = spark.split(brain)
    for _ in range(8):
        brain(drive=F(jnp.ones((4,))))
    assert any(float(jnp.abs(v.value).sum()) > 0 for v in brain.get_spikes_from_cache().values())
    brain.reset()
    assert all(float(jnp.abs(v.value).sum()) == 0 for v in brain.get_spikes_from_cache().values())
    _, state = spark.split(brain)
    assert state.keys() == initial.keys()
    for key in state:
        if not key.endswith("/rng"):  # random keys move on (a reset does not replay the same noise)
            np.testing.assert_array_equal(state[key], initial[key], err_msg=key)


def _drives(n: int, seed: int = 0) -> list[spark.FloatArray]:
    rng = np.random.default_rng(seed)
    return [F(jnp.asarray(rng.normal(size=4), jnp.float32)) for _ in range(n)]


def test_jit_equals_eager():
    eager = spark.nn.Brain(config=recurrent_config())  # stepped operation by operation
    called = spark.nn.Brain(config=recurrent_config())  # brain(...) outside jit: compiled internally
    jitted = spark.nn.Brain(config=recurrent_config())  # the user's jitted run_model
    xs = _drives(4)
    jitted(drive=F(jnp.zeros((4,))))
    jitted.reset()
    graph, state = spark.split(jitted)
    for x in xs:
        with jax.disable_jit():
            e = eager(drive=x)
        c = called(drive=x)
        j, state = run_model(graph, state, x)
        for name in e:
            np.testing.assert_array_equal(e[name].value, j[name].value)
            np.testing.assert_array_equal(c[name].value, j[name].value)
        for name, s in eager.get_spikes_from_cache().items():
            np.testing.assert_array_equal(s.value, retrieve_spikes(graph, state)[name].value)
    assert sum(float(jnp.abs(s.value).sum()) for s in eager.get_spikes_from_cache().values()) > 0


def _spike_trace(config: spark.nn.BrainConfig, n: int = 15) -> np.ndarray:
    brain = spark.nn.Brain(config=config)
    rows = []
    for x in _drives(n):
        brain(drive=x)
        rows.append(
            np.concatenate([np.asarray(v.value).ravel() for v in brain.get_spikes_from_cache().values()])
        )
    return np.stack(rows)


def test_same_seed_gives_bit_identical_spikes_and_refresh_seeds_changes_them():
    a, b = _spike_trace(recurrent_config(seed=3)), _spike_trace(recurrent_config(seed=3))
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0
    config = recurrent_config(seed=3)
    before = {k: s.config.seed for k, s in config.modules_map.items()}
    config.refresh_seeds(seed=1)
    after = {k: s.config.seed for k, s in config.modules_map.items()}
    assert all(before[k] != after[k] for k in before)
    pa = spark.nn.Brain(config=config)
    pa(drive=F(jnp.zeros((4,))))
    ref = spark.nn.Brain(config=recurrent_config(seed=3))
    ref(drive=F(jnp.zeros((4,))))
    assert not np.array_equal(pa.modules["pa"].w.get_value(), ref.modules["pa"].w.get_value())


def test_state_is_flat_and_small():
    brain = spark.nn.Brain(config=chain_config())
    brain(drive=drive(0))
    _, state = spark.split(brain)
    # chain outputs are only read as brain outputs or by the next relay: r3.y is read by nobody -> not cached
    assert sorted(k for k in state if k.startswith("cache/")) == ["cache/r1/y", "cache/r2/y"]


def test_fixed_weights_stay_in_the_graph_and_a_jitted_loop_returns_only_what_changes():
    brain = spark.nn.Brain(config=recurrent_config())
    brain(drive=F(jnp.zeros((4,))))
    pools = sorted(name for name in brain.modules if hasattr(brain.modules[name], "w"))
    # the weights and the build-time PRNG keys: the step reads them, never writes them
    fixed = {("modules", name, leaf) for name in pools for leaf in ("w", "rng")}
    assert pools and brain.step_fixed_paths() == fixed
    graph, state = spark.split(brain)
    assert sorted(graph.fixed_keys()) == sorted("/".join(p) for p in fixed)
    assert all(not k.endswith(("/w", "/rng")) for k in state)
    twin = spark.nn.Brain(config=recurrent_config())
    twin(drive=F(jnp.zeros((4,))))
    g_full, s_full = spark.split(twin, fixed_in_state=True)
    for x in _drives(6):
        a, state = run_model(graph, state, x)
        b, s_full = run_model(g_full, s_full, x)
        assert set(state) == set(graph.keys())
        for name in a:
            np.testing.assert_array_equal(a[name].value, b[name].value)


def test_call_errors_name_the_input():
    brain = spark.nn.Brain(config=chain_config())
    with pytest.raises(TypeError, match=r"missing input 'drive'"):
        brain()
    brain(drive=drive(0))
    with pytest.raises(TypeError, match=r"unknown input 'drvie' \(did you mean 'drive'\?\)"):
        brain(drive=drive(0), drvie=drive(0))
    with pytest.raises(ValueError, match=r"input 'drive' must have shape \(2,\), got \(3,\)"):
        brain(drive=drive(0, (3,)))
    with pytest.raises(TypeError, match=r"input 'drive' must be a FloatArray, got SpikeArray"):
        brain(drive=S(jnp.zeros((2,))))
    with pytest.raises(ValueError, match=r"input 'drive' must have shape \(2,\), got \(5,\)"):
        spark.nn.Brain(config=chain_config())(drive=drive(0, (5,)))


def test_brain_is_registered_but_hidden_from_the_catalogue():
    assert spark.core.registry.MODULES.get("Brain") is spark.nn.Brain
    names = {e["name"] for g in spark.catalogue()["groups"].values() for e in g}
    assert "Brain" not in names
    assert spark.nn.Brain(config=chain_config()).get_output_specs()["r2"] == spark.OutputSpec(F, (2,))


def test_build_from_specs_builds_every_module_without_running_a_step():
    brain = spark.nn.Brain(config=recurrent_config())
    specs = brain.build_from_specs({"drive": drive_spec()})
    assert specs == {"a": spark.OutputSpec(S, (6,)), "both": spark.OutputSpec(S, (2, 6))}
    assert all(m.__built__ for m in brain.modules.values())
    assert all(float(jnp.abs(v.value).sum()) == 0 for v in brain.get_spikes_from_cache().values())


def test_threshold_module_reads_brain_input_in_the_same_step():
    config = spark.nn.BrainConfig(
        input_map={"drive": drive_spec()},
        output_map={"s": out("th", "spikes", (4,), S)},
        modules_map={"th": threshold("th", pm(CALL, "drive")), "p": pool("p", pm("th", "spikes"))},
    )
    brain = spark.nn.Brain(config=config)
    res = brain(drive=F(jnp.array([1.0, -1.0, 2.0, 0.0])))
    np.testing.assert_array_equal(res["s"].value, [1, 0, 1, 0])
