"""The editor driven in headless Chromium, as a person would use it (right-click, drag, type).

Run with ``pytest -m browser``; needs Debian's ``/usr/bin/chromium`` (skipped without it).
``SPARK_UPDATE_SCREENSHOTS=1`` also refreshes ``docs/img/editor-ab-example.png``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest
from _sample import seed_graph
from _ui import (
    add_node,
    connect,
    console_texts,
    copy_example,
    file_dialog,
    menu,
    node,
    node_names,
    port,
    rename,
    select,
    set_field,
    wait_console,
)

import spark
from spark.editor._files import write_session

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def build_seed_002(page) -> None:
    """Seed 002's brain from an empty canvas: nodes from the right-click menu, wires by dragging."""
    drive = add_node(page, "brain", "Input", 20, 20)
    spiker = add_node(page, "interfaces", "TopologicalLinearSpiker", 300, 20)
    pool = add_node(page, "neurons", "ALIFNeuron", 300, 260)
    integrator = add_node(page, "interfaces", "ExponentialIntegrator", 600, 20)
    action = add_node(page, "brain", "Output", 600, 300)
    for old, new in [
        (drive, "drive"),
        (spiker, "spiker"),
        (pool, "neurons_pool"),
        (integrator, "integrator"),
        (action, "action"),
    ]:
        rename(page, old, new)
    connect(page, "drive", "out", "spiker", "signal")
    connect(page, "spiker", "spikes", "neurons_pool", "in_spikes")
    connect(page, "neurons_pool", "out_spikes", "neurons_pool", "in_spikes")
    connect(page, "neurons_pool", "out_spikes", "integrator", "spikes")
    connect(page, "integrator", "signal", "action", "in")
    select(page, "drive")
    page.locator('[data-testid="spec-shape"]').fill("4")
    page.locator('[data-testid="spec-shape"]').press("Enter")
    page.locator('[data-testid="spec-dtype"]').select_option("float16")
    select(page, "action")
    page.locator('[data-testid="spec-shape"]').fill("2")
    page.locator('[data-testid="spec-shape"]').press("Enter")
    page.locator('[data-testid="spec-dtype"]').select_option("float16")
    select(page, "spiker")
    set_field(page, "resolution", "128")
    set_field(page, "max_freq", "200")
    select(page, "neurons_pool")
    page.locator('[data-testid="link-units"]').click()  # the _s_units shared keyword
    set_field(page, "units", "256")
    page.locator('[data-testid="input-async_spikes"] input[type=checkbox]').check()
    select(page, "integrator")
    set_field(page, "num_outputs", "2")


def test_build_seed_002_export_load_and_run(page):
    root = page.editor.root
    build_seed_002(page)
    assert sorted(node_names(page)) == ["action", "drive", "integrator", "neurons_pool", "spiker"]
    menu(page, "File", "exportModelAs")
    file_dialog(page, "seed002.scfg")
    wait_console(page, "success", "Exported model seed002.scfg")
    assert page.locator('[data-testid="title"]').inner_text().startswith("seed002.scfg")

    config = spark.nn.BrainConfig.from_file(str(root / "seed002.scfg"))
    assert set(config.modules_map) == {"spiker", "neurons_pool", "integrator"}
    pool = config.modules_map["neurons_pool"]
    assert [str(m) for m in pool.inputs["in_spikes"]] == ["spiker.spikes", "neurons_pool.out_spikes"]
    assert tuple(pool.config.units) == (256,) and tuple(pool.config.soma.units) == (256,)
    assert pool.config.async_spikes is True
    assert config.modules_map["integrator"].config.num_outputs == 2
    assert config.modules_map["spiker"].config.resolution == 128
    brain = spark.nn.Brain(config=config)
    out = brain(drive=spark.FloatArray(jnp.zeros((4,), dtype=jnp.float16)))
    assert out["action"].value.shape == (2,) and out["action"].value.dtype == jnp.float16


def test_mismatched_connection_is_refused_and_explained(page):
    add_node(page, "brain", "Input", 20, 20)
    add_node(page, "neurons", "ALIFNeuron", 320, 20)
    connect(page, "input", "out", "alif_neuron", "in_spikes")
    wait_console(
        page,
        "error",
        "Connection refused: input.out sends FloatArray but alif_neuron.in_spikes expects SpikeArray",
    )
    assert page.locator(".baklava-connection").count() == 0
    select(page, "input")
    page.locator('[data-testid="spec-payload"]').select_option("SpikeArray")
    connect(page, "input", "out", "alif_neuron", "in_spikes")
    page.wait_for_function("document.querySelectorAll('.baklava-connection').length === 1")


