"""The editor's public names (an accidental removal fails here)."""

import re

import spark
import spark.editor


def test_public_names():
    assert spark.editor.__all__ == ["GraphEditor", "cli_main", "create_app", "in_notebook"]
    assert spark.GraphEditor is spark.editor.GraphEditor


def test_cli_entry_is_wired():
    from spark.cli import COMMANDS
    from spark.editor.cli import main

    module, func, _ = COMMANDS["editor"]
    assert (module, func) == ("spark.editor.cli", "main") and main is spark.editor.cli_main


def test_static_front_end_is_built():
    from spark.editor._app import STATIC_DIR

    index = (STATIC_DIR / "index.html").read_text()
    assert '<div id="app">' in index
    refs = re.findall(r'(?:src|href)="\./(assets/[^"]+)"', index)
    assert any(r.endswith(".js") for r in refs) and any(r.endswith(".css") for r in refs)
    assert all((STATIC_DIR / r).is_file() for r in refs)
