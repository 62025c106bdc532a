"""Pick A and B on the map, scrub the frames without talking to the kernel, set them from Python."""

from __future__ import annotations

import pytest

from ._cells import LEFT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import click_point, drag, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFAULT_STEPS = 16


def _text(frame: str | bytes) -> str:
    # the kernel protocol may be JSON text or binary frames with JSON headers inside
    return frame.decode("latin-1") if isinstance(frame, bytes) else frame


def _comm_messages(frames: list[str | bytes]) -> list[str]:
    return [_text(f) for f in frames if '"comm_msg"' in _text(f)]


def test_pick_a_and_b_then_scrub_frames_in_the_browser(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    a, b = LEFT[2], TOP[17]
    picking_starts = len(lab.sent_frames)

    root.locator(".lw-pick-a").click()
    click_point(lab, root, positions, a)
    root.locator(".lw-pick-b").click()
    click_point(lab, root, positions, b)

    slider = root.locator(".lw-interp-slider")
    frame = root.locator(".lw-interp-frame")
    expect(slider).to_be_visible()
    expect(slider).to_have_attribute("data-frames", str(DEFAULT_STEPS))
    lab.wait_for_python("[explorer.interp_a, explorer.interp_b]", [a, b])
    # the recorder does see comm messages: picking sent interp_a / interp_b to the kernel
    assert _comm_messages(lab.sent_frames[picking_starts:])

    box = slider.bounding_box()
    assert box is not None
    left = (box["x"] + 2, box["y"] + box["height"] / 2)
    right = (box["x"] + box["width"] - 2, left[1])
    lab.page.mouse.move(*left)
    # The new path may have made the map zoom out to show it; the camera's rest is written to
    # `view` 300 ms later (a comm message of its own): let it come before the scrub is counted.
    lab.page.wait_for_timeout(900)
    scrub_starts = len(lab.sent_frames)

    drag(lab, left, right, steps=DEFAULT_STEPS)
    expect(frame).to_have_attribute("data-frame", str(DEFAULT_STEPS - 1))
    drag(lab, right, left, steps=DEFAULT_STEPS)
    expect(frame).to_have_attribute("data-frame", "0")
    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    expect(frame).to_have_attribute("data-frame", "1")
    lab.page.keyboard.press("End")
    expect(frame).to_have_attribute("data-frame", str(DEFAULT_STEPS - 1))
    lab.page.keyboard.press("ArrowLeft")
    expect(frame).to_have_attribute("data-frame", str(DEFAULT_STEPS - 2))

    # a kernel request after the scrub: every frame the scrub sent went out before it
    lab.run_python("pass")
    sent = lab.sent_frames[scrub_starts:]
    assert any("execute_request" in _text(f) for f in sent), "the socket recorder saw nothing"
    assert _comm_messages(sent) == [], "scrubbing sent comm messages to the kernel"

    lab.run_python(f"explorer.interpolate({a}, {b}, steps=5)")
    expect(slider).to_have_attribute("data-frames", "5")
