"""A pan moves the map by the drag, from its first move: the pointer's moves without a button are
kept from regl-scatterplot (hover is ours), so its camera once started a drag from wherever the
pointer last was before it, and a drag of (80, -50) px moved the map by hundreds of pixels."""

from __future__ import annotations

import numpy as np
import pytest

from ._cells import TOY_EXPLORER
from ._lab import LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _view(root) -> np.ndarray:
    return np.asarray([float(v) for v in root.get_attribute("data-view").split(",")])


def test_a_drag_pans_by_its_own_length(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.wait_for_python("len(explorer.view)", 4)
    root.scroll_into_view_if_needed()
    box = root.locator(".lw-map-canvas").bounding_box()
    before = _view(root)
    mouse = lab.page.mouse
    mouse.move(5, 5)  # the pointer last seen far from the map
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse.move(cx, cy, steps=8)  # onto the map, no button
    mouse.down()
    mouse.move(cx + 80, cy - 50, steps=8)
    mouse.up()
    shown = root.get_attribute("data-view")
    lab.page.wait_for_function(
        "([el, before]) => el.dataset.view !== before",
        arg=[root.element_handle(), shown],
        timeout=10_000,
    )
    lab.page.wait_for_timeout(500)  # the camera rests, the view is written
    after = _view(root)
    scale = box["width"] / (before[1] - before[0])  # px per map unit
    moved_x = -(after[0] - before[0]) * scale  # the map moves right: the view's left edge left
    moved_y = (after[2] - before[2]) * scale  # up on screen: the view moves down in map units
    assert moved_x == pytest.approx(80, abs=8), f"the map moved {moved_x:.0f} px for an 80 px drag"
    assert moved_y == pytest.approx(-50, abs=8) or moved_y == pytest.approx(50, abs=8)
