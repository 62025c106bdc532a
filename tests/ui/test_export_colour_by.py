"""The exported page's colour-by select, in a real browser from file:// with the network cut: the
page opens coloured as the widget was; choosing another column recolours the points in the
palette the widget uses (their pixels), swaps the legend (or shows the colour bar) and the tooltip,
with no kernel; the map's title says the column."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from latentwidgets import colors
from latentwidgets.explorer import LatentExplorer
from tests._toy import N, ToyAE, X, Y

from ._lab import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ERROR = np.geomspace(0.01, 3.0, N).astype(np.float32)
SIZE = np.array(["small", "large", "large", None] * (N // 4), dtype=object)

# What BokehJS holds: the glyph's column, the legend's title and rows, the bars on show, the title.
STATE = """() => {
  const doc = Bokeh.documents[0];
  const glyph = doc.get_model_by_name('latent_points').glyph;
  const legend = doc.get_model_by_name('latent_legend');
  const bars = [];
  for (const model of doc.all_models) {
    if (model.type === 'ColorBar' && model.visible) bars.push(model.title);
  }
  return {
    field: glyph.fill_color.field ?? null,
    legend: legend.visible ? legend.title : null,
    rows: legend.visible ? legend.items.map((item) => item.label.value) : [],
    bars,
    title: doc.get_model_by_name('latent_map').title.text,
  };
}"""

# Where the plot's frame is on the page, and where a point is drawn.
FRAME = """() => {
  const view = Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('latent_map'));
  const box = view.canvas_view.el.getBoundingClientRect();
  const f = view.frame.bbox;
  return {x: box.left + f.left, y: box.top + f.top, width: f.width, height: f.height};
}"""
POINT = """(index) => {
  const doc = Bokeh.documents[0];
  const view = Bokeh.index.find_one(doc.get_model_by_name('latent_map'));
  const data = doc.get_model_by_name('latent_source').data;
  const box = view.canvas_view.el.getBoundingClientRect();
  return [box.left + view.frame.x_scale.compute(data.x[index]),
          box.top + view.frame.y_scale.compute(data.y[index])];
}"""


def _rgb(colour: str) -> np.ndarray:
    value = int(colour.lstrip("#"), 16)
    return np.array([(value >> 16) & 255, (value >> 8) & 255, value & 255])


def _fill(colour: str) -> np.ndarray:
    """A point's inside as drawn: its colour at the page's fill alpha (0.7) over white."""
    return 0.7 * _rgb(colour) + 0.3 * 255


def _pixels_like(picture: np.ndarray, colour: str) -> int:
    return int((np.abs(picture - _fill(colour)).max(axis=2) <= 10).sum())


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ae = ToyAE().eval()
    explorer = LatentExplorer(
        ae.encode, ae.decode, X, labels=Y, metadata={"error": ERROR, "size": SIZE}, progress=False
    )
    explorer.wait()
    path = explorer.save_html(tmp_path_factory.mktemp("colour_by") / "map.html")
    explorer.close()
    return path


@pytest.fixture
def page(browser: Any, page_file: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    blocked: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    opened.route("**/*", route)
    opened.goto(page_file.as_uri())
    opened.wait_for_function("() => window.Bokeh && Bokeh.index.roots.length > 0")
    yield opened
    context.close()
    assert not errors, errors
    assert not blocked, blocked


def _map_picture(page: Any) -> np.ndarray:
    page.mouse.move(1, 1)  # no tooltip over the points
    page.wait_for_timeout(400)  # BokehJS repaints on the next frame
    frame = page.evaluate(FRAME)
    shot = page.screenshot(clip=frame)
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def _choose(page: Any, name: str) -> None:
    page.get_by_role("combobox").select_option(label=name)
    field = "null" if name == "None" else "'col_'"
    page.wait_for_function(
        f"() => {{ const f = ({STATE})().field; return {field} === null ? f === null"
        f" : f !== null && f.startsWith({field}); }}"
    )


def test_choosing_a_column_recolours_the_points_legend_and_tooltip(page: Any) -> None:
    labels = colors.category_colors(["0", "1", "2"])
    sizes = colors.category_colors(["large", "small", colors.MISSING_LABEL])
    assert page.get_by_role("combobox").input_value() == "label"
    state = page.evaluate(STATE)
    assert (state["legend"], state["rows"], state["bars"]) == ("label", ["0", "1", "2"], [])
    assert state["title"] == f"{N} points · PCA · coloured by label"
    before = _map_picture(page)
    assert all(_pixels_like(before, colour) > 40 for colour in labels)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export_colour_by_label.png"))

    _choose(page, "size")
    state = page.evaluate(STATE)
    assert state["legend"] == "size"
    assert state["rows"] == ["large", "small", colors.MISSING_LABEL]
    assert state["title"] == f"{N} points · PCA · coloured by size"
    after = _map_picture(page)
    page.screenshot(path=str(ARTIFACTS / "export_colour_by_size.png"))
    assert all(_pixels_like(after, colour) > 40 for colour in sizes)
    assert _pixels_like(after, labels[2]) < 5  # label 2's red is gone: no size wears it

    # the tooltip follows: a point's size, by name
    index = 1  # "large"
    x, y = page.evaluate(POINT, index)
    page.mouse.move(x, y)
    tooltip = page.locator("div.lw-tooltip")
    tooltip.wait_for()
    hovered = int(tooltip.inner_text().split("point ")[1].split()[0])
    assert f"size: {SIZE[hovered] or colors.MISSING_LABEL}" in tooltip.inner_text()
    assert "label:" not in tooltip.inner_text()

    _choose(page, "error")
    state = page.evaluate(STATE)
    assert (state["legend"], state["bars"]) == (None, ["error"])
    ramp = _map_picture(page)
    page.screenshot(path=str(ARTIFACTS / "export_colour_by_error.png"))
    assert _pixels_like(ramp, colors.RAMP[0]) > 20  # the smallest errors: the ramp's dark end
    assert _pixels_like(ramp, colors.RAMP[-1]) > 20
    assert _pixels_like(ramp, sizes[1]) < 5  # "small"'s orange is gone

    _choose(page, "None")
    state = page.evaluate(STATE)
    assert (state["legend"], state["bars"]) == (None, [])
    assert state["title"] == f"{N} points · PCA"
    plain = _map_picture(page)
    assert _pixels_like(plain, colors.CATEGORICAL[0]) > 40 * 3
    assert _pixels_like(plain, labels[1]) < 5


def test_the_selection_keeps_the_new_colours(page: Any) -> None:
    """Unselected points are drawn by a glyph of their own: it follows the select too."""
    _choose(page, "size")
    frame = page.evaluate(FRAME)
    page.mouse.move(frame["x"] + 5, frame["y"] + 5)
    page.mouse.down()
    page.mouse.move(frame["x"] + frame["width"] * 0.5, frame["y"] + frame["height"] * 0.5, steps=5)
    page.mouse.up()
    selected = "() => Bokeh.documents[0].get_model_by_name('latent_source').selected.indices"
    page.wait_for_function(f"() => ({selected})().length > 0")
    renderer = "Bokeh.documents[0].get_model_by_name('latent_points')"
    fields = page.evaluate(
        f"() => [{renderer}.glyph.fill_color.field, {renderer}.nonselection_glyph.fill_color.field]"
    )
    assert fields[0] == fields[1]
    assert fields[0].startswith("col_")
