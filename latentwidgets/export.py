"""Files made from a latent map: a standalone HTML page (Bokeh) and an animated GIF of frames.

The page holds everything inline (BokehJS, the points, PNG thumbnails as data URIs), so it opens
from a ``file://`` URL on a machine without Python or internet access. Its points are coloured by
:mod:`latentwidgets.colors`, as the widget colours them.
"""

from __future__ import annotations

import base64
import html
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from bokeh.core.properties import value
from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, HoverTool
from bokeh.models.annotations import ColorBar, Legend, LegendItem
from bokeh.models.mappers import LinearColorMapper
from bokeh.models.widgets import Button, Div, Slider
from bokeh.plotting import figure
from bokeh.resources import INLINE
from bokeh.transform import factor_cmap, transform

from latentwidgets import colors
from latentwidgets.render import Preview, PreviewRenderer, ValueRange, to_rgba_batch

__all__ = ["save_comparison", "save_gif", "save_html", "save_maps"]

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


def save_html(
    path: str | os.PathLike[str],
    coords: Any,
    *,
    images: Any = None,
    labels: Any = None,
    label_names: Sequence[str] | None = None,
    label_order: Sequence[str] | None = None,
    frames: Any = None,
    frames_title: str | None = None,
    title: str = "latentwidgets",
    point_size: float | None = None,
    thumb_size: int = 48,
    value_range: ValueRange = "auto",
    preview_fn: Callable[[Any], Any] | None = None,
    history: Sequence[tuple[str, Any]] | None = None,
) -> Path:
    """Write a self-contained interactive HTML page of a 2-D latent map.

    The map has pan, wheel zoom, box and lasso select; hovering a point shows its thumbnail and
    label. A box or lasso selection fills a gallery beside the map with the selected points'
    thumbnails (the first 48, and the count), and writes their indices, comma-separated, into a
    read-only field that a button copies to the clipboard. With ``frames`` a panel beside the map
    shows one frame at a time, picked by a slider that runs in the browser; with ``history`` a
    slider (``history_slider``) moves the points to each snapshot's map.

    Thumbnails are PNG data URIs (an 8x8 grey digit is about 123 bytes of PNG, 164 in base64).
    A map of 10,000 scikit-learn digits with labels and thumbnails makes a 4.1 MB file: 1.85 MB
    of inlined BokehJS (with its widgets, for the gallery's button) plus about 220 bytes per
    point; it is written in about 3-4 s on a busy 2-core machine. The page of ``latentwidgets
    demo --html`` (1,797 digits and 16 frames) is 2.27 MB (measured with
    ``benchmarks/bench_render.py``).

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten if it exists).
    coords : array-like of shape (N, 2)
        Point positions; finite numbers.
    images : tensor, array or sequence, optional
        One item per point: a batch ``(N, C, H, W)`` / ``(N, H, W)`` / ``(N, H, W, C)`` or a sequence
        of items, rendered with :class:`latentwidgets.render.PreviewRenderer`.
    labels : array-like of shape (N,), optional
        Colours the points as :func:`latentwidgets.colors.encode_colors` decides, in the widget's
        colours: categories (strings, bools, integers with few values) get a legend of up to 24
        rows, continuous values (floats, integers with many values) a colour bar. Missing values
        (NaN, None) are grey.
    label_names : sequence of str, optional
        Names of integer categories: label ``k`` is shown as ``label_names[k]``, and the legend
        follows the names' order.
    label_order : sequence of str, optional
        The categories in legend order (the widget passes its own), as ``order`` in
        :func:`latentwidgets.colors.encode_colors`; applies to the names when ``label_names`` is
        given.
    frames : tensor, array or sequence, optional
        At least two images (e.g. decoded interpolation steps) shown one at a time by a slider.
    frames_title : str, optional
        Title of the frame slider; ``"frame"`` if not given.
    title : str
        Title of the page and of the map.
    point_size : float, optional
        Marker size in screen pixels; by default ``8 * (1000 / N) ** 0.25`` clipped to [2, 10].
    thumb_size : int
        Thumbnails are downscaled to at most this many pixels per side and shown at this size.
    value_range : "auto" or (float, float)
        Value range of ``images`` and ``frames``, as in :func:`latentwidgets.render.to_rgba`.
    preview_fn : callable, optional
        Applied to each item of ``images`` before rendering, as in
        :class:`latentwidgets.render.PreviewRenderer` (not to ``frames``, which are images).
    history : sequence of (str, array-like of shape (N, 2)), optional
        Named maps of the same points, oldest first (e.g. ``explorer.history`` snapshots'
        ``(name, coords)``). The page starts at ``coords``; the slider's stops are the snapshots,
        and a last stop ``"now"`` for ``coords`` unless the last snapshot's map is ``coords``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If an argument is of the wrong type (e.g. ``thumb_size=2.5``, ``title=None``).
    ValueError
        If an argument's shape, length or values do not fit the description above.
    """
    target = _path(path)
    xy = _coords(coords)
    snapshots = None if history is None else _history(history, len(xy))
    layout = _page(
        [(title, xy)],
        images=images,
        labels=labels,
        label_names=label_names,
        label_order=label_order,
        frames=frames,
        frames_title=frames_title,
        title=title,
        point_size=point_size,
        thumb_size=thumb_size,
        value_range=value_range,
        preview_fn=preview_fn,
        history=snapshots,
    )
    target.write_text(file_html(layout, resources=INLINE, title=title), encoding="utf-8")
    return target


