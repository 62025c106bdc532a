"""Hearing an audio model's frames: the interpolation slider plays the frame on show (the kernel's
WAV of that frame, byte for byte), "play all" walks the slider with the sound, samples play on click.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._lab import ARTIFACTS, LabPage, comm_messages, expect
from ._map import drag
from ._panels import open_panel
from ._themes import screenshot_both_themes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE_RATE = 8000
STEPS = 6

# A toy audio autoencoder: each clip carries its 2-d code in its first two samples; the decoder
# plays a 0.5 s sine whose pitch follows z0 (two octaves over the map's width).
AUDIO_MODEL = f"""\
import base64
import numpy as np
import torch
import latentwidgets as lw

SR = {SAMPLE_RATE}
rng = np.random.default_rng(0)
codes = torch.tensor(rng.uniform(-1, 1, size=(40, 2)), dtype=torch.float32)
codes[0] = torch.tensor([-1.0, 0.0])
codes[1] = torch.tensor([1.0, 0.0])
clips = torch.zeros(40, 1, 4000)
clips[:, 0, :2] = codes
t = torch.arange(4000) / SR


def encode(x):
    return x[:, 0, :2]


def decode(z):
    pitch = 330.0 * 2.0 ** z[:, :1]
    return (0.5 * torch.sin(2 * np.pi * pitch * t)).unsqueeze(1)


def wav64(signal):
    return base64.b64encode(lw.render.to_wav(signal, SR)).decode()


