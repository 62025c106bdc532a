"""The manifold toggle draws decoded tiles under the points, and decodes again after a zoom."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import MAP_CANVAS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_manifold_toggle_draws_tiles(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    layer = root.locator(".lw-manifold")
    expect(layer).to_be_hidden()

    root.locator(".lw-toggle-manifold").click()
    expect(layer).to_be_visible()
    # as many tiles of at least 40 px, 4 px apart, as fit the map (within 2..32 a side)
    box = root.locator(".lw-map").bounding_box()
    assert box is not None
    side = min(32, max(2, int((min(box["width"], box["height"]) + 4) // 44)))
    tiles = str(side * side)
    expect(layer).to_have_attribute("data-tiles", tiles, timeout=30_000)
    expect(root.locator(".lw-manifold-opacity")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "manifold.png"))

    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    lab.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    starts = len(lab.sent_frames)
    lab.page.mouse.wheel(0, -400)
    lab.page.wait_for_timeout(1000)  # the debounce, and the response
    asked = [m for m in comm_messages(lab.sent_frames[starts:]) if "manifold" in m]
    assert asked, "a zoom did not ask for the new view's tiles"
    expect(layer).to_have_attribute("data-tiles", tiles)

    root.locator(".lw-manifold-opacity").fill("0.3")
    assert layer.evaluate("el => getComputedStyle(el).opacity") == "0.3"
    root.locator(".lw-toggle-manifold").click()
    expect(layer).to_be_hidden()
