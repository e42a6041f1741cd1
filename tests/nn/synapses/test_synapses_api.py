"""Public names, docstring examples, configs and errors of the synapse package."""

from __future__ import annotations

import doctest
import importlib
import inspect

import jax.numpy as jnp
import numpy as np
import pytest

import spark
from spark.nn import synapses

PUBLIC = {
    "Synapses",
    "Synanpses",
    "SynapsesConfig",
    "SynapsesOutput",
    "LinearSynapses",
    "LinearSynapsesConfig",
    "TracedSynapses",
    "TracedSynapsesConfig",
    "SparseConductanceSynapses",
    "SparseConductanceSynapsesConfig",
    "ConductanceSynapses",
    "ConductanceSynapsesConfig",
    "SparseSynapses",
    "SparseSynapsesConfig",
}
MODELS = [
    synapses.LinearSynapses,
    synapses.TracedSynapses,
    synapses.ConductanceSynapses,
    synapses.SparseSynapses,
]


def test_public_names_are_pinned() -> None:
    assert set(synapses.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(synapses, name) is not None


def test_base_is_abstract_and_has_the_documented_alias() -> None:
    assert synapses.Synanpses is synapses.Synapses
    assert inspect.isabstract(synapses.Synapses)
    assert all(issubclass(m, synapses.Synapses) and not inspect.isabstract(m) for m in MODELS)


def test_models_are_registered_in_the_synapses_group() -> None:
    names = {e["name"] for e in spark.catalogue()["groups"]["synapses"]}
    assert {m.__name__ for m in MODELS} <= names


@pytest.mark.parametrize("name", ["_linear", "_traced", "_conductance", "_sparse"])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"spark.nn.synapses.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("cls", MODELS)
def test_config_round_trips_through_a_file(cls: type, tmp_path) -> None:
    cfg = cls.get_config_spec()(units=(3, 2), seed=7, dtype="float16", kernel_initializer__high=3.0)
    path = tmp_path / "syn.scfg"
    cfg.to_file(str(path))
    loaded = type(cfg).from_file(str(path))
    assert loaded == cfg, cfg.diff(loaded)
    assert loaded.kernel_initializer.high == 3.0


def test_default_kernel_is_non_negative_and_fan_in_scaled() -> None:
    syn = synapses.LinearSynapses(units=(64,), seed=0)
    syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (400,))})
    w = np.asarray(syn.get_kernel())
    assert w.shape == (64, 400) and w.min() >= 0.0
    assert w.max() < 44.0 / np.sqrt(400)
    np.testing.assert_allclose(w.mean(), 22.0 / np.sqrt(400), rtol=0.05)


def test_kernel_initializer_can_be_swapped() -> None:
    init = (
        spark.nn.initializers.ConstantInitializerConfig(value=0.25)
        if hasattr(spark.nn.initializers, "ConstantInitializerConfig")
        else None
    )
    if init is None:
        pytest.skip("no constant initializer")
    syn = synapses.TracedSynapses(units=(2,), kernel_initializer=init)
    syn(spikes=spark.SpikeArray(jnp.zeros(3)))
    np.testing.assert_array_equal(np.asarray(syn.get_kernel()), np.full((2, 3), 0.25, np.float32))


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (synapses.LinearSynapsesConfig, {"spike_layout": "rows"}, "spike_layout.*must be one of"),
        (synapses.LinearSynapsesConfig, {"units": (0,)}, "units.*must be a shape"),
        (synapses.TracedSynapsesConfig, {"tau_syn": -1.0}, "tau_syn.*must be positive"),
        (synapses.ConductanceSynapsesConfig, {"E_i": 10.0}, "E_i must be below E_e"),
        (synapses.ConductanceSynapsesConfig, {"tau_e": 0.0}, "tau_e.*must be positive"),
        (
            synapses.SparseSynapsesConfig,
            {"connection_probability": 1.5},
            r"connection_probability.*\[0.0, 1.0\]",
        ),
        (synapses.SparseSynapsesConfig, {"max_active_fraction": 0.0}, "max_active_fraction.*positive"),
        (synapses.SparseSynapsesConfig, {"in_degree": 0}, "in_degree.*positive"),
        (synapses.LinearSynapsesConfig, {"tau_syn": 1.0}, "unknown field 'tau_syn'"),
        (
            synapses.TracedSynapsesConfig,
            {"kernel_initializer": 0.5},
            "kernel_initializer must be an initializer config",
        ),
    ],
)
def test_config_errors_name_the_field(cls: type, kwargs: dict, match: str) -> None:
    with pytest.raises(spark.ConfigError, match=match):
        cls(**kwargs)


def test_build_errors_name_the_module_and_the_fix() -> None:
    syn = synapses.SparseSynapses(units=(4,), in_degree=10)
    with pytest.raises(spark.BuildError, match="in_degree=10 exceeds the 3 presynaptic inputs"):
        syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (3,))})
    syn = synapses.LinearSynapses(units=(4,), spike_layout="per_synapse")
    with pytest.raises(spark.BuildError, match=r"needs spikes of shape \(post, pre\) = \(4, n\), got \(5,\)"):
        syn.build_from_specs({"spikes": spark.InputSpec(spark.SpikeArray, (5,))})


def test_set_kernel_checks_the_shape() -> None:
    syn = synapses.LinearSynapses(units=(2,))
    syn(spikes=spark.SpikeArray(jnp.zeros(3)))
    with pytest.raises(ValueError, match=r"set_kernel expects shape \(2, 3\), got \(3, 2\)"):
        syn.set_kernel(jnp.zeros((3, 2)))
    syn.set_kernel(spark.FloatArray(jnp.ones((2, 3))))
    assert syn.get_kernel().dtype == jnp.float32 and float(syn.get_kernel().sum()) == 6.0
