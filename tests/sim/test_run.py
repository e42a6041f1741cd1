"""spark.sim.run: fused loop == tutorial step loop, recording, decimation, chunking, inputs, jit == eager."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from sim_toy import drive, make_toy, step_by_step

import spark
import spark.sim as sim
from spark.sim import _run


def test_fused_run_equals_step_by_step_loop():
    x = drive(40)
    a, b = make_toy(), make_toy()
    res = sim.run(a, {"drive": x})
    spikes, pots = step_by_step(b, x)
    assert spikes.sum() > 0
    np.testing.assert_array_equal(res.outputs["spikes"].value, spikes)
    np.testing.assert_array_equal(res.outputs["potential"].value, pots)
    for k, v in spark.split(a)[1].items():  # final state applied to the module
        np.testing.assert_array_equal(np.asarray(v), np.asarray(spark.split(b)[1][k]), err_msg=k)


def test_outputs_keep_payload_types_and_shapes():
    res = sim.run(make_toy(), {"drive": spark.FloatArray(jnp.asarray(drive(7)))})
    assert isinstance(res.outputs["spikes"], spark.SpikeArray)
    assert isinstance(res.outputs["potential"], spark.PotentialArray)
    assert res.outputs["spikes"].value.shape == (7, 6)
    assert isinstance(res.outputs["spikes"].value, np.ndarray)
    assert res.steps == 7


def test_two_runs_continue_like_one():
    x = drive(30)
    a, b = make_toy(), make_toy()
    first, second = sim.run(a, {"drive": x[:12]}), sim.run(a, {"drive": x[12:]})
    whole = sim.run(b, {"drive": x})
    got = np.concatenate([first.outputs["spikes"].value, second.outputs["spikes"].value])
    np.testing.assert_array_equal(got, whole.outputs["spikes"].value)


def test_apply_false_leaves_module_untouched():
    m = make_toy()
    before = {k: np.asarray(v) for k, v in spark.split(m)[1].items()}
    res = sim.run(m, {"drive": drive(10)}, apply=False)
    after = spark.split(m)[1]
    for k, v in before.items():
        np.testing.assert_array_equal(v, np.asarray(after[k]))
    assert not np.array_equal(np.asarray(res.state["v"]), before["v"])


def test_unchanged_state_is_not_carried():
    res = sim.run(make_toy(plastic=False), {"drive": drive(5)})
    assert set(res.changed_keys) == {"v", "s"}
    res = sim.run(make_toy(plastic=True, noise=0.3), {"drive": drive(5)})
    assert set(res.changed_keys) == {"rng", "v", "s", "w_rec"}


def test_record_only_asked_keys_with_decimation():
    res = sim.run(make_toy(), {"drive": drive(23)}, record=["v", "spikes"], decimate=5)
    assert set(res.records) == {"v", "spikes"}
    assert res.records["v"].shape == (5, 6)  # steps 0, 5, 10, 15, 20
    np.testing.assert_array_equal(res.record_steps, [0, 5, 10, 15, 20])
    full = sim.run(make_toy(), {"drive": drive(23)}, record=["v", "spikes"])
    np.testing.assert_array_equal(res.records["v"], full.records["v"][::5])
    np.testing.assert_array_equal(res.records["spikes"], full.outputs["spikes"].value[::5])
    np.testing.assert_array_equal(full.records["v"], full.outputs["potential"].value)


def test_record_glob_prefixes_and_true():
    m = make_toy()
    res = sim.run(m, {"drive": drive(4)}, record=["state:w_*", "output:potential"])
    assert set(res.records) == {"w_in", "w_rec", "potential"}
    assert res.records["w_rec"].shape == (4, 6, 6)
    res = sim.run(m, {"drive": drive(4)}, record=True)
    assert set(res.records) == {"spikes", "potential", "v", "s"}


def test_record_unknown_name_suggests():
    with pytest.raises(ValueError, match=r"nothing to record for 'vv' \(did you mean 'v'\?\)"):
        sim.run(make_toy(), {"drive": drive(3)}, record="vv")
    with pytest.raises(ValueError, match="no output port 'spike'"):
        sim.run(make_toy(), {"drive": drive(3)}, record="output:spike")
    with pytest.raises(ValueError, match="decimate must be an int >= 1"):
        sim.run(make_toy(), {"drive": drive(3)}, record="v", decimate=0)


def test_keep_outputs_false_keeps_only_records():
    res = sim.run(make_toy(), {"drive": drive(9)}, record="v", keep_outputs=False)
    assert res.outputs == {} and res.records["v"].shape == (9, 6)


@pytest.mark.parametrize("chunk_size,decimate", [(7, 1), (5, 2), (100, 4)])
def test_chunks_give_identical_results(chunk_size, decimate):
    x = drive(23)
    one = sim.run(make_toy(), {"drive": x}, record=["v", "w_rec"], decimate=decimate)
    many = sim.run(make_toy(), {"drive": x}, record=["v", "w_rec"], decimate=decimate, chunk_size=chunk_size)
    for k in one.records:
        np.testing.assert_array_equal(one.records[k], many.records[k], err_msg=k)
    np.testing.assert_array_equal(one.outputs["spikes"].value, many.outputs["spikes"].value)
    for k in one.state:
        np.testing.assert_array_equal(np.asarray(one.state[k]), np.asarray(many.state[k]), err_msg=k)


def test_progress_bar_runs_in_chunks_with_identical_results(capsys):
    x = drive(60)
    plain = sim.run(make_toy(), {"drive": x}, record="v", decimate=3)
    shown = sim.run(make_toy(), {"drive": x}, record="v", decimate=3, progress=True)
    np.testing.assert_array_equal(plain.records["v"], shown.records["v"])
    assert "60/60" in capsys.readouterr().err


def test_device_memory_bound_splits_long_runs(monkeypatch):
    assert _run._capacity(1000, None, False, bytes_per_step=10, d=1) == 1024  # power-of-two buckets
    assert _run._capacity(1000, None, True, bytes_per_step=10, d=1) == 32
    assert _run._capacity(1000, 100, True, bytes_per_step=10, d=3) == 102  # explicit chunks: multiple of d
    monkeypatch.setattr(_run, "DEVICE_BUFFER_BYTES", 24 * 8 * 4)  # room for ~8 steps of outputs + record
    assert _run._capacity(100, None, False, bytes_per_step=24 * 4, d=3) == 9
    x = drive(30)
    bounded = sim.run(make_toy(), {"drive": x}, record="v", decimate=3)
    monkeypatch.setattr(_run, "DEVICE_BUFFER_BYTES", 2**30)
    free = sim.run(make_toy(), {"drive": x}, record="v", decimate=3)
    np.testing.assert_array_equal(bounded.records["v"], free.records["v"])


def test_jit_equals_eager():
    x = drive(12)
    jitted = sim.run(make_toy(), {"drive": x}, record="w_rec", decimate=2)
    eager = sim.run(make_toy(), {"drive": x}, record="w_rec", decimate=2, jit=False)
    np.testing.assert_array_equal(jitted.outputs["spikes"].value, eager.outputs["spikes"].value)
    np.testing.assert_allclose(jitted.outputs["potential"].value, eager.outputs["potential"].value, atol=1e-5)
    np.testing.assert_allclose(jitted.records["w_rec"], eager.records["w_rec"], atol=1e-6)


def test_constant_and_callable_inputs():
    x = drive(1)[0]
    seq = sim.run(make_toy(), {"drive": np.repeat(x[None], 15, 0)})
    held = sim.run(make_toy(), sim.constant(drive=x), steps=15)
    by_shape = sim.run(make_toy(), {"drive": x}, steps=15)  # built module: shape tells it is constant
    fn = sim.run(make_toy(), lambda t: {"drive": spark.FloatArray(jnp.asarray(x))}, steps=15)
    for other in (held, by_shape, fn):
        np.testing.assert_array_equal(seq.outputs["spikes"].value, other.outputs["spikes"].value)


def test_callable_input_sees_the_global_step_index():
    seq = drive(20)
    table = jnp.asarray(seq)
    by_seq = sim.run(make_toy(), {"drive": seq})
    by_fn = sim.run(make_toy(), lambda t: {"drive": table[t]}, steps=20, chunk_size=6)
    np.testing.assert_array_equal(by_seq.outputs["spikes"].value, by_fn.outputs["spikes"].value)


def test_unbuilt_module_is_built_from_first_step():
    m = make_toy()
    fresh = type(m)(config=m.config)
    res = sim.run(fresh, {"drive": drive(10)})
    np.testing.assert_array_equal(
        res.outputs["spikes"].value, sim.run(m, {"drive": drive(10)}).outputs["spikes"].value
    )
    assert fresh.__built__


def test_inputs_are_cast_to_the_built_dtype():
    res = sim.run(make_toy(), {"drive": drive(5).astype(np.float64)})
    assert res.outputs["potential"].value.dtype == np.float32


def test_input_errors_name_the_problem():
    m = make_toy()
    with pytest.raises(ValueError, match=r"input 'drive' has shape \(5, 4\); expected \(T, 3,\)"):
        sim.run(m, {"drive": np.zeros((5, 4), np.float32)})
    with pytest.raises(ValueError, match="has no input port 'drv'"):
        sim.run(m, {"drv": drive(5)})
    with pytest.raises(ValueError, match="give steps="):
        sim.run(m, sim.constant(drive=drive(1)[0]))
    with pytest.raises(ValueError, match="steps=4 but the inputs have 5 time steps"):
        sim.run(m, {"drive": drive(5)}, steps=4)
    with pytest.raises(ValueError, match="chunk_size must be a positive int"):
        sim.run(m, {"drive": drive(5)}, chunk_size=0)
    with pytest.raises(TypeError, match="inputs must be a dict"):
        sim.run(m, [1, 2, 3])


def test_zero_steps_return_empty_records():
    m = make_toy()
    res = sim.run(m, {"drive": np.zeros((0, 3), np.float32)}, record="v")
    assert res.records["v"].shape == (0, 6) and res.outputs["spikes"].value.shape == (0, 6)


def test_simulator_reuses_compiled_chunks():
    m = make_toy()
    s = sim.Simulator(m, record="v", chunk_size=8)
    a = s.run({"drive": drive(20)})
    b = s.run({"drive": drive(13, seed=3)})
    assert a.records["v"].shape == (20, 6) and b.records["v"].shape == (13, 6)
    assert "Simulator" in repr(s)


def test_stepper_matches_the_tutorial_loop_and_applies_state():
    x = drive(15)
    a, b = make_toy(noise=0.3), make_toy(noise=0.3)
    spikes, _ = step_by_step(b, x)
    step = sim.Stepper(a)
    got = np.stack([np.asarray(step(drive=x[t])["spikes"].value) for t in range(15)])
    np.testing.assert_array_equal(got, spikes)
    assert step.steps == 15 and "15 steps" in repr(step)
    np.testing.assert_array_equal(np.asarray(step.module_copy().v.value), np.asarray(b.v.value))
    np.testing.assert_array_equal(np.asarray(a.v.value), 0.0)  # module untouched until apply()
    step.apply()
    for k, v in spark.split(a)[1].items():
        np.testing.assert_array_equal(np.asarray(v), np.asarray(spark.split(b)[1][k]), err_msg=k)
    step(drive=x[0])  # still usable after apply()


def test_simulator_sees_edits_between_runs():
    x = drive(20)
    m, ref = make_toy(), make_toy()
    s = sim.Simulator(m)
    s.run({"drive": x[:10]})
    s.run({"drive": x[10:]})
    sim.run(ref, {"drive": x})
    np.testing.assert_array_equal(np.asarray(m.v.value), np.asarray(ref.v.value))
    m.v.value = jnp.full((6,), 0.5, jnp.float32)  # a value written into a variable
    ref.v.value = jnp.full((6,), 0.5, jnp.float32)
    m.w_in = spark.Parameter(jnp.zeros((6, 3), jnp.float32))  # a variable replaced by a new one
    ref.w_in = spark.Parameter(jnp.zeros((6, 3), jnp.float32))
    got, want = s.run({"drive": x}), sim.run(ref, {"drive": x})
    np.testing.assert_array_equal(got.outputs["potential"].value, want.outputs["potential"].value)


def test_runs_of_similar_lengths_share_one_compiled_chunk():
    from spark.sim import _engine

    m = make_toy()
    sim.run(m, {"drive": drive(10)})
    before = len(_engine._CACHE)
    res = sim.run(m, {"drive": drive(13)})  # same power-of-two bucket (16 steps)
    assert len(_engine._CACHE) == before and res.outputs["spikes"].value.shape == (13, 6)
