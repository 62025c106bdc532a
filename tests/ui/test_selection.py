"""A box drawn with the mouse selects points in Python; a selection set in Python shows; zooms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ._cells import CLUSTER_SIZE, LEFT, RIGHT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import (
    MAP_CANVAS,
    bounding_box,
    drag,
    hover_point,
    project_to_screen,
    screen_positions,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_box_selection_reaches_python_and_back(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)

    root.locator(".lw-mode-box").click()
    start, end = bounding_box(positions, TOP, pad=12)
    drag(lab, start, end)

    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("explorer.selected", list(TOP))

    lab.run_python("explorer.selected = [0, 1, 2]")
    expect(root).to_have_attribute("data-selected-count", "3")


def test_lasso_selection_reaches_python(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)

    root.locator(".lw-mode-lasso").click()
    (x0, y0), (x1, y1) = bounding_box(positions, LEFT, pad=14)
    mouse = lab.page.mouse
    mouse.move(x0, y0)
    mouse.down()
    for x, y in [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]:  # around the left cluster, by hand
        mouse.move(x, y, steps=15)
        lab.page.wait_for_timeout(
            30
        )  # the lasso keeps a point per few ms of movement, as a hand does
    mouse.up()

    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("explorer.selected", list(LEFT))


def _framed(lab: LabPage, root: Any, indices: range) -> np.ndarray:
    """Page positions of every point once the map frames just the points ``indices``."""
    coords = np.asarray(lab.evaluate("explorer.coords.tolist()"), dtype=np.float64)
    canvas = root.locator(MAP_CANVAS)
    canvas.scroll_into_view_if_needed()  # zoomed in, points sit near every edge of the map
    box = canvas.bounding_box()
    positions = np.full_like(coords, np.nan)
    positions[list(indices)] = project_to_screen(coords[list(indices)], box)
    return positions


def test_zoom_to_the_selection_from_the_widget_and_from_python(lab: LabPage) -> None:
    root = lab.open_notebook([*TOY_EXPLORER, f"explorer.selected = {list(TOP)}"])
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE), timeout=60_000)
    expect(root).to_have_attribute("data-ready", "1")

    root.locator(".lw-zoom-selection").click()
    expect(root).to_have_attribute("data-zooms", "1")
    # the top cluster now fills the map: its corner points sit where framing it alone puts them
    # (opposite corners clear of the legend, which floats over the map's top right corner)
    for index in (TOP[4], TOP[15]):
        hover_point(lab, root, _framed(lab, root, TOP), index)

    lab.run_python(f"explorer.zoom_to({list(RIGHT)})")
    expect(root).to_have_attribute("data-zooms", "2")
    hover_point(lab, root, _framed(lab, root, RIGHT), RIGHT[7])

    root.locator(".lw-fit").click()
    expect(root).to_have_attribute("data-zooms", "3")
    hover_point(lab, root, screen_positions(lab, root), LEFT[4])

    # a zoom asked for while new coordinates are being drawn happens after them, not before
    lab.run_python(f"explorer.projection = 'dims'; explorer.zoom_to({list(LEFT)})")
    expect(root).to_have_attribute("data-projection", "dims")
    expect(root).to_have_attribute("data-zooms", "4")
    hover_point(lab, root, _framed(lab, root, LEFT), LEFT[12])
