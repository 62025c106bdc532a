"""The Bokeh page behind :mod:`latentwidgets.export`: lays out the maps and their panels.

The parts live beside it: ``_bokeh_checks`` (arguments), ``_bokeh_legend`` (a column's colours,
legend and colour bar), ``_bokeh_colour_select`` (the colour-by select), ``_bokeh_gallery``
(selection gallery and frames), ``_bokeh_history`` (the history slider), ``_bokeh_sound``
(the sound of the points and frames, played on a click).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

from latentwidgets.render import AudioPreview, PreviewRenderer, TextPreview, ValueRange

from ._bokeh_checks import _check_count, _check_positive, _check_str
from ._bokeh_checks import _coords as _coords
from ._bokeh_checks import _path as _path
from ._bokeh_colour_select import _colour_columns, _colour_select, _colour_spec, _MapColours
from ._bokeh_gallery import (
    _frame_panel,
    _output_columns,
    _point_previews,
    _previews,
    _selection_panel,
)
from ._bokeh_history import _history as _history
from ._bokeh_history import _history_slider, _history_stops
from ._bokeh_sound import (
    AUDIO_BYTES,
    PAGE_RATE,
    check_audio_bytes,
    check_audio_rate,
    point_sounds,
    sound_panel,
)

_PLOT_PX = 600
#: The interpolation path as the widget draws it: a dark line, its ends marked A and B.
_PATH_COLOUR, _END_COLOURS = "#1f2937", ["#0ea5e9", "#d946ef"]
# A comparison's maps are this wide each (side by side).
_COMPARE_PX = 480


def _draw_path(plot: Any, path: np.ndarray) -> None:
    """Draw the interpolation path over the points: its frames as dots, its ends A and B."""
    plot.line(path[:, 0], path[:, 1], line_color=_PATH_COLOUR, line_width=2, name="interp_path")
    plot.scatter(path[:, 0], path[:, 1], size=4, color=_PATH_COLOUR, name="interp_frames")
    ends = ColumnDataSource(
        {"x": path[[0, -1], 0], "y": path[[0, -1], 1], "end": ["A", "B"], "colour": _END_COLOURS}
    )
    plot.scatter("x", "y", source=ends, size=14, color="colour", name="interp_ends")
    plot.text(
        "x",
        "y",
        text="end",
        source=ends,
        text_color="white",
        text_align="center",
        text_baseline="middle",
        text_font_size="9px",
        name="interp_end_labels",
    )


def _input_texts(texts: Any, n: int) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise TypeError(f"input_texts must be a sequence of str; got {type(texts).__name__}")
    if len(texts) != n:
        raise ValueError(f"input_texts must hold one str per point ({n}); got {len(texts)}")
    return [_check_str(text, "input_texts' items") for text in texts]


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
    labels_title: str = "label",
    axis_labels: tuple[str, str] | None = None,
    path_coords: np.ndarray | None = None,
    columns: Mapping[str, Any] | None = None,
    column_orders: Mapping[str, Any] | None = None,
    color_scale: str = "linear",
    preview: AudioPreview | TextPreview | None = None,
    audio_rate: int | None = PAGE_RATE,
    audio_bytes: int | None = AUDIO_BYTES,
    input_texts: Sequence[str] | None = None,
) -> Any:
    """Lay out the page: one figure per map over one shared source and the selection panel.

    The frame panel and the history slider come only with one map. ``outputs`` are, per model,
    its name and its decoded outputs of the points, rendered as ``images`` are: the gallery then
    shows each selected point's input beside every model's output, one column per model.
    ``labels`` and ``columns`` are what the points can be coloured by (see
    :mod:`._bokeh_colour_select`), ``labels`` first. ``preview`` reads ``images`` and
    ``frames`` as sound (embedded as :mod:`._bokeh_sound` says) or as text.
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
    columns_xy = [("x", "y")] if single else [(f"x_{k}", f"y_{k}") for k in range(len(maps))]
    data: dict[str, Any] = {}
    for (x, y), (_, xy) in zip(columns_xy, maps, strict=True):
        data[x], data[y] = xy[:, 0], xy[:, 1]
    if preview is not None and not isinstance(preview, AudioPreview | TextPreview):
        raise TypeError(
            "preview must be an lw.AudioPreview, an lw.TextPreview or None (pictures); got "
            f"{type(preview).__name__}"
        )
    rate, budget = check_audio_rate(audio_rate), check_audio_bytes(audio_bytes)
    if isinstance(preview, AudioPreview):
        # A sound's picture at 4x (192 px, its own size by default): at 48 px a waveform is too
        # short to see, and a scaled-down one is larger as PNG (smoothed lines).
        thumb_size *= 4
    renderer = PreviewRenderer(preview_fn, value_range, max_size=thumb_size, sound=preview)
    # Colours and frames before the thumbnails: a mistake there is reported without the wait.
    colour_columns, chosen = _colour_columns(
        labels=labels,
        label_names=label_names,
        label_order=label_order,
        labels_title=_check_str(labels_title, "labels_title"),
        columns=columns,
        column_orders=column_orders,
        color_scale=color_scale,
        n=n,
        data=data,
    )
    panel, spent = None, 0
    if frames is not None:
        panel, spent = _frame_panel(
            frames,
            frames_title or "frame",
            PreviewRenderer(value_range=value_range, sound=preview),
            rate,
            budget,
        )
    head, sounds = "", False
    if images is not None:
        thumbs = _previews(images, "images", renderer)
        if len(thumbs) != n:
            raise ValueError(f"images must hold one item per point ({n}); got {len(thumbs)}")
        head = _point_previews(thumbs, thumb_size, data)
        if any(thumb.audio is not None for thumb in thumbs):
            left = None if budget is None else budget - spent
            point_sounds([thumb.audio for thumb in thumbs], rate, left, data)
            head += '<div class="lw-tooltip-sound">@audio_hint</div>'
            sounds = any(data["audio"])  # no panel that plays nothing (audio_bytes=0)
    if input_texts is not None:
        data["input_text"] = _input_texts(input_texts, n)
        head += '<div class="lw-tooltip-input">input: @input_text</div>'
    columns_out = _output_columns(outputs or [], n, thumb_size, renderer, data)
    stops = None if history is None else _history_stops(history, maps[0][1], data)
    source = ColumnDataSource(data, name="latent_source")
    colour = _colour_spec(colour_columns, chosen)
    plots, coloured, renderers = [], [], []
    for k, ((x, y), (name, _)) in enumerate(zip(columns_xy, maps, strict=True)):
        suffix = "" if single else f"_{k}"
        plot = figure(
            title=name,
            name=f"latent_map{suffix}",
            width=_PLOT_PX if single else _COMPARE_PX,
            height=_PLOT_PX if single else _COMPARE_PX,
            tools="pan,wheel_zoom,box_select,lasso_select,reset,save",
            active_scroll="wheel_zoom",
            active_drag="box_select",
            output_backend="webgl",
        )
        points = plot.scatter(
            x,
            y,
            source=source,
            size=point_size,
            fill_color=colour,
            line_color=colour,
            fill_alpha=0.7,
            name=f"latent_points{suffix}",
        )
        where = f"<div>point $index at (@{x}{{0.00}}, @{y}{{0.00}})</div>"
        coloured.append(
            _MapColours(plot, points, colour_columns, chosen, tooltip=(head, where), suffix=suffix)
        )
        if axis_labels is not None:
            plot.xaxis.axis_label, plot.yaxis.axis_label = axis_labels
        if path_coords is not None and single:
            _draw_path(plot, path_coords)
        plots.append(plot)
        renderers.append(points)
    maps_row: Any = plots[0] if single else row(*plots)
    # A choice to make: two columns or more, or one and the page starts with none.
    if len(colour_columns) > 1 or (colour_columns and chosen == ""):
        maps_row = column(_colour_select(colour_columns, chosen, coloured, width=240), maps_row)
    if stops is not None:
        maps_row = column(maps_row, _history_slider(source, stops, width=_PLOT_PX))
    texts = "text" in data
    side = [_selection_panel(source, "thumb" in data, columns_out, texts=texts)]
    if sounds:
        side.insert(0, sound_panel(source, plots, renderers))
    if panel is not None:
        side.append(panel)
    if single:
        return row(maps_row, column(*side))
    return column(maps_row, *side)
