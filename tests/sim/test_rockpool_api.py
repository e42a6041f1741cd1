"""The Rockpool-style API over spark.nn modules: parameters(), state(), simulation_parameters(), evolve()."""

from __future__ import annotations

import numpy as np
import pytest
from sim_toy import drive, make_toy

import spark
import spark.sim as sim


def test_inspection_sorts_variables_by_kind():
    m = make_toy()
    assert set(sim.parameters(m)) == {"w_in", "w_rec", "decay"}
    assert set(sim.state(m)) == {"rng", "v", "s"}
    assert set(sim.simulation_parameters(m)) == {"dt"}
    assert float(sim.simulation_parameters(m)["dt"]) == 1.0
    np.testing.assert_array_equal(np.asarray(sim.parameters(m)["w_in"]), np.asarray(m.w_in.value))
    assert sim.parameters(m, family="weights") == {}  # no variable declares that family


def test_evolve_shapes_for_unbatched_input():
    m = make_toy()
    out, new_state, rec = sim.evolve(m, drive(10), record=True)
    assert set(out) == {"spikes", "potential"}
    assert out["spikes"].shape == (1, 10, 6)
    assert np.shape(new_state["v"]) == (6,) and np.shape(new_state["w_rec"]) == (6, 6)
    assert set(rec) == {"v", "s"} and rec["v"].shape == (1, 10, 6)
    np.testing.assert_array_equal(rec["v"][0], out["potential"][0])


def test_evolve_shapes_for_batched_input():
    m = make_toy()
    out, new_state, rec = sim.evolve(m, drive(10, batch=4), record=True)
    assert out["potential"].shape == (4, 10, 6)
    assert np.shape(new_state["v"]) == (4, 6) and np.shape(new_state["w_rec"]) == (4, 6, 6)
    assert rec["s"].shape == (4, 10, 6)
    _, _, none = sim.evolve(m, drive(3, batch=2))
    assert none == {}


def test_evolve_is_functional_and_batches_match_single_runs():
    m = make_toy()
    before = {k: np.asarray(v) for k, v in spark.split(m)[1].items()}
    x = drive(12, batch=2)
    out, _, _ = sim.evolve(m, x)
    for k, v in spark.split(m)[1].items():
        np.testing.assert_array_equal(before[k], np.asarray(v))
    for i in range(2):
        single, _, _ = sim.evolve(m, x[i])
        np.testing.assert_array_equal(single["spikes"][0], out["spikes"][i])


def test_evolve_builds_an_unbuilt_module_and_accepts_dicts():
    m = make_toy()
    fresh = type(m)(config=m.config)
    out, _, _ = sim.evolve(fresh, {"drive": drive(5)})
    assert fresh.__built__ and out["spikes"].shape == (1, 5, 6)


def test_evolve_errors():
    m = make_toy()
    with pytest.raises(ValueError, match=r"input 'drive' has 1 dimensions; expected \(T, \*\(3,\)\)"):
        sim.evolve(m, np.zeros(3, np.float32))


def test_module_methods_delegate_here():
    m = make_toy()
    assert set(m.parameters()) == set(sim.parameters(m))
    assert set(m.state()) == set(sim.state(m))
    assert set(m.simulation_parameters()) == {"dt"}
    out, new_state, rec = m.evolve(drive(4), record=True)
    assert out["spikes"].shape == (1, 4, 6) and rec["v"].shape == (1, 4, 6)
