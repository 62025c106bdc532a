"""The probe tool decodes empty map space under the mouse: the preview shows the image for the
map coordinates asked for."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ._cells import LEFT, RIGHT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_probe_on_empty_space_shows_its_image(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    coords = np.asarray(lab.evaluate("explorer.coords.tolist()"), dtype=np.float64)
    root.locator(".lw-tool-probe").click()
    expect(root).to_have_attribute("data-mode", "probe")

    # halfway between two clusters: empty space; the screen maps to the map affinely
    left, right = list(LEFT), list(RIGHT)
    screen = (positions[left].mean(axis=0) + positions[right].mean(axis=0)) / 2
    expected = (coords[left].mean(axis=0) + coords[right].mean(axis=0)) / 2
    lab.page.mouse.move(*(screen - 20), steps=2)
    lab.page.mouse.move(*screen, steps=3)
    expect(root).to_have_attribute("data-hover-index", "-1")
    image = root.locator(".lw-preview-image[data-source='probe']")
    expect(image).to_be_visible(timeout=30_000)

    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    per_pixel = np.ptp(coords, axis=0).max() / min(box["width"], box["height"])
    # Probes on the way to the last position may be shown first: latest-wins replaces them, so
    # wait for the probe of where the mouse stopped.
    deadline = time.monotonic() + 30
    while True:
        x, y = float(image.get_attribute("data-x")), float(image.get_attribute("data-y"))
        near = abs(x - expected[0]) < 2 * per_pixel and abs(y - expected[1]) < 2 * per_pixel
        if near or time.monotonic() > deadline:
            break
        lab.page.wait_for_timeout(100)
    assert abs(x - expected[0]) < 2 * per_pixel, (x, expected)
    assert abs(y - expected[1]) < 2 * per_pixel, (y, expected)
    exact = lab.evaluate("bool(explorer._probe_exact)")
    label = root.locator(".lw-preview .lw-panel-note")
    if exact:
        expect(label).not_to_contain_text("approximate")
    else:
        expect(label).to_contain_text("approximate")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "probe.png"))
