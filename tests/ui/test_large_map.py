"""A map of 2,000,000 points opens in a real browser and hovers, zooms and selects like a small one.

Issue 12 asks for maps far past one million points. One notebook opens 2M random 8-d codes with
``LatentExplorer.from_latents`` (no encoder; a tiny decoder so that previews show an image); the
test then works the WebGL map as a person does, each step checked against the coordinates the
kernel holds:

- hover the most isolated of the extreme points (few neighbours compete for the pointer): the
  widget reports the point nearest the pointer, computed here from the coordinates;
- zoom in with one turn of the mouse wheel over a point in the cloud's lower left, then hover a
  point there whose place moved a long way with the zoom: its place is recomputed through the
  wheel's zoom, regl-scatterplot's camera law (dom-2d-camera: the view scales by
  ``exp(-deltaY / canvas height)`` about the pointer);
- draw a box in the zoomed view: the kernel's ``explorer.selected`` is exactly the points whose
  coordinates fall inside it, computed in the kernel from ``explorer.coords``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS, project_to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N_LARGE = 2_000_000
LARGE_EXPLORER = f"""\
import numpy as np
import torch
import latentwidgets as lw

N = {N_LARGE}
codes = torch.randn(N, 8, generator=torch.Generator().manual_seed(0))
mixing = torch.linspace(-1.0, 1.0, 128).reshape(8, 16)


def decode(z):
    return torch.sigmoid(z @ mixing).reshape(len(z), 1, 4, 4)


explorer = lw.LatentExplorer.from_latents(codes, decode, labels=np.arange(N) % 10)
explorer
"""

READY_TIMEOUT_MS = 120_000
# Software WebGL redraws 2M points in seconds, more on a loaded machine; events wait for frames.
STEP_TIMEOUT_MS = 60_000
# Zoom by about 8 with one wheel turn: points near the anchor spread out enough to be told apart.
ZOOM = 8.0
# Box edges keep this far (page px) from every point: what is in the box is beyond doubt.
EDGE_CLEARANCE_PX = 0.02

ON_CANVAS = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  return !!el && el.classList.contains('lw-map-canvas');
}"""


def _nearest(positions: np.ndarray, at: np.ndarray) -> tuple[int, float]:
    """The point nearest page position ``at``, and how much farther (px) the next nearest one is."""
    d2 = ((positions - at) ** 2).sum(axis=1)
    two = np.argpartition(d2, 1)[:2]
    first, second = sorted(two, key=lambda i: d2[i])
    return int(first), float(math.sqrt(d2[second]) - math.sqrt(d2[first]))


def _on_canvas(lab: LabPage, at: np.ndarray) -> bool:
    return bool(lab.page.evaluate(ON_CANVAS, [float(at[0]), float(at[1])]))


def _hover(lab: LabPage, root: Any, positions: np.ndarray, at: np.ndarray) -> int:
    """Move to ``at``; check that the widget hovers and previews the point nearest it."""
    expected, margin = _nearest(positions, at)
    assert margin > 0.2, f"another point is as near {at} as {expected}"
    lab.page.mouse.move(float(at[0]), float(at[1]), steps=2)
    expect(root).to_have_attribute("data-hover-index", str(expected), timeout=STEP_TIMEOUT_MS)
    expect(root.locator(".lw-preview-image")).to_have_attribute(
        "data-index", str(expected), timeout=STEP_TIMEOUT_MS
    )
    return expected


