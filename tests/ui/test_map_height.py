"""By default (``height=None``) the map's height follows the width it is given (issue 19: it stayed
440 px at 1800 px wide); an explicit ``height`` fixes it."""

from __future__ import annotations

import pytest

from ._cells import TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    TOY_MODEL,
    "import latentwidgets as lw\n"
    "auto = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)\n"
    "auto",
    "fixed = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False, height=300)\n"
    "fixed",
]


def test_the_map_is_taller_on_a_wide_page_unless_its_height_is_set(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 2000, "height": 1400})
    lab.open_notebook(CELLS)
    roots = lab.page.locator(".lw-explorer")
    expect(roots).to_have_count(2, timeout=60_000)
    for k in range(2):
        expect(roots.nth(k)).to_have_attribute("data-ready", "1", timeout=60_000)
    auto, fixed = (roots.nth(k).locator(".lw-map").bounding_box() for k in range(2))
    assert auto is not None
    assert fixed is not None
    ARTIFACTS.mkdir(exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "map_height_wide.png"))
    assert auto["width"] > 1200
    assert auto["height"] == pytest.approx(min(900, max(440, 0.6 * auto["width"])), abs=2)
    assert auto["height"] > 600  # no longer 440 whatever the width
    assert fixed["height"] == pytest.approx(300, abs=1)
    assert lab.evaluate("[auto.height, fixed.height]") == [0, 300]
