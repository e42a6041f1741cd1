"""Fixtures of the editor tests: an app on a temporary folder, a live server, a headless browser."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "test-token-123"
PORT = 8765  # what the app believes it listens on (TestClient does not open a socket)


@pytest.fixture
def fake_catalogue() -> dict:
    """A small catalogue in the library's format (three modules), independent of spark.nn."""
    return json.loads((FIXTURES / "catalogue.json").read_text())


@pytest.fixture
def client(tmp_path, fake_catalogue):
    from starlette.testclient import TestClient

    from spark.editor import create_app

    app = create_app(tmp_path, token=TOKEN, port=PORT, catalogue=fake_catalogue, max_body=4096)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}") as c:
        c.headers["X-Spark-Token"] = TOKEN
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_editor(tmp_path):
    """A real editor server (uvicorn, background thread) serving a fresh folder with the real catalogue."""
    from spark.editor import GraphEditor

    root = tmp_path / "my_project"
    root.mkdir()
    editor = GraphEditor(root=root, port=_free_port(), open_browser=False)
    editor.launch(block=False)
    try:
        yield editor
    finally:
        editor.stop()


@pytest.fixture(scope="session")
def browser():
    # locally a missing browser skips these tests; in CI (CI set) it fails them, so a run that
    # claims to include the browser tests always does
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    if not os.path.exists(CHROMIUM):
        missing(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (pip install '.[test]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_editor):
    """A page with the editor open and ready (catalogue loaded)."""
    context = browser.new_context(viewport={"width": 1500, "height": 920})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(live_editor.url)
    pg.wait_for_selector(".app.ready", timeout=60_000)
    pg.editor = live_editor
    yield pg
    context.close()
    assert not errors, f"the page raised: {errors}"
