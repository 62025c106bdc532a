"""Without its kernel the map says why no preview comes, and keeps what works without it: pan,
zoom, the legend (issue 19, item 8).

Here the kernel is shut down under an open notebook, so that JupyterLab's widget manager has no
kernel, as it has none for a notebook reopened from its saved widget state.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from ._cells import LEFT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHUT_DOWN = "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
NO_KERNEL = "() => !window.jupyterapp.shell.currentWidget.sessionContext.session"


def _picture(locator: Any) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def test_without_the_kernel_the_map_says_so_and_still_pans(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    lab.page.evaluate(SHUT_DOWN)
    lab.page.wait_for_function(NO_KERNEL, timeout=30_000)

    x, y = map(float, positions[LEFT[7]])
    lab.page.mouse.move(x, y, steps=3)
    expect(root).to_have_attribute("data-hover-index", str(LEFT[7]))
    note = root.locator(".lw-kernel-note")
    expect(note).to_be_visible()
    expect(note).to_have_text("Previews need the running kernel")
    expect(root).to_have_attribute("data-kernel", "none")
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "without_kernel.png"))

    # the legend still selects a category, in the page
    root.locator(".lw-legend-row").first.click()
    expect(root).to_have_attribute("data-selected-count", "20")

    # pan: the points move with the drag
    the_map = root.locator(".lw-map")
    lab.page.mouse.move(5, 5)
    before = _picture(the_map)
    box = the_map.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    lab.page.mouse.move(cx, cy)
    lab.page.mouse.down()
    lab.page.mouse.move(cx + 80, cy + 40, steps=8)
    lab.page.mouse.up()
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(300)
    after = _picture(the_map)
    assert (np.abs(before - after).sum(axis=2) > 60).sum() > 500, "the map did not pan"
