"""The Bokeh page behind :mod:`latentwidgets.export`: maps, legends, galleries, sliders, checks."""

from __future__ import annotations

import base64
import html
import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from bokeh.core.properties import value
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, HoverTool
from bokeh.models.annotations import ColorBar, Legend, LegendItem
from bokeh.models.mappers import LinearColorMapper
from bokeh.models.widgets import Button, Div, Slider
from bokeh.plotting import figure
from bokeh.transform import factor_cmap, transform

from latentwidgets import colors
from latentwidgets.render import Preview, PreviewRenderer, ValueRange

_PLOT_PX = 600
# Legend rows, as many as the widget's legend shows (MAX_ROWS in js/src/legend.ts).
_LEGEND_ROWS = 24
# Frames are shown with their longer side at this many CSS pixels, upscaled without smoothing.
_FRAME_PX = 256
_PIXELATED = "image-rendering: pixelated; display: block;"
# The selection gallery shows at most this many thumbnails (and the count of all selected).
_GALLERY_MAX = 48
# A comparison's maps are this wide each (side by side).
_COMPARE_PX = 480
# The gallery of a comparison with reconstructions shows this many rows (input and each model's
# output side by side): rows of 3+ thumbnails are long, and the indices field holds them all.
_ROWS_MAX = 16


def _page(
    maps: list[tuple[str, np.ndarray]],
    *,
    images: Any,
    labels: Any,
    label_names: Sequence[str] | None,
    label_order: Sequence[str] | None,
    frames: Any,
    frames_title: str | None,
    title: str,
    point_size: float | None,
    thumb_size: int,
    value_range: ValueRange,
    preview_fn: Callable[[Any], Any] | None,
    history: list[tuple[str, np.ndarray]] | None,
    outputs: list[tuple[str, Any]] | None = None,
) -> Any:
    """Lay out the page: one figure per map over one shared source and the selection panel.

    The frame panel and the history slider come only with one map. ``outputs`` are, per model,
    its name and its decoded outputs of the points, rendered as ``images`` are: the gallery then
    shows each selected point's input beside every model's output, one column per model.
    """
    n = len(maps[0][1])
    _check_str(title, "title")
    if frames_title is not None:
        _check_str(frames_title, "frames_title")
    thumb_size = _check_count(thumb_size, "thumb_size")
    if point_size is None:
        point_size = float(np.clip(8 * (1000 / n) ** 0.25, 2, 10))
    else:
        point_size = _check_positive(point_size, "point_size", "a positive number or None")
    single = len(maps) == 1
    columns = [("x", "y")] if single else [(f"x_{k}", f"y_{k}") for k in range(len(maps))]
    data: dict[str, Any] = {}
    for (x, y), (_, xy) in zip(columns, maps, strict=True):
        data[x], data[y] = xy[:, 0], xy[:, 1]
    renderer = PreviewRenderer(preview_fn, value_range, max_size=thumb_size)
    tooltip: list[str] = []
    colour: Any = colors.CATEGORICAL[0]
    rows: list[tuple[str, int]] = []
    colour_bar = None
    # Labels and frames before the thumbnails: a mistake there is reported without the wait.
    if labels is not None:
        data["label"], colour, colour_bar, rows = _colour_by(labels, label_names, label_order, n)
    elif label_names is not None or label_order is not None:
        given = "label_names" if label_names is not None else "label_order"
        raise ValueError(f"{given} needs labels; got {given} without labels")
    panel = None
    if frames is not None:
        panel = _frame_panel(
            frames, frames_title or "frame", PreviewRenderer(value_range=value_range)
        )
    if images is not None:
        thumbs = _previews(images, "images", renderer)
        if len(thumbs) != n:
            raise ValueError(f"images must hold one item per point ({n}); got {len(thumbs)}")
        data["thumb"] = [_data_uri(thumb, "images", i) for i, thumb in enumerate(thumbs)]
        sizes = [_display_size(thumb, thumb_size) for thumb in thumbs]
        data["thumb_w"] = [width for width, _ in sizes]
        data["thumb_h"] = [height for _, height in sizes]
        tooltip.append(
            '<img class="lw-thumb" src="@thumb{safe}" width="@thumb_w" height="@thumb_h"'
            f' style="{_PIXELATED}" alt="thumbnail">'
        )
    columns_out = _output_columns(outputs or [], n, thumb_size, renderer, data)
    if labels is not None:
        tooltip.append("<div>label: @label</div>")
    stops = None if history is None else _history_stops(history, maps[0][1], data)
    source = ColumnDataSource(data, name="latent_source")
    plots = []
    for k, ((x, y), (name, _)) in enumerate(zip(columns, maps, strict=True)):
        plot = figure(
            title=name,
            name="latent_map" if single else f"latent_map_{k}",
            width=_PLOT_PX if single else _COMPARE_PX,
            height=_PLOT_PX if single else _COMPARE_PX,
            tools="pan,wheel_zoom,box_select,lasso_select,reset,save",
            active_scroll="wheel_zoom",
            active_drag="box_select",
            output_backend="webgl",
        )
        if colour_bar is not None:
            bar = (
                colour_bar
                if k == 0
                else ColorBar(
                    color_mapper=colour_bar.color_mapper, title=colour_bar.title, width=12
                )
            )
            plot.add_layout(bar, "right")
        points = plot.scatter(
            x,
            y,
            source=source,
            size=point_size,
            fill_color=colour,
            line_color=colour,
            fill_alpha=0.7,
            name="latent_points" if single else f"latent_points_{k}",
        )
        where = f"<div>point $index at (@{x}{{0.00}}, @{y}{{0.00}})</div>"
        plot.add_tools(
            HoverTool(
                renderers=[points],
                tooltips=f'<div class="lw-tooltip">{"".join(tooltip)}{where}</div>',
                limit=1,
                name="latent_hover" if single else f"latent_hover_{k}",
            )
        )
        if rows:
            plot.add_layout(_legend(rows, points), "right")
        plots.append(plot)
    maps_row: Any = plots[0] if single else row(*plots)
    if stops is not None:
        maps_row = column(maps_row, _history_slider(source, stops, width=_PLOT_PX))
    side = [_selection_panel(source, images is not None, columns_out)]
    if panel is not None:
        side.append(panel)
    if single:
        return row(maps_row, column(*side))
    return column(maps_row, *side)


