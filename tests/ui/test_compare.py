"""``lw.compare`` in JupyterLab and Notebook 7: two linked explorers side by side fit a 1,200 px
page with no horizontal scroll bar, and hovering a point in one shows it hovered in the other."""

from __future__ import annotations

import pytest

from ._cells import LEFT, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect
from ._map import hover_point, screen_positions

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
