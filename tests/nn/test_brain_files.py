"""Brain configs round-trip through .scfg files; built brains through checkpoints."""

from __future__ import annotations

import json

import jax.numpy as jnp
import numpy as np
import pytest
from brain_parts import CALL, F, drive_spec, out, pm, recurrent_config

import spark


def _drives(n: int) -> list[spark.FloatArray]:
    rng = np.random.default_rng(1)
    return [F(jnp.asarray(rng.normal(size=4), jnp.float32)) for _ in range(n)]


def _run(brain: spark.nn.Brain, xs: list) -> np.ndarray:
    rows = []
    for x in xs:
        res = brain(drive=x)
        rows.append(
            np.concatenate(
                [np.asarray(res["both"].value).ravel()]
                + [np.asarray(v.value).ravel() for v in brain.get_spikes_from_cache().values()]
            )
        )
    return np.stack(rows)


def test_config_file_round_trip_reproduces_the_same_brain(tmp_path):
    config = recurrent_config(seed=11)
    path = tmp_path / "model.scfg"
    config.to_file(str(path))
    loaded = spark.nn.BrainConfig.from_file(str(path))
    assert loaded == config and loaded.diff(config) == {}
    assert loaded.modules_map["pa"].module_cls.__name__ == "BrainTestPool"
    doc = json.loads(path.read_text())
    assert (
        doc["config"]["fields"]["modules_map"]["pa"]["module"] == "BrainTestPool"
    )  # saved by registered name
    xs = _drives(12)
    a, b = _run(spark.nn.Brain(config=config), xs), _run(spark.nn.Brain(config=loaded), xs)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a).sum() > 0


def test_loaded_config_is_validated_when_the_brain_is_made(tmp_path):
    config = recurrent_config()
    path = tmp_path / "model.scfg"
    config.to_file(str(path))
    doc = json.loads(path.read_text())
    doc["config"]["fields"]["modules_map"]["pb"]["inputs"]["in_spikes"][0]["origin"] = "pc"
    path.write_text(json.dumps(doc))
    loaded = spark.nn.BrainConfig.from_file(str(path))  # reading does not validate ...
    with pytest.raises(
        spark.WiringError, match=r"'pb.in_spikes' reads 'pc.out_spikes', but there is no module 'pc'"
    ):
        spark.nn.Brain(config=loaded)  # ... making a brain does


def test_unregistered_module_class_cannot_be_saved(tmp_path):
    class Unlisted(spark.nn.Module):
        config: spark.nn.interfaces.ExponentialIntegratorConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {"y": x}

    config = spark.nn.BrainConfig(
        input_map={"drive": drive_spec()},
        output_map={"o": out("u", "y", (4,))},
        modules_map={
            "u": spark.ModuleSpecs(name="u", module_cls=Unlisted, inputs={"x": [pm(CALL, "drive")]})
        },
    )
    with pytest.raises(spark.RegistryError, match=r"Unlisted is not registered.*@spark.register_module"):
        config.to_file(str(tmp_path / "x.scfg"))


def test_checkpoint_restores_the_state_exactly(tmp_path):
    brain = spark.nn.Brain(config=recurrent_config(seed=4))
    xs = _drives(20)
    _run(brain, xs[:8])
    path = tmp_path / "brain.spark"
    brain.checkpoint(str(path))
    restored = spark.nn.Brain.from_checkpoint(str(path))
    assert isinstance(restored, spark.nn.Brain) and restored.__built__
    _, s1 = spark.split(brain)
    _, s2 = spark.split(restored)
    assert s1.keys() == s2.keys()
    for key in s1:
        np.testing.assert_array_equal(s1[key], s2[key], err_msg=key)
    np.testing.assert_array_equal(_run(brain, xs[8:]), _run(restored, xs[8:]))
    with pytest.raises(FileExistsError, match="already exists"):
        brain.checkpoint(str(path))
