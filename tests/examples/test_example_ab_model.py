"""The shipped A/B competition model: loads with the graph-editor tutorial's code, runs, competes."""

from __future__ import annotations

import os
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.examples import example_ab_model_path
from spark.examples.make_example_ab_model import ab_model_config, main

NAMES = ["spiker", "A_ex", "A_in", "B_ex", "B_in"]


@jax.jit
def run_model(graph, state, x):
    model = spark.merge(graph, state)
    out = model(drive=x)
    _, state = spark.split(model)
    return out, state


@jax.jit
def retrieve_spikes(graph, state):
    model = spark.merge(graph, state)
    spikes = model.get_spikes_from_cache()
    return spikes


@pytest.fixture(scope="module")
def built():
    """The tutorial's loading code, run in the folder of the shipped file."""
    cwd = os.getcwd()
    os.chdir(Path(example_ab_model_path()).parent)
    try:
        brain_config = spark.nn.BrainConfig.from_file("example_ab_model.scfg")
    finally:
        os.chdir(cwd)
    brain = spark.nn.Brain(config=brain_config)
    first = brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))
    return brain_config, brain, first


def test_the_example_is_package_data():
    path = Path(example_ab_model_path())
    assert path.name == "example_ab_model.scfg" and path.is_file()
    assert spark.examples.example_ab_model_path() == str(path)


def test_the_shipped_file_is_what_the_script_writes(tmp_path, built):
    config, _, _ = built
    assert config == ab_model_config(), (
        "spark/examples/example_ab_model.scfg is out of date; regenerate it with "
        "`python -m spark.examples.make_example_ab_model`"
    )
    out = main([str(tmp_path / "ab.scfg")])
    assert Path(out).read_bytes() == Path(example_ab_model_path()).read_bytes()


def test_structure_matches_the_tutorial(built):
    config, brain, first = built
    assert list(config.input_map) == ["drive"] and list(config.output_map) == ["action"]
    assert set(config.modules_map) == {*NAMES, "integrator"}
    inputs = {
        name: [(m.origin, m.port) for m in spec.inputs["in_spikes"]]
        for name, spec in config.modules_map.items()
        if name.endswith(("_ex", "_in"))
    }
    assert inputs["A_ex"] == [("spiker", "spikes"), ("A_ex", "out_spikes"), ("B_in", "out_spikes")]
    assert inputs["B_ex"] == [("spiker", "spikes"), ("B_ex", "out_spikes"), ("A_in", "out_spikes")]
    assert inputs["A_in"] == [("A_ex", "out_spikes")] and inputs["B_in"] == [("B_ex", "out_spikes")]
    assert set(first) == {"action"}
    assert first["action"].value.dtype == jnp.float16 and first["action"].value.shape == (2,)
    np.testing.assert_array_equal(first["action"].value, np.zeros(2, np.float16))
    assert set(brain.get_spikes_from_cache()) == set(NAMES)


def test_runs_as_in_the_tutorial_and_the_populations_compete(built):
    _, brain, _ = built
    graph, state = spark.split(brain)
    rng = np.random.default_rng(0)
    obs = rng.uniform(-1, 1, 4)
    outs, spikes = [], {name: [] for name in NAMES}
    for t in range(240):
        if t % 16 == 0:  # a new observation every 16 brain steps, as in the tutorial
            obs = np.clip(obs + rng.normal(0, 0.3, 4), -1, 1)
        out, state = run_model(graph, state, spark.FloatArray(jnp.array(obs, dtype=jnp.float16)))
        outs.append(np.asarray(out["action"].value, np.float32))
        model_spikes = retrieve_spikes(graph, state)
        for name in NAMES:
            spikes[name].append(np.asarray(model_spikes[name].value).reshape(-1))
    raster = np.abs(np.concatenate([np.stack(spikes[n]) for n in NAMES], axis=1))
    assert raster.shape == (240, 4 * 128 + 2 * (128 + 64))
    for name in NAMES:
        s = np.stack(spikes[name])
        assert np.abs(s).sum() > 0, f"{name} is silent"
        assert np.abs(s).mean() < 0.3, f"{name} is saturated"
    for name in ("A_in", "B_in"):  # inhibitory populations spike with -1
        assert np.stack(spikes[name]).max() == 0 and np.stack(spikes[name]).min() == -1
    for name in ("A_ex", "B_ex"):
        assert np.stack(spikes[name]).min() == 0
    outs = np.stack(outs)
    assert (outs.std(axis=0) > 0).all()
    assert len(set(outs.argmax(axis=1)[40:])) == 2, "one population wins all the time"
