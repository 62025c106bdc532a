"""The exported page's selection gallery, copy button, linked comparison and history slider."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import latentwidgets as lw
from latentwidgets import colors, export
from latentwidgets.explorer import LatentExplorer
from tests._toy import N, ToyAE, X, Y
from tests.test_export import bokeh_models, coords, digits


def named(models: dict[str, list[dict[str, Any]]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [m for m in models.get(kind, []) if m.get("name") == name]
    return found


def source_columns(models: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    (source,) = models["ColumnDataSource"]
    return dict(source["data"]["entries"])


def test_save_html_has_the_gallery_copy_button_and_field(tmp_path: Path) -> None:
    path = export.save_html(tmp_path / "map.html", coords(N), images=digits(N), labels=Y.numpy())
    models = bokeh_models(path)
    gallery = named(models, "Div", "selection_gallery")
    assert "0 selected" in gallery["text"]
    assert named(models, "Button", "copy_selection")["label"] == "Copy selected indices"
    assert "lw-selection-field" in named(models, "Div", "selection_field")["text"]
    # the selection drives the gallery: a CustomJS on the source's selected.indices
    codes = [c["code"] for c in models["CustomJS"]]
    assert any("gallery.text" in code and "selected.indices" in code for code in codes)
    assert any("navigator.clipboard" in code and "execCommand" in code for code in codes)
    assert len(models["BoxSelectTool"]) == len(models["LassoSelectTool"]) == 1


def test_comparison_page_shares_one_source(tmp_path: Path) -> None:
    ae = ToyAE()
    first = LatentExplorer(ae.encode, ae.decode, X, labels=Y, progress=False)
    torch.manual_seed(1)
    other = ToyAE()
    with torch.no_grad():
        other.enc.weight.mul_(-2.0)
    second = LatentExplorer(other.encode, other.decode, X, labels=Y, progress=False)
    first.wait()
    second.wait()
    path = export.save_comparison({"A": first, "B": second}, tmp_path / "compare.html")
    models = bokeh_models(path)
    assert len(models["ColumnDataSource"]) == 1  # one source: a selection in one map is in all
    figures = [p for p in models["Figure"] if str(p.get("name", "")).startswith("latent_map_")]
    assert len(figures) == 2
    titles = [p["title"]["attributes"]["text"] for p in figures]
    assert titles == ["A", "B"]
    columns = source_columns(models)
    assert {"x_0", "y_0", "x_1", "y_1", "thumb", "col_0"} <= set(columns)
    # each model's reconstructions, for the gallery's columns: one thumbnail per point
    assert {"out_0", "out_0_w", "out_0_h", "out_1"} <= set(columns)
    assert len(columns["out_1"]) == N
    assert columns["out_0"][0].startswith("data:image/png;base64,")
    assert columns["out_0"] != columns["out_1"]  # two decoders, two sets of reconstructions
    (gallery_js,) = [c for c in models["CustomJS"] if "gallery.text" in c["code"]]
    assert dict(gallery_js["args"]["entries"])["outputs"] == [["A", "out_0"], ["B", "out_1"]]
    # the same colours in both maps: one mapper over the one label column
    (mapper,) = models["LinearColorMapper"]
    assert mapper["palette"] == colors.category_colors(sorted({str(y) for y in Y.tolist()}))
    named(models, "Div", "selection_gallery")
    # BokehJS (about 1.5 MB) is inlined once, not once per map
    single = export.save_html(tmp_path / "one.html", first.coords, images=digits(N))
    assert path.stat().st_size < single.stat().st_size + 200_000


def test_comparison_from_lw_compare_and_a_list(tmp_path: Path) -> None:
    ae = ToyAE()
    comparison = lw.compare({"a": (ae.encode, ae.decode), "b": (ae.encode, None)}, X, labels=Y)
    path = export.save_comparison(comparison, tmp_path / "c.html", thumbnails="none")
    models = bokeh_models(path)
    assert len(models["ColumnDataSource"]) == 1
    assert "thumb" not in source_columns(models)
    assert "out_0" in source_columns(models)
    assert "out_1" not in source_columns(models)  # "b" has no decoder: no column of its own
    bare = export.save_comparison(comparison, tmp_path / "b.html", reconstructions=False)
    assert "out_0" not in source_columns(bokeh_models(bare))
    with pytest.raises(TypeError, match="reconstructions must be a bool; got str"):
        export.save_comparison(comparison, tmp_path / "x.html", reconstructions="yes")
    listed = export.save_comparison(list(comparison.explorers.values()), tmp_path / "l.html")
    titles = [
        p["title"]["attributes"]["text"]
        for p in bokeh_models(listed)["Figure"]
        if str(p.get("name", "")).startswith("latent_map_")
    ]
    assert titles == ["map 1", "map 2"]


def test_save_maps_one_source_per_page(tmp_path: Path) -> None:
    maps = {"pca": coords(N), "tsne": coords(N)[::-1].copy(), "umap": coords(N) * 2}
    path = export.save_maps(tmp_path / "m.html", maps, images=digits(N), labels=np.arange(N) % 3)
    models = bokeh_models(path)
    assert len(models["ColumnDataSource"]) == 1
    renderers = [r for r in models["GlyphRenderer"] if str(r.get("name", "")).startswith("latent")]
    assert len(renderers) == 3


def test_history_slider_has_one_stop_per_snapshot(tmp_path: Path) -> None:
    now = coords(N)
    history = [(f"epoch {k}", now * (k + 1)) for k in range(3)] + [("epoch 3", now)]
    path = export.save_html(tmp_path / "h.html", now, history=history)
    models = bokeh_models(path)
    slider = named(models, "Slider", "history_slider")
    assert (slider["start"], slider["end"], slider["value"]) == (0, 3, 3)  # S = 4 stops
    assert named(models, "Div", "history_label")["text"] == "snapshot 4/4: epoch 3"
    (code,) = [c for c in models["CustomJS"] if "names" in dict(c["args"]["entries"])]
    assert list(dict(code["args"]["entries"])["names"]) == [n for n, _ in history]
    columns = source_columns(models)
    assert {f"history_x_{k}" for k in range(4)} <= set(columns)


def test_history_gets_a_now_stop_when_the_map_moved_on(tmp_path: Path) -> None:
    now = coords(N)
    path = export.save_html(tmp_path / "h.html", now, history=[("start", now * 3)])
    models = bokeh_models(path)
    assert named(models, "Slider", "history_slider")["end"] == 1
    assert named(models, "Div", "history_label")["text"] == "snapshot 2/2: now"


def test_explorer_save_html_replays_its_history(tmp_path: Path) -> None:
    ae = ToyAE()
    explorer = LatentExplorer(ae.encode, ae.decode, X, labels=Y, progress=False)
    explorer.wait()
    for epoch in range(3):
        with torch.no_grad():
            ae.enc.weight.mul_(1.5)
        explorer.update(keep=True, name=f"epoch {epoch}")
    path = explorer.save_html(tmp_path / "e.html")
    models = bokeh_models(path)
    assert named(models, "Slider", "history_slider")["end"] == len(explorer.history) - 1 == 2
    assert named(models, "Div", "history_label")["text"].endswith("epoch 2")
    plain = LatentExplorer(ae.encode, ae.decode, X, labels=Y, progress=False)
    plain.wait()
    models = bokeh_models(plain.save_html(tmp_path / "p.html"))
    assert not [s for s in models.get("Slider", []) if s.get("name") == "history_slider"]


@pytest.mark.parametrize(
    ("call", "error", "named_argument"),
    [
        (lambda p: export.save_maps(p, [coords(N)]), TypeError, "maps"),
        (lambda p: export.save_maps(p, {}), ValueError, "maps"),
        (lambda p: export.save_maps(p, {"a": coords(N), "b": coords(N + 1)}), ValueError, "maps"),
        (lambda p: export.save_maps(p, {"a": np.zeros((N, 3))}), ValueError, "maps['a']"),
        (lambda p: export.save_maps(p, {1: coords(N)}), TypeError, "maps' keys"),
        (lambda p: export.save_comparison(42, p), TypeError, "comparison"),
        (lambda p: export.save_comparison({}, p), ValueError, "comparison"),
        (lambda p: export.save_comparison({"a": 1}, p), TypeError, "comparison"),
        (lambda p: export.save_html(p, coords(N), history="epoch"), TypeError, "history"),
        (lambda p: export.save_html(p, coords(N), history=[coords(N)]), TypeError, "history[0]"),
        (
            lambda p: export.save_html(p, coords(N), history=[("a", coords(N + 2))]),
            ValueError,
            "history[0]",
        ),
        (lambda p: export.save_html(p, coords(N), history=[(3, coords(N))]), TypeError, "history"),
    ],
)
def test_bad_arguments_are_named(
    tmp_path: Path, call: Any, error: type[Exception], named_argument: str
) -> None:
    with pytest.raises(error, match=re.escape(named_argument)):
        call(tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_save_comparison_bad_thumbnails_is_named(tmp_path: Path) -> None:
    ae = ToyAE()
    explorer = LatentExplorer(ae.encode, ae.decode, X, progress=False)
    with pytest.raises(ValueError, match="thumbnails"):
        export.save_comparison([explorer], tmp_path / "x.html", thumbnails="big")
