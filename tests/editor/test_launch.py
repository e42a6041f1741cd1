"""Launching the editor: a real server on 127.0.0.1, the CLI entry, and notebooks."""

from __future__ import annotations

import sys
import types
import urllib.error
import urllib.request

import pytest

from spark.editor import GraphEditor, cli_main, in_notebook


def fetch(url: str, **headers: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_launch_serves_on_localhost_with_a_token(tmp_path, capsys):
    editor = GraphEditor(root=tmp_path, open_browser=False)
    with editor.launch(block=False):
        printed = capsys.readouterr().out
        assert editor.url in printed and editor.url.startswith("http://127.0.0.1:")
        status, body = fetch(editor.url)
        assert status == 200 and b'<div id="app">' in body
        base = editor.url.split("?")[0]
        assert fetch(base + "api/state")[0] == 403
        assert fetch(base + "api/state", **{"X-Spark-Token": editor.token})[0] == 200
        assert (
            fetch(base + "api/state", **{"X-Spark-Token": editor.token, "Origin": "http://evil.example"})[0]
            == 403
        )
    assert editor._server is None


def test_two_editors_get_different_tokens_and_ports(tmp_path):
    a, b = GraphEditor(root=tmp_path, open_browser=False), GraphEditor(root=tmp_path, open_browser=False)
    with a.launch(block=False), b.launch(block=False):
        assert a.token != b.token and a.port != b.port
        assert fetch(b.url.split("?")[0] + "api/state", **{"X-Spark-Token": a.token})[0] == 403


def test_launch_twice_is_an_error(tmp_path):
    editor = GraphEditor(root=tmp_path, open_browser=False)
    with editor.launch(block=False):
        with pytest.raises(RuntimeError, match="already running"):
            editor.launch(block=False)


def test_file_to_open_must_be_inside_the_folder(tmp_path):
    (tmp_path / "m.scfg").write_text("{}")
    assert GraphEditor("m.scfg", root=tmp_path).initial == "m.scfg"
    with pytest.raises(ValueError, match="outside the editor's folder"):
        GraphEditor("/etc/hosts.scfg", root=tmp_path)
    with pytest.raises(FileNotFoundError, match="missing.sge"):
        GraphEditor("missing.sge", root=tmp_path)
    with pytest.raises(ValueError, match=r"must end with \.sge or \.scfg"):
        GraphEditor("notes.txt", root=tmp_path)


def test_cli_reports_bad_arguments(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["missing.scfg", "--no-browser"]) == 2
    assert "file not found: missing.scfg" in capsys.readouterr().err
    assert cli_main(["--port", "70000", "--no-browser"]) == 2
    assert "port must be between 0 and 65535" in capsys.readouterr().err


def test_cli_serves_until_stopped(tmp_path, monkeypatch, capsys):
    import uvicorn

    monkeypatch.chdir(tmp_path)
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)

    def run(self, sockets=None):  # stand-in for the blocking serve loop: start, then stop at once
        self.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert cli_main(["--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "Spark Graph Editor running at http://127.0.0.1:" in out and "Ctrl+C" in out
    assert opened == []


def test_port_in_use_is_explained(tmp_path):
    a = GraphEditor(root=tmp_path, open_browser=False)
    with a.launch(block=False):
        with pytest.raises(OSError, match=f"port {a.port} on 127.0.0.1 is in use"):
            GraphEditor(root=tmp_path, port=a.port, open_browser=False).launch(block=False)


@pytest.fixture
def fake_kernel(monkeypatch):
    """A stand-in IPython kernel: ``get_ipython()`` has a kernel; ``display`` records what is shown."""
    shown = []
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    display = types.ModuleType("IPython.display")
    display.display = shown.append
    display.HTML = lambda html: ("HTML", html)
    display.IFrame = lambda url, width, height: ("IFrame", url)
    ipython.display = display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    return shown


def test_not_a_notebook_by_default(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not in_notebook()


def test_in_a_notebook_launch_does_not_block_and_shows_the_editor(tmp_path, fake_kernel):
    assert in_notebook()
    editor = GraphEditor(root=tmp_path)
    with editor.launch():  # returns at once: the server runs in a background thread
        assert editor._thread is not None and editor._thread.is_alive()
        assert ("IFrame", editor.url) in fake_kernel
        assert fetch(editor.url)[0] == 200
