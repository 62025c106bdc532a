"""The point under the pointer is marked as the peers mark it, larger and in a ring, in the light
and the dark theme; the hover card shows at once from what the page has, and the preview fills it
in when it comes (issue 19, item 2). How fast is benchmarks/bench_hover_card.py's to say.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from ._cells import LEFT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HALF = 20  # the picture round the point: 40 x 40 px
THEME = "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})"
MAP_IS_DARK = """(root) => {
  const m = getComputedStyle(root.querySelector('.lw-map')).backgroundColor.match(/\\d+/g).map(Number);
  return (m[0] + m[1] + m[2]) / 3 < 80; }"""


def _around(lab: LabPage, x: float, y: float) -> np.ndarray:
    clip = {"x": x - HALF, "y": y - HALF, "width": 2 * HALF, "height": 2 * HALF}
    return np.asarray(Image.open(io.BytesIO(lab.page.screenshot(clip=clip))).convert("RGB")).astype(
        int
    )


def _ring_pixels(before: np.ndarray, after: np.ndarray) -> int:
    """Pixels that changed visibly outside the dot (radius 5 px at point size 10), within 12 px."""
    rows, cols = np.indices(before.shape[:2])
    r = np.hypot(cols - HALF + 0.5, rows - HALF + 0.5)
    annulus = (r >= 7) & (r <= 12)
    return int((np.abs(before - after).sum(axis=2)[annulus] > 60).sum())


def _hover_marks(lab: LabPage, root: Any, positions: np.ndarray, index: int, name: str) -> None:
    x, y = map(float, positions[index])
    lab.page.mouse.move(5, 5)
    expect(root).to_have_attribute("data-hover-index", "-1")
    lab.page.wait_for_timeout(300)
    before = _around(lab, x, y)
    hover_point(lab, root, positions, index)
    expect(root.locator(".lw-path-overlay")).to_have_attribute("data-hover-mark", "1")
    lab.page.wait_for_timeout(300)  # the overlay draws at the next animation frame
    after = _around(lab, x, y)
    ARTIFACTS.mkdir(exist_ok=True)
    Image.fromarray(np.concatenate([before, after], axis=1).astype(np.uint8)).resize(
        (320, 160), Image.Resampling.NEAREST
    ).save(ARTIFACTS / name)
    assert _ring_pixels(before, after) > 40, "the hovered point shows no ring and is no larger"


def test_the_hovered_point_is_ringed_and_larger_in_both_themes(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    _hover_marks(lab, root, positions, LEFT[7], "hover_mark_light.png")
    try:
        lab.page.evaluate(THEME, "JupyterLab Dark")
        lab.page.wait_for_function(MAP_IS_DARK, arg=root.element_handle(), timeout=30_000)
        lab.page.wait_for_timeout(500)  # the map follows the theme at its next draw
        _hover_marks(lab, root, positions, LEFT[7], "hover_mark_dark.png")
    finally:
        lab.page.evaluate(THEME, "JupyterLab Light")  # the theme is a setting the server keeps


def test_the_hover_card_shows_before_the_preview_arrives(lab: LabPage, tmp_path: Path) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    card = root.locator(".lw-hover-card")

    # The kernel is busy until the test lets it go: no preview can come back meanwhile. (A fixed
    # sleep was too short on a loaded CI machine, where the hover itself took that long.)
    released = tmp_path / "release"
    wait = (
        f"import os, time\nend = time.time() + 60\n"
        f"while not os.path.exists({str(released)!r}) and time.time() < end: time.sleep(0.05)"
    )
    lab.page.evaluate(
        "(code) => { window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
        ".requestExecute({code, store_history: false}); }",
        wait,
    )
    lab.page.wait_for_timeout(200)
    hover_point(lab, root, positions, LEFT[7])
    expect(card).to_be_visible(timeout=1_000)
    expect(card).to_have_attribute("data-index", str(LEFT[7]))
    expect(card).to_have_attribute("data-filled", "0")
    expect(card.locator(".lw-hover-title")).to_contain_text(f"#{LEFT[7]}")
    expect(card.locator(".lw-hover-row")).to_contain_text(["left"])  # the colour column's value
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "hover_card_quick.png"))

    # then the kernel is free and the preview fills it in: the metadata and the decoded image
    released.touch()
    expect(card).to_have_attribute("data-filled", "1", timeout=15_000)
    expect(card).to_have_attribute("data-image", "1")
    expect(card.locator(".lw-hover-image")).to_be_visible()
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "hover_card_filled.png"))
