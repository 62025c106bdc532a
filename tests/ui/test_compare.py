"""``lw.compare`` in JupyterLab and Notebook 7: two linked explorers side by side fit a 1,200 px
page with no horizontal scroll bar, and hovering a point in one shows it hovered in the other.

A comparison is one compact view: the maps side by side, under them one row of previews (each
model's decoding of the point hovered or pinned in either map), one toolbar for both, and a table of
metrics with headers and a line explaining each; at most 900 px tall at 1,200 px wide."""

from __future__ import annotations

import itertools
import re

import pytest

from ._cells import LEFT, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect
from ._map import click_point, hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMPARE = """\
def encode_stretched(x):
    return encode(x) * torch.tensor([1.0, 0.5])


cmp = lw.compare({"toy": (encode, decode), "stretched": (encode_stretched, decode)}, images,
                 labels=labels)
for e in cmp.explorers.values():
    e.point_size = 10
    e.height = 300
cmp
"""

# Whether the output holding the comparison scrolls sideways, and how wide each part is.
MEASURE = """(compare) => {
  const output = compare.closest('.jp-OutputArea-output');
  const explorers = [...compare.querySelectorAll('.lw-explorer')];
  return {
    overflow: output.scrollWidth - output.clientWidth,
    compareOverflow: compare.scrollWidth - compare.clientWidth,
    page: document.documentElement.clientWidth,
    widths: explorers.map((e) => e.getBoundingClientRect().width),
    inside: explorers.map((e) => e.scrollWidth - e.clientWidth),
  };
}"""


def test_compare_fits_a_1200px_page_and_links_hover(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 1200, "height": 900})
    lab.open_notebook([TOY_MODEL, COMPARE])
    compare = lab.page.locator(".lw-compare")
    expect(compare).to_have_count(1, timeout=60_000)
    roots = compare.locator(".lw-explorer")
    expect(roots).to_have_count(2)
    expect(lab.page.locator(".lw-explorer")).to_have_count(2)  # both inside .lw-compare
    first, second = roots.nth(0), roots.nth(1)
    for root in (first, second):
        expect(root).to_have_attribute("data-ready", "1", timeout=60_000)

    compare.scroll_into_view_if_needed()
    sizes = compare.evaluate(MEASURE)
    ARTIFACTS.mkdir(exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "compare-1200.png"))
    assert sizes["overflow"] <= 0, f"the output scrolls sideways: {sizes}"
    assert sizes["compareOverflow"] <= 0, f"the comparison overflows: {sizes}"
    assert all(0 < w < sizes["page"] / 2 for w in sizes["widths"]), sizes
    assert all(o <= 0 for o in sizes["inside"]), f"an explorer overflows its box: {sizes}"

    positions = screen_positions(lab, first, "cmp.explorers['toy']")
    hover_point(lab, first, positions, LEFT[7])
    expect(second).to_have_attribute("data-hover-index", str(LEFT[7]))
    compare.screenshot(path=str(ARTIFACTS / "compare-hover.png"))


def test_compare_fits_a_notebook7_cell_at_1200px(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 1200, "height": 900})
    lab.open_notebook([TOY_MODEL, COMPARE], ui="notebook")
    assert "/notebooks/" in lab.page.url  # Notebook 7's page, not Lab's
    compare = lab.page.locator(".lw-compare")
    expect(compare).to_have_count(1, timeout=60_000)
    roots = compare.locator(".lw-explorer")
    expect(roots).to_have_count(2)
    for k in range(2):
        expect(roots.nth(k)).to_have_attribute("data-ready", "1", timeout=60_000)
    compare.scroll_into_view_if_needed()
    sizes = compare.evaluate(MEASURE)
    ARTIFACTS.mkdir(exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "compare-notebook7-1200.png"))
    # scrollWidth <= clientWidth + 1: a sub-pixel rounding is no scroll bar
    assert sizes["overflow"] <= 1, f"the output scrolls sideways: {sizes}"
    assert sizes["compareOverflow"] <= 1, f"the comparison overflows: {sizes}"
    assert all(0 < w < sizes["page"] / 2 for w in sizes["widths"]), sizes
    assert all(o <= 1 for o in sizes["inside"]), f"an explorer overflows its box: {sizes}"


