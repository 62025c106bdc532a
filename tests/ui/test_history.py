"""Snapshots kept by ``update(keep=True)`` give a history slider that replays the maps in the
browser with no kernel message; on a past snapshot previews show that snapshot's view of a point
(its code, decoded by its kept decoder), with a note where no decoder was kept."""

from __future__ import annotations

import pytest

from ._cells import LEFT, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import drag, hover_point, screen_positions

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


# The decoder is a module whose weights "train" too: epoch 0 decodes with the mixing negated, and
# keeps its decoder; epoch 1 keeps none; epoch 2 is the live map.
KEPT_DECODER_EXPLORER = """\
weight = torch.ones(2)


def encode_trained(x):
    return encode(x) * weight


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mixing = torch.nn.Parameter(mixing.clone())

    def forward(self, z):
        return torch.sigmoid(z @ self.mixing).reshape(len(z), 1, 8, 8)


decoder = Decoder()
explorer = lw.LatentExplorer(encode_trained, decoder, images, labels=labels, progress=False)
explorer.point_size = 10
explorer
"""

TRAIN_KEEPING = """\
for epoch, (w, sign) in enumerate([([0.4, 1.0], -1.0), ([1.0, 0.5], -1.0), ([1.0, 1.0], 1.0)]):
    weight[:] = torch.tensor(w)
    with torch.no_grad():
        decoder.mixing.mul_(sign)
    explorer.update(keep=True, name=f"epoch {epoch}", keep_decoder=epoch == 0)
"""

CANVAS_PIXELS = """(canvas) => Array.from(
  canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data)"""


def _kernel_pixels(lab: LabPage, index: int, snapshot: int) -> list[int]:
    return lab.evaluate(
        f"(lambda r: list(r[1][r[0]['recon']['buffer']]))"
        f"(explorer.preview({{'index': {index}, 'snapshot': {snapshot}}}, []))"
    )


def test_past_snapshot_previews_use_its_kept_decoder(lab: LabPage) -> None:
    root = lab.open_notebook([TOY_MODEL, KEPT_DECODER_EXPLORER, TRAIN_KEEPING])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-snapshots", "3", timeout=60_000)
    slider = root.locator("input[type=range].lw-history-slider")
    name = root.locator(".lw-history-name")
    note = root.locator(".lw-history-note")
    panel = root.locator(".lw-preview")
    image = root.locator(".lw-preview-image")
    index = LEFT[7]

    positions = screen_positions(lab, root)
    hover_point(lab, root, positions, index)
    expect(image).to_have_attribute("data-index", str(index))
    expect(panel).to_have_attribute("data-snapshot", "-1")
    live = image.evaluate(CANVAS_PIXELS)
    assert live == _kernel_pixels(lab, index, -1)

    # the mouse stays on the point; the slider moves by keyboard: the preview follows the stop
    slider.focus()
    lab.page.keyboard.press("ArrowLeft")
    expect(name).to_have_text("epoch 1")
    expect(slider).to_have_attribute("data-snapshot", "1")
    expect(panel).to_have_attribute("data-snapshot", "1")
    expect(note).to_be_visible()  # no decoder kept: its code, the current decoder
    expect(note).to_have_text("Previews use the current decoder")
    assert image.evaluate(CANVAS_PIXELS) == _kernel_pixels(lab, index, 1)

    lab.page.keyboard.press("ArrowLeft")
    expect(name).to_have_text("epoch 0")
    expect(panel).to_have_attribute("data-snapshot", "0")
    expect(note).to_be_hidden()  # its own decoder
    expect(root).to_have_attribute("data-hover-index", str(index))
    then = image.evaluate(CANVAS_PIXELS)
    assert then == _kernel_pixels(lab, index, 0)
    assert then != live, "the kept decoder's preview is the live one"
    lab.page.wait_for_timeout(900)  # the points glide to the snapshot's places
    root.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "history-kept-decoder.png"))

    # back to the live stop: the live image again, from the browser's cache
    lab.page.keyboard.press("End")
    expect(name).to_have_text("epoch 2")
    expect(panel).to_have_attribute("data-snapshot", "-1")
    assert image.evaluate(CANVAS_PIXELS) == live
    expect(root).to_have_attribute("data-status", "idle")

    # the decoder trains on in place and update() encodes again: the point on show, still under
    # the mouse, is decoded anew, not taken from the browser's cache of the older model
    drawn = root.get_attribute("data-preview-count")
    lab.run_python("with torch.no_grad():\n    decoder.mixing.mul_(-1.0)\nexplorer.update()")
    expect(root).not_to_have_attribute("data-preview-count", drawn or "")
    now = image.evaluate(CANVAS_PIXELS)
    assert now == _kernel_pixels(lab, index, -1)
    assert now != live, "after update() the browser showed the older model's cached preview"
