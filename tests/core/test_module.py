import os
import typing as tp
import zipfile

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.errors import BuildError, ConfigError, UnsafeFileError


class LeakOutput(tp.TypedDict):
    out: spark.FloatArray


class LeakConfig(spark.nn.Config):
    decay: float = 0.5
    noise: float = 0.0


@spark.register_module
class Leak(spark.nn.Module):
    """x <- decay * x + input (+ optional noise): a tiny stateful module for core tests."""

    config: LeakConfig
    __requires_rng__ = True

    def __init__(self, config: LeakConfig = None, **kwargs):
        super().__init__(config=config, **kwargs)
        self.decay = spark.Constant(jnp.asarray(self.config.decay, jnp.float32))

    def build(self, input_specs):
        self.x = spark.Variable(jnp.zeros(input_specs["drive"].shape, jnp.float32))

    def __call__(self, drive: spark.FloatArray) -> LeakOutput:
        noise = self.config.noise * jax.random.normal(self.get_rng_keys(1), self.x.value.shape)
        self.x.value = self.decay.value * self.x.value + drive.value + noise
        return {"out": spark.FloatArray(self.x.value)}


def test_three_ways_to_initialise():
    assert Leak(decay=0.1).config.decay == 0.1
    assert Leak(config=LeakConfig(decay=0.2)).config.decay == 0.2
    cfg = LeakConfig(decay=0.2)
    m = Leak(config=cfg, decay=0.3)
    assert m.config.decay == 0.3 and cfg.decay == 0.2  # kwargs win; the caller's config is not mutated
    with pytest.raises(ConfigError, match="unknown field 'decy'.*did you mean 'decay'"):
        Leak(decy=0.1)
    with pytest.raises(TypeError, match="config must be a LeakConfig"):
        Leak(config=3)


def test_lazy_build_and_specs_by_shape_evaluation():
    m = Leak()
    assert not m.__built__
    with pytest.raises(BuildError, match="not built yet"):
        m.get_input_specs()
    out_specs = m.build_from_specs({"drive": spark.InputSpec(spark.FloatArray, (3,), jnp.float32)})
    assert out_specs == {"out": spark.OutputSpec(spark.FloatArray, (3,), jnp.float32)}
    assert np.all(np.asarray(m.x.value) == 0)  # shape evaluation ran no step
    assert m.get_input_specs()["drive"].shape == (3,)


def test_call_builds_and_steps():
    m = Leak(decay=0.5)
    for _ in range(3):
        out = m(drive=spark.FloatArray(jnp.ones(2)))
    assert np.allclose(out["out"].value, 1 + 0.5 + 0.25)
    out = m(spark.FloatArray(jnp.ones(2)))  # positional is accepted
    assert np.allclose(out["out"].value, 1.875)


def test_input_type_errors_name_module_and_port():
    with pytest.raises(TypeError, match=r"Leak 'Leak': input 'drive' must be a spark payload"):
        Leak()(drive=jnp.ones(2))
    with pytest.raises(TypeError, match=r"input 'drive' expects FloatArray, got SpikeArray"):
        Leak()(drive=spark.SpikeArray(jnp.ones(2)))
    with pytest.raises(TypeError, match=r"missing required input 'drive'"):
        Leak().build_from_specs({})


def test_contract_output_specs():
    m = Leak()
    assert m.get_contract_output_specs() is None
    spec = spark.OutputSpec(spark.FloatArray, (4,), jnp.float32)
    m.set_contract_output_specs({"out": spec})
    assert m.get_contract_output_specs() == {"out": spec}
    assert m.get_output_specs()["out"].shape == (4,)  # before build, the contract answers
    with pytest.raises(TypeError, match="must be a spark.PortSpecs"):
        m.set_contract_output_specs({"out": (4,)})


def test_rng_keys_are_seeded_and_advance():
    a, b = Leak(seed=3), Leak(seed=3)
    for m in (a, b):
        m.build_from_specs({"drive": spark.InputSpec(spark.FloatArray, (2,), jnp.float32)})
    k1, k2 = a.get_rng_keys(1), a.get_rng_keys(1)
    assert not np.array_equal(k1, k2)
    assert np.array_equal(k1, b.get_rng_keys(1))
    assert len(a.get_rng_keys(3)) == 3


