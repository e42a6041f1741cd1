"""The public names of ``spark.nn.interfaces`` are pinned: removing one must be deliberate."""

import inspect

import pytest

import spark
from spark.nn import interfaces

PUBLIC = {
    "Interface",
    "InputInterface",
    "OutputInterface",
    "ControlInterface",
    "SpikerConfig",
    "TopologicalSpikerConfig",
    "PoissonSpiker",
    "PoissonSpikerConfig",
    "LinearSpiker",
    "LinearSpikerConfig",
    "TopologicalPoissonSpiker",
    "TopologicalPoissonSpikerConfig",
    "TopologicalLinearSpiker",
    "TopologicalLinearSpikerConfig",
    "ExponentialIntegrator",
    "ExponentialIntegratorConfig",
    "Concat",
    "ConcatConfig",
    "Sampler",
    "SamplerConfig",
}
MODELS = [
    "PoissonSpiker",
    "LinearSpiker",
    "TopologicalPoissonSpiker",
    "TopologicalLinearSpiker",
    "ExponentialIntegrator",
    "Concat",
    "Sampler",
]


def test_public_names_are_pinned() -> None:
    assert set(interfaces.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(interfaces, name) is not None


@pytest.mark.parametrize("base", ["Interface", "InputInterface", "OutputInterface", "ControlInterface"])
def test_bases_are_abstract(base: str) -> None:
    cls = getattr(interfaces, base)
    assert inspect.isabstract(cls)
    with pytest.raises(TypeError, match="abstract"):
        cls()


@pytest.mark.parametrize("name", MODELS)
def test_models_are_registered_in_the_interfaces_group(name: str) -> None:
    cls = getattr(interfaces, name)
    assert not inspect.isabstract(cls)
    entry = next(e for e in spark.catalogue()["groups"]["interfaces"] if e["name"] == name)
    assert entry["class"] == name
    assert getattr(interfaces, name + "Config")().class_ref is cls


def test_port_contracts() -> None:
    groups = {e["name"]: e for e in spark.catalogue()["groups"]["interfaces"]}
    for name in ["PoissonSpiker", "LinearSpiker", "TopologicalPoissonSpiker", "TopologicalLinearSpiker"]:
        assert groups[name]["inputs"] == {"signal": {"payload_type": "FloatArray", "optional": False}}
        assert groups[name]["outputs"] == {"spikes": {"payload_type": "SpikeArray"}}
    assert groups["ExponentialIntegrator"]["inputs"] == {
        "spikes": {"payload_type": "SpikeArray", "optional": False}
    }
    assert groups["ExponentialIntegrator"]["outputs"] == {"signal": {"payload_type": "FloatArray"}}
    assert [p for p, v in groups["Concat"]["inputs"].items() if v["optional"]] == ["c", "d"]
