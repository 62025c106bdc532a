"""The marks on the map follow the state, always: with nothing pinned the map shows no neighbour
rings, no pin and no traversal path, whatever was pinned before (issue 19, item 3).

In Chromium with software rendering a 2-D canvas whose last render only clears it can keep
showing an older frame, so the overlay is hidden when it has nothing to draw. These tests look at
what a person sees (screenshots of the map), not at pixels read back from the canvas.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from ._cells import LEFT, RIGHT, TOP, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import click_point, screen_positions
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OVERLAY = ".lw-path-overlay"


def _picture(locator: Any) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def _changed(a: np.ndarray, b: np.ndarray) -> int:
    """Pixels that differ visibly between two pictures of the map."""
    differs = np.abs(a - b).sum(axis=2) > 60
    return int(differs[2:-2, 2:-2].sum())  # the box's edge line is not the map


def _settled(lab: LabPage, root: Any) -> np.ndarray:
    """The map once the pointer is off it and a few frames have drawn."""
    lab.page.mouse.move(5, 5)
    expect(root).to_have_attribute("data-hover-index", "-1")
    lab.page.wait_for_timeout(400)  # the overlay draws at the next animation frame
    return _picture(root.locator(".lw-map"))


def _save(name: str, *pictures: np.ndarray) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    Image.fromarray(np.concatenate(pictures, axis=1).astype(np.uint8)).save(ARTIFACTS / name)


def test_unpinning_in_the_probe_tool_takes_the_rings_pin_and_path_off(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    overlay = root.locator(OVERLAY)
    expect(overlay).to_have_attribute("data-marks", "0")
    expect(overlay).to_be_hidden()
    before = _settled(lab, root)

    open_panel(root, "neighbours")
    open_panel(root, "traverse")
    positions = screen_positions(lab, root)
    click_point(lab, root, positions, LEFT[7])
    expect(root).to_have_attribute("data-pinned", str(LEFT[7]))
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    select = root.locator(".lw-traverse-direction")
    options = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    select.select_option(options[0])
    expect(root.locator(".lw-traverse-slider")).to_have_attribute(
        "data-frames", "9", timeout=30_000
    )
    # the path ran off the map's left edge: the map zooms out to show all of it (item 7)
    expect(root).to_have_attribute("data-path-frames", "1")
    marked = _settled(lab, root)
    assert _changed(before, marked) > 200, "the rings, pin and path should show on the map"
    assert int(overlay.get_attribute("data-marks")) >= 12  # 10 rings, the pin, the path

    root.locator(".lw-tool-probe").click()
    expect(root).to_have_attribute("data-mode", "probe")
    # empty space, between the left and right clusters and below the top one
    empty = (positions[list(LEFT)].mean(0) + positions[list(RIGHT)].mean(0)) / 2
    lab.page.mouse.click(float(empty[0]), float(empty[1]))
    expect(root).to_have_attribute("data-pinned", "-1")
    lab.run_python("explorer.selected = []")  # the click that pinned LEFT[7] also selected it
    expect(root).to_have_attribute("data-selected-count", "0")
    root.locator(".lw-mode-pan").click()
    expect(overlay).to_have_attribute("data-marks", "0")
    zooms = int(root.get_attribute("data-zooms") or 0)
    root.locator(".lw-fit").click()  # back to the view of `before`
    expect(root).to_have_attribute("data-zooms", str(zooms + 1))
    after = _settled(lab, root)
    _save("marks_follow_probe_unpin.png", before, marked, after)
    assert _changed(before, after) < 40, "old marks stayed on the map with nothing pinned"


def test_escape_after_pinning_again_brings_no_old_marks_back(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    before = _settled(lab, root)
    open_panel(root, "neighbours")
    positions = screen_positions(lab, root)

    click_point(lab, root, positions, LEFT[7])
    expect(root).to_have_attribute("data-pinned", str(LEFT[7]))
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    click_point(lab, root, positions, TOP[12])
    expect(root).to_have_attribute("data-pinned", str(TOP[12]))
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    second = _settled(lab, root)

    root.focus()
    lab.page.keyboard.press("Escape")
    expect(root).to_have_attribute("data-pinned", "-1")
    expect(root).to_have_attribute("data-selected-count", "0")
    expect(root.locator(OVERLAY)).to_have_attribute("data-marks", "0")
    after = _settled(lab, root)
    _save("marks_follow_escape.png", before, second, after)
    assert _changed(before, second) > 200
    assert _changed(before, after) < 40, "old marks came back after Esc"
