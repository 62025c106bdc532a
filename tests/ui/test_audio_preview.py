"""Hearing one point of an audio model: the preview panel's play buttons play the kernel's WAV of
the point (decoded, and its input, which is sound too) through the explorer's one ``<audio>``;
pinning a point plays it; each neighbour plays on its own button without moving the pin.

The model is a toy: sixty half-second sounds at 8 kHz whose first two samples carry the point's
code (the map is the three clusters of ``_cells.py``); the decoder turns a code into a sine whose
pitch follows ``z0``.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._cells import LEFT, TOP
from ._lab import ARTIFACTS, LabPage, expect
from ._map import click_point, hover_point, screen_positions
from ._panels import open_panel
from ._themes import screenshot_both_themes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RATE = 8000
LENGTH = 4000  # samples: half a second

AUDIO_MODEL = f"""\
import base64
import numpy as np
import torch
import latentwidgets as lw

grid = np.stack(np.meshgrid(np.arange(5), np.arange(4)), -1).reshape(-1, 2) * 0.5
centres = np.array([[-6.0, -3.0], [6.0, -3.0], [0.0, 5.0]])
codes = np.concatenate([c + grid - grid.mean(0) for c in centres]).astype(np.float32)
t = torch.arange({LENGTH}) / {RATE}
sounds = 0.3 * torch.sin(2 * torch.pi * 220 * t).repeat(len(codes), 1, 1)
sounds[:, 0, :2] = torch.from_numpy(codes) / 10  # the code, scaled into [-1, 1]
labels = np.repeat(["left", "right", "top"], 20)


def encode(x):
    return x[:, 0, :2] * 10


def decode(z):
    pitch = 440 + 40 * z[:, :1]
    return (0.5 * torch.sin(2 * torch.pi * pitch * t)).unsqueeze(1)


def wav64(signal):
    return base64.b64encode(lw.render.to_wav(signal, {RATE})).decode()
"""

AUDIO_EXPLORER = [
    AUDIO_MODEL,
    f"""\
explorer = lw.LatentExplorer(
    encode, decode, sounds, labels=labels, preview="audio", sample_rate={RATE}, progress=False
)
explorer.point_size = 10
explorer
""",
]

# What the <audio> plays: its tags, its source's bytes (base64) and its duration once known.
AUDIO_NOW = """async (audio) => {
  if (!(audio.readyState >= 1)) {
    await new Promise((resolve, reject) => {
      audio.addEventListener('loadedmetadata', resolve, {once: true});
      audio.addEventListener('error', () => reject(new Error('the audio failed to load')), {once: true});
    });
  }
  const bytes = new Uint8Array(await (await fetch(audio.src)).arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return {index: audio.dataset.index, source: audio.dataset.source, wav: btoa(text),
          duration: audio.duration, src: audio.src};
}"""


def playing(root: Any) -> dict[str, Any]:
    """What the explorer's one ``<audio>`` holds now (waiting for its metadata)."""
    audio = root.locator("audio.lw-audio")
    expect(audio).to_have_count(1)
    return dict(audio.evaluate(AUDIO_NOW))


def test_play_buttons_play_the_kernels_wav_of_the_point_and_its_input(lab: LabPage) -> None:
    root = lab.open_notebook(AUDIO_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    point = LEFT[7]
    hover_point(lab, root, positions, point)
    card = root.locator(".lw-hover-card")
    expect(card).to_have_attribute("data-audio", "1")
    expect(card.locator(".lw-hover-note")).to_have_text("0.50 s · click to pin and play")
    expect(root.locator("audio.lw-audio")).to_have_count(0)  # hovering plays nothing
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "audio_hover_card.png"))

    # the panel's buttons belong to the pinned point (the hovered one's vanish with the pointer)
    click_point(lab, root, positions, point)
    expect(root).to_have_attribute("data-pinned", str(point))
    lab.page.mouse.move(5, 5)
    panel = root.locator(".lw-panel[data-panel='preview']")
    decoded = panel.locator(".lw-play-audio[aria-label='Play decoded']")
    given = panel.locator(".lw-play-audio[aria-label='Play input']")
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(point))
    expect(panel.locator("figcaption")).to_have_text(["input · 0.50 s", "decoded · 0.50 s"])

    given.click()
    audio = root.locator("audio.lw-audio")
    expect(audio).to_have_attribute("data-source", "input")
    heard_input = playing(root)
    assert heard_input["index"] == str(point)
    assert heard_input["wav"] == lab.evaluate(f"wav64(sounds[{point}])")
    assert abs(heard_input["duration"] - LENGTH / RATE) < 1e-3

    decoded.click()
    expect(audio).to_have_attribute("data-source", "decoded")
    heard = playing(root)
    assert heard["index"] == str(point)
    assert heard["wav"] == lab.evaluate(f"wav64(explorer.decode({point})[0])")
    assert heard["wav"] != heard_input["wav"]
    assert abs(heard["duration"] - LENGTH / RATE) < 1e-3
    # one <audio> for the explorer; the last sound's blob URL was freed
    expect(root.locator("audio")).to_have_count(1)
    assert heard_input["src"] != heard["src"]
    gone = root.evaluate(
        "(root, url) => fetch(url).then(() => 'read', () => 'revoked')", heard_input["src"]
    )
    assert gone == "revoked"
    screenshot_both_themes(lab, root, panel, "audio_preview_panel")


def test_pinning_plays_the_point_and_neighbours_play_without_moving_the_pin(lab: LabPage) -> None:
    root = lab.open_notebook(AUDIO_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "neighbours")
    positions = screen_positions(lab, root)
    pinned = TOP[12]

    click_point(lab, root, positions, pinned)
    expect(root).to_have_attribute("data-pinned", str(pinned))
    audio = root.locator("audio.lw-audio")
    expect(audio).to_have_attribute("data-index", str(pinned))
    heard = playing(root)
    assert heard["source"] == "decoded"
    assert heard["wav"] == lab.evaluate(f"wav64(explorer.decode({pinned})[0])")

    items = root.locator(".lw-neighbour")
    expect(items).to_have_count(10, timeout=30_000)
    expect(root.locator(".lw-neighbour .lw-play-audio")).to_have_count(10, timeout=30_000)
    neighbour = next(
        int(i)
        for i in items.evaluate_all("els => els.map(e => e.dataset.index)")
        if int(i) != pinned
    )
    root.locator(f".lw-neighbour[data-index='{neighbour}'] .lw-play-audio").click()
    expect(audio).to_have_attribute("data-index", str(neighbour))
    heard = playing(root)
    assert heard["source"] == "neighbour"
    assert heard["wav"] == lab.evaluate(f"wav64(explorer.decode({neighbour})[0])")
    assert abs(heard["duration"] - LENGTH / RATE) < 1e-3
    expect(root).to_have_attribute("data-pinned", str(pinned))  # the button did not pin it
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "audio_neighbours.png"))
