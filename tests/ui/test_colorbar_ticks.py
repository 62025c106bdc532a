"""The colour bar of a continuous column reads as short round numbers, never crowding each other.

The digits map coloured by each point's reconstruction error (``reconstruction_error()``) on the
linear, log and quantile scales: the labels of ``.lw-colorbar-ticks span[data-position]`` are the
kernel's ``_color_ticks`` (round numbers: at most two significant digits, such as "0.02" or
"0.0018"), and the boxes of those shown do not overlap. (The kernel once sent "0.000521 … 0.786
1.18 1.57".)
"""

from __future__ import annotations

import itertools
import re

import pytest

from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DIGITS = """\
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
explorer
"""

# The placed tick labels: text, whether shown, and [left, right] in page px.
TICKS = """(row) => [...row.querySelectorAll('span[data-position]')].map((s) => {
  const r = s.getBoundingClientRect();
  return {text: s.textContent, shown: getComputedStyle(s).visibility !== 'hidden' && r.width > 0,
          box: [r.left, r.right]};
})"""

NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?", re.IGNORECASE)


def significant_digits(label: str) -> int:
    """How many significant digits a number written as ``label`` has ("0.0018" -> 2, "20" -> 1)."""
    mantissa = re.split("[eE]", label.lstrip("-"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return max(1, len(digits))


@pytest.mark.parametrize(
    ("label", "digits"), [("0.02", 1), ("0.0018", 2), ("20", 1), ("1.5", 2), ("0.786", 3)]
)
def test_significant_digits(label: str, digits: int) -> None:
    assert significant_digits(label) == digits


def test_colour_bar_ticks_are_short_round_numbers_on_every_scale(lab: LabPage) -> None:
    root = lab.open_notebook([DIGITS])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    lab.run_python("_ = explorer.reconstruction_error()")
    lab.wait_for_python("explorer.color_by", "recon_error")
    row = root.locator(".lw-colorbar-ticks.is-placed")
    ARTIFACTS.mkdir(exist_ok=True)
    for scale in ("linear", "log", "quantile"):
        lab.run_python(f"explorer.color_scale = {scale!r}")
        labels = lab.evaluate("[label for _, label in explorer._color_ticks]")
        assert len(labels) >= 2, (scale, labels)
        expect(row.locator("span[data-position]")).to_have_text(labels, timeout=20_000)
        expect(root.locator(".lw-color-scale")).to_have_value(scale)
        ticks = row.evaluate(TICKS)
        root.locator(".lw-legend").screenshot(path=str(ARTIFACTS / f"colorbar-digits-{scale}.png"))
        shown = [t for t in ticks if t["shown"]]
        assert len(shown) >= 2, (scale, ticks)
        for tick in shown:
            text = tick["text"]
            assert NUMBER.fullmatch(text), (scale, text)
            assert len(text) <= 6, f"not short: {scale} {ticks}"
            assert significant_digits(text) <= 2, f"not round: {scale} {ticks}"
        for a, b in itertools.pairwise(sorted(shown, key=lambda t: t["box"][0])):
            assert b["box"][0] >= a["box"][1], f"tick labels overlap on {scale}: {ticks}"
