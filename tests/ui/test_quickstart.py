"""The quickstart notebook, as a newcomer runs it, in a real JupyterLab."""

from __future__ import annotations

import pathlib

import nbformat
import pytest

from ._lab import ARTIFACTS, LabPage, expect
from ._map import screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUICKSTART = pathlib.Path(__file__).parents[2] / "notebooks" / "01_quickstart.ipynb"


def test_quickstart_runs_and_the_explorer_answers(lab: LabPage) -> None:
    notebook = nbformat.read(QUICKSTART, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    root = lab.open_notebook(cells)

    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-points", "1797")
    # the notebook's later cells interpolate 12 frames and select 25 threes from Python, the
    # selection within a moment of the display, while the view may still be loading its points
    expect(root.locator(".lw-interp-slider")).to_have_attribute("data-frames", "12", timeout=60_000)
    expect(root).to_have_attribute("data-selected-count", "25", timeout=10_000)
    # a different set: an equal value would send nothing
    lab.run_python("explorer.selected = [int(i) for i in (explorer.labels == 7).nonzero()[0][:20]]")
    expect(root).to_have_attribute("data-selected-count", "20")
    expect(root).to_have_attribute("data-projection", "pca")
    positions = screen_positions(lab, root)
    target = int(lab.evaluate("int((explorer.labels == 0).nonzero()[0][5])"))
    # 1,797 points overlap: whichever point the widget reports under the mouse must be previewed
    lab.page.mouse.move(*map(float, positions[target]), steps=3)
    expect(root).not_to_have_attribute("data-hover-index", "-1", timeout=10_000)
    hovered = root.get_attribute("data-hover-index")
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", hovered)
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "quickstart.png"))
