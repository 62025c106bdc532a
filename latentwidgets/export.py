"""Standalone HTML export of a latent map with Bokeh: no kernel, no network.

The page holds everything inline (BokehJS, the points, PNG thumbnails as data URIs), so it opens
from a ``file://`` URL on a machine without Python or internet access.
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
from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import ColorBar, ColumnDataSource, CustomJS, Div, HoverTool, Slider
from bokeh.palettes import Category10, Category20, Colorblind, Viridis256, turbo
from bokeh.plotting import figure
from bokeh.resources import INLINE
from bokeh.transform import factor_cmap, linear_cmap

from latentwidgets.render import Preview, PreviewRenderer, ValueRange

__all__ = ["save_html"]

_PLOT_PX = 600
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
        Colours the points. Integer, bool and string labels are categories with a legend; float
        labels are continuous, with a colour bar.
    label_names : sequence of str, optional
        Names of integer categories: label ``k`` is shown as ``label_names[k]``.
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
    ValueError
        If an argument's shape, length or values do not fit the description above.
    """
    xy = _coords(coords)
    n = len(xy)
    if isinstance(thumb_size, bool) or not isinstance(thumb_size, int) or thumb_size < 1:
        raise ValueError(f"thumb_size must be a positive int; got {thumb_size!r}")
    if point_size is None:
        point_size = float(np.clip(8 * (1000 / n) ** 0.25, 2, 10))
    elif not (isinstance(point_size, numbers.Real) and 0 < point_size < float("inf")):
        raise ValueError(f"point_size must be a positive number or None; got {point_size!r}")

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
    tooltip: list[str] = []
    colour: Any = "#1f77b4"
    legend: dict[str, str] = {}
    if images is not None:
        thumbs = _previews(
            images, "images", PreviewRenderer(preview_fn, value_range, max_size=thumb_size)
        )
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
        data["label"], colour, colour_bar = _colour_by(labels, label_names, n)
        if colour_bar is None:
            legend = {"legend_field": "label"}
        else:
            plot.add_layout(colour_bar, "right")
        tooltip.append("<div>label: @label</div>")
    elif label_names is not None:
        raise ValueError("label_names needs labels; got label_names without labels")
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
        **legend,
    )
    plot.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=f'<div class="lw-tooltip">{"".join(tooltip)}</div>',
            limit=1,
            name="latent_hover",
        )
    )
    if legend:
        plot.add_layout(plot.legend[0], "right")

    layout = plot
    if frames is not None:
        panel = _frame_panel(
            frames, frames_title or "frame", PreviewRenderer(value_range=value_range)
        )
        layout = row(plot, panel)
    target = Path(path)
    target.write_text(file_html(layout, resources=INLINE, title=title), encoding="utf-8")
    return target


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
    labels: Any, label_names: Sequence[str] | None, n: int
) -> tuple[Any, dict[str, Any], ColorBar | None]:
    """Return the label column, the colour spec and, for continuous labels, a colour bar."""
    values = _to_numpy(labels)
    if values.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per point; got shape {values.shape}")
    if values.dtype.kind == "f" and label_names is None:
        if not np.isfinite(values).all():
            raise ValueError("float labels must be finite; got NaN or infinite values")
        low, high = float(values.min()), float(values.max())
        # A zero-width range would give the colour mapper nothing to interpolate over.
        mapper = linear_cmap("label", Viridis256, low, high if high > low else low + 1)
        bar = ColorBar(color_mapper=mapper.transform, title="label", width=12)
        return values, mapper, bar
    if values.dtype.kind not in "biuUSO" and label_names is None:
        raise ValueError(f"labels must be numbers or strings; got dtype {values.dtype}")
    uniques = np.unique(values)
    if label_names is None:
        names = {value: str(value) for value in uniques.tolist()}
    else:
        if values.dtype.kind not in "biuf" or not np.array_equal(uniques, uniques.astype(np.int64)):
            raise ValueError(
                f"label_names needs integer labels; got labels of dtype {values.dtype}"
            )
        if uniques.min() < 0 or uniques.max() >= len(label_names):
            raise ValueError(
                f"labels must lie in [0, {len(label_names)}) to index label_names;"
                f" got values from {uniques.min()} to {uniques.max()}"
            )
        names = {value: str(label_names[int(value)]) for value in uniques.tolist()}
    factors = list(dict.fromkeys(names.values()))
    column_values = [names[value] for value in values.tolist()]
    return column_values, factor_cmap("label", _palette(len(factors)), factors), None


# Okabe-Ito (colour-blind safe) with its yellow, faint on white, moved to the end.
_OKABE_ITO = [colour for colour in Colorblind[8] if colour != "#F0E442"] + ["#F0E442"]


def _palette(count: int) -> Sequence[str]:
    if count <= len(_OKABE_ITO):
        return _OKABE_ITO[:count]
    if count <= 10:
        return Category10[10][:count]
    if count <= 20:
        return Category20[20][:count]
    return turbo(count)


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
