"""The CartPole demo end to end (tiny settings), the learner brain file and the closed-loop controller."""

import json

import numpy as np
import pytest

pytest.importorskip("gymnasium")

import spark  # noqa: E402
from spark.demos import cartpole  # noqa: E402
from spark.demos._closed_loop import BrainController  # noqa: E402
from spark.demos.make_cartpole_learner import cartpole_learner_config, default_path  # noqa: E402


def test_demo_writes_its_figures_and_numbers(tmp_path, capsys):
    out = tmp_path / "run"
    code = cartpole.main(["--episodes", "2", "--max-steps", "6", "-k", "3", "--seed", "1", "--out", str(out)])
    assert code == 0
    for name in ("learning_curve.png", "raster.png", "weights.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    rows = np.loadtxt(out / "episodes.csv", delimiter=",", skiprows=1, ndmin=2)
    assert rows.shape == (2, 2) and (rows[:, 1] >= 1).all() and (rows[:, 1] <= 6).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["episodes"] == 2 and summary["steps_per_env_step"] == 3 and summary["learn"] is True
    printed = capsys.readouterr()
    assert "episode    1:" in printed.out + printed.err
    assert str(out.resolve()) in printed.out


def test_demo_cli_dispatch_and_parser():
    from spark.demos import cli

    args = cli.build_parser().parse_args(
        ["cartpole", "--no-learn", "--episodes", "3", "--steps-per-env-step", "7"]
    )
    assert (args.learn, args.episodes, args.steps_per_env_step, args.out) == (
        False,
        3,
        7,
        "spark-demo-cartpole",
    )
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["pong"])


def test_no_learn_keeps_the_weights_and_learning_changes_them_after_a_failure():
    frozen = cartpole.train(2, seed=0, steps_per_env_step=2, learn=False, record_last=False)
    start = BrainController(cartpole.load_config(None, 0), steps_per_env_step=2)
    np.testing.assert_array_equal(frozen.controller.weights("A_ex"), start.weights("A_ex"))
    learned = cartpole.train(2, seed=0, steps_per_env_step=2, learn=True, record_last=False)
    assert not np.array_equal(learned.controller.weights("A_ex"), start.weights("A_ex"))
    assert learned.lengths[0] == frozen.lengths[0]  # the first failure is what changes them


def test_recorded_episode_has_spikes_of_every_module_per_brain_step():
    result = cartpole.train(1, seed=3, steps_per_env_step=2, max_steps=4)
    trace = result.trace
    assert trace.length == len(trace.actions) == len(trace.observations) <= 4
    assert set(trace.spikes) == {"spiker", "A_ex", "A_in", "B_ex", "B_in"}
    assert trace.spikes["A_ex"].shape == (2 * trace.length, 32)
    assert trace.readout.shape == (2 * trace.length, 2)
    assert np.abs(trace.observations).max() <= 1.0


def test_reset_dynamics_restores_state_but_keeps_weights():
    ctl = BrainController(cartpole.load_config(None, 0), steps_per_env_step=3)
    ctl.act(np.full(4, 0.2, np.float32))
    ctl.state["modules/A_ex/synapses/kernel"] = ctl.state["modules/A_ex/synapses/kernel"] * 0.5
    kernel = np.asarray(ctl.state["modules/A_ex/synapses/kernel"])
    ctl.reset_dynamics()
    np.testing.assert_array_equal(np.asarray(ctl.state["modules/A_ex/soma/potential"]), -65.0)
    np.testing.assert_array_equal(np.asarray(ctl.state["modules/A_ex/synapses/kernel"]), kernel)


def test_controller_names_missing_ports():
    config = spark.nn.BrainConfig.from_file(spark.examples.example_ab_model_path())
    with pytest.raises(ValueError, match="no input 'reward'"):
        BrainController(config)


def test_shipped_learner_file_is_the_generated_config():
    shipped = spark.nn.BrainConfig.from_file(default_path())
    assert shipped == cartpole_learner_config()
    assert set(shipped.input_map) == {"drive", "reward"} and set(shipped.output_map) == {"action"}


def test_learner_config_rejects_unknown_parameters():
    with pytest.raises(TypeError, match="unknown parameter 'etta'"):
        cartpole_learner_config(etta=0.1)


def test_observations_are_scaled_and_clipped():
    np.testing.assert_allclose(cartpole.normalise([1.2, -5.0, 0.2095, 0.0]), [0.5, -1.0, 1.0, 0.0], rtol=1e-6)
