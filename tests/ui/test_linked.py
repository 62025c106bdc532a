"""Linked explorers: hovering a point in one highlights it in the other with no kernel message; a
box drawn in one selects in both, in the page and in Python."""

from __future__ import annotations

import pytest

from ._cells import CLUSTER_SIZE, LEFT, TOP, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import bounding_box, drag, hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TWO_LINKED = """\
a = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)
b = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)
a.point_size = b.point_size = 10
a.height = b.height = 300
lw.link(a, b)
"""


def test_hover_and_selection_follow_between_linked_explorers(lab: LabPage) -> None:
    lab.open_notebook([TOY_MODEL, TWO_LINKED, "a", "b"])
    roots = lab.page.locator(".lw-explorer")
    expect(roots).to_have_count(2, timeout=60_000)
    first, second = roots.nth(0), roots.nth(1)
    for root in (first, second):
        expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    assert lab.evaluate("a._link_group == b._link_group != ''")

    # the previews of the hovered point are the only kernel traffic: hover with the second's
    # previews loaded, and count messages from the first's hover on
    positions = screen_positions(lab, first, "a")
    hover_point(lab, first, positions, LEFT[7])
    expect(second).to_have_attribute("data-hover-index", str(LEFT[7]))
    hover_point(lab, first, positions, TOP[3])
    expect(second).to_have_attribute("data-hover-index", str(TOP[3]))
    ARTIFACTS.mkdir(exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "linked-hover.png"))
    # leaving the point leaves it in the other view too
    box = first.locator(".lw-map-canvas").bounding_box()
    assert box is not None
    lab.page.mouse.move(box["x"] + 4, box["y"] + box["height"] - 4, steps=3)
    expect(first).to_have_attribute("data-hover-index", "-1")
    expect(second).to_have_attribute("data-hover-index", "-1")

    # hover reaches the other view in the page: with the kernel's previews cached, no message
    starts = len(lab.sent_frames)
    hover_point(lab, first, positions, LEFT[7])
    expect(second).to_have_attribute("data-hover-index", str(LEFT[7]))
    lab.run_python("pass")
    # (previews: the hovered point's, and those fetched ahead of the pointer)
    previews = ('"preview"', '"preview_batch"')
    hovers = [
        m for m in comm_messages(lab.sent_frames[starts:]) if not any(p in m for p in previews)
    ]
    assert hovers == [], "a linked hover sent comm messages other than previews"

    first.locator(".lw-mode-box").click()
    positions = screen_positions(lab, first, "a")
    start, end = bounding_box(positions, TOP, pad=12)
    drag(lab, start, end)
    expect(first).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    expect(second).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("a.selected", list(TOP))
    assert lab.evaluate("a.selected == b.selected")
    second.screenshot(path=str(ARTIFACTS / "linked-selection.png"))
