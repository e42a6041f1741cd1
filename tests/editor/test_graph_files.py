"""Graph document <-> encoded BrainConfig, the layered layout, and session / model files."""

from __future__ import annotations

import gzip
import json

import pytest
from _sample import seed_graph, spec

from spark.editor._files import EditorFileError, parse_model_bytes, read_session, write_session
from spark.editor._graph import brain_to_graph, graph_to_brain, structure_errors
from spark.editor._layout import COLUMN


def test_graph_to_brain_encodes_the_seed_brain():
    enc = graph_to_brain(seed_graph())
    assert enc["$type"] == "config" and enc["class"] == "BrainConfig"
    f = enc["fields"]
    assert f["input_map"] == {
        "drive": {"$type": "input_spec", "payload_type": "FloatArray", "shape": [4], "dtype": "float16"}
    }
    assert f["output_map"]["action"]["input"] == {
        "$type": "port_map",
        "origin": "integrator",
        "port": "signal",
    }
    assert f["output_map"]["action"]["spec"]["shape"] == [2]
    pool = f["modules_map"]["neurons_pool"]
    assert pool["module"] == "ALIFNeuron" and pool["config"] is None
    assert pool["inputs"]["in_spikes"] == [  # order of the edges is kept: spiker first, then itself
        {"$type": "port_map", "origin": "spiker", "port": "spikes"},
        {"$type": "port_map", "origin": "neurons_pool", "port": "out_spikes"},
    ]
    assert f["modules_map"]["spiker"]["inputs"]["signal"] == [
        {"$type": "port_map", "origin": "__call__", "port": "drive"}
    ]
    assert f["modules_map"]["integrator"]["config"]["fields"] == {"num_outputs": 2}


def test_brain_to_graph_round_trips():
    doc = brain_to_graph(graph_to_brain(seed_graph()))
    names = {n["name"]: n for n in doc["nodes"]}
    assert set(names) == {"drive", "spiker", "neurons_pool", "integrator", "action"}
    assert names["drive"]["spec"] == spec((4,))
    again = graph_to_brain(doc)
    assert again == graph_to_brain(seed_graph())


def test_layout_is_layered_left_to_right():
    doc = brain_to_graph(graph_to_brain(seed_graph()))
    x = {n["name"]: n["position"]["x"] for n in doc["nodes"]}
    assert x["drive"] < x["spiker"] < x["neurons_pool"] < x["integrator"] < x["action"]
    assert x["spiker"] - x["drive"] == COLUMN
    positions = [(n["position"]["x"], n["position"]["y"]) for n in doc["nodes"]]
    assert len(set(positions)) == len(positions)


def test_layout_stacks_parallel_branches():
    g = seed_graph()
    g["nodes"].append(
        {"id": "f", "kind": "module", "name": "other", "module": "ALIFNeuron", "position": {"x": 0, "y": 0}}
    )
    g["edges"].append({"from": {"node": "b", "port": "spikes"}, "to": {"node": "f", "port": "in_spikes"}})
    doc = brain_to_graph(graph_to_brain(g))
    pos = {n["name"]: n["position"] for n in doc["nodes"]}
    assert pos["other"]["x"] == pos["neurons_pool"]["x"]
    assert pos["other"]["y"] != pos["neurons_pool"]["y"]


def test_structure_errors_of_a_valid_graph_are_empty():
    assert (
        structure_errors(seed_graph(), {"TopologicalLinearSpiker", "ALIFNeuron", "ExponentialIntegrator"})
        == []
    )


def test_structure_errors_list_every_problem():
    g = seed_graph()
    g["nodes"] = [n for n in g["nodes"] if n["kind"] != "output"]
    g["edges"] = g["edges"][:-1]
    g["nodes"][1]["name"] = "neurons_pool"  # duplicate
    g["nodes"].append({"id": "z", "kind": "module", "name": "lonely", "module": "Nope", "position": {}})
    msgs = [
        e["message"]
        for e in structure_errors(g, {"TopologicalLinearSpiker", "ALIFNeuron", "ExponentialIntegrator"})
    ]
    assert any("no output node" in m for m in msgs)
    assert any("'neurons_pool' is used twice" in m for m in msgs)
    assert any("'Nope' is not registered" in m for m in msgs)
    assert any("'lonely' is not connected to the rest" in m for m in msgs)


def test_structure_errors_empty_graph():
    msgs = [e["message"] for e in structure_errors({"nodes": [], "edges": []})]
    assert any("no input node" in m for m in msgs) and any("no output node" in m for m in msgs)


