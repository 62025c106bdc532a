"""The filter box: a person types a filter and presses Enter; the points that fail it are dimmed,
a refused filter says why beside the box and keeps its text, and a box selects only what passes."""

from __future__ import annotations

import io
import pathlib

import numpy as np
import pytest
from PIL import Image

from latentwidgets._engine.drawn import sample_indices

from ._cells import CLUSTER_SIZE, LEFT, RIGHT, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import bounding_box, drag, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = pathlib.Path("/tmp/shots/h7")


def _picture(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def _colour_at(picture: np.ndarray, box: dict, point) -> np.ndarray:
    x, y = round(float(point[0]) - box["x"]), round(float(point[1]) - box["y"])
    return picture[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0)


def test_a_filter_dims_the_points_that_fail_it(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    the_map = root.locator(".lw-map")
    box = the_map.bounding_box()
    lab.page.mouse.move(5, 5)
    before = _picture(the_map)

    box_input = root.locator(".lw-filter")
    box_input.click()
    box_input.press_sequentially("label == 'left'", delay=40)
    box_input.press("Enter")
    expect(root).to_have_attribute("data-filtered", str(CLUSTER_SIZE))
    expect(root).to_have_attribute("data-dimmed", str(2 * CLUSTER_SIZE))  # drawn, and dimmed
    expect(root.locator(".lw-filter-note")).to_have_text("20 of 60 pass")
    assert lab.evaluate("explorer.filter") == "label == 'left'"
    assert lab.evaluate("explorer.filtered.tolist()") == list(LEFT)

    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)
    after = _picture(the_map)
    SHOTS.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate([before, after], axis=1).astype(np.uint8)).save(
        SHOTS / "filter_dimmed.png"
    )
    (SHOTS / "filter_widget.png").write_bytes(root.screenshot())
    background = np.array([255, 255, 255])
    for i in RIGHT:  # failing points fade towards the background, and stay on the map
        was, now = _colour_at(before, box, positions[i]), _colour_at(after, box, positions[i])
        assert np.abs(now - background).sum() < 0.5 * np.abs(was - background).sum(), i
        assert np.abs(now - background).sum() > 5, f"point {i} was removed, not dimmed"
    for i in LEFT:  # passing points keep their colour
        was, now = _colour_at(before, box, positions[i]), _colour_at(after, box, positions[i])
        assert np.abs(now - was).sum() < 40, i

    # while the filter is on, a box round every point selects only those that pass
    root.locator(".lw-mode-box").click()
    start, end = bounding_box(positions, range(60), pad=14)
    end = np.minimum(end, [box["x"] + box["width"] - 2, box["y"] + box["height"] - 2])
    start = np.maximum(start, [box["x"] + 2, box["y"] + 2])
    drag(lab, start, end)
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    lab.wait_for_python("explorer.selected", list(LEFT))

    # an empty filter lets every point through again
    box_input.fill("")
    box_input.press("Enter")
    expect(root).to_have_attribute("data-filtered", "60")
    expect(root).to_have_attribute("data-dimmed", "0")


def test_a_refused_filter_says_why_and_keeps_the_text(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.run_python("explorer.filter = \"label != 'top'\"")
    expect(root).to_have_attribute("data-filtered", "40")
    box_input = root.locator(".lw-filter")
    expect(box_input).to_have_value("label != 'top'")

    box_input.fill("")
    box_input.press_sequentially("label.__class__ == 1", delay=20)
    box_input.press("Enter")
    note = root.locator(".lw-filter-note.lw-filter-error")
    expect(note).to_contain_text("attribute access")
    expect(root).to_have_attribute("data-filter-error", "1")
    expect(box_input).to_have_value("label.__class__ == 1")  # kept, to be fixed
    expect(root).to_have_attribute("data-status", "error")
    expect(root.locator(".lw-status")).to_contain_text("attribute access")
    # nothing changed: the earlier filter still holds
    expect(root).to_have_attribute("data-filtered", "40")
    assert lab.evaluate("explorer.filter") == "label != 'top'"
    (SHOTS / "filter_error.png").parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / "filter_error.png"))

    box_input.fill("nope > 1")
    box_input.press("Enter")
    expect(note).to_contain_text("'nope' is not a column")


SAMPLED_EXPLORER = """\
import numpy as np
import torch
import latentwidgets as lw

codes = torch.randn(5000, 2, generator=torch.Generator().manual_seed(0))
kind = np.array(["a", "b", "c"], dtype=object)[np.arange(5000) % 3]
explorer = lw.LatentExplorer.from_latents(
    codes, metadata={"kind": kind}, max_drawn=1000, projection="dims"
)
explorer
"""


def test_a_sampled_map_dims_the_drawn_points_that_fail(lab: LabPage) -> None:
    root = lab.open_notebook([SAMPLED_EXPLORER])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-sampled", "1")
    drawn = int(root.get_attribute("data-drawn"))
    assert drawn < 5000
    threshold = lab.evaluate("explorer._draw_threshold")
    sample = sample_indices(5000, threshold)
    assert len(sample) == drawn
    lab.run_python("explorer.filter = \"kind != 'a'\"")
    expect(root).to_have_attribute("data-filtered", str(5000 - 1667))
    # exactly the drawn points of kind "a" (index % 3 == 0) are dimmed
    expect(root).to_have_attribute("data-dimmed", str(int((sample % 3 == 0).sum())))
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / "filter_sampled.png"))