COLOURED = """\
size = np.geomspace(1.0, 5000.0, len(codes))  # wide-ranging values: long, varied tick labels
cmp = lw.compare({"toy": (encode, decode), "again": (encode, decode)}, images,
                 metadata={"size": size}, height=320)
for e in cmp.explorers.values():
    e.color_by = "size"
    e.color_scale = "quantile"
cmp
"""

# The placed colour-bar tick labels that are shown, as [left, right] page px, and the bar's width.
TICK_BOXES = """(root) => {
  const row = root.querySelector('.lw-colorbar-ticks.is-placed');
  const shown = [...row.children].filter((s) => getComputedStyle(s).visibility !== 'hidden');
  const bar = row.getBoundingClientRect();
  return {
    bar: [bar.left, bar.right],
    all: row.children.length,
    measured: row.dataset.barWidth,
    boxes: shown.map((s) => { const r = s.getBoundingClientRect(); return [r.left, r.right]; }),
  };
}"""


def test_colour_bar_ticks_never_overlap_narrow_or_wide(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 1400, "height": 900})
    lab.open_notebook([TOY_MODEL, COLOURED])
    compare = lab.page.locator(".lw-compare")
    expect(compare).to_have_count(1, timeout=60_000)
    root = compare.locator(".lw-explorer").first
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    row = root.locator(".lw-colorbar-ticks.is-placed")
    expect(row).to_have_attribute("data-ticks-shown", re.compile(r"\d+"), timeout=30_000)
    compare.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    wide = root.evaluate(TICK_BOXES)
    root.locator(".lw-legend").screenshot(path=str(ARTIFACTS / "colorbar-wide.png"))
    # a narrow page: half a map is narrow, the legend's 40% cap shrinks the bar, the ticks thin out
    lab.page.set_viewport_size({"width": 640, "height": 900})
    expect(row).not_to_have_attribute("data-bar-width", wide["measured"], timeout=10_000)
    narrow = root.evaluate(TICK_BOXES)
    root.locator(".lw-legend").screenshot(path=str(ARTIFACTS / "colorbar-narrow.png"))
    for case in (wide, narrow):
        boxes = case["boxes"]
        assert len(boxes) >= 2, case
        for (_, right), (left, _) in itertools.pairwise(boxes):
            assert left >= right, f"tick labels overlap: {case}"
        assert case["bar"][0] - 1 <= boxes[0][0], f"a label starts left of the bar: {case}"
        assert boxes[-1][1] <= case["bar"][1] + 1, f"a label ends right of the bar: {case}"
    assert float(narrow["measured"]) < float(wide["measured"]), (narrow, wide)
    assert len(narrow["boxes"]) < wide["all"], (narrow, wide)


COMPACT = """\
def encode_stretched(x):
    return encode(x) * torch.tensor([1.0, 0.5])


cmp = lw.compare({"toy": (encode, decode), "stretched": (encode_stretched, decode)}, images,
                 labels=labels, point_size=10)
cmp
"""

# Where the parts of a comparison are, in page px.
LAYOUT = """(compare) => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height}; };
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const output = compare.closest('.jp-OutputArea-output');
  const explorers = [...compare.querySelectorAll('.lw-explorer')];
  return {
    compare: box(compare),
    overflow: output.scrollWidth - output.clientWidth,
    explorers: explorers.map((e) => ({
      box: box(e),
      inside: e.scrollWidth - e.clientWidth,
      map: box(e.querySelector('.lw-map')),
      toolbar: shown(e.querySelector('.lw-toolbar')),
      toolbarOverflow: e.querySelector('.lw-toolbar').scrollWidth - e.querySelector('.lw-toolbar').clientWidth,
      panels: [...e.querySelectorAll('.lw-panel')].filter(shown).map((p) => p.dataset.panel),
      preview: box(e.querySelector('.lw-preview')),
      figures: [...e.querySelectorAll('.lw-preview figure')].filter(shown).map(box),
    })),
  };
}"""


