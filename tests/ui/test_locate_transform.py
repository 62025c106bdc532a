"""Locate on a t-SNE map in the browser: an image dropped on the map is placed by t-SNE's own
transform, not among its nearest codes, and the status line says how it was placed."""

from __future__ import annotations

import pathlib

import pytest

from ._lab import ARTIFACTS, LabPage, expect
from .test_locate_sketch import DROP, _seven_png

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TSNE_DIGITS = """\
import numpy as np
import latentwidgets as lw
data = lw.datasets.digits().subset(np.arange(600))
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False, projection="tsne",
                             panels=["located"])
explorer
"""

SHOTS = pathlib.Path("/tmp/shots/C")


def test_an_image_dropped_on_a_tsne_map_is_placed_by_its_transform(lab: LabPage) -> None:
    root = lab.open_notebook([TSNE_DIGITS])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    lab.wait_for_python("explorer._core.drawn", "tsne", timeout_s=180)  # the final map
    lab.page.evaluate(DROP, [".lw-map", "seven.png", "image/png", _seven_png()])
    expect(root).to_have_attribute("data-located", "1", timeout=30_000)
    expect(root.locator(".lw-status")).to_have_text(
        "1 located item placed by the tsne map's transform", timeout=30_000
    )
    expect(root.locator(".lw-path-overlay")).to_have_attribute("data-marks", "1")
    # its mark is where openTSNE's transform puts its code (deterministic), which the nearest
    # codes' weighted mean is not
    placed = (
        "explorer._core.scheduler.fitted('tsne').transform(explorer.located_codes_)"
        " - explorer._located_points"
    )
    lab.wait_for_python(f"bool(abs({placed}).max() < 1e-3)", True)
    by_neighbours = (
        "explorer._core.scheduler.place(explorer.located_codes_, 'tsne') - explorer._located_points"
    )
    lab.wait_for_python(f"bool(abs({by_neighbours}).max() > 1e-3)", True)
    ARTIFACTS.mkdir(exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "located-tsne.png"))
    root.screenshot(path=str(SHOTS / "located-tsne.png"))
