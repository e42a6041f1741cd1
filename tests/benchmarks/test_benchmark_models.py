"""The benchmark models compute what they claim: each Spark model equals its hand-written floor.

Speed is never asserted here (that is the benchmarks' job); these tests keep the compared work the
same, so a speed ratio in the benchmark table means what it says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
import spark.sim as sim
from benchmarks import coba, seed_brain


@pytest.mark.parametrize("plastic", [False, True])
def test_seed_brain_floor_gives_the_same_actions_as_spark(plastic):
    brain = seed_brain.build_brain(64, plastic)
    p, s0 = seed_brain.floor_from_brain(brain)
    x = seed_brain.drive(60)
    _, floor_actions = seed_brain.floor_fused(p)(s0, jnp.asarray(x))
    res = sim.run(brain, {"drive": spark.FloatArray(jnp.asarray(x))}, apply=False)
    ours = np.asarray(res.outputs["action"].value)
    np.testing.assert_array_equal(ours, np.asarray(floor_actions))
    assert np.abs(ours).sum() > 0  # the brain is alive: the readout moves


def test_coba_spark_and_floor_spike_alike_at_the_expected_rate():
    net = coba.build_network()
    steps = 600
    res = sim.run(net, None, steps=steps, apply=False)
    p, s0 = coba.floor_from(net)
    floor = jax.jit(lambda s: jax.lax.scan(lambda c, _: coba.floor_step(p, c), s, None, length=steps))
    ours, theirs = np.asarray(res.outputs["spikes"].value), np.asarray(floor(s0)[1])
    np.testing.assert_array_equal(ours, theirs)
    rate = np.abs(ours).sum() / ours.shape[1] / (steps * coba.DT / 1000.0)
    assert 15.0 < rate < 45.0  # the start-up burst of the 20-25 Hz regime
    assert set(np.unique(ours[:, : coba.N_EXC])) <= {0.0, 1.0} and set(np.unique(ours[:, coba.N_EXC :])) <= {0.0, -1.0}


def test_seed_tutorial_script_times_this_project():
    script = os.path.join(os.path.dirname(coba.__file__), "others", "seed_tutorial.py")
    done = subprocess.run(
        [sys.executable, script, "--steps", "50", "--repeats", "1", "--stdp"],
        capture_output=True, text=True, timeout=300, check=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    row = json.loads(done.stdout.strip().splitlines()[-1])
    assert row["library"].startswith("spark-nnx") and row["stdp"] is True
    assert row["loop_steps_per_s"] > 0 and row["fused_steps_per_s"] > 0 and row["build_s"] > 0
