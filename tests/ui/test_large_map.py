"""A map of 2,000,000 points opens in a real browser, drawn as a sample, and hovers, zooms and selects.

Issue 12 asks for maps far past one million points, with no silent sampling. One notebook opens 2M
random 8-d codes with ``LatentExplorer.from_latents`` (no encoder; a tiny decoder so that previews
show an image) and the default ``max_drawn`` (250,000): the map draws the sample of points whose
index hashes below the kernel's threshold, over a density image of all 2M, and says so. The test then works
the WebGL map as a person does, each step checked against the coordinates the kernel holds:

- the note, ``data-total``, ``data-sampled`` and ``data-drawn`` say how many of the points are
  drawn: exactly the sample computed here with the kernel's own hash;
- hover the most isolated of the sample's extreme points: the widget reports the drawn point
  nearest the pointer, computed here from the coordinates;
- draw a box over the whole map's view: ``explorer.selected`` is exactly the points whose
  coordinates fall inside it, drawn or not (the kernel selects inside the box's polygon);
- zoom in with one turn of the mouse wheel over a point in the cloud's lower left (the view
  scales by ``exp(-deltaY / canvas height)`` about the pointer, dom-2d-camera's law): the kernel
  sends the points of the view, the note says they are all drawn, and a point that was not in
  the sample is hovered and previewed;
- ``explorer.zoom_to`` frames points from Python on the sampled map.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from latentwidgets._engine.drawn import sample_indices

from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS, project_to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N_LARGE = 2_000_000
MAX_DRAWN = 250_000  # the default
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
# Software WebGL redraws many points in seconds, more on a loaded machine; events wait for frames.
STEP_TIMEOUT_MS = 60_000
# Zoom by about 8 with one wheel turn: points near the anchor spread out enough to be told apart.
ZOOM = 8.0
# Box edges keep this far (page px) from every point: what is in the box is beyond doubt.
EDGE_CLEARANCE_PX = 0.02
# Where 2M points are dense (a few per pixel) edges clear them by less: still some 15 times what
# float32 rounding in the camera moves a box corner (about 1e-7 of the map's 600 px).
DENSE_CLEARANCE_PX = 0.001

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


def _hover(
    lab: LabPage, root: Any, positions: np.ndarray, at: np.ndarray, ids: np.ndarray | None = None
) -> int:
    """Move to ``at``; check that the widget hovers and previews the point nearest it.

    ``positions`` are those of the drawn points, whose indices are ``ids`` (all points: None).
    """
    row, margin = _nearest(positions, at)
    expected = row if ids is None else int(ids[row])
    assert margin > 0.2, f"another point is as near {at} as {expected}"
    lab.page.mouse.move(float(at[0]), float(at[1]), steps=2)
    expect(root).to_have_attribute("data-hover-index", str(expected), timeout=STEP_TIMEOUT_MS)
    expect(root.locator(".lw-preview-image")).to_have_attribute(
        "data-index", str(expected), timeout=STEP_TIMEOUT_MS
    )
    return expected


def _clear_box(
    positions: np.ndarray, corners: np.ndarray, clearance: float = EDGE_CLEARANCE_PX
) -> np.ndarray:
    """Whole-pixel corners near ``corners`` whose edges pass no point closer than the clearance.

    Each edge moves outwards a pixel at a time until no point along it (within the other axis's
    span) lies nearer than ``clearance``: whether such a point is inside would hang on
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
            bool((np.abs(near[along_x, 0] - x0) < clearance).any()),
            bool((np.abs(near[along_y, 1] - y0) < clearance).any()),
            bool((np.abs(near[along_x, 0] - x1) < clearance).any()),
            bool((np.abs(near[along_y, 1] - y1) < clearance).any()),
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


def _isolated(positions: np.ndarray, rows: np.ndarray) -> int:
    """The row among ``rows`` whose nearest neighbour in ``positions`` is farthest."""
    return int(rows[np.argmax([_nearest(positions, positions[r] + 0.01)[1] for r in rows])])


def _box_select(lab: LabPage, corners: np.ndarray) -> None:
    """Draw a box from corner to corner as a person does with the box tool."""
    (x0, y0), (x1, y1) = corners
    mouse = lab.page.mouse
    mouse.move(x0, y0)
    mouse.down()  # the box starts at the press (issue 19)
    mouse.move(x1, y1, steps=2)
    mouse.up()


