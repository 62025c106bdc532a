"""Without WebGL the map is drawn on a 2-D canvas, and works as the WebGL one does.

Chromium is launched here with ``--disable-software-rasterizer`` beside ``--disable-gpu``, which
turns WebGL off (shared notes, browser-testing.md); the test checks that it is off. Hover, click,
box and lasso, pins, the interpolation ends and the probe then go through the canvas renderer
(js/src/canvas-map.ts). Above 200,000 points it draws a random sample over a density image of all
points and says so; points left out of the sample still hover from the spatial index.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image

from latentwidgets._engine.drawn import sample_indices

from .._chromium import CHROMIUM
from ._cells import CLUSTER_SIZE, LEFT, RIGHT, TOP, TOY_EXPLORER, TOY_MODEL
from ._lab import ARTIFACTS, JupyterServer, LabPage, expect
from ._map import (
    MAP_CANVAS,
    bounding_box,
    click_point,
    drag,
    hover_point,
    project_to_screen,
    screen_positions,
)
from .conftest import BROWSER_ARGS, lab_page_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NO_WEBGL_ARGS = [*BROWSER_ARGS, "--disable-software-rasterizer"]
WEBGL = "() => [!!document.createElement('canvas').getContext('webgl'), !!document.createElement('canvas').getContext('webgl2')]"

# js/src/canvas-raster.ts: DRAW_LIMIT and chooseSample's seed.
DRAW_LIMIT = 200_000
SAMPLE_SEED = 1

# 250,000 two-dimensional codes: a Gaussian cloud, and 50 codes on a ring of radius 9 round it,
# far from the cloud and from each other, so that each is the only point under the pointer.
N_BIG = 250_000
RING = 50
BIG_EXPLORER = f"""\
rng = np.random.default_rng(0)
ring = 9 * np.stack([np.cos(np.arange({RING}) * 2 * np.pi / {RING}),
                     np.sin(np.arange({RING}) * 2 * np.pi / {RING})], 1)
big_codes = np.concatenate([rng.normal(size=({N_BIG} - {RING}, 2)), ring]).astype(np.float32)
big = lw.LatentExplorer(lambda x: x, decode, torch.from_numpy(big_codes),
                        labels=np.arange({N_BIG}) % 5, progress=False)
big
"""
RING_INDICES = range(N_BIG - RING, N_BIG)


@pytest.fixture(scope="module")
def no_webgl_browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=NO_WEBGL_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def canvas_lab(
    request: pytest.FixtureRequest, no_webgl_browser: Any, jupyter_server: JupyterServer
) -> Iterator[LabPage]:
    """A page in the browser without WebGL; fails on any uncaught page error, like ``lab``."""
    with lab_page_in(request, no_webgl_browser, jupyter_server) as lab:
        yield lab


def _inked_pixels(png: bytes) -> int:
    """Pixels that differ from the background (the colour of the top left corner)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return int((np.abs(rgb - rgb[0, 0]).sum(axis=2) > 60).sum())


def _mulberry32(seed: int) -> Iterator[float]:
    a = seed & 0xFFFFFFFF
    while True:
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def drawn_sample(n: int, size: int, seed: int = SAMPLE_SEED) -> set[int]:
    """The points the canvas map draws one by one: canvas-raster.ts's chooseSample, repeated."""
    random = _mulberry32(seed)
    taken: list[int] = []
    for i in range(n):
        if len(taken) == size:
            break
        if (n - i) * next(random) < size - len(taken):
            taken.append(i)
    return set(taken)


def test_the_python_draw_is_the_widgets() -> None:
    # js/tests/canvas-map.test.ts pins the same indices for chooseSample itself
    sample = drawn_sample(N_BIG, DRAW_LIMIT)
    assert len(sample) == DRAW_LIMIT
    assert [i for i in range(20) if i not in sample] == [3, 4, 9]
    assert [i for i in RING_INDICES if i not in sample] == [
        *(249955, 249958, 249960, 249962, 249969, 249973),
        *(249974, 249986, 249992, 249993, 249994, 249996),
    ]


