"""A lasso closed on the dot it started from selects what it encloses, not that dot; a box is
anchored at the press, however fast the first move after it (issue 19, item 1).

In a dense map a lasso nearly always starts on a dot. regl-scatterplot took a lasso that ended
within 2 px of its press for a click, and selected the one dot under it; and it started a lasso
or box at the first pointer move after the press, so a fast first move lost a strip of the box.
"""

from __future__ import annotations

import numpy as np
import pytest

from ._cells import LEFT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import bounding_box, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _inside(polygon: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon of every row of ``points`` (page px)."""
    inside = np.zeros(len(points), dtype=bool)
    x, y = points[:, 0], points[:, 1]
    for (xi, yi), (xj, yj) in zip(polygon, np.roll(polygon, 1, axis=0), strict=True):
        crosses = (yi > y) != (yj > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = (xj - xi) * (y - yi) / (yj - yi) + xi
        inside ^= crosses & (x < at)
    return inside


def _selected(lab: LabPage) -> set[int]:
    return set(lab.evaluate("[int(i) for i in explorer.selected]"))


def test_a_lasso_closed_on_its_starting_dot_selects_what_it_encloses(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    root.locator(".lw-mode-lasso").click()

    # from a dot of the top cluster, round the left cluster, and back onto the same dot
    start = positions[TOP[0]]
    (x0, y0), (x1, y1) = bounding_box(positions, LEFT, pad=14)
    polygon = np.array([start, (x0, y0), (x0, y1), (x1, y1), (x1, y0), start])
    mouse = lab.page.mouse
    mouse.move(*map(float, start))
    mouse.down()
    for x, y in polygon[1:]:
        mouse.move(float(x), float(y), steps=15)
        lab.page.wait_for_timeout(30)
    mouse.up()

    expected = set(np.flatnonzero(_inside(polygon[:-1], positions)).tolist())
    assert set(LEFT) <= expected  # the polygon holds the left cluster...
    assert expected <= {*LEFT, TOP[0]}  # ...and nothing else but perhaps the dot it is drawn from
    lab.wait_for_python("len(explorer.selected) >= 20", True)
    selected = _selected(lab)
    assert selected - {TOP[0]} == expected - {TOP[0]}, f"selected {sorted(selected)}"
    expect(root).to_have_attribute("data-selected-count", str(len(selected)))


def test_a_box_is_anchored_at_the_press_not_the_first_move(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    root.locator(".lw-mode-box").click()

    (x0, y0), (x1, y1) = bounding_box(positions, LEFT, pad=12)
    mouse = lab.page.mouse
    mouse.move(float(x0), float(y0))
    mouse.down()
    # a fast first move: one event lands half way across the box
    mouse.move(float((x0 + x1) / 2), float((y0 + y1) / 2), steps=1)
    mouse.move(float(x1), float(y1), steps=10)
    lab.page.wait_for_timeout(30)
    mouse.up()

    box = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    expected = set(np.flatnonzero(_inside(box, positions)).tolist())
    assert expected == set(LEFT)
    expect(root).to_have_attribute("data-selected-count", str(len(expected)))
    lab.wait_for_python("sorted(int(i) for i in explorer.selected)", sorted(expected))
