"""The sample button decodes codes from the prior into a gallery and marks them on the map."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sample_button_fills_the_gallery(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "samples")
    items = root.locator(".lw-sample")
    expect(items).to_have_count(0)

    root.locator(".lw-sample-button").click()
    expect(items).to_have_count(16, timeout=30_000)
    expect(root.locator(".lw-sample[data-loaded='1']")).to_have_count(16)
    indices = items.evaluate_all("els => els.map(e => Number(e.dataset.index))")
    assert indices == list(range(16))
    expect(root.locator(".lw-sample canvas[data-source='sample']").first).to_be_visible()
    assert lab.evaluate("explorer._sample_points.shape[0]") == 16
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "samples.png"))