def test_canvas_map_hovers_selects_pins_and_interpolates(canvas_lab: LabPage) -> None:
    lab = canvas_lab
    root = lab.open_notebook(TOY_EXPLORER)
    assert lab.page.evaluate(WEBGL) == [False, False], "this browser still has WebGL"
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-renderer", "canvas")
    expect(root).to_have_attribute("data-drawn", str(3 * CLUSTER_SIZE))
    expect(root.locator(".lw-renderer-note")).to_have_text("Canvas renderer (no WebGL)")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "canvas_map.png"))
    assert _inked_pixels(root.locator(MAP_CANVAS).screenshot()) > 3 * CLUSTER_SIZE * 20
    positions = screen_positions(lab, root)

    # hover: the preview and the hover card of the point under the pointer
    hover_point(lab, root, positions, LEFT[3])
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(LEFT[3]))
    expect(root.locator(".lw-hover-card")).to_have_attribute("data-index", str(LEFT[3]))
    root.screenshot(path=str(ARTIFACTS / "canvas_map_hover.png"))

    # a click pins, in Python too
    click_point(lab, root, positions, RIGHT[5])
    expect(root).to_have_attribute("data-pinned", str(RIGHT[5]))
    lab.wait_for_python("explorer.pinned", RIGHT[5])

    # box and lasso reach Python
    root.locator(".lw-mode-box").click()
    drag(lab, *bounding_box(positions, TOP, pad=12))
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("sorted(explorer.selected)", list(TOP))
    root.locator(".lw-mode-lasso").click()
    (x0, y0), (x1, y1) = bounding_box(positions, LEFT, pad=14)
    mouse = lab.page.mouse
    mouse.move(x0, y0)
    mouse.down()
    for x, y in [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]:
        mouse.move(x, y, steps=15)
    mouse.up()
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("sorted(explorer.selected)", list(LEFT))
    # a lasso that ends where it began is a drag, not a click: the pin stays
    expect(root).to_have_attribute("data-pinned", str(RIGHT[5]))
    root.screenshot(path=str(ARTIFACTS / "canvas_map_selection.png"))
    lab.run_python(f"explorer.selected = {list(RIGHT[:3])}")
    expect(root).to_have_attribute("data-selected-count", "3")

    # pan: a drag from empty space moves every point by the drag
    root.locator(".lw-mode-pan").click()
    empty = (positions[list(LEFT)].mean(axis=0) + positions[list(RIGHT)].mean(axis=0)) / 2
    shift = np.array([40.0, 30.0])
    drag(lab, empty, empty + shift)
    hover_point(lab, root, positions + shift, TOP[6])
    root.locator(".lw-fit").click()
    expect(root).to_have_attribute("data-zooms", "1")

    # interpolation ends picked on the canvas map, frames scrubbed
    a, b = LEFT[2], TOP[17]
    root.locator(".lw-pick-a").click()
    click_point(lab, root, positions, a)
    root.locator(".lw-pick-b").click()
    click_point(lab, root, positions, b)
    slider = root.locator(".lw-interp-slider")
    expect(slider).to_have_attribute("data-frames", "16")
    lab.wait_for_python("[explorer.interp_a, explorer.interp_b]", [a, b])
    knob = slider.bounding_box()
    assert knob is not None
    left = (knob["x"] + 2, knob["y"] + knob["height"] / 2)
    drag(lab, left, (knob["x"] + knob["width"] - 2, left[1]), steps=16)
    expect(root.locator(".lw-interp-frame")).to_have_attribute("data-frame", "15")
    root.screenshot(path=str(ARTIFACTS / "canvas_map_interpolation.png"))

    # the probe decodes empty space between clusters
    root.locator(".lw-tool-probe").click()
    lab.page.mouse.move(*(empty - 20), steps=2)
    lab.page.mouse.move(*empty, steps=3)
    expect(root).to_have_attribute("data-hover-index", "-1")
    expect(root.locator(".lw-preview-image[data-source='probe']")).to_be_visible(timeout=30_000)


BIG_TARGETS = f"""(lambda c: {{
    "lo": c.min(0).tolist(), "hi": c.max(0).tolist(), "ring": c[{N_BIG - RING}:].tolist(),
}})(big.coords)"""


