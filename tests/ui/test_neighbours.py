"""Pinning a point lists its latent-space neighbours (rings on the map, a gallery); hovering one
of them afterwards costs the kernel nothing, as its preview is cached."""

from __future__ import annotations

import re

import pytest

from ._cells import LEFT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import click_point, hover_point, screen_positions
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_pinning_lists_the_neighbours(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "neighbours")
    expect(root).to_have_attribute("data-pinned", "-1")
    positions = screen_positions(lab, root)
    pinned = LEFT[7]

    click_point(lab, root, positions, pinned)
    expect(root).to_have_attribute("data-pinned", str(pinned))
    items = root.locator(".lw-neighbour")
    expect(items).to_have_count(10, timeout=30_000)
    expected = lab.evaluate("[int(i) for i in explorer._neighbours]")
    assert [int(i) for i in items.evaluate_all("els => els.map(e => e.dataset.index)")] == expected
    expect(root.locator(".lw-neighbour-overlap")).to_have_text(
        re.compile(r"^\d+ of 10 also nearest on the map$")
    )
    # every neighbour's image came through the preview cache
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    expect(root.locator(".lw-neighbour canvas[data-source='neighbour']").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "neighbours.png"))

    neighbour = next(i for i in expected if i != pinned)
    positions = screen_positions(lab, root)  # the screenshot may have scrolled the page
    starts = len(lab.sent_frames)
    hover_point(lab, root, positions, neighbour)
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(neighbour))
    lab.run_python("pass")
    # (the points the pointer passed on its way may be fetched ahead: only this one must not be)
    asked = [
        m
        for m in comm_messages(lab.sent_frames[starts:])
        if re.search(rf'"index":\s*{neighbour}\b|"indices":\[[^\]]*\b{neighbour}\b', m)
    ]
    assert asked == [], "a cached neighbour was asked for again"

    # a click on a gallery item pins that neighbour
    root.locator(f".lw-neighbour[data-index='{neighbour}']").click()
    expect(root).to_have_attribute("data-pinned", str(neighbour))
    lab.wait_for_python("explorer.pinned", neighbour)
