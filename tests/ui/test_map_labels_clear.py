"""Map labels keep out of the way (issue 20 item 5): a label is hidden where it would cover the axis
labels or the sample note, and all of them hide while the history slider shows a snapshot, whose map
the live map's places do not fit."""

from __future__ import annotations

import pathlib
from typing import Any

import numpy as np
import pytest

from ._cells import TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect
from ._map import drag
from .test_history import TRAIN, TRAINED_EXPLORER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = pathlib.Path("/tmp/shots/C")

# 3,000 codes in three tight clusters, on their own dims (axis labels "z0" and "z1"), drawn as a
# sample of 1,000 (the sample note shows): each cluster's label sits on its centre.
SAMPLED = """\
import numpy as np
import latentwidgets as lw
rng = np.random.default_rng(0)
centres = np.array([[0.0, -8.0], [-8.0, 6.0], [8.0, 6.0]], np.float32)
codes = np.repeat(centres, 1000, axis=0) + rng.normal(0, 0.4, (3000, 2)).astype(np.float32)
names = np.repeat(["bottom", "left", "right"], 1000)
explorer = lw.LatentExplorer.from_latents(codes, labels=names, projection="dims", max_drawn=1000,
                                          map_labels="label")
explorer
"""


def _box(locator: Any) -> np.ndarray:
    """``[left, top, right, bottom]`` of an element in page px."""
    box = locator.bounding_box()
    return np.array([box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]])


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def _centre(box: np.ndarray) -> np.ndarray:
    return np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])


def _move_label_onto(lab: LabPage, root: Any, name: str, target: Any) -> Any:
    """Pan the map so that label ``name``'s place lies on ``target``'s centre; return the label."""
    label = root.locator(f'.lw-map-label[data-name="{name}"]')
    layer = root.locator(".lw-map-labels-layer")
    layouts = int(layer.get_attribute("data-layouts"))
    shift = _centre(_box(target)) - _centre(_box(label))
    map_box = _box(root.locator(".lw-map"))
    start = _centre(map_box) + np.array([0.0, -40.0])  # on the map, clear of every label
    drag(lab, start, start + shift, steps=8)
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_function(
        "([layer, n]) => Number(layer.dataset.layouts) > n",
        arg=[layer.element_handle(), layouts],
        timeout=10_000,
    )
    lab.page.wait_for_timeout(400)  # the camera's last frame, then the labels' layout
    return label


def test_labels_keep_clear_of_the_axis_labels_and_the_sample_note(lab: LabPage) -> None:
    root = lab.open_notebook([SAMPLED])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    layer = root.locator(".lw-map-labels-layer")
    expect(layer).to_have_attribute("data-total", "3", timeout=30_000)
    label = root.locator('.lw-map-label[data-name="left"]')
    expect(label).to_have_attribute("data-shown", "1", timeout=10_000)
    axis_y, note = root.locator(".lw-axis-y"), root.locator(".lw-sample-note")
    expect(axis_y).to_have_text("z1")
    expect(note).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)

    # the y axis's label is at the left edge's middle, clear of the note at the bottom
    _move_label_onto(lab, root, "left", axis_y)
    assert _overlap(_box(label), _box(axis_y)), "the pan should put the label on the axis label"
    expect(label).to_have_attribute("data-shown", "0")
    root.locator(".lw-map").screenshot(path=str(SHOTS / "labels-clear-of-axis.png"))

    _move_label_onto(lab, root, "left", note)
    assert _overlap(_box(label), _box(note)), "the pan should put the label on the sample note"
    expect(label).to_have_attribute("data-shown", "0")
    root.locator(".lw-map").screenshot(path=str(SHOTS / "labels-clear-of-note.png"))

    # in the open again, it shows: it was hidden for what it would cover
    _move_label_onto(lab, root, "left", root.locator(".lw-map"))
    expect(label).to_have_attribute("data-shown", "1")


def test_labels_hide_while_a_snapshot_is_on_show(lab: LabPage) -> None:
    labelled = TRAINED_EXPLORER.replace("explorer\n", 'explorer.map_labels = "label"\nexplorer\n')
    root = lab.open_notebook([TOY_MODEL, labelled, TRAIN])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-snapshots", "3", timeout=60_000)
    layer = root.locator(".lw-map-labels-layer")
    expect(layer).to_have_attribute("data-total", "3", timeout=30_000)
    expect(layer).to_have_attribute("data-snapshot", "0")
    expect(layer.locator('.lw-map-label[data-shown="1"]').first).to_be_visible()

    slider = root.locator("input[type=range].lw-history-slider")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    left = (box["x"] + 2, box["y"] + box["height"] / 2)
    right = (box["x"] + box["width"] - 2, left[1])
    lab.page.mouse.move(*right)
    drag(lab, right, left, steps=6)
    expect(root.locator(".lw-history-name")).to_have_text("epoch 0")
    expect(layer).to_have_attribute("data-snapshot", "1")
    expect(layer).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / "labels-snapshot.png"))

    slider.focus()
    for _ in range(2):
        lab.page.keyboard.press("ArrowRight")
    expect(root.locator(".lw-history-name")).to_have_text("epoch 2")
    expect(layer).to_have_attribute("data-snapshot", "0")
    expect(layer.locator('.lw-map-label[data-shown="1"]').first).to_be_visible()
    root.screenshot(path=str(SHOTS / "labels-live.png"))