def test_canvas_map_above_the_limit_says_what_it_draws(canvas_lab: LabPage) -> None:
    lab = canvas_lab
    root = lab.open_notebook([TOY_MODEL, BIG_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=120_000)
    expect(root).to_have_attribute("data-renderer", "canvas")
    expect(root).to_have_attribute("data-points", str(N_BIG))
    expect(root).to_have_attribute("data-drawn", str(DRAW_LIMIT))
    note = root.locator(".lw-renderer-note")
    expect(note).to_have_text(
        "Canvas renderer (no WebGL): drawing 200,000 of 250,000 points; shading shows all"
    )
    # the statement is in the map, clear of the legend
    note_box, legend_box = note.bounding_box(), root.locator(".lw-legend").bounding_box()
    assert note_box is not None
    assert legend_box is not None
    apart_x = note_box["x"] + note_box["width"] <= legend_box["x"]
    apart_y = note_box["y"] >= legend_box["y"] + legend_box["height"]
    assert apart_x or apart_y, (note_box, legend_box)
    ARTIFACTS.mkdir(exist_ok=True)
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(ARTIFACTS / "canvas_map_sampled.png"))

    targets = lab.evaluate(BIG_TARGETS)
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    framed = np.array([targets["lo"], targets["hi"], *targets["ring"]], dtype=np.float64)
    positions = np.full((N_BIG, 2), np.nan)
    positions[list(RING_INDICES)] = project_to_screen(framed, box)[2:]
    sample = drawn_sample(N_BIG, DRAW_LIMIT)
    left_out = [i for i in RING_INDICES if i not in sample]
    drawn = [i for i in RING_INDICES if i in sample]
    assert left_out
    assert drawn
    for index in (left_out[0], drawn[0], left_out[-1]):
        hover_point(lab, root, positions, index)
        expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(index))


# A map of more points than max_drawn on the canvas: the kernel's sample is what the canvas gets,
# and a box selects every point inside it, drawn or not.
N_SAMPLED = 5_000
SAMPLED_EXPLORER = f"""\
sampled_codes = np.random.default_rng(3).normal(size=({N_SAMPLED}, 2)).astype(np.float32)
sampled = lw.LatentExplorer.from_latents(sampled_codes, decode, labels=np.arange({N_SAMPLED}) % 5,
                                         projection="dims", max_drawn=1000)
sampled
"""


def test_canvas_map_of_a_sampled_map_selects_all_points(canvas_lab: LabPage) -> None:
    lab = canvas_lab
    root = lab.open_notebook([TOY_MODEL, SAMPLED_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=120_000)
    expect(root).to_have_attribute("data-renderer", "canvas")
    expect(root).to_have_attribute("data-sampled", "1")
    expect(root).to_have_attribute("data-total", str(N_SAMPLED))
    sample = sample_indices(N_SAMPLED, lab.evaluate("sampled._draw_threshold"))
    expect(root).to_have_attribute("data-drawn", str(len(sample)))
    expect(root.locator(".lw-sample-note")).to_contain_text(
        f"Drawing {len(sample):,} of {N_SAMPLED:,} points"
    )

    # the kernel's density image of all points is drawn under the sample
    shaded = root.locator(".lw-canvas-density").evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert shaded > 0
    coords = np.asarray(lab.evaluate("sampled.coords.tolist()"), dtype=np.float64)
    root.scroll_into_view_if_needed()
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    positions = project_to_screen(coords, box)
    # a box round the cloud's upper left part, its edges on whole pixels clear of every point
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    corners = np.round(lo + (hi - lo) * np.array([[0.3, 0.25], [0.55, 0.5]]))
    for _ in range(20):
        near = [
            np.abs(positions[:, axis] - corners[end, axis]).min() < 0.2
            for end in (0, 1)
            for axis in (0, 1)
        ]
        if not any(near):
            break
        corners += [[-1, -1], [1, 1]]
    inside = np.flatnonzero(
        ((positions > corners[0]) & (positions < corners[1])).all(axis=1)
    ).tolist()
    assert len(set(inside) - set(sample.tolist())) > 20, "the box holds few points left out"
    root.locator(".lw-mode-box").click()
    drag(lab, corners[0], corners[1])
    expect(root).to_have_attribute("data-selected-count", str(len(inside)), timeout=20_000)
    lab.wait_for_python("sampled.selected", inside)
    root.screenshot(path=str(ARTIFACTS / "canvas_map_kernel_sample.png"))
