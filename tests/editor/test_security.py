"""The editor server refuses what a local web app must refuse (starlette TestClient, no browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PORT, TOKEN

from spark.editor._security import PathError, atomic_write_bytes, resolve_inside


def test_no_token_is_forbidden(client):
    del client.headers["X-Spark-Token"]
    for method, url in [
        ("GET", "/"),
        ("GET", "/api/state"),
        ("GET", "/api/catalogue"),
        ("POST", "/api/session/save"),
    ]:
        r = client.request(method, url)
        assert r.status_code == 403, url
        assert "token" in r.json()["error"]


def test_wrong_token_is_forbidden(client):
    r = client.get("/api/state", headers={"X-Spark-Token": "nope"})
    assert r.status_code == 403


def test_query_token_sets_a_cookie_that_then_suffices(client):
    del client.headers["X-Spark-Token"]
    r = client.get(f"/?token={TOKEN}")
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert f"spark_editor_{PORT}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/api/state").status_code == 200


def test_static_assets_need_no_token(client):
    del client.headers["X-Spark-Token"]
    r = client.get("/assets/does-not-exist.js")
    assert r.status_code == 404


def test_foreign_origin_is_refused(client):
    r = client.get("/api/state", headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert "cross-origin" in r.json()["error"]
    r = client.post("/api/session/save", headers={"Origin": "http://localhost:9999"}, json={})
    assert r.status_code == 403


def test_same_origin_is_accepted(client):
    r = client.get("/api/state", headers={"Origin": f"http://127.0.0.1:{PORT}"})
    assert r.status_code == 200
    assert client.get("/api/state", headers={"Origin": f"http://localhost:{PORT}"}).status_code == 200


def test_cross_site_fetch_metadata_is_refused(client):
    r = client.get("/api/state", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    del client.headers["X-Spark-Token"]
    assert client.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_opening_the_printed_url_from_a_notebook_frame_is_allowed(client):
    """A notebook on localhost:8888 shows the editor in an IFrame: a cross-site navigation with the token."""
    del client.headers["X-Spark-Token"]
    r = client.get(f"/?token={TOKEN}", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert r.status_code == 200 and b'id="app"' in r.content


def test_foreign_host_is_refused(client):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    r = client.get("/api/state", headers={"Host": f"evil.example:{PORT}"})
    assert r.status_code == 403
    assert "Host" in r.json()["error"]


@pytest.mark.parametrize(
    "name", ["../outside.sge", "a/../../outside.sge", "/etc/passwd.sge", "..\\x.sge", ""]
)
def test_path_traversal_is_refused(client, name):
    r = client.post(
        "/api/session/save", json={"path": name, "session": {"graph": {"nodes": [], "edges": []}}}
    )
    assert r.status_code == 403
    r = client.post("/api/session/load", json={"path": name})
    assert r.status_code == 403


def test_symlink_escape_is_refused(client, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.sge").write_text("{}")
    os.symlink(outside, tmp_path / "link")
    r = client.post("/api/session/load", json={"path": "link/secret.sge"})
    assert r.status_code == 403
    assert "outside" in r.json()["error"]
    listing = client.get("/api/files").json()["entries"]
    assert "link" not in [e["name"] for e in listing]


def test_listing_outside_is_refused(client):
    assert client.get("/api/files", params={"dir": ".."}).status_code == 403


def test_wrong_suffix_is_refused(client):
    r = client.post(
        "/api/session/save", json={"path": "notes.txt", "session": {"graph": {"nodes": [], "edges": []}}}
    )
    assert r.status_code == 403
    assert ".sge" in r.json()["error"]


def test_oversize_upload_is_413(client, tmp_path):
    r = client.post("/api/upload?path=big.npy", content=b"x" * 5000)
    assert r.status_code == 413
    assert not (tmp_path / "big.npy").exists()
    r = client.post("/api/upload?path=small.npy", content=b"x" * 100)
    assert r.status_code == 200
    assert (tmp_path / "small.npy").read_bytes() == b"x" * 100


def test_oversize_json_body_is_413(client):
    r = client.post("/api/session/save", json={"path": "a.sge", "session": {"pad": "x" * 5000}})
    assert r.status_code == 413


def test_resolve_inside(tmp_path):
    root = tmp_path.resolve()
    assert resolve_inside(root, "a/b.sge", (".sge",)) == root / "a" / "b.sge"
    assert resolve_inside(root, str(root / "c.sge"), (".sge",)) == root / "c.sge"
    with pytest.raises(PathError, match=r"contains '\.\.'"):
        resolve_inside(root, "../x.sge")
    with pytest.raises(PathError, match="outside the editor's folder"):
        resolve_inside(root, "/tmp/x.sge")
    with pytest.raises(PathError, match="not a valid name"):
        resolve_inside(root, "a\x00b")
    with pytest.raises(PathError, match=r"must end with \.sge"):
        resolve_inside(root, "x.json", (".sge",))


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "s.sge"
    atomic_write_bytes(target, b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["s.sge"]  # no temporary file left behind
