"""Reading a text model's frames: the interpolation lists its frames' strings with the one on show
highlighted (it follows the slider, and a click on a line shows that frame); samples read as text.
"""

from __future__ import annotations

import pytest

from ._lab import ARTIFACTS, LabPage, expect
from ._panels import open_panel
from ._themes import screenshot_both_themes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEPS = 24

# A toy text autoencoder over 4-letter words: the code is the first two letters (as numbers), the
# decoder's logits spell those two letters and then "ot", so a walk between codes reads as words.
TEXT_MODEL = f"""\
import numpy as np
import torch
import latentwidgets as lw

LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Letters:
    def decode(self, ids):
        return "".join(LETTERS[i] for i in ids)


tokenizer = Letters()
rng = np.random.default_rng(0)
words = torch.tensor(rng.integers(0, 26, size=(40, 4)))
words[0] = torch.tensor([2, 0, 19, 19])  # catt
words[1] = torch.tensor([25, 14, 14, 12])  # zoom


def encode(ids):
    return ids[:, :2].float()


def decode(z):
    tail = torch.tensor([14.0, 19.0]).expand(len(z), 2)  # "ot"
    letters = torch.cat([z.clamp(0, 25), tail], dim=1)
    return -((torch.arange(26.0) - letters[..., None]) ** 2)


def read(frames):
    return [tokenizer.decode(f.argmax(-1).tolist()) for f in frames]


explorer = lw.LatentExplorer(encode, decode, words, preview="text", tokenizer=tokenizer,
                             progress=False)
explorer.interpolate(0, 1, steps={STEPS}, method="lerp")
explorer
"""


def test_interpolation_reads_as_a_list_that_follows_the_slider(lab: LabPage) -> None:
    root = lab.open_notebook([TEXT_MODEL])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lines = root.locator(".lw-interp ol.lw-frame-texts > li")
    expect(lines).to_have_count(STEPS)
    expected = lab.evaluate("read(explorer.frames)")
    assert lines.all_text_contents() == expected
    assert (expected[0], expected[-1]) == ("caot", "zoot")
    current = root.locator(".lw-interp .lw-frame-texts > li.is-current")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("aria-current", "true")
    expect(current).to_have_attribute("data-frame", "0")
    expect(root.locator(".lw-interp .lw-interp-frame")).to_be_hidden()  # the list is the frame

    slider = root.locator(".lw-interp-slider")
    slider.focus()
    lab.page.keyboard.press("ArrowRight")
    expect(current).to_have_attribute("data-frame", "1")
    expect(current).to_have_text(expected[1])

    # The list scrolls (itself, not the notebook) to keep the frame on show in view.
    lab.page.keyboard.press("End")
    expect(current).to_have_attribute("data-frame", str(STEPS - 1))
    listed = root.locator(".lw-interp .lw-frame-texts")
    assert listed.evaluate("(ol) => ol.scrollHeight > ol.clientHeight"), "the list fits: no test"
    assert current.evaluate(
        """(li) => { const a = li.getBoundingClientRect(), b = li.parentElement.getBoundingClientRect();
                     return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }"""
    ), "the frame on show is scrolled out of the list's view"

    # A click on a line shows that frame.
    lines.nth(5).click()
    expect(slider).to_have_value("5")
    expect(current).to_have_attribute("data-frame", "5")
    expect(root.locator(".lw-interp .lw-interp-frame")).to_have_attribute("data-frame", "5")
    screenshot_both_themes(lab, root, root.locator(".lw-interp"), "interp_text")
    lab.page.set_viewport_size({"width": 900, "height": 1000})
    root.locator(".lw-interp").scroll_into_view_if_needed()
    root.locator(".lw-interp").screenshot(path=str(ARTIFACTS / "interp_text_900.png"))

    # New frames from Python: their strings.
    lab.run_python("explorer.interpolate(1, 0, steps=3)")
    expect(lines).to_have_count(3)
    assert lines.all_text_contents() == lab.evaluate("read(explorer.frames)")


def test_samples_and_a_traversal_read_as_text(lab: LabPage) -> None:
    root = lab.open_notebook([TEXT_MODEL])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "samples")
    lab.run_python("shown = explorer.sample(5, seed=0)")
    texts = root.locator(".lw-sample .lw-sample-text")
    expect(texts).to_have_count(5)
    expect(texts.first).to_be_visible()
    expect(texts).to_have_text(lab.evaluate("read(shown)"))
    expect(root.locator(".lw-sample canvas:visible")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-samples").screenshot(path=str(ARTIFACTS / "samples_text.png"))

    open_panel(root, "traverse")
    lab.run_python("walk = explorer.traverse(0, 0, span=2.0, steps=5)")
    lines = root.locator(".lw-traverse .lw-frame-texts > li")
    expect(lines).to_have_count(5)
    assert lines.all_text_contents() == lab.evaluate("read(walk)")
    current = root.locator(".lw-traverse .lw-frame-texts > li.is-current")
    expect(current).to_have_attribute("data-frame", "2")  # a walk starts at its middle
    root.locator(".lw-traverse-slider").focus()
    lab.page.keyboard.press("ArrowLeft")
    expect(current).to_have_attribute("data-frame", "1")
