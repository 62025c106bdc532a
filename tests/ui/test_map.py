"""The map draws with WebGL, in JupyterLab and in Notebook 7."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from ._cells import N_POINTS, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _inked_pixels(png: bytes) -> int:
    """Pixels that differ from the background (the colour of the top left corner)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return int((np.abs(rgb - rgb[0, 0]).sum(axis=2) > 60).sum())


def test_map_draws_points_with_webgl(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)

    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-renderer", re.compile(r"^webgl"))
    expect(root).to_have_attribute("data-points", str(N_POINTS))
    expect(root).to_have_attribute("data-projection", "pca")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "map_pca.png"))
    # 60 points of 10 px cover thousands of pixels; a blank canvas covers none
    assert _inked_pixels(root.locator(MAP_CANVAS).screenshot()) > N_POINTS * 20


def test_map_draws_in_notebook7(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER, ui="notebook")

    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-points", str(N_POINTS))
    assert "/notebooks/" in lab.page.url
