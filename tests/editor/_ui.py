"""Helpers that drive the editor page like a person: right-click menus, drags, typing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

CANVAS = '[data-testid="canvas"]'


def node(page, name: str):
    return page.locator(f'.baklava-node[data-node-name="{name}"]')


def port(page, name: str, port_name: str, output: bool):
    side = "--output" if output else "--input"
    return node(page, name).locator(f'.baklava-node-interface.{side}[data-port="{port_name}"] .__port')


def add_node(page, group: str, title: str, x: float, y: float) -> str:
    """Right-click the canvas at (x, y) (relative to the canvas) and pick group > title; return the new name."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = set(node_names(page))
    group_item = page.locator(f'.baklava-context-menu .item > .flex-fill:text-is("{group}"):visible').first
    for attempt in range(3):  # a busy machine may drop the first right-click; open the menu again
        page.locator(CANVAS).click(button="right", position={"x": x, "y": y})
        try:
            group_item.hover(timeout=5000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.locator(f'.baklava-context-menu .item > .flex-fill:text-is("{title}"):visible').first.click()
    page.wait_for_function(f"document.querySelectorAll('.baklava-node').length === {len(before) + 1}")
    (new,) = set(node_names(page)) - before
    return new


def node_names(page) -> list[str]:
    return page.eval_on_selector_all(".baklava-node", "els => els.map(e => e.dataset.nodeName)")


def select(page, name: str) -> None:
    page.locator(f'[data-testid="node-item-{name}"]').click()
    page.wait_for_function(
        f"document.querySelector('[data-testid=node-name]') && "
        f"document.querySelector('[data-testid=node-name]').value === {name!r}"
    )


def rename(page, old: str, new: str) -> None:
    select(page, old)
    box = page.locator('[data-testid="node-name"]')
    box.fill(new)
    box.press("Enter")
    node(page, new).wait_for()


def set_field(page, key: str, value: str) -> None:
    box = page.locator(f'[data-testid="input-{key}"]').locator("input[type=text], textarea").first
    box.fill(value)
    box.press("Enter")


def drag(page, source, target) -> None:
    a, b = source.bounding_box(), target.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def connect(page, src: str, out_port: str, dst: str, in_port: str) -> None:
    drag(page, port(page, src, out_port, True), port(page, dst, in_port, False))


def menu(page, menu_name: str, item: str) -> None:
    page.locator(f'[data-testid="menu-{menu_name}"]').click()
    page.locator(f'[data-testid="menu-item-{item}"]').click()


def file_dialog(page, name: str) -> None:
    dialog = page.locator('[data-testid="file-dialog"]')
    dialog.wait_for()
    dialog.locator('[data-testid="file-name"]').fill(name)
    dialog.locator('[data-testid="file-ok"]').click()
    dialog.wait_for(state="detached")


def console_texts(page, level: str | None = None) -> list[str]:
    sel = '[data-testid="console-message"]' + (f'[data-level="{level}"]' if level else "")
    return page.eval_on_selector_all(sel, "els => els.map(e => e.querySelector('.text').textContent)")


def wait_console(page, level: str, text: str, timeout: float = 60_000) -> None:
    """Wait for a console message of ``level`` containing ``text`` (fail with the console's content)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([lvl, txt]) => [...document.querySelectorAll('[data-testid=console-message][data-level=' + lvl + ']')]"
            ".some(e => e.textContent.includes(txt))",
            arg=[level, text],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        raise AssertionError(
            f"no {level} message with {text!r}; the console says:\n" + "\n".join(console_texts(page))
        ) from None


def copy_example(dest: Path) -> Path:
    """Copy the shipped A/B example model into ``dest``; return its path."""
    import spark.examples

    src = Path(spark.examples.example_ab_model_path())
    target = dest / src.name
    shutil.copy(src, target)
    return target


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
