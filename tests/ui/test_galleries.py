"""What a person meets first in the panels: previews that say what they show, galleries whose items
are all in view.

- The preview's header names the colour column and the label ("#7 · cluster 1 · label left"), not a
  bare value ("#7 · 1").
- Input first, then decoded, captioned, in the preview and in the worst-reconstructions gallery.
- Samples are numbered "sample 1".."sample 16" (their ``data-index`` stays 0..15), never "#0", which
  reads as point 0.
- The samples and worst-reconstructions galleries wrap into rows that show every item: no small inner
  scroll box hides some of them.
"""

from __future__ import annotations

import re

import pytest

from ._cells import LEFT, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import hover_point, screen_positions
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Left-to-right order and captions of what an element shows: [[left, caption], ...].
FIGURES = """(root) => [...root.querySelectorAll('figure.lw-figure')]
  .filter((f) => !f.hidden)
  .map((f) => [f.getBoundingClientRect().left, f.querySelector('figcaption').textContent,
               f.querySelector('.lw-preview-input') ? 'input' :
               f.querySelector('.lw-preview-image') ? 'image' : '?'])"""

# For each gallery: whether its grid scrolls inside itself, and any item outside the grid's box.
GALLERY_FIT = """(root) => [...root.querySelectorAll('.lw-gallery:not([hidden])')].map((panel) => {
  const grid = panel.querySelector('.lw-gallery-grid');
  const box = grid.getBoundingClientRect();
  const items = [...grid.children];
  const cut = items.filter((item) => {
    const r = item.getBoundingClientRect();
    return r.top < box.top - 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1 || r.right > box.right + 1;
  }).map((item) => item.dataset.index);
  return {panel: panel.dataset.panel, items: items.length, cut,
          inner: grid.scrollHeight - grid.clientHeight, overflowY: getComputedStyle(grid).overflowY};
})"""


def test_preview_header_names_the_columns_and_shows_input_then_decoded(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.run_python("_ = explorer.cluster(3)")
    lab.wait_for_python("explorer.color_by", "cluster")
    cluster = lab.evaluate(f"str(int(explorer._core.columns.values['cluster'][{LEFT[7]}]))")
    positions = screen_positions(lab, root)
    hover_point(lab, root, positions, LEFT[7])
    preview = root.locator(".lw-preview")
    expect(preview.locator(".lw-preview-image[data-index]")).to_have_attribute(
        "data-index", str(LEFT[7]), timeout=20_000
    )
    note = preview.locator(".lw-panel-head .lw-panel-note")
    expect(note).to_have_text(f"#{LEFT[7]} · cluster {cluster} · label left")
    figures = sorted(preview.evaluate(FIGURES))
    assert [(caption, kind) for _, caption, kind in figures] == [
        ("input", "input"),
        ("decoded", "image"),
    ], figures
    ARTIFACTS.mkdir(exist_ok=True)
    preview.screenshot(path=str(ARTIFACTS / "preview-heading.png"))

    # coloured by the label itself, the label is not said twice
    lab.run_python("explorer.color_by = 'label'")
    hover_point(lab, root, positions, LEFT[8])
    expect(note).to_have_text(f"#{LEFT[8]} · label left")


def test_galleries_show_every_item_numbered_and_captioned(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 900, "height": 1000})
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "samples")
    open_panel(root, "worst")
    root.locator(".lw-sample-button").click()
    samples = root.locator(".lw-sample")
    expect(samples).to_have_count(16, timeout=30_000)
    lab.run_python("_ = explorer.reconstruction_error(worst=16)")
    worst = root.locator(".lw-worst")
    expect(worst).to_have_count(16, timeout=30_000)
    expect(root.locator(".lw-worst[data-loaded='1']")).to_have_count(16, timeout=30_000)
    expect(root.locator(".lw-sample[data-loaded='1']")).to_have_count(16, timeout=30_000)

    # samples: numbered as samples, data-index as the contract says
    assert samples.evaluate_all("els => els.map(e => Number(e.dataset.index))") == list(range(16))
    captions = samples.locator("figcaption").all_text_contents()
    assert captions == [f"sample {k}" for k in range(1, 17)], captions
    assert not any(re.fullmatch(r"#\d+", c) for c in captions)

    # worst: input, then decoded, each captioned under its image
    first = worst.first
    slots = first.locator(".lw-gallery-slot")
    expect(slots).to_have_count(2)
    assert slots.locator(".lw-gallery-slot-caption").all_text_contents() == ["input", "decoded"]
    boxes = [slots.nth(k).locator("canvas").bounding_box() for k in range(2)]
    assert boxes[0]["x"] < boxes[1]["x"], boxes
    expect(slots.nth(1).locator("canvas[data-source='point']")).to_be_visible()
    expect(slots.nth(0).locator(".lw-gallery-slot-caption")).to_be_visible()

    fit = root.evaluate(GALLERY_FIT)
    ARTIFACTS.mkdir(exist_ok=True)
    for name in ("samples", "worst"):
        panel = root.locator(f".lw-panel[data-panel='{name}']")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(ARTIFACTS / f"gallery-{name}-900.png"))
    assert {g["panel"] for g in fit} == {"samples", "worst"}, fit
    for gallery in fit:
        assert gallery["items"] == 16, fit
        assert gallery["inner"] <= 1, f"the {gallery['panel']} gallery scrolls inside: {fit}"
        assert not gallery["cut"], f"items cut off in the {gallery['panel']} gallery: {fit}"
