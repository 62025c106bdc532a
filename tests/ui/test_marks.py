"""The toolbar's "Clear marks" button takes the samples' diamonds, the neighbour rings, the pin and
the paths off the map: the map looks as it did before they were drawn."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import click_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _picture(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def _changed(a: np.ndarray, b: np.ndarray, spared: list[tuple[float, float]] = ()) -> int:
    """Pixels that differ visibly between two pictures of the map, but near the ``spared`` places."""
    differs = np.abs(a - b).sum(axis=2) > 60
    rows, cols = np.indices(differs.shape)
    for x, y in spared:
        differs &= (cols - x) ** 2 + (rows - y) ** 2 > 22**2
    return int(differs[2:-2, 2:-2].sum())  # the box's edge line is not the map


def test_clear_marks_leaves_the_map_as_it_was(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    the_map = root.locator(".lw-map")
    lab.page.mouse.move(5, 5)
    before = _picture(the_map)

    positions = screen_positions(lab, root)
    click_point(lab, root, positions, 5)  # pins it: its neighbours are ringed
    expect(root).to_have_attribute("data-pinned", "5")
    lab.run_python("explorer.sample(16); explorer.interpolate(1, 45, steps=8)")
    lab.wait_for_python("explorer._sample_points is not None", True)
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)  # the overlay draws at the next animation frame
    marked = _picture(the_map)
    assert _changed(before, marked) > 200, "the marks should show on the map"

    root.locator(".lw-clear-marks").click()
    expect(root).to_have_attribute("data-pinned", "-1")
    lab.run_python("explorer.selected = []")  # the click that pinned 5 also selected it
    expect(root).to_have_attribute("data-selected-count", "0")
    lab.wait_for_python("explorer._sample_points is None and explorer._path is None", True)
    # the interpolation's path made the map zoom out to show it whole: frame the points again
    zooms = int(root.get_attribute("data-zooms"))
    root.locator(".lw-fit").click()
    expect(root).to_have_attribute("data-zooms", str(zooms + 1))
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)
    after = _picture(the_map)
    ARTIFACTS.mkdir(exist_ok=True)
    Image.fromarray(np.concatenate([before, marked, after], axis=1).astype(np.uint8)).save(
        ARTIFACTS / "clear_marks.png"
    )
    # the A and B dots of the interpolation's ends stay (the slider still shows their frames)
    box = the_map.bounding_box()
    ends = [(positions[i][0] - box["x"], positions[i][1] - box["y"]) for i in (1, 45)]
    assert _changed(before, after, ends) < 40, "marks stayed on the map after Clear marks"
