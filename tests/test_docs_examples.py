"""Every Python example in the README and the documentation runs as written.

The blocks of one page run in order in one namespace (a page reads like a notebook), in a fresh
temporary folder, with matplotlib drawing off screen. A block preceded by an HTML comment starting
with ``<!-- not run`` (one that starts a server, for instance) is skipped; the comment says why.
"""

from __future__ import annotations

import pathlib
import re
import sys
import types

import matplotlib
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- not run[^>]*-->\s*\n)?```python\n(.*?)```", re.S)


def blocks(page: pathlib.Path) -> list[str]:
    return [code for skip, code in BLOCK.findall(page.read_text(encoding="utf-8")) if not skip]


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)], ids=lambda p: p.name)
def test_page_examples_run(page, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    # a real module, so that dataclasses and the registry can look the page's classes up
    module = types.ModuleType(f"docs_example_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    for i, code in enumerate(blocks(page)):
        try:
            exec(compile(code, f"{page.name}, python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # name the block, keep the original traceback
            raise AssertionError(f"{page.name}: python block {i + 1} failed: {type(exc).__name__}: {exc}") from exc
    import matplotlib.pyplot as plt

    plt.close("all")


def test_skipped_blocks_say_why():
    for page in PAGES:
        for comment in re.findall(r"<!-- not run[^>]*-->", page.read_text(encoding="utf-8")):
            assert ":" in comment, f"{page.name}: {comment} should give its reason after a colon"
