"""Images as the points: the toolbar's toggle draws each point in view as its picture, framed in
its colour, when at most 400 are in view; zoomed out past that, or toggled off, the dots are back."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ._cells import N_POINTS, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _picture(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def test_points_drawn_as_their_pictures(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    the_map = root.locator(".lw-map")
    lab.page.mouse.move(5, 5)
    dots = _picture(the_map)
    toggle = root.locator(".lw-toggle-thumbnails")
    toggle.click()
    lab.wait_for_python("explorer.thumbnails", "decoded")
    expect(root).to_have_attribute("data-thumbnails", str(N_POINTS), timeout=20_000)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    layer = root.locator(".lw-thumbnails")
    expect(layer).to_be_visible()
    pictures = _picture(the_map)
    changed = (np.abs(pictures - dots).sum(axis=2) > 60).mean()
    assert changed > 0.05, (
        f"only {changed:.1%} of the map changed: pictures should cover the points"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    Image.fromarray(np.concatenate([dots, pictures], axis=1).astype(np.uint8)).save(
        ARTIFACTS / "thumbnails.png"
    )

    # a pan hides them while the camera moves, and they come back where the points now are
    box = root.locator(".lw-map-canvas").bounding_box()
    lab.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lab.page.mouse.down()
    lab.page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2, steps=6)
    lab.page.mouse.up()
    expect(layer).to_be_visible(timeout=10_000)
    shown = int(root.get_attribute("data-thumbnails"))
    assert 0 < shown <= N_POINTS

    # inputs instead of decodings, from Python
    lab.run_python("explorer.thumbnails = 'input'")
    expect(root).to_have_attribute("data-thumbnails", str(shown), timeout=20_000)

    toggle.click()
    lab.wait_for_python("explorer.thumbnails", "")
    expect(layer).to_be_hidden()
    expect(root).to_have_attribute("data-thumbnails", "0")