def _output_columns(
    outputs: list[tuple[str, Any]],
    n: int,
    thumb_size: int,
    renderer: PreviewRenderer,
    data: dict[str, Any],
) -> list[tuple[str, str]]:
    """Add each model's output thumbnails to ``data`` (``out_k``, ``_w``, ``_h``); name them."""
    named = []
    for k, (name, images) in enumerate(outputs):
        thumbs = _previews(images, f"{name}'s outputs", renderer)
        if len(thumbs) != n:
            raise ValueError(f"{name}'s outputs must hold one per point ({n}); got {len(thumbs)}")
        data[f"out_{k}"] = [_data_uri(t, f"{name}'s outputs", i) for i, t in enumerate(thumbs)]
        sizes = [_display_size(thumb, thumb_size) for thumb in thumbs]
        data[f"out_{k}_w"] = [width for width, _ in sizes]
        data[f"out_{k}_h"] = [height for _, height in sizes]
        named.append((name, f"out_{k}"))
    return named


def _history(history: Any, n: int) -> list[tuple[str, np.ndarray]]:
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise TypeError(
            f"history must be a sequence of (name, coords) pairs; got {type(history).__name__}"
        )
    snapshots = []
    for k, item in enumerate(history):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise TypeError(f"history[{k}] must be a (name, coords) pair; got {item!r:.60}")
        name = _check_str(item[0], f"history[{k}]'s name")
        try:
            xy = _coords(item[1])
        except ValueError as error:
            raise ValueError(f"history[{k}]: {error}") from None
        if len(xy) != n:
            raise ValueError(f"history[{k}] must map the same {n} points; got {len(xy)}")
        snapshots.append((name, xy))
    return snapshots


