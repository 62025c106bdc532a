"""Resume: the camera is synced as `view` (written when it rests, moved when Python sets it), and a
saved session brings back the camera, the selection, the tags and the filter in the browser."""

from __future__ import annotations

import numpy as np
import pytest

from ._cells import TOY_EXPLORER
from ._lab import LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _view(root) -> np.ndarray:
    return np.asarray([float(v) for v in root.get_attribute("data-view").split(",")])


def test_a_saved_session_brings_the_camera_and_the_marks_back(lab: LabPage, tmp_path) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.wait_for_python("len(explorer.view)", 4)  # the first frame's camera, once it rests
    full = np.asarray(lab.evaluate("explorer.view"))
    root.scroll_into_view_if_needed()
    box = root.locator(".lw-map-canvas").bounding_box()
    lab.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    lab.page.mouse.wheel(0, -300)  # zoom in on the left cluster
    lab.wait_for_python(f"explorer.view[1] - explorer.view[0] < {(full[1] - full[0]) * 0.8}", True)
    saved = np.asarray(lab.evaluate("explorer.view"))
    np.testing.assert_allclose(_view(root), saved, rtol=1e-4, atol=1e-4)

    path = tmp_path / "toy.session.json"
    lab.run_python(
        "explorer.selected = [1, 2, 3]; explorer.tag([1, 2], 'pair'); "
        "explorer.filter = \"label == 'left'\"; "
        f"explorer.save_session({str(path)!r})"
    )
    # move on: another view, no selection, no tags, no filter
    lab.run_python(
        "explorer.view = [-9.0, 9.0, -7.0, 9.0]; explorer.selected = []; "
        "explorer.untag([1, 2], 'pair'); explorer.filter = ''"
    )
    expect(root).to_have_attribute("data-selected-count", "0")
    lab.page.wait_for_function(
        "(el) => Number(el.dataset.view.split(',')[1]) - Number(el.dataset.view.split(',')[0]) > 15",
        arg=root.element_handle(),
        timeout=20_000,
    )
    expect(root.locator(".lw-tag")).to_have_count(0)

    lab.run_python(f"explorer.load_session({str(path)!r})")
    expect(root).to_have_attribute("data-selected-count", "3")
    expect(root.locator('.lw-tag[data-tag="pair"]')).to_have_count(1)
    expect(root).to_have_attribute("data-filtered", "20")
    lab.page.wait_for_function(
        f"(el) => Number(el.dataset.view.split(',')[1]) - Number(el.dataset.view.split(',')[0]) < {saved[1] - saved[0] + 0.5}",
        arg=root.element_handle(),
        timeout=20_000,
    )
    np.testing.assert_allclose(_view(root), saved, rtol=0.02, atol=0.05)
    # the loaded session is a new timeline: nothing to undo
    expect(root).to_have_attribute("data-undo", "0")
