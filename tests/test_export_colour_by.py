"""The exported page's colour-by select: it lists the columns the page carries, each travels once
as a compact array, and its callback recolours the points as the widget colours them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from latentwidgets import colors, export
from latentwidgets.explorer import LatentExplorer
from tests._toy import N, ToyAE, X, Y
from tests.test_export import (
    bokeh_models,
    coords,
    mapped_colours,
    models_by_id,
    page_colours,
    source_column,
)

# A continuous column spread over two decades, so that a log scale moves the colours.
ERROR = np.geomspace(0.01, 3.0, N).astype(np.float32)[np.random.default_rng(1).permutation(N)]
SIZE = np.array(["small", "large", None, "large"] * (N // 4), dtype=object)


def select_of(models: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    (select,) = [s for s in models.get("Select", []) if s.get("name") == "colour_select"]
    return select


def callback_args(path: Path) -> dict[str, Any]:
    """The select's CustomJS arguments, models resolved (mappers, legend items, bars)."""
    by_id = models_by_id(path)
    (callback,) = select_of(bokeh_models(path))["js_property_callbacks"]["entries"][0][1]
    args = dict(callback["attributes"]["args"]["entries"])

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and "id" in node and node.get("type") != "object":
            return by_id[node["id"]]
        if isinstance(node, dict) and node.get("type") == "object":
            return {"type": node["name"], **node["attributes"]}
        if isinstance(node, list):
            return [resolve(child) for child in node]
        return node

    return {name: resolve(value) for name, value in args.items()}


def choice_colours(path: Path, name: str) -> list[str]:
    """Each point's colour once the select picks ``name``: the callback's field and mapper."""
    args = callback_args(path)
    c = args["names"].index(name)
    return mapped_colours(source_column(bokeh_models(path), args["fields"][c]), args["mappers"][c])


@pytest.fixture
def explorer() -> Any:
    ae = ToyAE().eval()
    widget = LatentExplorer(
        ae.encode,
        ae.decode,
        X,
        labels=Y,
        metadata={"error": ERROR, "size": SIZE},
        progress=False,
    )
    widget.wait()
    yield widget
    widget.close()


def widget_colours(explorer: Any) -> list[str]:
    return list(
        colors.point_colors(
            explorer._color_kind,
            explorer._colors,
            explorer._color_categories,
            explorer._color_range,
        )
    )


def test_the_select_lists_every_column_and_starts_at_the_widgets(
    explorer: Any, tmp_path: Path
) -> None:
    explorer.color_by = "size"
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    select = select_of(bokeh_models(path))
    assert select["options"] == [
        ["", "None"],
        ["label", "label"],
        ["error", "error"],
        ["size", "size"],
    ]
    assert select["value"] == "size"
    # the glyph starts with the widget's colours of that column
    assert page_colours(path) == widget_colours(explorer)


@pytest.mark.parametrize("scale", ["linear", "log", "quantile"])
def test_each_choice_colours_the_points_as_the_widget_does(
    explorer: Any, tmp_path: Path, scale: str
) -> None:
    explorer.color_scale = scale
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    for name in ("label", "error", "size"):
        explorer.color_by = name
        assert choice_colours(path, name) == widget_colours(explorer), name
    args = callback_args(path)
    assert args["mappers"][0] is None  # "None": the plain colour
    assert args["plain"] == colors.CATEGORICAL[0]


def test_columns_travel_once_as_compact_arrays(explorer: Any, tmp_path: Path) -> None:
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    models = bokeh_models(path)
    (source,) = models["ColumnDataSource"]
    names = [name for name, _ in source["data"]["entries"]]
    # label, error, size: one array each (the label, shown first, is not there twice)
    assert sorted(n for n in names if n.startswith(("col_", "raw_", "label"))) == [
        "col_0",
        "col_1",
        "col_2",
    ]
    assert source_column(models, "col_0").dtype == np.uint8
    assert source_column(models, "col_1").dtype == np.float32
    assert np.array_equal(source_column(models, "col_1"), ERROR)
    assert callback_args(path)["fields"] == [None, "col_0", "col_1", "col_2"]


def test_a_log_scale_keeps_the_values_for_the_tooltip_and_the_bar_labels(
    explorer: Any, tmp_path: Path
) -> None:
    explorer.color_scale = "log"
    explorer.color_by = "error"
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    models = bokeh_models(path)
    assert np.array_equal(source_column(models, "raw_1"), ERROR)  # the tooltip says the value
    assert np.allclose(source_column(models, "col_1"), np.log10(ERROR))  # the ramp gets the log
    (bar,) = [b for b in models["ColorBar"] if b.get("visible", True)]
    assert bar["title"] == "error"
    labels = [label for _, label in dict(bar["major_label_overrides"]["entries"]).items()]
    assert labels == [label for _, label in explorer._color_ticks]
    (hover,) = [h for h in models["HoverTool"] if h.get("name") == "latent_hover"]
    assert "error: @raw_1{custom}" in hover["tooltips"]


