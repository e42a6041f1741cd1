"""The contract every registered module keeps, checked for every entry of ``spark.catalogue()``.

Adding a component means registering it: it then appears in the catalogue and is tested here, with no
per-module test code. Each module is built from its default config (seeds fixed) and fed
``cls.example_inputs(config)``-shaped inputs that change every step.
"""

from __future__ import annotations

import dataclasses as dc
import doctest
import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.core.payloads import payload_type_by_name
from spark.core.registry import MODULES
from spark.core.specs import InputSpec
from spark.core.variables import RNGKey

N_STEPS = 20


def _entries() -> list[dict]:
    """Catalogue entries of the modules shipped with Spark (test files may register their own)."""
    return [
        entry
        for group in spark.catalogue()["groups"].values()
        for entry in group
        if MODULES.get(entry["name"]).__module__.startswith("spark.")
    ]


ENTRIES = {entry["name"]: entry for entry in _entries()}
NAMES = sorted(ENTRIES)


def make_config(cls: type, dtype: str | None = None, seed: int = 0) -> spark.nn.BaseConfig:
    """The default config with every ``seed`` (and optionally every ``dtype``) fixed."""
    cfg_cls = cls.get_config_spec()
    kwargs = {}
    if cfg_cls._has_field_deep("seed"):
        kwargs["_s_seed"] = seed
    if dtype is not None:
        kwargs["_s_dtype"] = np.dtype(dtype)
    return cfg_cls(**kwargs)


def make_inputs(cls: type, config: spark.nn.BaseConfig) -> list[dict]:
    """``N_STEPS`` input dicts shaped like ``example_inputs``: random spikes, jittered floats."""
    example = cls.example_inputs(config)
    rng = np.random.default_rng(0)
    steps = []
    for _ in range(N_STEPS):
        step = {}
        for port, payload in example.items():
            arr = np.asarray(payload.value)
            if isinstance(payload, spark.SpikeArray):
                arr = (rng.random(arr.shape) < 0.3).astype(arr.dtype)
            elif arr.dtype.kind == "f":
                arr = (arr + rng.random(arr.shape)).astype(arr.dtype)
            step[port] = type(payload)(jnp.asarray(arr))
        steps.append(step)
    return steps


def input_specs(inputs: dict) -> dict[str, InputSpec]:
    return {p: InputSpec(type(v), v.shape, v.dtype) for p, v in inputs.items()}


@jax.jit
def _step(graph, state, inputs):
    model = spark.merge(graph, state)
    out = model(**inputs)
    _, state = spark.split(model)
    return out, state


def run_jit(cls: type, config: spark.nn.BaseConfig, steps: list[dict]) -> tuple[list, list, dict, object]:
    """Run a fresh module under ``jax.jit`` via split/merge; return (outputs, states, state0, module)."""
    module = cls(config=config)
    module.build_from_specs(input_specs(steps[0]))
    graph, state = spark.split(module)
    state0 = state
    outs, states = [], []
    for inputs in steps:
        out, state = _step(graph, state, inputs)
        outs.append(out)
        states.append(state)
    return outs, states, state0, spark.merge(graph, state)


@dc.dataclass
class Record:
    cls: type
    config: spark.nn.BaseConfig
    steps: list
    eager: list
    jit: list
    states: list
    state0: dict
    final: object


def run_eager(cls: type, config: spark.nn.BaseConfig, steps: list[dict]) -> list[dict]:
    """Run a fresh module step by step, without ``jax.jit``."""
    module = cls(config=config)
    return [module(**inputs) for inputs in steps]


@functools.cache
def record(name: str, dtype: str | None = None) -> Record:
    """Run ``name`` once eagerly and once under jit (float16 records skip the eager run)."""
    cls = MODULES.get(name)
    config = make_config(cls, dtype)
    steps = make_inputs(cls, config)
    eager = run_eager(cls, config, steps) if dtype is None else []
    outs, states, state0, final = run_jit(cls, config, steps)
    return Record(cls, config, steps, eager, outs, states, state0, final)


def declared_type(name: str) -> type:
    return spark.SparkPayload if name == "SparkPayload" else payload_type_by_name(name)


def leaves(out: dict) -> dict[str, np.ndarray]:
    return {k: np.asarray(v.value) for k, v in out.items()}