def test_invalid_value_is_flagged_inline(page):
    add_node(page, "interfaces", "ExponentialIntegrator", 40, 40)
    select(page, "exponential_integrator")
    set_field(page, "tau", "-5")
    error = page.locator('[data-testid="field-tau"] [data-testid="field-error"]')
    error.wait_for()
    assert "must be positive" in error.inner_text()
    page.locator('[data-testid="node-item-exponential_integrator"].invalid').wait_for()
    assert node(page, "exponential_integrator").get_attribute("class").count("--invalid") == 1
    set_field(page, "tau", "abc")
    assert "not a number" in error.inner_text()
    set_field(page, "tau", "12.5")
    error.wait_for(state="detached")


def test_names_stay_unique_and_valid(page):
    add_node(page, "interfaces", "ExponentialIntegrator", 40, 40)
    add_node(page, "interfaces", "ExponentialIntegrator", 340, 40)
    assert sorted(node_names(page)) == ["exponential_integrator", "exponential_integrator_2"]
    select(page, "exponential_integrator_2")
    for bad, why in [("exponential_integrator", "already used"), ("2fast", "not allowed")]:
        box = page.locator('[data-testid="node-name"]')
        box.fill(bad)
        box.press("Enter")
        wait_console(page, "error", why)
        assert box.input_value() == "exponential_integrator_2"
    assert sorted(node_names(page)) == ["exponential_integrator", "exponential_integrator_2"]


def test_export_lists_all_errors(page):
    add_node(page, "interfaces", "ExponentialIntegrator", 40, 40)
    menu(page, "File", "exportModelAs")
    file_dialog(page, "broken.scfg")
    wait_console(page, "error", "Export failed")
    errors = " | ".join(console_texts(page, "error"))
    assert "no input node" in errors and "no output node" in errors
    assert not (page.editor.root / "broken.scfg").exists()


def test_session_round_trip(page):
    root = page.editor.root
    add_node(page, "brain", "Input", 20, 20)
    add_node(page, "interfaces", "TopologicalLinearSpiker", 320, 60)
    connect(page, "input", "out", "topological_linear_spiker", "signal")
    select(page, "topological_linear_spiker")
    set_field(page, "tau", "-1")  # an invalid model still saves
    page.keyboard.press("Control+Shift+S")
    file_dialog(page, "work.sge")
    wait_console(page, "success", "Saved session work.sge")
    assert page.locator('[data-testid="title"]').inner_text().strip() == "work.sge"
    saved = json.loads((root / "work.sge").read_text())
    assert saved["format"] == "spark.editor.session" and len(saved["graph"]["edges"]) == 1
    positions = {n["name"]: n["position"] for n in saved["graph"]["nodes"]}

    page.keyboard.press("Alt+n")
    page.wait_for_function("document.querySelectorAll('.baklava-node').length === 0")
    page.keyboard.press("Control+o")
    file_dialog(page, "work.sge")
    wait_console(page, "success", "Loaded session work.sge")
    assert sorted(node_names(page)) == ["input", "topological_linear_spiker"]
    assert page.locator(".baklava-connection").count() == 1
    page.locator('[data-testid="dirty-mark"]').wait_for(state="detached")
    select(page, "topological_linear_spiker")
    assert page.locator('[data-testid="input-tau"] input').input_value() == "-1"
    page.keyboard.press("Control+s")
    wait_console(page, "success", "Saved session work.sge")
    again = json.loads((root / "work.sge").read_text())
    assert {n["name"]: n["position"] for n in again["graph"]["nodes"]} == positions


def test_undo_redo_copy_paste_delete(page):
    add_node(page, "interfaces", "ExponentialIntegrator", 40, 40)
    rename(page, "exponential_integrator", "integ")
    page.locator('[data-testid="title"] [data-testid="dirty-mark"]').wait_for()
    page.locator(".baklava-editor").click(position={"x": 700, "y": 400})  # focus the canvas, not a text field
    page.keyboard.press("Control+z")
    node(page, "exponential_integrator").wait_for()
    page.keyboard.press("Control+y")
    node(page, "integ").wait_for()
    select(page, "integ")
    page.locator(".baklava-editor").focus()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    node(page, "integ_2").wait_for()
    select(page, "integ_2")
    page.locator(".baklava-editor").focus()
    page.keyboard.press("Delete")
    node(page, "integ_2").wait_for(state="detached")
    page.keyboard.press("Control+z")
    node(page, "integ_2").wait_for()
    menu(page, "Edit", "undo")
    node(page, "integ_2").wait_for(state="detached")
    assert node_names(page) == ["integ"]
    page.keyboard.press("Alt+n")  # unsaved changes: the editor asks first
    page.locator('[data-testid="confirm-no"]').click()
    assert node_names(page) == ["integ"]
    page.keyboard.press("Alt+n")
    page.locator('[data-testid="confirm-yes"]').click()
    page.wait_for_function("document.querySelectorAll('.baklava-node').length === 0")


