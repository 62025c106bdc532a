"""Exported pages in a real browser, from file:// with the network cut: a box drawn on the first
map of a comparison selects the points in both maps and fills the gallery (each selected input
beside both models' reconstructions) and the indices field; the history slider moves the points
to each snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from latentwidgets import export
from latentwidgets.explorer import LatentExplorer
from tests._toy import ToyAE, X, Y

from ._lab import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Where the first map's frame lies on the page, and how many points a page box holds there.
FRAME = """() => {
  const doc = Bokeh.documents[0];
  const view = Bokeh.index.find_one(doc.get_model_by_name('latent_map_0'));
  const box = view.canvas_view.el.getBoundingClientRect();
  const f = view.frame.bbox;
  return [box.left + f.left, box.top + f.top, f.width, f.height];
}"""

SELECTED = "() => Bokeh.documents[0].get_model_by_name('latent_source').selected.indices"

# Whether each map's points renderer shows a selection (BokehJS draws the rest muted).
RENDERERS_SELECTING = """() => {
  const doc = Bokeh.documents[0];
  return ['latent_points_0', 'latent_points_1'].map((name) => {
    const r = doc.get_model_by_name(name);
    return r.data_source.selected.indices.length;
  });
}"""


@pytest.fixture(scope="module")
def comparison_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ae = ToyAE().eval()
    torch.manual_seed(1)
    other = ToyAE().eval()
    with torch.no_grad():
        other.enc.weight.mul_(-2.0)
    first = LatentExplorer(ae.encode, ae.decode, X, labels=Y, progress=False)
    second = LatentExplorer(other.encode, other.decode, X, labels=Y, progress=False)
    first.wait()
    second.wait()
    folder = tmp_path_factory.mktemp("export_page")
    return export.save_comparison({"model A": first, "model B": second}, folder / "compare.html")


@pytest.fixture
def page(browser: Any, comparison_page: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    blocked: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    opened.route("**/*", route)
    opened.goto(comparison_page.as_uri())
    opened.wait_for_function("() => window.Bokeh && Bokeh.index.roots.length > 0")
    yield opened
    if errors:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / "export_page_errors.png"), full_page=True)
    context.close()
    assert not errors, errors
    assert not [url for url in blocked if not url.startswith("data:")], blocked


def test_box_on_one_map_selects_in_both_and_fills_the_gallery(page: Any) -> None:
    left, top, width, height = page.evaluate(FRAME)
    assert page.evaluate(SELECTED) == []
    # a box over the middle of the first map (box select is the active drag)
    page.mouse.move(left + width * 0.3, top + height * 0.3)
    page.mouse.down()
    page.mouse.move(left + width * 0.5, top + height * 0.5, steps=5)
    page.mouse.move(left + width * 0.7, top + height * 0.7, steps=5)
    page.mouse.up()
    page.wait_for_function(f"() => ({SELECTED})().length > 0")
    selected = sorted(page.evaluate(SELECTED))
    assert 0 < len(selected) < len(X)
    # one source: both maps' renderers show the same selection
    assert page.evaluate(RENDERERS_SELECTING) == [len(selected), len(selected)]
    count = page.locator(".lw-gallery-count")
    assert count.get_attribute("data-count") == str(len(selected))
    # a row per selected point (the first 16): its input, then each model's reconstruction
    rows = min(len(selected), 16)
    headers = page.locator("table.lw-gallery-table th")
    assert headers.all_inner_texts() == ["input", "model A", "model B"]
    thumbs = page.locator("img.lw-gallery-thumb")
    assert thumbs.count() == rows
    assert thumbs.first.get_attribute("src").startswith("data:image/png;base64,")
    assert int(thumbs.first.get_attribute("data-index")) == selected[0]
    first_row = page.locator("table.lw-gallery-table tr[data-index]").first
    assert int(first_row.get_attribute("data-index")) == selected[0]
    outputs = {}
    for model in ("model A", "model B"):
        column = page.locator(f'img.lw-gallery-output[data-model="{model}"]')
        assert column.count() == rows
        assert [
            int(i) for i in column.evaluate_all("(els) => els.map((e) => e.dataset.index)")
        ] == (selected[:rows])
        outputs[model] = first_row.locator(f'img[data-model="{model}"]').get_attribute("src")
        assert outputs[model].startswith("data:image/png;base64,")
        # drawn: the browser decoded the PNG (naturalWidth > 0), no broken image
        assert column.first.evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert outputs["model A"] != outputs["model B"]  # each model's own reconstruction
    field = page.locator("textarea.lw-selection-field")
    assert field.input_value() == ",".join(map(str, selected))
    # the copy button writes them again (and to the clipboard, or the fallback) and says so
    page.get_by_role("button", name="Copy selected indices").click()
    label = "() => Bokeh.documents[0].get_model_by_name('copy_selection').label"
    page.wait_for_function(f"() => ({label})().startsWith('Copied {len(selected)} ')")
    assert page.locator("textarea.lw-selection-field").input_value() == ",".join(map(str, selected))
    assert np.all(np.diff(selected) > 0)
    assert page.evaluate("() => navigator.clipboard.readText()") == ",".join(map(str, selected))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export_comparison_selected.png"), full_page=True)


def test_history_slider_moves_the_points_to_each_snapshot(browser: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    now = rng.normal(size=(40, 2))
    history = [("epoch 0", now * 3 + 1), ("epoch 1", now * 2), ("epoch 2", now)]
    path = export.save_html(tmp_path / "history.html", now, history=history)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith("file:") else route.continue_()
        ),
    )
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.index.roots.length > 0")
    xs = "() => Array.from(Bokeh.documents[0].get_model_by_name('latent_source').data.x)"
    assert np.allclose(page.evaluate(xs), now[:, 0])
    handle = page.locator(".noUi-handle")
    handle.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('history_slider').value === 0"
    )
    assert np.allclose(page.evaluate(xs), now[:, 0] * 3 + 1, atol=1e-5)  # float32 in the page
    assert page.locator("text=snapshot 1/3: epoch 0").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export_history_slider.png"), full_page=True)
    context.close()
    assert not errors, errors
