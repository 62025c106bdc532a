"""The worst reconstructions, listed once Python computes the errors: input beside reconstruction."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_worst_gallery_shows_input_and_reconstruction(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    panel = root.locator(".lw-worst-panel")
    expect(panel).to_be_hidden()  # not among the default panels
    open_panel(root, "worst")
    expect(panel.locator(".lw-empty")).to_be_visible()  # says how to fill it

    lab.run_python("_ = explorer.reconstruction_error(worst=6)")
    items = root.locator(".lw-worst")
    expect(items).to_have_count(6, timeout=30_000)
    expect(root.locator(".lw-worst[data-loaded='1']")).to_have_count(6, timeout=30_000)
    expected = lab.evaluate("[int(i) for i in explorer._worst]")
    assert [int(i) for i in items.evaluate_all("els => els.map(e => e.dataset.index)")] == expected
    first = items.first
    expect(first.locator("canvas")).to_have_count(2)
    expect(first.locator("canvas[data-source='point']")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "worst.png"))

    first.click()
    expect(root).to_have_attribute("data-pinned", str(expected[0]))