def _clear_box(positions: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Whole-pixel corners near ``corners`` whose edges pass no point closer than the clearance.

    Each edge moves outwards a pixel at a time until no point along it (within the other axis's
    span) lies nearer than ``EDGE_CLEARANCE_PX``: whether such a point is inside would hang on
    rounding.
    """
    (x0, y0), (x1, y1) = np.round(corners)
    near = positions[
        (positions[:, 0] > x0 - 50)
        & (positions[:, 0] < x1 + 50)
        & (positions[:, 1] > y0 - 50)
        & (positions[:, 1] < y1 + 50)
    ]
    edges = [x0, y0, x1, y1]
    steps = [-1, -1, 1, 1]
    for _ in range(40):
        x0, y0, x1, y1 = edges
        along_x = (near[:, 1] > y0 - 1) & (near[:, 1] < y1 + 1)
        along_y = (near[:, 0] > x0 - 1) & (near[:, 0] < x1 + 1)
        crowded = [
            bool((np.abs(near[along_x, 0] - x0) < EDGE_CLEARANCE_PX).any()),
            bool((np.abs(near[along_y, 1] - y0) < EDGE_CLEARANCE_PX).any()),
            bool((np.abs(near[along_x, 0] - x1) < EDGE_CLEARANCE_PX).any()),
            bool((np.abs(near[along_y, 1] - y1) < EDGE_CLEARANCE_PX).any()),
        ]
        if not any(crowded):
            return np.array([[x0, y0], [x1, y1]])
        edges = [e + s * c for e, s, c in zip(edges, steps, crowded, strict=True)]
    raise AssertionError(f"no box with clear edges near {corners.tolist()}")


def _to_raw(coords: np.ndarray, positions: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Raw map coordinates of page positions ``at`` under the framing that gave ``positions``."""
    left, right = int(coords[:, 0].argmin()), int(coords[:, 0].argmax())
    pixels_per_unit = (positions[right, 0] - positions[left, 0]) / (
        coords[right, 0] - coords[left, 0]
    )
    origin = positions[left] - pixels_per_unit * coords[left] * [1, -1]
    return (at - origin) / pixels_per_unit * [1, -1]


def test_two_million_points_hover_zoom_and_select(lab: LabPage, tmp_path: Any) -> None:
    root = lab.open_notebook([LARGE_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=READY_TIMEOUT_MS)
    expect(root).to_have_attribute("data-renderer", "webgl")
    expect(root).to_have_attribute("data-points", str(N_LARGE))

    # the coordinates the kernel drew, through a file (2M pairs are slow as JSON)
    saved = tmp_path / "coords.npy"
    lab.run_python(f"np.save({str(saved)!r}, explorer.coords)")
    coords = np.load(saved).astype(np.float64)
    root.scroll_into_view_if_needed()
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    # whole-pixel pointer positions are then whole pixels in the canvas too (the wheel's anchor)
    assert float(box["x"]).is_integer(), box
    assert float(box["y"]).is_integer(), box
    positions = project_to_screen(coords, box)
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "large_map.png"))

    # hover the most isolated of the extreme points in eight directions that lie on the canvas
    angles = np.arange(8) * np.pi / 4
    extremes = {int((coords @ [np.cos(a), np.sin(a)]).argmax()) for a in angles}
    shown = [i for i in extremes if _on_canvas(lab, positions[i])]
    extreme = max(shown, key=lambda i: _nearest(positions, positions[i] + 0.01)[1])
    assert _hover(lab, root, positions, positions[extreme]) == extreme

    # zoom: the pointer rests on a point in the cloud's lower left (a whole pixel, where no other
    # point is as near), one wheel turn scales the view about it, and the hover card hides when
    # the view moves (so the zoom has been drawn)
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    spot = np.round(lo + (hi - lo) * [0.3, 0.7])
    around = positions[np.abs(positions - spot).max(axis=1) < 20]
    offsets = [np.array([dx, dy]) for dx in range(-5, 6) for dy in range(-5, 6)]
    pointer = next(spot + o for o in offsets if _nearest(around, spot + o)[1] > 0.3)
    anchor = _hover(lab, root, positions, pointer)
    card = root.locator(".lw-hover-card")
    expect(card).to_have_attribute("data-index", str(anchor), timeout=STEP_TIMEOUT_MS)
    delta = -round(box["height"] * math.log(ZOOM))
    lab.page.mouse.wheel(0, delta)
    expect(card).to_have_attribute("data-index", "-1", timeout=STEP_TIMEOUT_MS)
    zoomed = pointer + math.exp(-delta / box["height"]) * (positions - pointer)

    # hover a point the zoom moved over 80 px: the most isolated of some 100-140 px from the anchor
    in_view = np.flatnonzero(
        (zoomed[:, 0] > box["x"] - 10)
        & (zoomed[:, 0] < box["x"] + box["width"] + 10)
        & (zoomed[:, 1] > box["y"] - 10)
        & (zoomed[:, 1] < box["y"] + box["height"] + 10)
    )
    seen = zoomed[in_view]
    away = np.hypot(*(seen - pointer).T)
    ring = np.flatnonzero((away > 100) & (away < 140))[:300]
    isolation = [_nearest(seen, seen[i] + 0.01)[1] for i in ring]
    target = int(in_view[ring[int(np.argmax(isolation))]])
    assert _on_canvas(lab, zoomed[target])
    assert _hover(lab, root, zoomed, zoomed[target]) == target

    # box-select round the anchor, corners on whole pixels, edges clear of every point
    root.locator(".lw-mode-box").click()
    (x0, y0), (x1, y1) = _clear_box(zoomed, pointer + np.array([[-120, -70], [120, 70]]))
    mouse = lab.page.mouse
    mouse.move(x0 - 2, y0 - 2)
    mouse.down()
    mouse.move(x0, y0)  # regl-scatterplot starts the box where the first move after the press is
    mouse.move(x1, y1, steps=2)
    # it takes a lasso point at most every 8 ms (lassoMinDelay) and drops one still pending at
    # the release: a hand rests a moment before letting go
    lab.page.wait_for_timeout(50)
    mouse.up()

    # the points in the box, counted in the kernel from the coordinates it holds
    unzoomed = pointer + (np.array([[x0, y1], [x1, y0]]) - pointer) / math.exp(
        -delta / box["height"]
    )
    (rx0, ry0), (rx1, ry1) = _to_raw(coords, positions, unzoomed)
    inside = (
        f"np.flatnonzero((explorer.coords[:, 0] > {rx0}) & (explorer.coords[:, 0] < {rx1})"
        f" & (explorer.coords[:, 1] > {ry0}) & (explorer.coords[:, 1] < {ry1}))"
    )
    count = lab.evaluate(f"len({inside})")
    assert count > 500, "too few points in the box to tell a selection apart"
    expect(root).to_have_attribute("data-selected-count", str(count), timeout=STEP_TIMEOUT_MS)
    lab.wait_for_python(f"explorer.selected == {inside}.tolist()", True)
    root.screenshot(path=str(ARTIFACTS / "large_map_zoomed_selection.png"))
