"""``spark.catalogue()``: JSON-ready, grouped, and describing every field of every module's config."""

import inspect
import json

import numpy as np
import pytest

import spark
from spark.core.catalogue import GROUP_ORDER, catalogue, config_schema
from spark.core.files import decode
from spark.core.registry import MODULES

FIELD_KEYS = {"name", "kind", "units", "description", "required", "default"}
KINDS = {"float", "int", "bool", "str", "dtype", "shape", "array", "choice", "config", "initializer", "any"}


def library_entries() -> list[dict]:
    """Entries of the modules shipped with Spark (tests may register their own)."""
    return [
        e
        for group in catalogue()["groups"].values()
        for e in group
        if MODULES.get(e["name"]).__module__.startswith("spark.")
    ]


def test_catalogue_is_json_ready() -> None:
    cat = catalogue()
    text = json.dumps(cat, allow_nan=False)
    assert json.loads(text) == cat
    assert cat["version"] == 1
    assert {"FloatArray", "SpikeArray", "CurrentArray", "PotentialArray"} <= set(cat["payload_types"])


def test_entries_are_grouped_sorted_and_unique() -> None:
    cat = catalogue()
    names = []
    for group, entries in cat["groups"].items():
        assert entries, f"empty group {group!r} is listed"
        assert [e["name"] for e in entries] == sorted(e["name"] for e in entries)
        for e in entries:
            assert e["group"] == group
            names.append(e["name"])
    assert len(names) == len(set(names)), "a module is listed twice (aliases must not be listed)"
    known = [g for g in GROUP_ORDER if g in cat["groups"]]
    assert list(cat["groups"])[: len(known)] == known, "groups follow GROUP_ORDER"
    for name in names:
        cls = MODULES.get(name)
        assert not inspect.isabstract(cls)
        assert MODULES.name_of(cls) == name, "listed under its primary (file) name"


def test_the_interfaces_group() -> None:
    names = {e["name"] for e in catalogue()["groups"]["interfaces"]}
    assert names >= {
        "PoissonSpiker",
        "LinearSpiker",
        "TopologicalPoissonSpiker",
        "TopologicalLinearSpiker",
        "ExponentialIntegrator",
        "Concat",
        "Sampler",
    }
    assert not names & {"Interface", "InputInterface", "OutputInterface", "ControlInterface"}


@pytest.mark.parametrize("entry", library_entries(), ids=lambda e: e["name"])
def test_entry_describes_ports_and_config(entry: dict) -> None:
    cls = MODULES.get(entry["name"])
    assert entry["class"] == cls.__name__
    assert entry["doc"] and entry["doc"] != cls.__name__, "the first line of the docstring is the summary"
    payloads = set(catalogue()["payload_types"]) | {"SparkPayload"}
    assert entry["outputs"], "a module has at least one output"
    for port in list(entry["inputs"].values()) + list(entry["outputs"].values()):
        assert port["payload_type"] in payloads
    schema = entry["config"]
    assert schema["class"] == cls.get_config_spec().__name__
    default = cls.get_config_spec()()
    names = [f["name"] for f in schema["fields"]]
    assert names == [n for n, _, _ in default]
    assert {"seed", "dtype", "dt"} <= set(names)
    for field in schema["fields"]:
        where = f"{entry['name']}.{field['name']}"
        assert set(field) >= FIELD_KEYS, where
        assert field["kind"] in KINDS, where
        assert isinstance(field["description"], str) and field["description"].strip(), (
            f"{where} needs a description"
        )
        assert field["units"] is None or isinstance(field["units"], str), where
        if field["kind"] == "choice":
            assert decode(field["default"]) in field["choices"], where
        if (
            field["name"] != "seed"
            and field["default"] is not None
            and field["kind"] not in ("config", "initializer")
        ):
            value = decode(field["default"])
            expected = getattr(default, field["name"])
            if isinstance(expected, np.ndarray):
                np.testing.assert_array_equal(value, expected, err_msg=where)
            else:
                assert value == expected, where


def test_units_and_kinds_of_an_interface_config() -> None:
    entry = next(e for e in catalogue()["groups"]["interfaces"] if e["name"] == "TopologicalLinearSpiker")
    fields = {f["name"]: f for f in entry["config"]["fields"]}
    assert fields["dt"]["units"] == "ms" and fields["dt"]["kind"] == "float"
    assert fields["max_freq"]["units"] == "Hz" and fields["max_freq"]["default"] == 100.0
    assert fields["resolution"]["kind"] == "int"
    assert fields["tuning"]["kind"] == "choice" and fields["tuning"]["choices"] == ["gaussian", "triangular"]
    assert fields["dtype"]["kind"] == "dtype" and decode(fields["dtype"]["default"]) == np.dtype("float32")
    assert "sharpness" in fields["tau"]["description"]


def test_a_newly_registered_module_appears_in_its_group() -> None:
    class CatalogueProbeConfig(spark.nn.Config):
        """Probe config."""

    class CatalogueProbe(spark.nn.Module):
        """A probe module."""

        __catalogue_group__ = "somas"
        config: CatalogueProbeConfig

        def __call__(self, x: spark.FloatArray) -> dict:
            return {}

    spark.register_module(CatalogueProbe)
    try:
        entry = next(e for e in catalogue()["groups"]["somas"] if e["name"] == "CatalogueProbe")
        assert entry["doc"] == "A probe module."
        assert entry["inputs"] == {"x": {"payload_type": "FloatArray", "optional": False}}
        fields = entry["config"]["fields"]
        assert [f["name"] for f in fields] == [
            f["name"] for f in config_schema(CatalogueProbeConfig)["fields"]
        ]
    finally:
        for name in ("CatalogueProbe", "catalogue_probe"):
            MODULES._by_name.pop(name, None)