def _check_compact(layout: dict, *, max_height: float | None) -> None:
    first, second = layout["explorers"]
    if max_height is not None:
        assert layout["compare"]["height"] <= max_height, f"too tall: {layout['compare']}"
    assert layout["overflow"] <= 1, f"the output scrolls sideways: {layout}"
    # the maps side by side, top and height alike
    assert first["map"]["right"] <= second["map"]["left"] + 1, layout
    assert abs(first["map"]["top"] - second["map"]["top"]) <= 2, layout
    assert abs(first["map"]["height"] - second["map"]["height"]) <= 1, layout
    # one set of controls: the first explorer's toolbar, no other
    assert first["toolbar"], layout
    assert not second["toolbar"], layout
    # under each map its preview, the two in one row
    for explorer in (first, second):
        assert explorer["panels"] == ["preview"], layout
        assert explorer["preview"]["top"] >= explorer["map"]["bottom"] - 1, layout
        assert explorer["inside"] <= 1, f"an explorer overflows its box: {layout}"
        assert explorer["box"]["width"] >= 220, layout
    assert abs(first["preview"]["top"] - second["preview"]["top"]) <= 2, layout


def test_compare_is_one_compact_view_with_shared_previews_and_controls(lab: LabPage) -> None:
    lab.page.set_viewport_size({"width": 1200, "height": 1000})
    lab.open_notebook([TOY_MODEL, COMPACT])
    compare = lab.page.locator(".lw-compare")
    expect(compare).to_have_count(1, timeout=60_000)
    roots = compare.locator(".lw-explorer")
    expect(roots).to_have_count(2)
    first, second = roots.nth(0), roots.nth(1)
    for root in (first, second):
        expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    compare.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)

    # the table: headers, numbers right-aligned, one line per metric
    table = compare.locator(".lw-compare-table")
    assert table.locator("thead th").all_text_contents() == [
        "model",
        "latent dims",
        "reconstruction error",
        "trustworthiness",
    ]
    assert table.locator("tbody tr").count() == 2
    aligns = table.locator("tbody td").evaluate_all(
        "els => els.map(e => getComputedStyle(e).textAlign)"
    )
    assert set(aligns) == {"right"}, aligns
    notes = compare.locator(".lw-compare-metrics li").all_text_contents()
    assert len(notes) == 3, notes
    assert notes[2].startswith("trustworthiness: how well the map keeps each point's nearest")

    # the hovered point, decoded by each model, side by side under the maps
    positions = screen_positions(lab, first, "cmp.explorers['toy']")
    hover_point(lab, first, positions, LEFT[7])
    expect(second).to_have_attribute("data-hover-index", str(LEFT[7]))
    for root in (first, second):
        expect(root.locator(".lw-preview-image")).to_have_attribute(
            "data-index", str(LEFT[7]), timeout=20_000
        )
    _check_compact(compare.evaluate(LAYOUT), max_height=900)
    compare.screenshot(path=str(ARTIFACTS / "compare-compact-1200.png"))

    # a pin in the second map pins the point in both (through Python); it stays when the mouse goes
    other = screen_positions(lab, second, "cmp.explorers['stretched']")
    click_point(lab, second, other, LEFT[3])
    for root in (first, second):
        expect(root).to_have_attribute("data-pinned", str(LEFT[3]), timeout=20_000)
    lab.page.mouse.move(5, 5)
    for root in (first, second):
        expect(root.locator(".lw-preview-image")).to_have_attribute(
            "data-index", str(LEFT[3]), timeout=20_000
        )

    # the one toolbar changes the projection of both maps
    first.locator(".lw-projection-select").select_option("dims")
    for root in (first, second):
        expect(root).to_have_attribute("data-projection", "dims", timeout=30_000)

    # at 900 px wide it stays readable: no sideways scroll, maps side by side, previews whole
    lab.page.set_viewport_size({"width": 900, "height": 1000})
    compare.scroll_into_view_if_needed()
    lab.page.wait_for_timeout(300)
    narrow = compare.evaluate(LAYOUT)
    compare.screenshot(path=str(ARTIFACTS / "compare-compact-900.png"))
    _check_compact(narrow, max_height=None)
    for explorer in narrow["explorers"]:
        for figure in explorer["figures"]:
            assert figure["right"] <= explorer["box"]["right"] + 1, f"a preview is cut: {narrow}"
    assert narrow["explorers"][0]["toolbarOverflow"] <= 1, narrow
