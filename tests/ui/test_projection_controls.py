"""The projection's controls: the dims picker with its axis labels, and the parameters popover
that sets t-SNE's perplexity before it starts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ._cells import LEFT, N_POINTS, TOY_EXPLORER, WIDE_TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _draws(root: Any) -> int:
    return int(root.get_attribute("data-draws") or 0)


def _wait_for_draw(root: Any, draws: int) -> None:
    """Wait until the map has been drawn (and framed) again since it counted ``draws``."""
    root.page.wait_for_function(
        "([el, n]) => Number(el.dataset.draws) > n", arg=[root.element_handle(), draws]
    )


def test_dims_picker_moves_the_points_and_labels_the_axes(lab: LabPage) -> None:
    root = lab.open_notebook(WIDE_TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-projection", "pca")
    axis_x, axis_y = root.locator(".lw-axis-x"), root.locator(".lw-axis-y")
    expect(axis_x).to_have_text("PC1")
    expect(axis_y).to_have_text("PC2")
    dim_x, dim_y = root.locator(".lw-dims-x"), root.locator(".lw-dims-y")
    expect(dim_x).to_be_hidden()

    root.locator(".lw-projection-select").select_option("dims")
    expect(root).to_have_attribute("data-projection", "dims", timeout=60_000)
    expect(dim_x).to_be_visible()
    options = dim_x.locator("option").evaluate_all("os => os.map(o => o.textContent)")
    assert options == ["z0", "z1", "z2", "z3"]
    expect(axis_x).to_have_text("z0")
    expect(axis_y).to_have_text("z1")
    before = np.asarray(lab.evaluate("explorer.coords.tolist()"))

    draws = _draws(root)
    dim_x.select_option("2")
    lab.wait_for_python("explorer.dims", [2, 1])
    expect(axis_x).to_have_text("z2")
    _wait_for_draw(root, draws)
    draws = _draws(root)
    dim_y.select_option("3")
    lab.wait_for_python("explorer.dims", [2, 3])
    expect(axis_x).to_have_text("z2")
    expect(axis_y).to_have_text("z3")
    _wait_for_draw(root, draws)
    after = np.asarray(lab.evaluate("explorer.coords.tolist()"))
    assert not np.allclose(before, after), "the dims map did not change"
    # the drawn points are where the new coordinates put them
    positions = screen_positions(lab, root)
    for index in (LEFT[0], LEFT[-1]):
        hover_point(lab, root, positions, index)
    expect(root).to_have_attribute("data-projection", "dims")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "dims.png"))

    root.locator(".lw-projection-select").select_option("tsne")
    expect(root).to_have_attribute("data-projection", "tsne", timeout=60_000)
    expect(dim_x).to_be_hidden()
    expect(axis_x).to_be_hidden()
    expect(axis_y).to_be_hidden()


def test_perplexity_set_before_tsne_starts(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    popover = root.locator(".lw-params-popover")
    expect(popover).to_be_hidden()
    root.locator(".lw-projection-params").click()
    expect(popover).to_be_visible()
    perplexity = root.locator(".lw-param-perplexity")
    expect(perplexity).to_have_value("30")

    perplexity.fill("12")
    perplexity.press("Enter")
    lab.wait_for_python("explorer.projection_params", {"tsne": {"perplexity": 12}})

    # more than the points: the kernel would refuse it, so it is shown as invalid and not sent
    perplexity.fill(str(N_POINTS + 5))
    perplexity.press("Enter")
    expect(perplexity).to_have_attribute("aria-invalid", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "projection_params.png"))
    neighbours = root.locator(".lw-param-n_neighbors")
    neighbours.fill("1")
    neighbours.press("Enter")
    expect(neighbours).to_have_attribute("aria-invalid", "true")
    lab.run_python("pass")
    assert lab.evaluate("explorer.projection_params") == {"tsne": {"perplexity": 12}}
    perplexity.fill("12")
    perplexity.press("Enter")
    expect(perplexity).to_have_attribute("aria-invalid", "false")

    perplexity.press("Escape")
    expect(popover).to_be_hidden()
    root.locator(".lw-projection-select").select_option("tsne")
    expect(root).to_have_attribute("data-projection", "tsne", timeout=60_000)
    assert lab.evaluate("explorer._core.scheduler.fitted('tsne').perplexity") == 12
    assert lab.page_errors == []