def test_the_callback_swaps_legend_items_bars_and_tooltips_per_column(
    explorer: Any, tmp_path: Path
) -> None:
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    args = callback_args(path)
    assert args["names"] == ["", "label", "error", "size"]
    (items,) = args["items"]  # one map
    legend_names = [[item["label"]["value"] for item in column] for column in items]
    assert legend_names == [[], ["0", "1", "2"], [], ["large", "small", colors.MISSING_LABEL]]
    assert args["titles"] == ["", "label", "error", "size"]
    (bars,) = args["bars"]
    assert [bar is not None for bar in bars] == [False, False, True, False]
    assert bars[2]["visible"] is False  # shown only once "error" is chosen
    (tooltips,) = args["tooltips"]
    assert "label: @col_0{custom}" in tooltips[1]
    assert "error:" not in tooltips[1]
    assert "@col_" not in tooltips[0]  # "None": position only
    # the map's title says the column chosen: the callback rewrites what follows its head
    assert args["head"] == f"{N} points · PCA"


def test_an_uncoloured_explorer_starts_at_none(explorer: Any, tmp_path: Path) -> None:
    explorer.color_by = ""
    path = explorer.save_html(tmp_path / "map.html", thumbnails="none")
    models = bokeh_models(path)
    assert select_of(models).get("value", "") == ""  # Bokeh leaves its default out
    assert set(page_colours_plain(path)) == {colors.CATEGORICAL[0]}
    (legend,) = models["Legend"]
    assert legend["visible"] is False


def page_colours_plain(path: Path) -> list[str]:
    by_id = models_by_id(path)
    (points,) = [m for m in by_id.values() if m.get("name") == "latent_points"]
    return [by_id[points["glyph"]["id"]]["fill_color"]["value"]]


def test_one_column_and_no_choice_make_no_select(tmp_path: Path) -> None:
    path = export.save_html(tmp_path / "one.html", coords(N), labels=Y.numpy())
    assert not [s for s in bokeh_models(path).get("Select", []) if s.get("name") == "colour_select"]
    path = export.save_html(tmp_path / "two.html", coords(N), labels=Y, columns={"error": ERROR})
    assert select_of(bokeh_models(path))["options"] == [
        ["", "None"],
        ["label", "label"],
        ["error", "error"],
    ]


def test_column_orders_and_names_reach_the_page(tmp_path: Path) -> None:
    path = export.save_html(
        tmp_path / "map.html",
        coords(N),
        columns={"size": SIZE, "cost $@<b>": ERROR},
        column_orders={"size": ["small", "large"]},
    )
    args = callback_args(path)
    assert args["names"] == ["", "size", "cost $@<b>"]
    # no labels: the page starts uncoloured
    assert select_of(bokeh_models(path)).get("value", "") == ""
    (items,) = args["items"]
    assert [item["label"]["value"] for item in items[1]] == ["small", "large", "(missing)"]
    # the name is HTML in the tooltip: escaped, and no @ or $ for Bokeh to read as a field
    (tooltips,) = args["tooltips"]
    assert "cost &#36;&#64;&lt;b&gt;: @col_1{custom}" in tooltips[2]


def test_a_comparison_page_recolours_both_maps(tmp_path: Path) -> None:
    ae = ToyAE().eval()
    first = LatentExplorer(
        ae.encode, ae.decode, X, labels=Y, metadata={"error": ERROR}, progress=False
    )
    second = LatentExplorer(ae.encode, None, X, labels=Y, progress=False)
    first.wait()
    second.wait()
    path = export.save_comparison({"A": first, "B": second}, tmp_path / "c.html")
    args = callback_args(path)
    assert args["names"] == ["", "label", "error"]
    assert len(args["renderers"]) == len(args["legends"]) == len(args["bars"]) == 2
    assert args["head"] is None  # the maps are titled with their names, left alone
    first.close()
    second.close()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"columns": [ERROR]}, TypeError, "columns must be a mapping of name"),
        ({"columns": {3: ERROR}}, TypeError, "columns' keys must be a str; got int"),
        ({"columns": {"": ERROR}}, ValueError, "columns' keys must be names; got ''"),
        (
            {"columns": {"error": ERROR[:5]}},
            ValueError,
            r"columns\['error'\] must have shape \(60,\), one per point; got shape \(5,\)",
        ),
        (
            {"columns": {"size": SIZE}, "column_orders": {"size": ["small"]}},
            ValueError,
            "order must name every value",
        ),
        (
            {"columns": {"size": SIZE}, "column_orders": {"kind": ["a"]}},
            ValueError,
            r"column_orders must name columns of columns \['size'\]; got \['kind'\]",
        ),
        ({"column_orders": ["a"]}, TypeError, "column_orders must be a mapping"),
        ({"color_scale": "sqrt"}, ValueError, "color_scale must be one of"),
    ],
)
def test_bad_columns_are_named(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        export.save_html(tmp_path / "x.html", coords(N), **kwargs)
    assert not (tmp_path / "x.html").exists()


def test_a_column_adds_about_its_compact_size_to_the_page(tmp_path: Path) -> None:
    n = 20_000
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(n, 2))
    labels = torch.from_numpy(rng.integers(0, 10, n))
    one = export.save_html(tmp_path / "one.html", xy, labels=labels)
    two = export.save_html(
        tmp_path / "two.html", xy, labels=labels, columns={"kind": rng.integers(0, 5, n)}
    )
    # a byte per point before Bokeh's gzip and base64, and a select: far below 4/3 byte a point
    assert two.stat().st_size - one.stat().st_size < n * 4 / 3