def _history_stops(
    history: list[tuple[str, np.ndarray]], xy: np.ndarray, data: dict[str, Any]
) -> list[tuple[str, str, str]] | None:
    """Add the snapshots' maps to ``data`` (float32); the slider's stops as (name, x, y) columns.

    The last stop is ``"now"`` (the map on show) unless the last snapshot is that map; with fewer
    than two stops there is nothing to replay and no slider.
    """
    maps = list(history)
    if not maps or not np.allclose(maps[-1][1], xy):
        maps.append(("now", xy))
    if len(maps) < 2:
        return None
    stops = []
    for k, (name, coords) in enumerate(maps):
        x, y = f"history_x_{k}", f"history_y_{k}"
        data[x], data[y] = coords[:, 0].astype(np.float32), coords[:, 1].astype(np.float32)
        stops.append((name, x, y))
    return stops


def _history_slider(source: ColumnDataSource, stops: list[tuple[str, str, str]], width: int) -> Any:
    """Build the history slider and its label (``snapshot k/S: name``)."""
    names = [name for name, _, _ in stops]
    last = len(stops) - 1
    label = Div(
        text=f"snapshot {last + 1}/{len(stops)}: {html.escape(names[last])}",
        width=width,
        name="history_label",
    )
    slider = Slider(
        start=0,
        end=last,
        value=last,
        step=1,
        show_value=False,
        title=None,
        width=width,
        name="history_slider",
    )
    # All snapshots' maps are columns of the page's source: the swap needs no kernel.
    slider.js_on_change(
        "value",
        CustomJS(
            args={
                "source": source,
                "label": label,
                "names": [html.escape(name) for name in names],
                "xs": [x for _, x, _ in stops],
                "ys": [y for _, _, y in stops],
            },
            code="""
const k = cb_obj.value;
const data = Object.assign({}, source.data);
data.x = Array.from(source.data[xs[k]]);
data.y = Array.from(source.data[ys[k]]);
source.data = data;
label.text = `snapshot ${k + 1}/${names.length}: ${names[k]}`;
""",
        ),
    )
    return column(label, slider)


_FIELD_HEAD = (
    '<textarea class="lw-selection-field" readonly rows="3" aria-label="selected indices"'
    ' style="width: 280px; font-family: monospace;">'
)
_FIELD_TAIL = "</textarea>"

_GALLERY_JS = """
const picked = source.selected.indices.slice().sort((a, b) => a - b);
const n = picked.length;
const cap = outputs.length > 0 ? rowLimit : limit;
const shown = picked.slice(0, cap);
let html = `<div class="lw-gallery-count" data-count="${n}">${n} selected` +
  (n > cap ? ` (first ${cap} shown)` : "") + "</div>";
if (outputs.length > 0 && n > 0) {
  // one row per selected point: its input, then each model's output
  const d = source.data;
  const img = (col, i, cls, extra) =>
    `<td><img class="${cls}" data-index="${i}"${extra} src="${d[col][i]}"` +
    ` width="${d[col + "_w"][i]}" height="${d[col + "_h"][i]}" alt="point ${i}"` +
    ` style="${style}"></td>`;
  const header = (thumbs ? "<th>input</th>" : "") + outputs.map(([name]) =>
    `<th data-model="${name}">${name}</th>`).join("");
  const rows = shown.map((i) => `<tr data-index="${i}">` +
    (thumbs ? img("thumb", i, "lw-gallery-thumb", "") : "") +
    outputs.map(([name, col]) =>
      img(col, i, "lw-gallery-output", ` data-model="${name}"`)).join("") + "</tr>").join("");
  html += `<table class="lw-gallery lw-gallery-table"><tr>${header}</tr>${rows}</table>`;
} else if (thumbs && n > 0) {
  const d = source.data;
  html += '<div class="lw-gallery" style="display: flex; flex-wrap: wrap; gap: 2px;' +
    ' max-width: 300px;">' + shown.map((i) =>
      `<img class="lw-gallery-thumb" data-index="${i}" src="${d.thumb[i]}"` +
      ` width="${d.thumb_w[i]}" height="${d.thumb_h[i]}" title="point ${i}" alt="point ${i}"` +
      ` style="${style}">`).join("") + "</div>";
}
gallery.text = html;
field.text = head + picked.join(",") + tail;
button.label = "Copy selected indices";
"""