def test_reset_restores_state():
    m = Leak()
    m(drive=spark.FloatArray(jnp.ones(2)))
    assert np.all(np.asarray(m.x.value) == 1)
    m.reset()
    assert np.all(np.asarray(m.x.value) == 0)


def test_inspect_and_repr():
    m = Leak(name="leaky")
    assert repr(m) == "Leak(name='leaky', not built)"
    m(drive=spark.FloatArray(jnp.ones(2)))
    text = m.inspect()
    assert "drive: FloatArray (2,) float32" in text and "x: Variable (2,) float32" in text and "decay = 0.5" in text


def test_jit_over_split_and_merge_equals_eager():
    eager = Leak(noise=0.1, seed=7)
    jitted = Leak(noise=0.1, seed=7)
    x = spark.FloatArray(jnp.ones(3))
    jitted(drive=x)
    eager(drive=x)
    graph, state = spark.split(jitted)

    @jax.jit
    def step(graph, state, x):
        model = spark.merge(graph, state)
        out = model(drive=x)
        _, state = spark.split(model)
        return out, state

    for _ in range(5):
        out_j, state = step(graph, state, x)
        out_e = eager(drive=x)
        assert type(out_j["out"]) is spark.FloatArray
        np.testing.assert_allclose(out_j["out"].value, out_e["out"].value, rtol=1e-6)
    assert isinstance(state, dict) and all(isinstance(k, str) for k in state)


def test_checkpoint_round_trip_restores_identical_state(tmp_path):
    m = Leak(noise=0.2, seed=1)
    for _ in range(4):
        m(drive=spark.FloatArray(jnp.ones(3)))
    path = str(tmp_path / "leak.spark")
    m.checkpoint(path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        m.checkpoint(path)
    m.checkpoint(path, overwrite=True)
    back = Leak.from_checkpoint(path)
    assert back.config == m.config
    _, s1 = spark.split(m)
    _, s2 = spark.split(back)
    assert s1.keys() == s2.keys()
    for k in s1:
        np.testing.assert_array_equal(np.asarray(s1[k]), np.asarray(s2[k]))
    x = spark.FloatArray(jnp.ones(3))
    np.testing.assert_array_equal(m(drive=x)["out"].value, back(drive=x)["out"].value)


def test_checkpoint_safe_loading_refuses_traversal_links_and_unknown_classes(tmp_path):
    m = Leak()
    m(drive=spark.FloatArray(jnp.ones(2)))
    good = str(tmp_path / "good.spark")
    m.checkpoint(good)
    evil = str(tmp_path / "evil.spark")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../escape.txt", b"x")
    with pytest.raises(UnsafeFileError, match="unsafe path"):
        Leak.from_checkpoint(evil)
    link = str(tmp_path / "link.spark")
    os.symlink(good, link)
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        Leak.from_checkpoint(link)
    assert isinstance(Leak.from_checkpoint(link, safe=False), Leak)
    unknown = str(tmp_path / "unknown.spark")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(unknown, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                data = data.replace(b'"module": "Leak"', b'"module": "os.system"')
            dst.writestr(info, data)
    with pytest.raises(UnsafeFileError, match="unknown module 'os.system'"):
        Leak.from_checkpoint(unknown)


def test_split_keeps_constants_in_the_graph_unless_asked():
    m = Leak()
    m(drive=spark.FloatArray(jnp.ones(2)))
    graph, state = spark.split(m)
    assert "decay" not in state and "x" in state
    _, full = spark.split(m, constants_in_state=True)
    assert "decay" in full
    again, _ = spark.split(m)
    # same module, same static part: a jitted step is not recompiled
    assert again.static is graph.static and again == graph
    merged = spark.merge(graph, state)
    assert float(merged.decay.value) == 0.5


def test_split_refuses_an_unbuilt_module():
    with pytest.raises(BuildError, match="not built yet; call it once"):
        spark.split(Leak())
