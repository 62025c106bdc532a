"""Where points are on the map canvas, and mouse gestures on it.

The widget normalises the projected coordinates into [-1, 1] keeping their aspect ratio, centres
them, and frames them with a small margin, centred in the whole canvas: the legend floats over the
map and takes no room (js/src/points.ts: ``normalisePoints``, ``fitCamera``).
``screen_positions`` repeats that maths on the coordinates read from the kernel; ``hover_point``
then checks the result against the widget's own ``data-hover-index``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np

from ._lab import LabPage, expect

FIT_MARGIN = 1.08
MAP_CANVAS = ".lw-map-canvas"


class HasPage(Protocol):
    """A LabPage, or anything else holding the Playwright page (a marimo app's)."""

    page: Any


def project_to_screen(coords: np.ndarray, box: dict[str, float]) -> np.ndarray:
    """Page pixel positions of raw map coordinates drawn into a canvas at ``box``."""
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    centre = (lo + hi) / 2
    half = float(max(hi - lo)) / 2 or 1.0
    half_width, half_height = (hi - lo) / 2 / half
    width, height = box["width"], box["height"]
    distance = max(half_height, half_width / (width / height)) * FIT_MARGIN
    pixels_per_unit = height / 2 / distance
    normalised = (coords - centre) / half
    x = box["x"] + width / 2 + normalised[:, 0] * pixels_per_unit
    y = box["y"] + height / 2 - normalised[:, 1] * pixels_per_unit
    return np.stack([x, y], axis=1)


def screen_positions(lab: LabPage, root: Any, variable: str = "explorer") -> np.ndarray:
    """Page pixel positions of every point of the notebook's explorer ``variable`` in ``root``."""
    root.scroll_into_view_if_needed()
    coords = np.asarray(lab.evaluate(f"{variable}.coords.tolist()"), dtype=np.float64)
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None, f"{MAP_CANVAS} has no box: is the map visible?"
    return project_to_screen(coords, box)


def hover_point(lab: HasPage, root: Any, positions: np.ndarray, index: int) -> None:
    """Move the mouse onto point ``index`` and wait until the widget reports hovering it."""
    x, y = positions[index]
    lab.page.mouse.move(float(x), float(y), steps=3)
    expect(root).to_have_attribute("data-hover-index", str(index), timeout=10_000)


def click_point(lab: HasPage, root: Any, positions: np.ndarray, index: int) -> None:
    """Hover point ``index`` (checked), then click it."""
    hover_point(lab, root, positions, index)
    x, y = positions[index]
    lab.page.mouse.click(float(x), float(y))


def drag(lab: HasPage, start: Iterable[float], end: Iterable[float], steps: int = 12) -> None:
    """Press at ``start``, move in ``steps`` to ``end``, release: a person's drag."""
    (x0, y0), (x1, y1) = start, end
    mouse = lab.page.mouse
    mouse.move(x0, y0)
    mouse.down()
    mouse.move(x1, y1, steps=steps)
    mouse.up()


def bounding_box(positions: np.ndarray, indices: Iterable[int], pad: float) -> np.ndarray:
    """``[[x0, y0], [x1, y1]]`` around the given points, ``pad`` pixels wider on each side."""
    chosen = positions[list(indices)]
    return np.stack([chosen.min(axis=0) - pad, chosen.max(axis=0) + pad])