def test_two_million_points_sampled_hover_select_and_zoom(lab: LabPage, tmp_path: Any) -> None:
    root = lab.open_notebook([LARGE_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=READY_TIMEOUT_MS)
    expect(root).to_have_attribute("data-renderer", "webgl")
    expect(root).to_have_attribute("data-points", str(N_LARGE))
    expect(root).to_have_attribute("data-total", str(N_LARGE))
    expect(root).to_have_attribute("data-sampled", "1")

    # the sample, computed here with the kernel's hash: exactly what the page draws
    assert lab.evaluate("explorer.max_drawn") == MAX_DRAWN
    threshold = lab.evaluate("explorer._draw_threshold")
    sample = sample_indices(N_LARGE, threshold)
    assert abs(len(sample) - MAX_DRAWN) < 0.01 * MAX_DRAWN
    expect(root).to_have_attribute("data-drawn", str(len(sample)))
    note = root.locator(".lw-sample-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"Drawing {len(sample):,} of {N_LARGE:,} points")

    # the coordinates the kernel holds, through a file (2M pairs are slow as JSON)
    saved = tmp_path / "coords.npy"
    lab.run_python(f"np.save({str(saved)!r}, explorer.coords)")
    coords = np.load(saved).astype(np.float64)
    root.scroll_into_view_if_needed()
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    positions = project_to_screen(coords, box)
    drawn = positions[sample]
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "large_map.png"))

    # hover the most isolated of the sample's extreme points in eight directions on the canvas
    angles = np.arange(8) * np.pi / 4
    extremes = {int((coords[sample] @ [np.cos(a), np.sin(a)]).argmax()) for a in angles}
    shown = np.array([r for r in extremes if _on_canvas(lab, drawn[r])])
    extreme = _isolated(drawn, shown)
    assert _hover(lab, root, drawn, drawn[extreme], sample) == sample[extreme]

    # box-select at the whole map's view: every point inside, drawn or not, is selected
    # (off the dense centre, where box edges clear of every point are found)
    root.locator(".lw-mode-box").click()
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    spot = lo + (hi - lo) * [0.27, 0.27]
    corners = _clear_box(positions, spot + np.array([[-25, -20], [25, 20]]), DENSE_CLEARANCE_PX)
    _box_select(lab, corners)
    (rx0, ry1), (rx1, ry0) = _to_raw(coords, positions, corners)
    inside = np.flatnonzero(
        (coords[:, 0] > rx0) & (coords[:, 0] < rx1) & (coords[:, 1] > ry0) & (coords[:, 1] < ry1)
    )
    undrawn = np.setdiff1d(inside, sample)
    assert len(undrawn) > 200, "the box holds too few points the sample left out"
    expect(root).to_have_attribute("data-selected-count", str(len(inside)), timeout=STEP_TIMEOUT_MS)
    lab.run_python(f"np.save({str(tmp_path / 'selected.npy')!r}, np.array(explorer.selected))")
    np.testing.assert_array_equal(np.load(tmp_path / "selected.npy"), inside)
    root.screenshot(path=str(ARTIFACTS / "large_map_selection.png"))

    # zoom: the pointer rests on a drawn point in the cloud's lower left, one wheel turn scales
    # the view about it; the kernel then sends the points of the view, all of them
    root.locator(".lw-mode-pan").click()
    lo, hi = drawn.min(axis=0), drawn.max(axis=0)
    spot = np.round(lo + (hi - lo) * [0.3, 0.7])
    around = drawn[np.abs(drawn - spot).max(axis=1) < 20]
    offsets = [np.array([dx, dy]) for dx in range(-5, 6) for dy in range(-5, 6)]
    pointer = next(spot + o for o in offsets if _nearest(around, spot + o)[1] > 0.3)
    _hover(lab, root, drawn, pointer, sample)
    delta = -round(box["height"] * math.log(ZOOM))
    lab.page.mouse.wheel(0, delta)
    expect(note).to_contain_text("All points in view drawn", timeout=STEP_TIMEOUT_MS)
    zoomed = pointer + math.exp(-delta / box["height"]) * (positions - pointer)
    in_view = np.flatnonzero(
        (zoomed[:, 0] > box["x"])
        & (zoomed[:, 0] < box["x"] + box["width"])
        & (zoomed[:, 1] > box["y"])
        & (zoomed[:, 1] < box["y"] + box["height"])
    )
    extra = int(root.get_attribute("data-view-points") or 0)
    # every point in view beyond the sample has come (a few at the edge may round either way)
    assert abs(extra - len(np.setdiff1d(in_view, sample))) <= 0.01 * len(in_view) + 5, extra

    # hover a point the sample left out, 100-140 px from the pointer, the most isolated there
    seen = zoomed[in_view]
    away = np.hypot(*(seen - pointer).T)
    ring = np.flatnonzero((away > 100) & (away < 140) & ~np.isin(in_view, sample))[:300]
    target = int(in_view[_isolated(seen, ring)])
    assert target not in set(sample.tolist())
    assert _on_canvas(lab, zoomed[target])
    assert _hover(lab, root, seen, zoomed[target], in_view) == target
    root.screenshot(path=str(ARTIFACTS / "large_map_zoomed.png"))

    # zoom_to from Python frames points on the sampled map too
    zooms = int(root.get_attribute("data-zooms") or 0)
    lab.run_python(f"explorer.zoom_to([{target}, {int(sample[extreme])}])")
    expect(root).to_have_attribute("data-zooms", str(zooms + 1), timeout=STEP_TIMEOUT_MS)