# -- the contract ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_builds_from_default_config_and_matches_output_specs(name: str) -> None:
    rec = record(name)
    entry = ENTRIES[name]
    specs = rec.final.get_output_specs()
    assert set(specs) == set(entry["outputs"]), "declared output ports must match the built module's"
    for out in rec.jit:
        assert set(out) == set(specs)
        for port, payload in out.items():
            spec = specs[port]
            assert type(payload) is spec.payload_type, f"{port}: payload type changed"
            assert isinstance(payload, declared_type(entry["outputs"][port]["payload_type"]))
            assert payload.shape == spec.shape and np.dtype(payload.dtype) == spec.dtype, (
                f"{port}: spec drift"
            )


@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_finite(name: str) -> None:
    for out in record(name).jit:
        for port, arr in leaves(out).items():
            if arr.dtype.kind in "fc":
                assert np.all(np.isfinite(arr)), f"{name}.{port} has NaN/Inf"


@pytest.mark.parametrize("name", NAMES)
def test_state_keeps_shapes_and_dtypes(name: str) -> None:
    rec = record(name)
    ref = jax.tree.map(lambda x: (np.shape(x), np.asarray(x).dtype), rec.state0)
    for state in rec.states:
        assert jax.tree.map(lambda x: (np.shape(x), np.asarray(x).dtype), state) == ref


@pytest.mark.parametrize("name", NAMES)
def test_jit_matches_eager(name: str) -> None:
    rec = record(name)
    for n, (a, b) in enumerate(zip(rec.eager, rec.jit, strict=True)):
        assert set(a) == set(b)
        for port in a:
            assert type(a[port]) is type(b[port])
            np.testing.assert_allclose(
                np.asarray(a[port].value, np.float64),
                np.asarray(b[port].value, np.float64),
                rtol=1e-5,
                atol=1e-6,
                err_msg=f"{name}.{port} at step {n}",
            )


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_outputs(name: str) -> None:
    rec = record(name)
    again = run_eager(rec.cls, make_config(rec.cls), rec.steps[:5])
    for a, b in zip(rec.eager[:5], again, strict=True):
        for port in a:
            np.testing.assert_array_equal(np.asarray(a[port].value), np.asarray(b[port].value))


@pytest.mark.parametrize("name", NAMES)
def test_reset_restores_initial_state(name: str) -> None:
    rec = record(name)
    module = rec.final
    module.reset()
    graph, state = spark.split(module)
    kinds = dict(zip(graph.keys(), graph.variables, strict=True))
    for key, value in rec.state0.items():
        if isinstance(kinds[key], RNGKey):
            continue
        np.testing.assert_array_equal(np.asarray(state[key]), np.asarray(value), err_msg=f"{name}: {key}")


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trips_through_a_file(name: str, tmp_path) -> None:
    rec = record(name)
    path = tmp_path / f"{name}.scfg"
    rec.config.to_file(str(path))
    json.loads(path.read_text())
    loaded = type(rec.config).from_file(str(path))
    assert loaded == rec.config, rec.config.diff(loaded)
    replay = run_eager(rec.cls, loaded, rec.steps[:3])
    for a, b in zip(rec.eager[:3], replay, strict=True):
        for port in a:
            np.testing.assert_array_equal(np.asarray(a[port].value), np.asarray(b[port].value))


@pytest.mark.parametrize("name", NAMES)
def test_works_in_float16(name: str) -> None:
    cls = MODULES.get(name)
    if not cls.get_config_spec()._has_field_deep("dtype") or not getattr(cls, "__supports_float16__", True):
        pytest.skip(f"{name} has no float16 mode")
    rec = record(name, "float16")
    for out in rec.jit:
        for port, arr in leaves(out).items():
            if arr.dtype.kind == "f":
                assert arr.dtype == np.float16, f"{name}.{port} is {arr.dtype} in a float16 config"
                assert np.all(np.isfinite(arr)), f"{name}.{port} has NaN/Inf in float16"


@pytest.mark.parametrize("name", NAMES)
def test_has_a_docstring_with_a_runnable_example(name: str) -> None:
    cls = MODULES.get(name)
    tests = [t for t in doctest.DocTestFinder(recurse=False).find(cls, globs={}) if t.examples]
    assert tests, f"{cls.__name__}'s docstring needs an example (>>> lines)"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for t in tests:
        runner.run(t)
    assert runner.failures == 0, f"{cls.__name__}'s docstring example fails"


def test_catalogue_is_not_empty_and_covers_the_interfaces() -> None:
    assert {"PoissonSpiker", "TopologicalLinearSpiker", "ExponentialIntegrator"} <= set(NAMES)