explorer = lw.LatentExplorer(encode, decode, clips, preview="audio", sample_rate=SR, progress=False)
explorer.interpolate(0, 1, steps={STEPS})
explorer
"""

# What plays, in the order it was asked to: each play() of an <audio> as {panel, frame, index}.
RECORD_PLAYS = """() => {
  window.__lwPlays = [];
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    window.__lwPlays.push({panel: this.dataset.panel, frame: this.dataset.frame});
    return play.call(this);
  };
}"""

# The bytes of the <audio>'s source, base64, and its duration once known.
AUDIO_SOURCE = """async (audio) => {
  const bytes = new Uint8Array(await (await fetch(audio.src)).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  if (!(audio.duration > 0)) {
    await new Promise((resolve) => audio.addEventListener('loadedmetadata', resolve, {once: true}));
  }
  return {wav: btoa(binary), duration: audio.duration};
}"""


def _frame_audio_requests(lab: LabPage, since: int) -> int:
    return sum('"frame_audio"' in m for m in comm_messages(lab.sent_frames[since:]))


def _expect_playing(lab: LabPage, root: Any, panel: str, frame: int, kernel_signal: str) -> None:
    """The <audio> holds frame ``frame`` of ``panel``: the kernel's WAV of ``kernel_signal``."""
    audio = root.locator("audio.lw-audio")
    expect(audio).to_have_attribute("data-panel", panel)
    expect(audio).to_have_attribute("data-frame", str(frame))
    source = audio.evaluate(AUDIO_SOURCE)
    assert source["wav"] == lab.evaluate(f"wav64({kernel_signal})"), f"{panel} frame {frame}"
    assert source["duration"] == pytest.approx(0.5, abs=1e-3)


def test_the_slider_plays_the_frame_on_show(lab: LabPage) -> None:
    root = lab.open_notebook([AUDIO_MODEL])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.page.evaluate(RECORD_PLAYS)
    slider = root.locator(".lw-interp-slider")
    frame = root.locator(".lw-interp-frame")
    expect(slider).to_have_attribute("data-frames", str(STEPS))
    play = root.locator(".lw-interp .lw-play-audio")
    expect(play).to_have_attribute("aria-label", "Play frame")
    expect(root.locator(".lw-interp .lw-play")).to_be_hidden()  # the silent animation

    # Before the user plays anything, moving the slider is silent (browsers forbid it anyway).
    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    expect(frame).to_have_attribute("data-frame", "1")
    lab.page.wait_for_timeout(400)
    assert root.locator("audio.lw-audio").count() == 0

    play.click()
    _expect_playing(lab, root, "interp", 1, "explorer.frames[1]")

    # A fast scrub to the end plays where it rests, having asked the kernel for little on the way.
    box = slider.bounding_box()
    assert box is not None
    left = (box["x"] + 2, box["y"] + box["height"] / 2)
    right = (box["x"] + box["width"] - 2, left[1])
    scrub_starts = len(lab.sent_frames)
    drag(lab, left, right, steps=3 * STEPS)
    expect(frame).to_have_attribute("data-frame", str(STEPS - 1))
    _expect_playing(lab, root, "interp", STEPS - 1, f"explorer.frames[{STEPS - 1}]")
    lab.run_python("pass")  # every request of the scrub went out before this one
    assert _frame_audio_requests(lab, scrub_starts) <= 2, (
        "the scrub asked for every frame it passed"
    )

    # Back to frame 1, heard before: it plays again from the browser's cache.
    again = len(lab.sent_frames)
    slider.focus()
    lab.page.keyboard.press("Home")
    lab.page.keyboard.press("ArrowRight")
    _expect_playing(lab, root, "interp", 1, "explorer.frames[1]")
    lab.run_python("pass")
    assert _frame_audio_requests(lab, again) == 0

    # New frames: their sounds, not the old ones'.
    lab.run_python("explorer.interpolate(1, 0, steps=4)")
    expect(slider).to_have_attribute("data-frames", "4")
    slider.focus()
    lab.page.keyboard.press("End")
    _expect_playing(lab, root, "interp", 3, "explorer.frames[3]")


def test_play_all_walks_the_slider_with_the_sound(lab: LabPage) -> None:
    root = lab.open_notebook([AUDIO_MODEL])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root.locator(".lw-interp-slider")).to_have_attribute("data-frames", str(STEPS))
    lab.page.evaluate(RECORD_PLAYS)
    # Each frame the slider shows, in order.
    root.locator(".lw-interp-frame").evaluate(
        """(canvas) => {
          window.__lwShown = [];
          new MutationObserver(() => window.__lwShown.push(canvas.dataset.frame))
            .observe(canvas, {attributes: true, attributeFilter: ['data-frame']});
        }"""
    )
    play_all = root.locator(".lw-interp .lw-play-all")
    play_all.click()
    expect(play_all).to_have_attribute("aria-pressed", "true")
    # six frames of half a second each
    expect(play_all).to_have_attribute("aria-pressed", "false", timeout=20_000)
    plays = lab.page.evaluate("window.__lwPlays")
    assert plays == [{"panel": "interp", "frame": str(f)} for f in range(STEPS)]
    assert lab.page.evaluate("window.__lwShown") == [str(f) for f in range(STEPS)]
    expect(root.locator(".lw-interp-frame")).to_have_attribute("data-frame", str(STEPS - 1))

    # Pressed again while it plays, it stops where it is.
    lab.page.evaluate("window.__lwPlays = []")
    play_all.click()
    expect(root.locator("audio.lw-audio")).to_have_attribute("data-frame", "1", timeout=10_000)
    play_all.click()
    expect(play_all).to_have_attribute("aria-pressed", "false")
    lab.page.wait_for_timeout(1200)
    assert [p["frame"] for p in lab.page.evaluate("window.__lwPlays")] == ["0", "1"]
    expect(root.locator("audio.lw-audio")).to_have_attribute("data-playing", "0")
    screenshot_both_themes(lab, root, root.locator(".lw-interp"), "interp_audio")
    lab.page.set_viewport_size({"width": 900, "height": 1000})
    root.locator(".lw-interp").scroll_into_view_if_needed()
    root.locator(".lw-interp").screenshot(path=str(ARTIFACTS / "interp_audio_900.png"))


def test_a_sample_plays_on_click_and_a_traversal_as_it_moves(lab: LabPage) -> None:
    root = lab.open_notebook([AUDIO_MODEL])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "samples")
    lab.run_python("shown = explorer.sample(4, seed=0)")
    expect(root.locator(".lw-sample[data-loaded='1']")).to_have_count(4)
    expect(root.locator(".lw-samples .lw-gallery-note")).to_have_text("Click a sample to hear it.")
    root.locator(".lw-sample[data-index='2']").click()
    _expect_playing(lab, root, "samples", 2, "shown[2]")
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-samples").screenshot(path=str(ARTIFACTS / "samples_audio.png"))

    open_panel(root, "traverse")
    lab.run_python("walk = explorer.traverse(3, 0, steps=5)")
    slider = root.locator(".lw-traverse-slider")
    expect(slider).to_have_attribute("data-frames", "5")
    root.locator(".lw-traverse .lw-play-audio").click()
    _expect_playing(lab, root, "traverse", 2, "walk[2]")  # a walk starts at its middle
    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    _expect_playing(lab, root, "traverse", 3, "walk[3]")