def save_maps(
    path: str | os.PathLike[str],
    maps: Mapping[str, Any],
    *,
    images: Any = None,
    labels: Any = None,
    label_names: Sequence[str] | None = None,
    label_order: Sequence[str] | None = None,
    title: str = "latentwidgets",
    point_size: float | None = None,
    thumb_size: int = 48,
    value_range: ValueRange = "auto",
    preview_fn: Callable[[Any], Any] | None = None,
) -> Path:
    """Write several maps of the same points as one page whose selection is linked.

    One figure per map, side by side, each titled with its name. All figures draw from one
    ``ColumnDataSource`` (columns ``x_k`` / ``y_k`` for map ``k``), so a box or lasso selection
    in one selects the same points in all, and fills the one selection gallery. Colours, labels
    and thumbnails are shared, as in :func:`save_html`.

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten if it exists).
    maps : mapping of str to array-like of shape (N, 2)
        The maps by title, in page order; at least one, all of the same N points.
    images, labels, label_names, label_order, title, point_size, thumb_size, value_range, preview_fn
        As in :func:`save_html`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If an argument is of the wrong type.
    ValueError
        If the maps are missing or do not all hold the same number of points.
    """
    target = _path(path)
    if not isinstance(maps, Mapping):
        raise TypeError(
            f"maps must be a mapping of str to (N, 2) coords; got {type(maps).__name__}"
        )
    if not maps:
        raise ValueError("maps must hold at least one map; got an empty mapping")
    named: list[tuple[str, np.ndarray]] = []
    for name, xy in maps.items():
        _check_str(name, "maps' keys")
        try:
            named.append((name, _coords(xy)))
        except ValueError as error:
            raise ValueError(f"maps[{name!r}]: {error}") from None
    lengths = [len(xy) for _, xy in named]
    if len(set(lengths)) > 1:
        raise ValueError(f"maps must all hold the same points; got lengths {lengths}")
    layout = _page(
        named,
        images=images,
        labels=labels,
        label_names=label_names,
        label_order=label_order,
        frames=None,
        frames_title=None,
        title=title,
        point_size=point_size,
        thumb_size=thumb_size,
        value_range=value_range,
        preview_fn=preview_fn,
        history=None,
    )
    target.write_text(file_html(layout, resources=INLINE, title=title), encoding="utf-8")
    return target


