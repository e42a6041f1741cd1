"""Public names, docstrings, configs, errors, jit and dtypes of the learning rules."""

from __future__ import annotations

import doctest
import importlib
import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn import learning_rules as lr

PUBLIC = {
    "LearningRule",
    "LearningRuleConfig",
    "LearningRuleOutput",
    "HebbianRule",
    "HebbianRuleConfig",
    "OjaRule",
    "OjaRuleConfig",
    "STDPRule",
    "STDPRuleConfig",
    "TripletSTDPRule",
    "TripletSTDPRuleConfig",
    "PopulationThreeFactorRule",
    "PopulationThreeFactorRuleConfig",
    "ThreeFactorRule",
    "ThreeFactorRuleConfig",
}
RULES = [lr.HebbianRule, lr.OjaRule, lr.STDPRule, lr.TripletSTDPRule, lr.ThreeFactorRule]


def test_public_names_are_pinned() -> None:
    assert set(lr.__all__) == PUBLIC
    assert inspect.isabstract(lr.LearningRule)
    names = {e["name"] for e in spark.catalogue()["groups"]["learning_rules"]}
    assert {r.__name__ for r in RULES} <= names


@pytest.mark.parametrize("name", ["_hebbian", "_oja", "_stdp", "_triplet", "_three_factor"])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"spark.nn.learning_rules.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("cls", RULES)
def test_config_round_trips_through_a_file(cls: type, tmp_path) -> None:
    cfg = cls.get_config_spec()(eta=0.5, w_min=0.1, w_max=3.0, dt=0.5, seed=1)
    path = tmp_path / "rule.scfg"
    cfg.to_file(str(path))
    assert type(cfg).from_file(str(path)) == cfg


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (lr.STDPRuleConfig, {"w_min": 1.0, "w_max": 1.0}, "w_min must be below w_max"),
        (lr.STDPRuleConfig, {"tau_plus": -5.0}, "tau_plus.*must be positive"),
        (lr.STDPRuleConfig, {"A_minus": -0.1}, "A_minus.*non-negative"),
        (lr.HebbianRuleConfig, {"eta": -1.0}, "eta.*non-negative"),
        (lr.TripletSTDPRuleConfig, {"tau_y": 0.0}, "tau_y.*must be positive"),
        (lr.ThreeFactorRuleConfig, {"tau_e": "long"}, "tau_e.*must be of type float"),
        (lr.OjaRuleConfig, {"tau": 1.0}, "unknown field 'tau'"),
    ],
)
def test_config_errors_name_the_field(cls: type, kwargs: dict, match: str) -> None:
    with pytest.raises(spark.ConfigError, match=match):
        cls(**kwargs)


def test_shape_errors_say_what_fits() -> None:
    rule = lr.STDPRule()
    with pytest.raises(
        spark.BuildError,
        match=r"pre_spikes of shape \(5,\) do not match the kernel \(2, 3\); "
        r"give 3 presynaptic spikes",
    ):
        rule(
            pre_spikes=spark.SpikeArray(jnp.zeros(5)),
            post_spikes=spark.SpikeArray(jnp.zeros(2)),
            kernel=spark.FloatArray(jnp.zeros((2, 3))),
        )
    with pytest.raises(spark.BuildError, match=r"post_spikes of shape \(4,\) \(4 values\) do not match"):
        lr.HebbianRule()(
            pre_spikes=spark.SpikeArray(jnp.zeros(3)),
            post_spikes=spark.SpikeArray(jnp.zeros(4)),
            kernel=spark.FloatArray(jnp.zeros((2, 3))),
        )


def sequence(n_steps: int = 6, modulation: bool = False) -> list[dict]:
    rng = np.random.default_rng(0)
    out = []
    for _ in range(n_steps):
        step = {
            "pre_spikes": spark.SpikeArray(jnp.asarray(rng.choice([-1.0, 0.0, 1.0], 4), jnp.float32)),
            "post_spikes": spark.SpikeArray(jnp.asarray(rng.random(3) < 0.5, jnp.float32)),
        }
        if modulation:
            step["modulation"] = spark.FloatArray(jnp.asarray(rng.normal(), jnp.float32))
        out.append(step)
    return out


@jax.jit
def _step(graph, state, inputs):
    model = spark.merge(graph, state)
    out = model(**inputs)
    return out, spark.split(model)[1]


@pytest.mark.parametrize("cls", RULES)
def test_jit_equals_eager(cls: type) -> None:
    steps = sequence(modulation=cls is lr.ThreeFactorRule)
    kw = dict(eta=1.0, seed=0) if cls is lr.ThreeFactorRule else dict(seed=0)
    eager, jitted = cls(**kw), cls(**kw)
    k0 = spark.FloatArray(jnp.full((3, 4), 0.5, jnp.float32))
    jitted.build_from_specs(
        {p: spark.InputSpec(type(v), v.shape, v.dtype) for p, v in {**steps[0], "kernel": k0}.items()}
    )
    graph, state = spark.split(jitted)
    ka, kb = k0, k0
    for inputs in steps:
        ka = eager(**inputs, kernel=ka)["kernel"]
        out, state = _step(graph, state, {**inputs, "kernel": kb})
        kb = out["kernel"]
        np.testing.assert_allclose(np.asarray(ka.value), np.asarray(kb.value), rtol=1e-6, atol=1e-7)
    assert not np.allclose(np.asarray(ka.value), 0.5)  # something was learned


@pytest.mark.parametrize("cls", RULES)
def test_float16_runs_and_keeps_the_kernel_dtype(cls: type) -> None:
    rule = cls(dtype="float16")
    k = spark.FloatArray(jnp.full((3, 4), 0.5, jnp.float16))
    for inputs in sequence(4, modulation=cls is lr.ThreeFactorRule):
        inputs = {p: type(v)(v.value.astype(jnp.float16)) for p, v in inputs.items()}
        k = rule(**inputs, kernel=k)["kernel"]
    assert k.dtype == jnp.float16 and np.all(np.isfinite(np.asarray(k.value, np.float32)))


def test_reset_clears_traces() -> None:
    rule = lr.ThreeFactorRule()
    rule(**sequence(1)[0], kernel=spark.FloatArray(jnp.full((3, 4), 0.5)))
    assert float(jnp.abs(rule.pre_trace.value).sum()) > 0
    rule.reset()
    assert (
        float(jnp.abs(rule.pre_trace.value).sum()) == 0 and float(jnp.abs(rule.eligibility.value).sum()) == 0
    )
