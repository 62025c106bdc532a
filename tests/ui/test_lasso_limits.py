"""A scribble drawn as a lasso on a sampled map is refused with a clear error in the status line.

On a sampled map the browser selects the drawn points inside a lasso and the kernel adds the
others (``select_region``). One message must not cost the kernel more than 64 MiB and about 1 s at
10M points (issue 18), so a polygon whose outline is too tangled (a line across its box crosses
the outline more than 50 times on average) is refused before any work: the status line says why,
and the selection goes back to what it was before the lasso (the browser had picked the drawn
points inside it). A hand-drawn lasso (tangle 2) still selects among all points.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from ._lab import LabPage, expect
from ._map import MAP_CANVAS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = pathlib.Path("/tmp/shots/A")

SAMPLED_EXPLORER = """\
import torch
import latentwidgets as lw

codes = torch.randn(5000, 2, generator=torch.Generator().manual_seed(0))
explorer = lw.LatentExplorer.from_latents(codes, max_drawn=1000, projection="dims")
explorer.selected = [1, 2]
explorer
"""


def _draw(lab: LabPage, points: np.ndarray) -> None:
    mouse = lab.page.mouse
    mouse.move(float(points[0, 0]), float(points[0, 1]))
    mouse.down()
    for x, y in points[1:]:
        mouse.move(float(x), float(y), steps=3)
    mouse.up()


def test_a_scribble_is_refused_and_a_lasso_still_selects(lab: LabPage) -> None:
    root = lab.open_notebook([SAMPLED_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-sampled", "1")
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    root.locator(".lw-mode-lasso").click()

    # 300 strokes between random places of the map's middle: each crosses the whole scribble
    rng = np.random.default_rng(0)
    low = np.array([box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3])
    size = np.array([box["width"] * 0.4, box["height"] * 0.4])
    _draw(lab, low + rng.uniform(0, 1, (300, 2)) * size)
    expect(root).to_have_attribute("data-status", "error", timeout=20_000)
    expect(root.locator(".lw-status")).to_contain_text("polygon is too tangled")
    # the map's pick of the drawn points inside the scribble is undone
    lab.wait_for_python("explorer.selected", [1, 2])
    expect(root.locator(".lw-selection-count")).to_contain_text("2 selected")
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / "lasso_refused.png"))

    # a lasso drawn once round the middle of the map selects among all 5,000 points
    t = np.linspace(0, 2 * np.pi, 60)
    centre = low + size / 2
    _draw(lab, centre + np.stack([np.cos(t), np.sin(t)], 1) * size / 2)
    lab.run_python("import numpy as np\nfrom latentwidgets._engine.drawn import point_hash")
    undrawn = "point_hash(np.asarray(explorer.selected, np.int64)) >= explorer._draw_threshold"
    # points the browser does not draw: the kernel selected them
    lab.wait_for_python(f"int(({undrawn}).sum()) > 100", True)
