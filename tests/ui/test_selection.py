"""A box drawn with the mouse selects points in Python; a selection set in Python shows."""

from __future__ import annotations

import pytest

from ._cells import CLUSTER_SIZE, LEFT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import bounding_box, drag, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_box_selection_reaches_python_and_back(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)

    root.locator(".lw-mode-box").click()
    start, end = bounding_box(positions, TOP, pad=12)
    drag(lab, start, end)

    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("explorer.selected", list(TOP))

    lab.run_python("explorer.selected = [0, 1, 2]")
    expect(root).to_have_attribute("data-selected-count", "3")


def test_lasso_selection_reaches_python(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)

    root.locator(".lw-mode-lasso").click()
    (x0, y0), (x1, y1) = bounding_box(positions, LEFT, pad=14)
    mouse = lab.page.mouse
    mouse.move(x0, y0)
    mouse.down()
    for x, y in [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]:  # around the left cluster, by hand
        mouse.move(x, y, steps=15)
        lab.page.wait_for_timeout(
            30
        )  # the lasso keeps a point per few ms of movement, as a hand does
    mouse.up()

    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("explorer.selected", list(LEFT))
