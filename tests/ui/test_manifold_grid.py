"""The manifold reads as a grid of images: as many tiles as fit the map, each at least 40 px,
its image's aspect kept, with gaps between them (issue 19, item 4)."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MIN_TILE, GAP = 40, 4  # js/src/map/manifold.ts


def test_the_manifold_grid_follows_the_map_size(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    box = root.locator(".lw-map").bounding_box()
    assert box is not None
    grid = int((min(box["width"], box["height"]) + GAP) // (MIN_TILE + GAP))
    assert 2 <= grid <= 32

    root.locator(".lw-toggle-manifold").click()
    layer = root.locator(".lw-manifold")
    expect(layer).to_have_attribute("data-tiles", str(grid * grid), timeout=30_000)
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "manifold_grid.png"))