def test_session_round_trip_keeps_an_invalid_model(tmp_path):
    g = {
        "nodes": [
            {
                "id": "x",
                "kind": "module",
                "name": "half",
                "module": "ALIFNeuron",
                "config": {"$type": "config", "class": "ALIFNeuronConfig", "fields": {"tau": -1}},
                "position": {"x": 12, "y": 34},
                "links": ["units"],
            }
        ],
        "edges": [],
    }
    path = tmp_path / "s.sge"
    write_session(path, {"graph": g, "view": {"scaling": 0.5}})
    doc = read_session(path)
    assert doc["graph"] == g and doc["view"] == {"scaling": 0.5}
    assert json.loads(path.read_text())["format"] == "spark.editor.session"


def test_session_errors(tmp_path):
    bad = tmp_path / "bad.sge"
    bad.write_text("{not json")
    with pytest.raises(EditorFileError, match="not a JSON file"):
        read_session(bad)
    bad.write_text(json.dumps({"format": "something.else"}))
    with pytest.raises(EditorFileError, match="not a graph editor session"):
        read_session(bad)
    bad.write_text(
        json.dumps({"format": "spark.editor.session", "version": 99, "graph": {"nodes": [], "edges": []}})
    )
    with pytest.raises(EditorFileError, match="version 99 is not supported"):
        read_session(bad)


def test_model_bytes_plain_and_gzip():
    doc = {"format": "spark.config", "version": 1, "config": graph_to_brain(seed_graph())}
    raw = json.dumps(doc).encode()
    for data in (raw, gzip.compress(raw)):
        g = parse_model_bytes(data, "m.scfg")
        assert len(g["nodes"]) == 5 and len(g["edges"]) == 5


def test_model_bytes_errors():
    with pytest.raises(EditorFileError, match="not a Spark model file"):
        parse_model_bytes(b'{"format": "x"}', "m.scfg")
    other = {
        "format": "spark.config",
        "version": 1,
        "config": {"$type": "config", "class": "LIFSomaConfig", "fields": {}},
    }
    with pytest.raises(EditorFileError, match="holds a LIFSomaConfig, not a BrainConfig"):
        parse_model_bytes(json.dumps(other).encode(), "m.scfg")
    enc = graph_to_brain(seed_graph())
    enc["fields"]["modules_map"]["spiker"]["inputs"]["signal"][0]["port"] = "missing"
    doc = {"format": "spark.config", "version": 1, "config": enc}
    with pytest.raises(EditorFileError, match="reads brain input 'missing'"):
        parse_model_bytes(json.dumps(doc).encode(), "m.scfg")


def test_api_session_round_trip(client, tmp_path):
    session = {
        "graph": seed_graph(),
        "view": {"panning": {"x": 1, "y": 2}, "scaling": 1.5},
        "model_path": None,
    }
    r = client.post("/api/session/save", json={"path": "sub/my.sge", "session": session})
    assert r.status_code == 200 and r.json()["path"] == "sub/my.sge"
    r = client.post("/api/session/load", json={"path": "sub/my.sge"})
    assert r.json()["session"]["graph"] == seed_graph()
    listing = client.get("/api/files", params={"dir": "sub"}).json()
    assert listing["entries"] == [
        {
            "name": "my.sge",
            "path": "sub/my.sge",
            "type": "file",
            "size": (tmp_path / "sub/my.sge").stat().st_size,
        }
    ]


def test_api_failed_save_keeps_the_previous_session(client, tmp_path):
    good = {"graph": seed_graph()}
    assert client.post("/api/session/save", json={"path": "keep.sge", "session": good}).status_code == 200
    before = (tmp_path / "keep.sge").read_bytes()
    body = '{"path": "keep.sge", "session": {"graph": {"nodes": [{"x": NaN}], "edges": []}}}'
    r = client.post("/api/session/save", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "previous file is unchanged" in r.json()["error"]
    assert (tmp_path / "keep.sge").read_bytes() == before


def test_api_model_load(client, tmp_path):
    doc = {"format": "spark.config", "version": 1, "config": graph_to_brain(seed_graph())}
    (tmp_path / "m.scfg").write_text(json.dumps(doc))
    r = client.post("/api/model/load", json={"path": "m.scfg"})
    assert r.status_code == 200
    assert {n["name"] for n in r.json()["graph"]["nodes"]} == {
        "drive",
        "spiker",
        "neurons_pool",
        "integrator",
        "action",
    }
    r = client.post("/api/model/load", json={"path": "missing.scfg"})
    assert r.status_code == 404


def test_api_catalogue_and_state(client, fake_catalogue):
    assert client.get("/api/catalogue").json() == fake_catalogue
    state = client.get("/api/state").json()
    assert state["initial"] is None and state["root"]
