"""``spark run MODEL.scfg``: inputs, recording to .npz, the raster PNG and the error messages."""

import numpy as np
import pytest

import spark
from spark import PortMap
from spark._run_command import add_run_parser, build_parser, main, make_inputs, spike_keys


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A tiny brain: 2 signals -> spiker (4 units each) -> 6 LIF neurons -> 2-output integrator."""
    modules = {
        "spiker": spark.ModuleSpecs(
            name="spiker",
            module_cls=spark.nn.interfaces.TopologicalLinearSpiker,
            config=spark.nn.interfaces.TopologicalLinearSpikerConfig(resolution=4, max_freq=400.0, tau=4.0),
            inputs={"signal": [PortMap(origin="__call__", port="drive")]},
        ),
        "pool": spark.ModuleSpecs(
            name="pool",
            module_cls=spark.nn.neurons.LIFNeuron,
            config=spark.nn.neurons.LIFNeuronConfig(units=(6,)),
            inputs={"in_spikes": [PortMap(origin="spiker", port="spikes")]},
        ),
        "readout": spark.ModuleSpecs(
            name="readout",
            module_cls=spark.nn.interfaces.ExponentialIntegrator,
            config=spark.nn.interfaces.ExponentialIntegratorConfig(num_outputs=2),
            inputs={"spikes": [PortMap(origin="pool", port="out_spikes")]},
        ),
    }
    config = spark.nn.BrainConfig(
        input_map={"drive": spark.InputSpec(spark.FloatArray, (2,), np.float32)},
        output_map={
            "out": {
                "input": PortMap(origin="readout", port="signal"),
                "spec": spark.OutputSpec(spark.FloatArray, (2,), np.float32),
            }
        },
        modules_map=modules,
    )
    config.refresh_seeds(0)
    path = tmp_path_factory.mktemp("model") / "tiny.scfg"
    config.to_file(path)
    return path


def test_default_run_records_outputs_and_spikes_and_plots(model, tmp_path, capsys):
    out = tmp_path / "o"
    assert main([str(model), "--steps", "30", "--input", "noise", "--out", str(out), "--quiet"]) == 0
    with np.load(out / "tiny.npz") as data:
        assert data["out"].shape == (30, 2)
        assert data["cache/spiker/spikes"].shape == (30, 2, 4)
        assert data["cache/pool/out_spikes"].shape == (30, 6)
        np.testing.assert_array_equal(data["record_steps"], np.arange(30))
        assert np.abs(data["cache/spiker/spikes"]).sum() > 0
    assert (out / "tiny_raster.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out


def test_record_chosen_state_and_decimate(model, tmp_path):
    out = tmp_path / "o"
    main(
        [
            str(model),
            "-T",
            "20",
            "--record",
            "pool/soma/potential",
            "--record",
            "out",
            "--decimate",
            "5",
            "--out",
            str(out),
            "--no-plot",
            "--quiet",
        ]
    )
    with np.load(out / "tiny.npz") as data:
        assert set(data.files) == {"modules/pool/soma/potential", "out", "record_steps"}
        assert data["modules/pool/soma/potential"].shape == (4, 6)
        np.testing.assert_array_equal(data["record_steps"], [0, 5, 10, 15])
    assert not (out / "tiny_raster.png").exists()


def test_constant_and_file_inputs_agree(model, tmp_path):
    np.savez(tmp_path / "x.npz", drive=np.full((25, 2), 0.3, np.float32))
    a, b = tmp_path / "a", tmp_path / "b"
    main(
        [
            str(model),
            "-T",
            "25",
            "--input",
            "constant",
            "--value",
            "0.3",
            "--out",
            str(a),
            "--no-plot",
            "--quiet",
        ]
    )
    main(
        [str(model), "-T", "25", "--input", str(tmp_path / "x.npz"), "--out", str(b), "--no-plot", "--quiet"]
    )
    with np.load(a / "tiny.npz") as x, np.load(b / "tiny.npz") as y:
        np.testing.assert_array_equal(x["cache/pool/out_spikes"], y["cache/pool/out_spikes"])


def test_make_inputs_shapes_and_seeded_noise(model):
    brain = spark.nn.Brain(config=spark.nn.BrainConfig.from_file(model))
    brain.build_from_specs(dict(brain.config.input_map))
    a = make_inputs(brain, "noise", 7, value=1.0, std=0.0, seed=1)["drive"].value
    np.testing.assert_array_equal(a, np.ones((7, 2), np.float32))
    n1 = make_inputs(brain, "noise", 7, seed=2)["drive"].value
    n2 = make_inputs(brain, "noise", 7, seed=2)["drive"].value
    np.testing.assert_array_equal(n1, n2)
    assert spike_keys(brain) == {"spiker": "cache/spiker/spikes", "pool": "cache/pool/out_spikes"}


def test_errors_explain_what_is_wrong(model, tmp_path):
    with pytest.raises(SystemExit, match="neither 'constant', 'noise' nor an existing"):
        main([str(model), "--input", "nowhere.npz", "--quiet"])
    np.savez(tmp_path / "bad.npz", other=np.zeros((5, 2)))
    with pytest.raises(SystemExit, match="has no array for input 'drive'"):
        main([str(model), "--input", str(tmp_path / "bad.npz"), "--quiet"])
    np.save(tmp_path / "short.npy", np.zeros((3, 2), np.float32))
    with pytest.raises(
        SystemExit, match=r"expected \(2,\) \(constant\) or \(T, 2\) with T >= --steps \(10\)"
    ):
        main([str(model), "-T", "10", "--input", str(tmp_path / "short.npy"), "--quiet"])
    with pytest.raises(SystemExit, match="does not exist"):
        main([str(tmp_path / "missing.scfg"), "--quiet"])
    with pytest.raises(ValueError, match="nothing to record"):
        main([str(model), "-T", "5", "--record", "no_such_thing", "--out", str(tmp_path / "z"), "--quiet"])


def test_parser_can_be_added_to_a_cli():
    import argparse

    root = argparse.ArgumentParser(prog="spark")
    add_run_parser(root.add_subparsers(dest="command"))
    args = root.parse_args(["run", "m.scfg", "--steps", "3", "--record", "a", "--record", "b"])
    assert (args.model, args.steps, args.record) == ("m.scfg", 3, ["a", "b"])
    assert build_parser().parse_args(["m.scfg"]).input == "constant"
