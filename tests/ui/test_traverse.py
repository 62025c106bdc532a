"""Choosing a direction from a pinned point gives a traversal slider that scrubs its frames with
no kernel message."""

from __future__ import annotations

import pytest

from ._cells import LEFT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import click_point, drag, screen_positions
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFAULT_STEPS = 9


def test_traversal_scrubs_without_the_kernel(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "neighbours")
    open_panel(root, "traverse")
    positions = screen_positions(lab, root)
    click_point(lab, root, positions, LEFT[7])
    expect(root).to_have_attribute("data-pinned", str(LEFT[7]))

    select = root.locator(".lw-traverse-direction")
    options = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    assert options, "no traversal directions offered"
    select.select_option(options[0])
    lab.wait_for_python("explorer.traverse_direction", options[0])
    slider = root.locator(".lw-traverse-slider")
    frame = root.locator(".lw-traverse-frame")
    expect(slider).to_have_attribute("data-frames", str(DEFAULT_STEPS), timeout=30_000)
    expect(frame).to_have_attribute("data-source", "traverse")
    # a new walk starts at the pinned point: the middle frame
    expect(frame).to_have_attribute("data-frame", str(DEFAULT_STEPS // 2))

    # the neighbours gallery of the pinned point fills through the kernel: let it finish first
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    box = slider.bounding_box()
    assert box is not None
    left = (box["x"] + 2, box["y"] + box["height"] / 2)
    right = (box["x"] + box["width"] - 2, left[1])
    lab.page.mouse.move(*left)
    # The new path may have made the map zoom out to show it; the camera's rest is written to
    # `view` 300 ms later (a comm message of its own): let it come before the scrub is counted.
    lab.page.wait_for_timeout(900)
    starts = len(lab.sent_frames)
    drag(lab, left, right, steps=DEFAULT_STEPS)
    expect(frame).to_have_attribute("data-frame", str(DEFAULT_STEPS - 1))
    drag(lab, right, left, steps=DEFAULT_STEPS)
    expect(frame).to_have_attribute("data-frame", "0")
    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    expect(frame).to_have_attribute("data-frame", "1")
    lab.run_python("pass")
    assert comm_messages(lab.sent_frames[starts:]) == [], "scrubbing sent comm messages"
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "traverse.png"))

    root.locator(".lw-traverse-steps").fill("5")
    root.locator(".lw-traverse-steps").press("Enter")
    expect(slider).to_have_attribute("data-frames", "5", timeout=30_000)
