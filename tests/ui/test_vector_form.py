"""The traversal panel's vector form saves "the selection minus the rest" or "label minus label"
through the kernel; the saved name becomes a traversal direction that gives frames."""

from __future__ import annotations

import pytest

from ._cells import CLUSTER_SIZE, LEFT, TOP, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import bounding_box, click_point, drag, screen_positions
from ._panels import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFAULT_STEPS = 9


def test_selection_vector_becomes_a_direction(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "traverse")
    positions = screen_positions(lab, root)
    save = root.locator(".lw-vector-save")
    name = root.locator(".lw-vector-name")
    direction = root.locator(".lw-traverse-direction")
    expect(save).to_be_disabled()  # no name, no selection

    root.locator(".lw-mode-box").click()
    drag(lab, *bounding_box(positions, TOP, pad=12))
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    name.fill("sel")
    expect(save).to_be_enabled()
    save.click()
    expect(direction.locator("option[value='sel']")).to_have_count(1, timeout=30_000)
    expect(root.locator(".lw-vector-message")).to_have_attribute("data-state", "ok")
    assert lab.evaluate("sorted(explorer.vectors)") == ["sel"]
    # the mean code of the top cluster minus the others'
    assert lab.evaluate(
        "bool(torch.allclose(explorer.vectors['sel'], "
        f"explorer.latents[{TOP.start}:{TOP.stop}].mean(0) - explorer.latents[:{TOP.start}].mean(0)))"
    )

    root.locator(".lw-mode-pan").click()
    click_point(lab, root, positions, LEFT[7])
    expect(root).to_have_attribute("data-pinned", str(LEFT[7]))
    direction.select_option("sel")
    lab.wait_for_python("explorer.traverse_direction", "sel")
    expect(root.locator(".lw-traverse-slider")).to_have_attribute(
        "data-frames", str(DEFAULT_STEPS), timeout=30_000
    )
    expect(root.locator(".lw-traverse-frame")).to_have_attribute("data-source", "traverse")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "vector_selection.png"))


def test_label_vector_and_a_refused_one(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    open_panel(root, "traverse")
    root.locator(".lw-vector-kind").select_option("labels")
    label_a, label_b = root.locator(".lw-vector-a"), root.locator(".lw-vector-b")
    options = label_a.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["left", "right", "top"]
    label_a.select_option("right")
    label_b.select_option("left")
    root.locator(".lw-vector-name").fill("rightward")
    root.locator(".lw-vector-save").click()
    direction = root.locator(".lw-traverse-direction")
    expect(direction.locator("option[value='rightward']")).to_have_count(1, timeout=30_000)
    assert lab.evaluate(
        "bool(torch.allclose(explorer.vectors['rightward'], "
        "explorer.latents[20:40].mean(0) - explorer.latents[:20].mean(0)))"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-traverse").screenshot(path=str(ARTIFACTS / "vector_labels.png"))

    # the same labels on both sides is refused here, before the kernel
    label_b.select_option("right")
    expect(root.locator(".lw-vector-save")).to_be_disabled()
    # a label the kernel does not know: its error shows, the widget carries on
    lab.run_python("explorer._core.columns.values['label'] = np.asarray(['x'] * 60)")
    label_b.select_option("left")
    root.locator(".lw-vector-name").fill("gone")
    root.locator(".lw-vector-save").click()
    message = root.locator(".lw-vector-message")
    expect(message).to_have_attribute("data-state", "error", timeout=30_000)
    assert "gone" not in lab.evaluate("list(explorer.vectors)")
    assert lab.page_errors == []
