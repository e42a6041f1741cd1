"""Batches of independent copies: batched == looped copies, shared keys, sharding across devices."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest
from sim_toy import drive, make_toy

import spark
import spark.sim as sim


def test_batched_run_equals_looped_copies():
    m = make_toy(noise=0.3)
    x = drive(16, batch=2)
    batch = sim.replicate(m, 2, seed=11)
    res = sim.run(batch, {"drive": x}, record=["v", "w_rec"], decimate=2)
    assert res.outputs["spikes"].value.shape == (2, 16, 6)
    assert res.records["w_rec"].shape == (2, 8, 6, 6)
    for i, copy in enumerate(sim.make_copies(m, 2, seed=11)):
        alone = sim.run(copy, {"drive": x[i]}, record=["v", "w_rec"], decimate=2)
        np.testing.assert_array_equal(alone.outputs["spikes"].value, res.outputs["spikes"].value[i])
        np.testing.assert_array_equal(alone.records["v"], res.records["v"][i])
        np.testing.assert_array_equal(alone.records["w_rec"], res.records["w_rec"][i])
        for k, v in spark.split(copy)[1].items():  # final state of copy i == row i of the batch
            np.testing.assert_array_equal(np.asarray(v), np.asarray(batch.state_of(i)[k]), err_msg=k)


def test_copies_have_their_own_seeds_and_share_equal_values():
    m = make_toy()
    copies = sim.make_copies(m, 3, seed=5)
    seeds = [c.config.seed for c in copies]
    assert len(set(seeds)) == 3
    assert [c.config.seed for c in sim.make_copies(m, 3, seed=5)] == seeds  # deterministic
    batch = sim.Batch.from_modules(copies)
    assert {"w_in", "w_rec", "rng"} <= batch.batched
    assert "decay" not in batch.batched and "dt" not in batch.batched  # equal in every copy: stored once
    assert np.shape(batch.state["decay"]) == () and np.shape(batch.state["w_in"]) == (3, 6, 3)
    assert len(batch) == 3 and "3 copies" in repr(batch)
    np.testing.assert_array_equal(np.asarray(batch.module(1).w_in.value), np.asarray(copies[1].w_in.value))


def test_batch_continues_across_runs_and_chunks():
    m = make_toy()
    x = drive(20, batch=2)
    a, b = sim.replicate(m, 2, seed=1), sim.replicate(m, 2, seed=1)
    sim.run(a, {"drive": x[:, :9]})
    second = sim.run(a, {"drive": x[:, 9:]}, chunk_size=4)
    whole = sim.run(b, {"drive": x})
    np.testing.assert_array_equal(second.outputs["spikes"].value, whole.outputs["spikes"].value[:, 9:])


def test_shared_and_per_copy_constant_inputs():
    m = make_toy()
    x = drive(1, batch=2)[:, 0]
    per_copy = sim.run(sim.replicate(m, 2, seed=3), {"drive": x}, steps=6)
    for i in range(2):
        shared = sim.run(sim.replicate(m, 2, seed=3), {"drive": x[i]}, steps=6)
        np.testing.assert_array_equal(per_copy.outputs["spikes"].value[i], shared.outputs["spikes"].value[i])
    # the explicit marker means the same: (B, *shape) is one value per copy
    marked = sim.run(sim.replicate(m, 2, seed=3), sim.constant(drive=x), steps=6)
    np.testing.assert_array_equal(marked.outputs["spikes"].value, per_copy.outputs["spikes"].value)
    with pytest.raises(ValueError, match=r"constant input 'drive' has shape \(3, 3\).*one value per copy"):
        sim.run(sim.replicate(m, 2, seed=3), sim.constant(drive=np.zeros((3, 3), np.float32)), steps=2)


def test_batch_errors():
    m = make_toy()
    with pytest.raises(ValueError, match="beyond seeds"):
        sim.Batch.from_modules([make_toy(), make_toy(tau=7.0)])
    with pytest.raises(ValueError, match="is not built"):
        sim.make_copies(type(m)(seed=0), 2)
    with pytest.raises(ValueError, match="n must be a positive int"):
        sim.make_copies(m, 0)
    batch = sim.replicate(m, 2)
    with pytest.raises(
        ValueError, match=r"the batch has 2 copies; batched sequences have shape \(B, T, ...\)"
    ):
        sim.run(batch, {"drive": drive(5, batch=3)})
    with pytest.raises(IndexError, match="copy 2 out of range"):
        batch.state_of(2)


def test_shard_on_available_devices():
    batch = sim.replicate(make_toy(), 2, seed=2).shard()
    assert batch.mesh is not None and "sharded" in repr(batch)
    res = sim.run(batch, {"drive": drive(8, batch=2)})
    ref = sim.run(sim.replicate(make_toy(), 2, seed=2), {"drive": drive(8, batch=2)})
    np.testing.assert_array_equal(res.outputs["spikes"].value, ref.outputs["spikes"].value)
    with pytest.raises(ValueError, match="cannot be split evenly"):
        sim.replicate(make_toy(), 3).shard(jax.devices() * 2)


_TWO_DEVICES = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {here!r})
    import jax, numpy as np
    assert len(jax.devices()) == 2, jax.devices()
    import spark.sim as sim
    from sim_toy import drive, make_toy
    x = drive(10, batch=4)
    batch = sim.replicate(make_toy(), 4, seed=9).shard()
    res = sim.run(batch, {{"drive": x}}, record="v")
    w = batch.state["w_rec"]
    assert len(w.sharding.device_set) == 2, w.sharding
    assert w.sharding.shard_shape(w.shape)[0] == 2
    ref = sim.run(sim.replicate(make_toy(), 4, seed=9), {{"drive": x}}, record="v")
    np.testing.assert_array_equal(res.records["v"], ref.records["v"])
    print("ok")
    """
)


def test_two_simulated_devices_in_a_subprocess():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu")
    code = _TWO_DEVICES.format(here=os.path.dirname(__file__))
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