def test_upload_a_recording_through_the_file_dialog(page, tmp_path):
    local = tmp_path / "from_my_disk.npy"
    np.save(local, np.zeros((3, 4), np.float32))
    page.locator('[data-testid="tab-run"]').click()
    page.locator('[data-testid="run-kind"]').select_option("file")
    page.get_by_role("button", name="Choose…").click()
    page.locator('[data-testid="file-upload"]').set_input_files(str(local))
    page.locator('[data-testid="file-from_my_disk.npy"]').wait_for()
    assert (page.editor.root / "from_my_disk.npy").read_bytes() == local.read_bytes()
    page.locator('[data-testid="file-ok"]').click()
    assert page.locator('[data-testid="run-path"]').inner_text() == "from_my_disk.npy"


def _seed_session(root: Path) -> None:
    write_session(root / "seed.sge", {"graph": seed_graph()})


def test_run_panel_shows_spikes(page):
    _seed_session(page.editor.root)
    menu(page, "File", "loadSession")
    file_dialog(page, "seed.sge")
    wait_console(page, "success", "Loaded session seed.sge")
    page.locator('[data-testid="tab-run"]').click()
    page.locator('[data-testid="run-steps"]').fill("40")
    page.locator('[data-testid="run-value"]').fill("1")
    page.locator('[data-testid="run-button"]').click()
    wait_console(page, "success", "Run finished", timeout=180_000)
    summary = page.locator('[data-testid="run-summary"]').inner_text()
    assert int(summary.split()[0]) > 0 and "40 steps" in summary
    assert "spiker:" in page.locator('[data-testid="run-count-spiker"]').inner_text()
    lit = page.locator('[data-testid="run-raster"]').evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 1] > 100) n++; return n; }"""
    )
    assert lit > 0


def test_run_panel_with_a_recording(page):
    root = page.editor.root
    _seed_session(root)
    np.save(root / "drive.npy", np.linspace(-1, 1, 20 * 4, dtype=np.float32).reshape(20, 4))
    page.keyboard.press("Control+o")
    file_dialog(page, "seed.sge")
    wait_console(page, "success", "Loaded session seed.sge")
    page.locator('[data-testid="tab-run"]').click()
    page.locator('[data-testid="run-kind"]').select_option("file")
    page.get_by_role("button", name="Choose…").click()
    file_dialog(page, "drive.npy")
    assert page.locator('[data-testid="run-path"]').inner_text() == "drive.npy"
    page.locator('[data-testid="run-steps"]').fill("20")
    page.locator('[data-testid="run-button"]').click()
    wait_console(page, "success", "Run finished", timeout=180_000)


def test_open_the_ab_example(page):
    copy_example(page.editor.root)
    name = Path(spark.examples.example_ab_model_path()).name
    page.keyboard.press("Control+Shift+O")
    file_dialog(page, name)
    wait_console(page, "success", f"Loaded model {name}")
    names = set(node_names(page))
    assert {"spiker", "A_ex", "A_in", "B_ex", "B_in", "integrator"} <= names
    for n in ("A_ex", "B_in"):
        page.locator(f'[data-testid="node-item-{n}"]').click()
        assert page.locator('[data-testid="node-name"]').input_value() == n
    boxes = [node(page, n).bounding_box() for n in names]
    for i, a in enumerate(boxes):  # the layered layout does not stack nodes on top of each other
        for b in boxes[i + 1 :]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert overlap_x <= 1 or overlap_y <= 1
    select(page, "A_ex")
    shot = page.screenshot()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("SPARK_UPDATE_SCREENSHOTS"):  # refresh the picture in the docs
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        (DOCS_IMG / "editor-ab-example.png").write_bytes(shot)


def test_port_is_typed_for_the_user(page):
    add_node(page, "neurons", "ALIFNeuron", 40, 40)
    intf = port(page, "alif_neuron", "in_spikes", False).locator("xpath=..")
    assert intf.get_attribute("data-interface-type") == "SpikeArray"