_COPY_JS = """
const text = source.selected.indices.slice().sort((a, b) => a - b).join(",");
field.text = head + text + tail;
const fallback = () => {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); } catch (error) { /* the field still holds them */ }
  area.remove();
};
if (navigator.clipboard && navigator.clipboard.writeText) {
  navigator.clipboard.writeText(text).catch(fallback);
} else {
  fallback();
}
const n = text ? text.split(",").length : 0;
button.label = `Copied ${n} ${n === 1 ? "index" : "indices"}`;
"""


def _selection_panel(
    source: ColumnDataSource, thumbs: bool, outputs: list[tuple[str, str]] | None = None
) -> Any:
    """Build the gallery of the selected points, a copy button and a read-only indices field.

    With ``outputs`` (model name, source column) the gallery is a table: a row per selected
    point, its input and then each model's output.
    """
    gallery = Div(
        text='<div class="lw-gallery-count" data-count="0">0 selected'
        " (box or lasso select on the map)</div>",
        width=300,
        name="selection_gallery",
    )
    field = Div(text=_FIELD_HEAD + _FIELD_TAIL, width=300, name="selection_field")
    button = Button(label="Copy selected indices", width=200, name="copy_selection")
    shared = {"source": source, "field": field, "head": _FIELD_HEAD, "tail": _FIELD_TAIL}
    source.selected.js_on_change(
        "indices",
        CustomJS(
            args={
                **shared,
                "gallery": gallery,
                "button": button,
                "thumbs": thumbs,
                "limit": _GALLERY_MAX,
                # names go into the gallery's HTML
                "outputs": [[html.escape(name), column] for name, column in outputs or []],
                "rowLimit": _ROWS_MAX,
                "style": "image-rendering: pixelated;",
            },
            code=_GALLERY_JS,
        ),
    )
    button.js_on_event("button_click", CustomJS(args={**shared, "button": button}, code=_COPY_JS))
    return column(gallery, button, field)


def _path(path: Any) -> Path:
    if isinstance(path, str | os.PathLike):
        return Path(path)
    raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")


def _check_str(text: Any, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; got {type(text).__name__}")
    return text


def _check_count(count: Any, name: str) -> int:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {type(count).__name__} {count!r}")
    if count < 1:
        raise ValueError(f"{name} must be a positive int; got {count!r}")
    return int(count)


def _check_positive(number: Any, name: str, expected: str) -> float:
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise TypeError(f"{name} must be {expected}; got {type(number).__name__} {number!r}")
    if not 0 < float(number) < float("inf"):
        raise ValueError(f"{name} must be {expected}; got {number!r}")
    return float(number)


def _to_numpy(values: Any) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def _coords(coords: Any) -> np.ndarray:
    xy = _to_numpy(coords)
    if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] == 0:
        raise ValueError(f"coords must have shape (N, 2) with N >= 1; got shape {xy.shape}")
    if xy.dtype.kind not in "biuf":
        raise ValueError(f"coords must hold numbers; got dtype {xy.dtype}")
    xy = xy.astype(np.float64)
    if not np.isfinite(xy).all():
        raise ValueError("coords must be finite; got NaN or infinite values")
    return xy


