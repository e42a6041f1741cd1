"""The editor API against the real library: catalogue, validation, export and the Run panel."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from _sample import seed_graph
from conftest import PORT, TOKEN

import spark


@pytest.fixture
def api(tmp_path):
    from starlette.testclient import TestClient

    from spark.editor import create_app

    app = create_app(tmp_path, token=TOKEN, port=PORT)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}") as c:
        c.headers["X-Spark-Token"] = TOKEN
        yield c


def small_seed_graph() -> dict:
    g = seed_graph()
    pool = g["nodes"][2]
    pool["config"] = {
        "$type": "config",
        "class": "ALIFNeuronConfig",
        "fields": {"units": {"$type": "tuple", "items": [8]}},
    }
    return g


def test_catalogue_lists_the_seed_modules(api):
    cat = api.get("/api/catalogue").json()
    names = {e["name"] for group in cat["groups"].values() for e in group}
    assert {"TopologicalLinearSpiker", "ALIFNeuron", "ExponentialIntegrator"} <= names
    assert "SpikeArray" in cat["payload_types"]


def test_validate_config_flags_a_field(api):
    enc = {"$type": "config", "class": "ExponentialIntegratorConfig", "fields": {"tau": -2.0}}
    errors = api.post("/api/validate/config", json={"module": "ExponentialIntegrator", "config": enc}).json()[
        "errors"
    ]
    assert list(errors) == ["tau"] and "positive" in errors["tau"][0]
    enc["fields"] = {"tau": 5.0}
    assert api.post("/api/validate/config", json={"config": enc}).json()["errors"] == {}


def test_validate_config_unknown_field(api):
    enc = {"$type": "config", "class": "ExponentialIntegratorConfig", "fields": {"tua": 1.0}}
    errors = api.post("/api/validate/config", json={"config": enc}).json()["errors"]
    assert "has no field 'tua'" in errors[""][0]


def test_validate_model_attaches_errors_to_nodes(api):
    g = small_seed_graph()
    g["nodes"][3]["config"]["fields"]["tau"] = -1.0
    errors = api.post("/api/validate/model", json={"graph": g}).json()["errors"]
    assert [(e["node"], e["path"]) for e in errors] == [("d", "tau")]
    assert errors[0]["message"].startswith("integrator.tau:")


def test_export_writes_a_model_that_loads_and_runs(api, tmp_path):
    r = api.post("/api/model/export", json={"path": "out/seed.scfg", "graph": small_seed_graph()})
    assert r.status_code == 200, r.json()
    config = spark.nn.BrainConfig.from_file(str(tmp_path / "out" / "seed.scfg"))
    brain = spark.nn.Brain(config=config)
    import jax.numpy as jnp

    out = brain(drive=spark.FloatArray(jnp.zeros((4,), jnp.float16)))
    assert out["action"].value.shape == (2,)
    # and it reads back into the same graph
    back = api.post("/api/model/load", json={"path": "out/seed.scfg"}).json()["graph"]
    assert sorted(n["name"] for n in back["nodes"]) == [
        "action",
        "drive",
        "integrator",
        "neurons_pool",
        "spiker",
    ]
    assert len(back["edges"]) == 5


def test_export_refuses_an_invalid_model_and_writes_nothing(api, tmp_path):
    g = small_seed_graph()
    g["edges"] = [e for e in g["edges"] if e["to"]["node"] != "e"]  # the output is not connected
    g["nodes"][3]["config"]["fields"]["tau"] = -1.0
    r = api.post("/api/model/export", json={"path": "bad.scfg", "graph": g})
    assert r.status_code == 422
    messages = [e["message"] for e in r.json()["errors"]]
    assert any("output 'action' must have exactly one incoming connection" in m for m in messages)
    assert any("integrator.tau" in m for m in messages)
    assert not (tmp_path / "bad.scfg").exists()


def test_export_reports_wiring_errors_of_the_library(api):
    g = small_seed_graph()
    g["nodes"][0]["spec"]["payload_type"] = "SpikeArray"  # the spiker reads a FloatArray
    errors = api.post("/api/validate/model", json={"graph": g}).json()["errors"]
    assert errors and errors[0]["node"] in ("a", "b", None)
    assert "SpikeArray" in json.dumps(errors)


def test_run_returns_spikes_and_outputs(api):
    r = api.post(
        "/api/run",
        json={"graph": small_seed_graph(), "steps": 12, "stimulus": {"kind": "constant", "value": 1.0}},
    )
    assert r.status_code == 200, r.json()
    res = r.json()
    assert res["steps"] == 12
    spiker = next(s for s in res["spikes"] if s["module"] == "spiker")
    assert spiker["count"] > 0 and len(spiker["t"]) == spiker["count"] and max(spiker["t"]) < 12
    assert max(spiker["i"]) < spiker["size"]
    assert np.asarray(res["outputs"]["action"]).shape == (12, 2)


def test_run_is_deterministic_for_a_noise_seed(api):
    body = {
        "graph": small_seed_graph(),
        "steps": 6,
        "stimulus": {"kind": "noise", "mean": 0.5, "std": 0.5, "seed": 3},
    }
    a, b = api.post("/api/run", json=body).json(), api.post("/api/run", json=copy.deepcopy(body)).json()
    assert a["spikes"] == b["spikes"]


def test_run_from_a_recording(api, tmp_path):
    np.savez(tmp_path / "rec.npz", drive=np.ones((5, 4), np.float32))
    r = api.post(
        "/api/run",
        json={"graph": small_seed_graph(), "steps": 5, "stimulus": {"kind": "file", "path": "rec.npz"}},
    )
    assert r.status_code == 200, r.json()
    r = api.post(
        "/api/run",
        json={"graph": small_seed_graph(), "steps": 5, "stimulus": {"kind": "file", "path": "../rec.npz"}},
    )
    assert r.status_code == 422 and "'..'" in r.json()["error"]


def test_run_rejects_bad_requests(api):
    r = api.post("/api/run", json={"graph": small_seed_graph(), "steps": 0})
    assert r.status_code == 422 and "steps must be between 1 and" in r.json()["error"]
    r = api.post("/api/run", json={"graph": small_seed_graph(), "steps": 3, "stimulus": {"kind": "sine"}})
    assert r.status_code == 422 and "stimulus kind 'sine' is not known" in r.json()["error"]
    r = api.post("/api/run", json={"graph": {"nodes": [], "edges": []}, "steps": 3})
    assert r.status_code == 422 and any("no input node" in e["message"] for e in r.json()["errors"])


def test_shipped_example_opens(api, tmp_path):
    from _ui import copy_example

    name = copy_example(tmp_path).name
    graph = api.post("/api/model/load", json={"path": name}).json()["graph"]
    names = {n["name"] for n in graph["nodes"]}
    assert {"drive", "spiker", "A_ex", "A_in", "B_ex", "B_in", "integrator", "action"} <= names
    x = {n["name"]: n["position"]["x"] for n in graph["nodes"]}
    assert x["drive"] < x["spiker"] < x["A_ex"] == x["B_ex"] < x["integrator"] < x["action"]
    assert api.post("/api/validate/model", json={"graph": graph}).json()["errors"] == []