def save_comparison(
    comparison: Any,
    path: str | os.PathLike[str],
    *,
    thumbnails: str = "auto",
    thumb_size: int = 48,
    title: str = "latentwidgets",
) -> Path:
    """Write linked explorers (or an ``lw.compare`` result) as one page with a linked selection.

    Each explorer's map is a figure titled with its name; the points are coloured as the first
    explorer colours them. See :func:`save_maps` for the page.

    Parameters
    ----------
    comparison : Comparison, dict of str to LatentExplorer, or sequence of LatentExplorer
        A :class:`latentwidgets.linked.Comparison` (its ``.explorers``), or explorers over the
        same items (a sequence is titled ``"map 1"``, ``"map 2"``, ...).
    path : str or os.PathLike
        File to write (overwritten if it exists).
    thumbnails : {"auto", "decoded", "input", "none"}, default "auto"
        What the hover and the gallery show: the input items ("auto" when there are any, as they
        are the same for every model), the first explorer's decoded outputs ("auto" without
        inputs), or nothing.
    thumb_size : int, default 48
        Thumbnails are scaled down to at most this many pixels a side.
    title : str, default "latentwidgets"
        Title of the page.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from latentwidgets.explorer import LatentExplorer

    explorers = getattr(comparison, "explorers", comparison)
    if isinstance(explorers, Mapping):
        named = [(str(name), explorer) for name, explorer in explorers.items()]
    elif isinstance(explorers, list | tuple):
        named = [(f"map {k + 1}", explorer) for k, explorer in enumerate(explorers)]
    else:
        raise TypeError(
            "comparison must be a Comparison, a dict of explorers or a list of explorers; "
            f"got {type(comparison).__name__}"
        )
    if not named:
        raise ValueError("comparison must hold at least one explorer; got none")
    bad = [type(e).__name__ for _, e in named if not isinstance(e, LatentExplorer)]
    if bad:
        raise TypeError(f"comparison must hold LatentExplorer objects; got {bad}")
    if thumbnails not in ("auto", "decoded", "input", "none"):
        raise ValueError(
            f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
        )
    first = named[0][1]
    if thumbnails == "auto":
        thumbnails = "input" if first._source.kind != "none" else "decoded"
    inputs = first._export_inputs(thumbnails)
    return save_maps(
        path,
        {name: explorer.coords for name, explorer in named},
        title=title,
        thumb_size=thumb_size,
        **inputs,
    )


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
) -> Any:
    """Lay out the page: one figure per map over one shared source and the selection panel.

    The frame panel and the history slider come only with one map.
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
    side = [_selection_panel(source, images is not None)]
    if panel is not None:
        side.append(panel)
    if single:
        return row(maps_row, column(*side))
    return column(maps_row, *side)


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
const shown = picked.slice(0, limit);
let html = `<div class="lw-gallery-count" data-count="${n}">${n} selected` +
  (n > limit ? ` (first ${limit} shown)` : "") + "</div>";
if (thumbs && n > 0) {
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


def _selection_panel(source: ColumnDataSource, thumbs: bool) -> Any:
    """Build the gallery of the selected points, a copy button and a read-only indices field."""
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
                "style": "image-rendering: pixelated;",
            },
            code=_GALLERY_JS,
        ),
    )
    button.js_on_event("button_click", CustomJS(args={**shared, "button": button}, code=_COPY_JS))
    return column(gallery, button, field)


def save_gif(
    path: str | os.PathLike[str],
    frames: Any,
    *,
    fps: float = 12.0,
    size: int = 128,
    value_range: ValueRange = "auto",
) -> Path:
    """Write frames (e.g. decoded interpolation steps) as an animated GIF that plays forth and back.

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten if it exists).
    frames : tensor, array or sequence
        At least one image: a batch ``(F, C, H, W)`` / ``(F, H, W)`` / ``(F, H, W, C)`` or a sequence
        of equally shaped images, as :func:`latentwidgets.render.to_rgba_batch` reads them.
    fps : float
        Frames per second, in (0, 100]: a GIF counts frame delays in hundredths of a second.
    size : int
        Width of the GIF in pixels, roughly: frames are scaled up by the whole factor
        ``max(1, size // width)`` without smoothing.
    value_range : "auto" or (float, float)
        How values map to grey levels, as in :func:`latentwidgets.render.to_rgba`; ``"auto"``
        detects one range over all frames.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If an argument is of the wrong type.
    ValueError
        If ``frames`` holds no images or ``fps`` / ``size`` / ``value_range`` is out of range.
    """
    from PIL import Image

    target = _path(path)
    fps = _check_positive(fps, "fps", "a number in (0, 100]")
    if fps > 100:
        raise ValueError(f"fps must be a number in (0, 100]; got {fps!r}")
    size = _check_count(size, "size")
    if frames is None or isinstance(frames, str) or not hasattr(frames, "__len__"):
        raise TypeError(
            f"frames must be a batch or a sequence of images; got {type(frames).__name__}"
        )
    if len(frames) == 0:
        raise ValueError("frames must hold at least 1 image; got 0")
    try:
        rgba = to_rgba_batch(frames, value_range=value_range)
    except ValueError as error:
        if "value_range" in str(error):
            raise
        raise ValueError(f"frames must be a batch of images: {error}") from error
    scale = max(1, size // rgba.shape[2])
    images = [
        Image.fromarray(f).resize(
            (f.shape[1] * scale, f.shape[0] * scale), Image.Resampling.NEAREST
        )
        for f in rgba
    ]
    images += images[-2:0:-1]  # forth and back: the ends are shown once per loop
    images[0].save(target, save_all=True, append_images=images[1:], duration=1000 / fps, loop=0)
    return target


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
