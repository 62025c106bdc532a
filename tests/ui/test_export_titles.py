"""The exported page says what it shows: it is titled after the explorer's map, its legend after the
colour column, its axes as in the widget, and it draws the interpolation path on the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import latentwidgets as lw
from tests._toy import ToyAE, X, Y

from ._lab import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODELS = """() => {
  const doc = Bokeh.documents[0];
  const plot = doc.get_model_by_name('latent_map');
  const legend = doc.get_model_by_name('latent_legend');
  const path = doc.get_model_by_name('interp_path');
  return {
    title: document.title, plot: plot.title.text, legend: legend ? legend.title : null,
    x: plot.below[0].axis_label, y: plot.left[0].axis_label,
    path: path ? path.data_source.data.x.length : 0,
  };
}"""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ae = ToyAE().eval()
    explorer = lw.LatentExplorer(ae.encode, ae.decode, X, labels=Y, progress=False)
    explorer.interpolate(2, 45, steps=7)
    return explorer.save_html(tmp_path_factory.mktemp("titles") / "map.html", thumbnails="none")


def test_the_page_names_its_map_legend_and_axes_and_draws_the_path(browser: Any, page_file: Path):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.index.roots.length > 0")
    seen = page.evaluate(MODELS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export_titles.png"))
    context.close()
    assert seen["title"] == seen["plot"] == f"{len(X)} points · PCA · coloured by label"
    assert seen["legend"] == "label"
    assert (seen["x"], seen["y"]) == ("PC1", "PC2")
    assert seen["path"] == 7
