"""Reading one point of a text model: the hover card and the pinned preview show the decoded
string over the input string, and the neighbours are listed as lines of text.

The model is a toy: sixty token sequences "07 left" whose number names the point (the map is the
three clusters of ``_cells.py``), a character tokenizer, and a decoder that writes the code as
text ("x-6.0 y-3.0") and returns it as logits (B, T, V), read with argmax.
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

TEXT_MODEL = """\
import numpy as np
import torch
import latentwidgets as lw

grid = np.stack(np.meshgrid(np.arange(5), np.arange(4)), -1).reshape(-1, 2) * 0.5
centres = np.array([[-6.0, -3.0], [6.0, -3.0], [0.0, 5.0]])
codes = np.concatenate([c + grid - grid.mean(0) for c in centres]).astype(np.float32)
labels = np.repeat(["left", "right", "top"], 20)
LENGTH = 12


class Chars:
    alphabet = " abcdefghijklmnopqrstuvwxyz0123456789.+-"

    def encode(self, text):
        return [self.alphabet.index(c) for c in text.ljust(LENGTH)]

    def decode(self, ids):
        return "".join(self.alphabet[i] for i in ids).rstrip()


tok = Chars()
texts = [f"{i:02d} {label}" for i, label in enumerate(labels)]
tokens = torch.tensor([tok.encode(text) for text in texts])
ZERO = tok.alphabet.index("0")


def encode(ids):
    number = (ids[:, 0] - ZERO) * 10 + (ids[:, 1] - ZERO)
    return torch.from_numpy(codes)[number]


def decode(z):
    ids = torch.tensor([tok.encode(f"x{a:+.1f} y{b:+.1f}") for a, b in z.tolist()])
    return 5.0 * torch.nn.functional.one_hot(ids, len(tok.alphabet)).float()


def decoded_text(i):
    return tok.decode(explorer.decode(i).reshape(LENGTH, -1).argmax(-1).tolist())
"""

TEXT_EXPLORER = [
    TEXT_MODEL,
    """\
explorer = lw.LatentExplorer(
    encode, decode, tokens, labels=labels, preview="text", tokenizer=tok, progress=False
)
explorer.point_size = 10
explorer
""",
]


def strings(locator: Any) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def test_hover_and_pin_show_the_decoded_string_over_the_input(lab: LabPage) -> None:
    root = lab.open_notebook(TEXT_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    point = LEFT[7]
    decoded = lab.evaluate(f"decoded_text({point})")
    given = lab.evaluate(f"texts[{point}]")
    assert decoded.startswith("x-")  # the toy is what it says
    assert given == f"{point:02d} left"

    hover_point(lab, root, positions, point)
    card = root.locator(".lw-hover-card")
    expect(card).to_have_attribute("data-text", "1")
    expect(card.locator(".lw-hover-text-decoded .lw-hover-string")).to_have_text(decoded)
    expect(card.locator(".lw-hover-text-input .lw-hover-string")).to_have_text(given)
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "text_hover_card.png"))

    click_point(lab, root, positions, point)
    expect(root).to_have_attribute("data-pinned", str(point))
    lab.page.mouse.move(5, 5)
    panel = root.locator(".lw-panel[data-panel='preview']")
    expect(panel.locator(".lw-preview-image")).to_have_attribute("data-index", str(point))
    expect(panel.locator(".lw-preview-image")).to_have_text(decoded)
    expect(panel.locator(".lw-preview-input")).to_have_text(given)
    # input over decoded, each labelled, in one column
    assert strings(panel.locator("figure:visible figcaption")) == ["input", "decoded"]
    boxes = [panel.locator(c).bounding_box() for c in (".lw-preview-input", ".lw-preview-image")]
    assert boxes[0]
    assert boxes[1]
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    expect(panel.locator(".lw-play-audio:visible")).to_have_count(0)
    screenshot_both_themes(lab, root, panel, "text_preview_panel")


def test_neighbours_of_a_text_model_are_listed_as_text(lab: LabPage) -> None:
    root = lab.open_notebook(TEXT_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "neighbours")
    positions = screen_positions(lab, root)
    pinned = TOP[12]
    click_point(lab, root, positions, pinned)
    expect(root).to_have_attribute("data-pinned", str(pinned))
    gallery = root.locator(".lw-neighbours")
    expect(gallery).to_have_class("lw-panel lw-gallery lw-neighbours is-text")
    expect(root.locator(".lw-neighbour[data-loaded='1']")).to_have_count(10, timeout=30_000)
    indices = [int(i) for i in lab.evaluate("[int(i) for i in explorer._neighbours]")]
    expected = lab.evaluate(f"[decoded_text(i) for i in {indices}]")
    assert strings(root.locator(".lw-neighbour .lw-gallery-text")) == expected
    # one line each: every neighbour sits under the last one, none beside it
    tops = [b["y"] for b in root.locator(".lw-neighbour").evaluate_all(BOXES)]
    assert tops == sorted(tops)
    assert len(set(tops)) == len(tops)
    ARTIFACTS.mkdir(exist_ok=True)
    gallery.screenshot(path=str(ARTIFACTS / "text_neighbours.png"))


BOXES = "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y}; })"
