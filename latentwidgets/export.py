"""Files made from a latent map: a standalone HTML page (Bokeh) and an animated GIF of frames.

The page holds everything inline (BokehJS, the points, PNG thumbnails as data URIs), so it opens
from a ``file://`` URL on a machine without Python or internet access. Its points are coloured by
:mod:`latentwidgets.colors`, as the widget colours them.
"""

from __future__ import annotations

import base64
import numbers
import os
from collections.abc import Callable, Sequence
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
from bokeh.models.widgets import Div, Slider
from bokeh.plotting import figure
from bokeh.resources import INLINE
from bokeh.transform import factor_cmap, transform

from latentwidgets import colors
from latentwidgets.render import Preview, PreviewRenderer, ValueRange, to_rgba_batch

__all__ = ["save_gif", "save_html"]

_PLOT_PX = 600
# Legend rows, as many as the widget's legend shows (MAX_ROWS in js/src/legend.ts).
_LEGEND_ROWS = 24
# Frames are shown with their longer side at this many CSS pixels, upscaled without smoothing.
_FRAME_PX = 256
_PIXELATED = "image-rendering: pixelated; display: block;"


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
) -> Path:
    """Write a self-contained interactive HTML page of a 2-D latent map.

    The map has pan, wheel zoom, box and lasso select; hovering a point shows its thumbnail and
    label. With ``frames`` a panel beside the map shows one frame at a time, picked by a slider
    that runs in the browser.

    Thumbnails are PNG data URIs (an 8x8 grey digit is about 123 bytes of PNG, 164 in base64).
    A map of 10,000 scikit-learn digits with labels and thumbnails makes a 3.7 MB file: 1.5 MB
    of inlined BokehJS plus about 220 bytes per point; it is written in about 4 s on a busy
    2-core machine (measured with ``benchmarks/bench_render.py``).

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
    n = len(xy)
    _check_str(title, "title")
    if frames_title is not None:
        _check_str(frames_title, "frames_title")
    thumb_size = _check_count(thumb_size, "thumb_size")
    if point_size is None:
        point_size = float(np.clip(8 * (1000 / n) ** 0.25, 2, 10))
    else:
        point_size = _check_positive(point_size, "point_size", "a positive number or None")

    data: dict[str, Any] = {"x": xy[:, 0], "y": xy[:, 1]}
    plot = figure(
        title=title,
        name="latent_map",
        width=_PLOT_PX,
        height=_PLOT_PX,
        tools="pan,wheel_zoom,box_select,lasso_select,reset,save",
        active_scroll="wheel_zoom",
        output_backend="webgl",
    )
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
    if colour_bar is not None:
        plot.add_layout(colour_bar, "right")
    tooltip.append("<div>point $index at (@x{0.00}, @y{0.00})</div>")

    points = plot.scatter(
        "x",
        "y",
        source=ColumnDataSource(data),
        size=point_size,
        fill_color=colour,
        line_color=colour,
        fill_alpha=0.7,
        name="latent_points",
    )
    plot.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=f'<div class="lw-tooltip">{"".join(tooltip)}</div>',
            limit=1,
            name="latent_hover",
        )
    )
    if rows:
        plot.add_layout(_legend(rows, points), "right")
    layout = plot if panel is None else row(plot, panel)
    target.write_text(file_html(layout, resources=INLINE, title=title), encoding="utf-8")
    return target


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
