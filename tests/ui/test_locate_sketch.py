"""Locate by example in the browser: draw on the sketch pad and watch the drawing's place move on
the map with its reconstruction beside the pad (at most 10 encodings a second); drop an image file
on the map and find it in the Located panel; a file that is not an image is named in the status."""

from __future__ import annotations

import base64
import io
import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DIGITS = """\
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False,
                             panels=["sketch", "located"])
explorer
"""

DROP = """([selector, name, type, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const target = document.querySelector(selector);
  for (const kind of ['dragenter', 'dragover', 'drop']) {
    target.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}"""


def _picture(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def _seven_png() -> str:
    image = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(image).line([(10, 10), (54, 10), (30, 58)], fill=0, width=7)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_sketch_moves_its_place_and_shows_its_reconstruction(lab: LabPage) -> None:
    root = lab.open_notebook([DIGITS])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    pad = root.locator(".lw-sketch")
    expect(pad).to_be_visible()
    overlay = root.locator(".lw-path-overlay")
    recon = root.locator(".lw-sketch-recon")
    before = _picture(recon)
    box = pad.bounding_box()
    # a 7, drawn in one stroke of 60 moves over about 1.2 s
    path = [(0.15, 0.15), (0.85, 0.15), (0.45, 0.9)]
    points = []
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        points += [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in np.linspace(0, 1, 30)]
    mouse = lab.page.mouse
    mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
    mouse.down()
    started = lab.page.evaluate("performance.now()")
    for x, y in points:
        mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        lab.page.wait_for_timeout(20)
    mouse.up()
    elapsed_s = (lab.page.evaluate("performance.now()") - started) / 1000
    lab.page.wait_for_timeout(400)  # the last drawing's answer
    answers = int(root.get_attribute("data-sketch-count"))
    assert 1 <= answers <= 10 * elapsed_s + 2, f"{answers} encodings in {elapsed_s:.2f} s"
    lab.wait_for_python("explorer.sketch_code_ is not None", True)
    expect(overlay).to_have_attribute("data-marks", "1")  # the drawing's triangle on the map
    after = _picture(recon)
    assert np.abs(after - before).sum(axis=2).max() > 60, "the reconstruction should be drawn"
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "sketch.png"))

    # Clear takes the drawing and its mark away
    root.locator(".lw-sketch-clear").click()
    expect(overlay).to_have_attribute("data-marks", "0")


def test_a_dropped_image_is_located_and_a_bad_file_is_named(lab: LabPage) -> None:
    root = lab.open_notebook([DIGITS])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    lab.page.evaluate(DROP, [".lw-map", "seven.png", "image/png", _seven_png()])
    expect(root).to_have_attribute("data-located", "1", timeout=30_000)
    expect(root).to_have_attribute("data-dropped", "located")
    items = root.locator(".lw-located-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("nearest #")
    lab.wait_for_python("explorer.located_codes_.shape[0]", 1)
    # where the model put the paper 7: among sevens
    lab.wait_for_python("int(data.labels[explorer._located_nearest[0]])", 7)
    expect(root.locator(".lw-path-overlay")).to_have_attribute("data-marks", "1")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "located.png"))

    text = base64.b64encode(b"just some notes").decode("ascii")
    lab.page.evaluate(DROP, [".lw-map", "notes.txt", "text/plain", text])
    expect(root.locator(".lw-status")).to_contain_text("notes.txt is not an image file")
    lab.page.evaluate(DROP, [".lw-map", "fake.png", "image/png", text])
    expect(root.locator(".lw-status")).to_contain_text("fake.png: the file is not an image")
    expect(root).to_have_attribute("data-located", "1")
