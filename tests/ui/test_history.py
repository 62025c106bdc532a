"""Snapshots kept by ``update(keep=True)`` give a history slider that replays the maps in the
browser with no kernel message, with a note on past snapshots that previews use the current
decoder."""

from __future__ import annotations

import pytest

from ._cells import TOY_MODEL
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import drag

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAINED_EXPLORER = """\
weight = torch.ones(2)


def encode_trained(x):
    return encode(x) * weight


explorer = lw.LatentExplorer(encode_trained, decode, images, labels=labels, progress=False)
explorer.point_size = 10
explorer
"""

# "training": the encoder's weights stretch one axis then the other; the last epoch is the start
TRAIN = """\
for epoch, w in enumerate([[0.4, 1.0], [1.0, 0.5], [1.0, 1.0]]):
    weight[:] = torch.tensor(w)
    explorer.update(keep=True, name=f"epoch {epoch}")
"""


def test_history_slider_replays_snapshots_without_the_kernel(lab: LabPage) -> None:
    root = lab.open_notebook([TOY_MODEL, TRAINED_EXPLORER, TRAIN])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-snapshots", "3", timeout=60_000)
    slider = root.locator("input[type=range].lw-history-slider")
    name = root.locator(".lw-history-name")
    note = root.locator(".lw-history-note")
    expect(slider).to_be_visible()
    expect(name).to_have_text("epoch 2")
    expect(note).to_be_hidden()  # the live map: its previews are its own
    root.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "history-live.png"))
    canvas = root.locator(".lw-map-canvas")
    live_pixels = canvas.screenshot()

    box = slider.bounding_box()
    assert box is not None
    left = (box["x"] + 2, box["y"] + box["height"] / 2)
    right = (box["x"] + box["width"] - 2, left[1])
    lab.page.mouse.move(*right)
    starts = len(lab.sent_frames)
    draws = int(root.get_attribute("data-draws") or 0)
    drag(lab, right, left, steps=6)
    expect(name).to_have_text("epoch 0")
    expect(slider).to_have_attribute("data-position", "0")
    expect(root).not_to_have_attribute("data-draws", str(draws))
    # a past snapshot kept no decoder: previews there come from the current one, and it says so
    expect(note).to_be_visible()
    expect(note).to_have_text("Previews use the current decoder")
    lab.page.wait_for_timeout(900)  # the points glide to the snapshot's places
    assert canvas.screenshot() != live_pixels, "the map did not change for the first snapshot"
    root.screenshot(path=str(ARTIFACTS / "history-epoch0.png"))

    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    expect(name).to_have_text("epoch 1")
    expect(note).to_be_visible()
    drag(lab, left, right, steps=6)
    expect(name).to_have_text("epoch 2")
    expect(note).to_be_hidden()
    lab.run_python("pass")
    assert comm_messages(lab.sent_frames[starts:]) == [], "scrubbing sent comm messages"
