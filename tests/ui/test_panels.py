"""The panels the user picks, and an explorer that fills the width it is given.

The default explorer shows only the preview and interpolation panels beside the map; the toolbar's
panels menu opens another, and ``explorer.panels`` in the kernel follows. Two explorers in an
``ipywidgets.HBox`` share the row (each once drew about 2 px wide: a blank output, no error); in a
``VBox`` each takes the whole width, in a two-column ``GridBox`` a column each.
"""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect
from ._panels import DEFAULT_PANELS, PANELS, open_panel, set_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_default_panels_and_the_panels_menu(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    for name in PANELS:
        panel = root.locator(f".lw-panel[data-panel='{name}']")
        expect(panel).to_have_count(1)
        if name in DEFAULT_PANELS:
            expect(panel).to_be_visible()
        else:
            expect(panel).to_be_hidden()
    expect(root.locator(".lw-map-canvas")).to_be_visible()

    open_panel(root, "neighbours")
    lab.wait_for_python("list(explorer.panels)", ["preview", "interpolation", "neighbours"])
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "panels-neighbours-open.png"))

    # Python's side of the same trait: the page follows
    lab.run_python("explorer.panels = ['neighbours']")
    expect(root.locator(".lw-panel[data-panel='preview']")).to_be_hidden()
    expect(root.locator(".lw-panel[data-panel='interpolation']")).to_be_hidden()
    expect(root.locator(".lw-panel[data-panel='neighbours']")).to_be_visible()
    set_panel(root, "preview")
    lab.wait_for_python("list(explorer.panels)", ["preview", "neighbours"])


BOXES = {
    "HBox": "ipywidgets.HBox([ex_a, ex_b])",
    "VBox": "ipywidgets.VBox([ex_a, ex_b])",
    "GridBox": "ipywidgets.GridBox([ex_a, ex_b], layout=ipywidgets.Layout(grid_template_columns='1fr 1fr'))",
}

TWO_EXPLORERS = """\
import ipywidgets

ex_a = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)
ex_b = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)
"""

WIDTHS = """(roots) => roots.map((r) => {
  const box = r.getBoundingClientRect();
  return { width: box.width, overflow: r.scrollWidth - r.clientWidth };
})"""


@pytest.mark.parametrize(
    ("box", "ui"), [("HBox", "lab"), ("HBox", "notebook"), ("VBox", "lab"), ("GridBox", "lab")]
)
def test_two_explorers_fill_a_box(lab: LabPage, box: str, ui: str) -> None:
    lab.page.set_viewport_size({"width": 1400, "height": 1000})
    lab.open_notebook([TOY_MODEL, TWO_EXPLORERS + BOXES[box]], ui=ui)
    roots = lab.page.locator(".lw-explorer")
    expect(roots).to_have_count(2, timeout=60_000)
    for k in range(2):
        expect(roots.nth(k)).to_have_attribute("data-ready", "1", timeout=60_000)
    roots.first.scroll_into_view_if_needed()
    sizes = roots.evaluate_all(WIDTHS)
    output = roots.first.evaluate(
        "r => r.closest('.jp-OutputArea-output').getBoundingClientRect().width"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    for k in range(2):
        roots.nth(k).screenshot(path=str(ARTIFACTS / f"{box.lower()}-{ui}-explorer-{k}.png"))
    lab.page.screenshot(path=str(ARTIFACTS / f"{box.lower()}-{ui}.png"))
    assert all(s["width"] >= 300 for s in sizes), sizes
    assert all(s["overflow"] <= 1 for s in sizes), f"an explorer overflows its box: {sizes}"
    if box != "VBox":  # side by side, they share the output's width
        assert sum(s["width"] for s in sizes) > 0.8 * output, (sizes, output)
    else:  # one above the other, each takes all of it
        assert all(s["width"] > 0.9 * output for s in sizes), (sizes, output)
    for k in range(2):
        expect(roots.nth(k).locator(".lw-map-canvas")).to_be_visible()
        assert int(roots.nth(k).get_attribute("data-points") or 0) == 60