def _colour_by(
    labels: Any, label_names: Any, label_order: Any, n: int
) -> tuple[Any, Any, ColorBar | None, list[tuple[str, int]]]:
    """Encode the labels: the column, its colour spec, a colour bar or legend rows.

    The encoding and the palettes are :mod:`latentwidgets.colors`', as in the widget. Legend rows
    are ``(name, first point)`` for the categories any point has, in legend order.
    """
    # A list of strings stays a list of objects: np.asarray would widen every one to the longest.
    values = (
        np.array(labels, dtype=object) if isinstance(labels, list | tuple) else _to_numpy(labels)
    )
    if values.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per point; got shape {values.shape}")
    order = None if label_order is None else colors._check_order(label_order, "label_order")
    if label_names is not None:
        names = colors._check_order(label_names, "label_names")
        if values.dtype == object:
            values = np.asarray(values.tolist())
        if values.dtype.kind not in "biuf" or not np.array_equal(values, np.round(values)):
            raise ValueError(
                f"label_names needs integer labels; got labels of dtype {values.dtype}"
            )
        if values.min() < 0 or values.max() >= len(names):
            raise ValueError(
                f"labels must lie in [0, {len(names)}) to index label_names;"
                f" got values from {values.min()} to {values.max()}"
            )
        values = np.asarray(names, dtype=object)[values.astype(np.int64)]
        order = names if order is None else order
    kind, encoded, categories, value_range = colors.encode_colors(values, order)
    if kind == "continuous":
        low, high = colors.continuous_range(encoded, value_range)
        mapper = LinearColorMapper(
            palette=list(colors.RAMP), low=low, high=high, nan_color=colors.MISSING_COLOR
        )
        bar = ColorBar(color_mapper=mapper, title="label", width=12)
        return encoded, transform("label", mapper), bar, []
    codes, first = np.unique(encoded, return_index=True)
    rows = [(categories[code], int(index)) for code, index in zip(codes, first, strict=True)]
    column = np.asarray(categories, dtype=object)[encoded]
    return column, factor_cmap("label", colors.category_colors(categories), categories), None, rows


def _legend(rows: list[tuple[str, int]], points: Any) -> Legend:
    """Build a legend of the first rows, with the other and missing rows always in it."""
    special = [row for row in rows if row[0] in (colors.OTHER_LABEL, colors.MISSING_LABEL)]
    shown = [row for row in rows if row not in special][: _LEGEND_ROWS - len(special)] + special
    legend = Legend(
        items=[
            LegendItem(label=value(name), renderers=[points], index=index) for name, index in shown
        ],
        name="latent_legend",
    )
    if len(rows) > len(shown):
        legend.title = f"{len(shown)} of {len(rows)} shown"
    return legend


def _previews(items: Any, name: str, renderer: PreviewRenderer) -> list[Preview]:
    if isinstance(items, str) or not hasattr(items, "__len__"):
        raise ValueError(
            f"{name} must be a batch or a sequence of items; got {type(items).__name__}"
        )
    return renderer.render_batch(items)


def _data_uri(preview: Preview, name: str, index: int) -> str:
    if preview.kind != "image":
        raise ValueError(
            f"{name}[{index}] rendered as text ({preview.text!r:.60}); only images can be embedded"
        )
    return "data:image/png;base64," + base64.b64encode(preview.to_png()).decode("ascii")


def _display_size(preview: Preview, longest: int) -> tuple[int, int]:
    """Size that shows ``preview`` with its longer side at ``longest`` pixels."""
    scale = longest / max(preview.width, preview.height)
    return max(1, round(preview.width * scale)), max(1, round(preview.height * scale))


def _frame_panel(frames: Any, slider_title: str, renderer: PreviewRenderer) -> Any:
    previews = _previews(frames, "frames", renderer)
    if len(previews) < 2:
        raise ValueError(f"frames must hold at least 2 images for the slider; got {len(previews)}")
    uris = [_data_uri(preview, "frames", i) for i, preview in enumerate(previews)]
    width, height = _display_size(previews[0], _FRAME_PX)
    head = f'<img class="lw-frame" width="{width}" height="{height}" style="{_PIXELATED}" src="'
    tail = '" alt="frame">'
    view = Div(text=head + uris[0] + tail, width=width, height=height, name="frame_view")
    slider = Slider(
        start=0,
        end=len(uris) - 1,
        value=0,
        step=1,
        title=slider_title,
        width=max(width, 200),
        name="frame_slider",
    )
    # The swap happens in the browser: all frames are in the page, no kernel is involved.
    slider.js_on_change(
        "value",
        CustomJS(
            args={"view": view, "frames": uris, "head": head, "tail": tail},
            code="view.text = head + frames[cb_obj.value] + tail;",
        ),
    )
    return column(view, slider)
