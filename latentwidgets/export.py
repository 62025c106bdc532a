"""Files made from a latent map: a standalone HTML page (Bokeh) and an animated GIF of frames.

The page holds everything inline (BokehJS, the points, PNG thumbnails and WAV sounds as data
URIs), so it opens from a ``file://`` URL on a machine without Python or internet access. Its
points are coloured by :mod:`latentwidgets.colors`, as the widget colours them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from bokeh.embed import file_html
from bokeh.resources import INLINE

from latentwidgets._bokeh_page import _check_str, _coords, _history, _page
from latentwidgets._bokeh_sound import AUDIO_BYTES, PAGE_RATE
from latentwidgets._export_gif import save_gif
from latentwidgets.operations._checks import check_output_path
from latentwidgets.render import AudioPreview, TextPreview, ValueRange

__all__ = ["save_comparison", "save_gif", "save_html", "save_maps"]


def _axis_pair(value: object) -> tuple[str, str]:
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or len(value) != 2
        or not all(isinstance(v, str) for v in value)
    ):
        raise TypeError(f"axis_labels must be two strs (x, y) or None; got {value!r:.60}")
    return value[0], value[1]


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
    labels_title: str = "label",
    axis_labels: Sequence[str] | None = None,
    path_coords: Any = None,
    columns: Mapping[str, Any] | None = None,
    column_orders: Mapping[str, Sequence[str]] | None = None,
    color_scale: str = "linear",
    preview: AudioPreview | TextPreview | None = None,
    audio_rate: int | None = PAGE_RATE,
    audio_bytes: int | None = AUDIO_BYTES,
    input_texts: Sequence[str] | None = None,
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

    With ``preview=lw.AudioPreview(rate)`` the items and frames are sounds: the hover shows each
    one's waveform, a click on a point plays it, and the frame slider plays the frame on show
    (a button plays them all in order). Sound is large (half a second at 8 kHz is 11 KB in the
    page), so it is resampled to ``audio_rate`` and kept within ``audio_bytes``: the frames
    first, then every k-th point's sound (k as small as fits); the hover of the others says
    they have none. With ``preview=lw.TextPreview(tokenizer)`` the hover shows each item's
    text, the gallery lists the selected points' text and the frames are a list of lines.

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
        Thumbnails are downscaled to at most this many pixels per side and shown at this size
        (a sound's waveform at four times this width).
    value_range : "auto" or (float, float)
        Value range of ``images`` and ``frames``, as in :func:`latentwidgets.render.to_rgba`.
    preview_fn : callable, optional
        Applied to each item of ``images`` before rendering, as in
        :class:`latentwidgets.render.PreviewRenderer` (not to ``frames``, which are images).
    history : sequence of (str, array-like of shape (N, 2)), optional
        Named maps of the same points, oldest first (e.g. ``explorer.history`` snapshots'
        ``(name, coords)``). The page starts at ``coords``; the slider's stops are the snapshots,
        and a last stop ``"now"`` for ``coords`` unless the last snapshot's map is ``coords``.
    labels_title : str, default "label"
        What ``labels`` are (a column's name): the legend's and colour bar's title, and the
        tooltip's.
    axis_labels : (str, str), optional
        Names of the map's axes, e.g. ``("PC1", "PC2")``.
    path_coords : array-like of shape (F, 2), optional
        A path drawn over the points (the interpolation frames' codes on the map), with its ends
        marked A and B.
    columns : mapping of str to array-like of shape (N,), optional
        More columns to colour by, by name (e.g. an explorer's metadata), encoded as ``labels``.
        A select above the map (``colour_select``) lists "None" and the columns, ``labels`` as
        ``labels_title`` (first, or in the place of the column of that name), and recolours the
        points, the legend or colour bar and the tooltip in the browser. Each column travels
        once: category codes (a byte per point up to 256 categories) or float32 values. The
        select shows where there is a choice: two columns or more, or one and no ``labels``.
    column_orders : mapping of str to sequence of str, optional
        The categories of some ``columns`` in legend order, as ``label_order`` for ``labels``.
    color_scale : {"linear", "log", "quantile"}, default "linear"
        How continuous columns spread over the ramp, as the widget's ``color_scale``
        (:func:`latentwidgets.colors.scale_values`); the bar and tooltip say the values.
    preview : AudioPreview or TextPreview, optional
        Read ``images`` (after ``preview_fn``) and ``frames`` as sound or as text, as an explorer
        with that ``preview`` does; pictures when None.
    audio_rate : int or None, default 8000
        Sound faster than this many samples per second is resampled to it (anti-aliased);
        None keeps each sound's own rate.
    audio_bytes : int or None, default 10_000_000
        The most bytes of WAV the page holds (about 4/3 as many in the page, as base64); None
        keeps every sound, 0 none.
    input_texts : sequence of str, optional
        One string per point, shown in the hover as "input: ..." (e.g. what a text model read,
        beside what it wrote).

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
    OSError
        Before any work, if ``path`` cannot be written: its folder is missing
        (``FileNotFoundError``), a parent is a file (``NotADirectoryError``), it is a folder
        (``IsADirectoryError``) or the folder is read-only (``PermissionError``).
    """
    target = check_output_path(path)
    xy = _coords(coords)
    snapshots = None if history is None else _history(history, len(xy))
    layout = _page(
        [(title, xy)],
        images=images,
        labels=labels,
        labels_title=_check_str(labels_title, "labels_title"),
        axis_labels=None if axis_labels is None else _axis_pair(axis_labels),
        path_coords=None if path_coords is None else _coords(path_coords),
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
        columns=columns,
        column_orders=column_orders,
        color_scale=color_scale,
        preview=preview,
        audio_rate=audio_rate,
        audio_bytes=audio_bytes,
        input_texts=input_texts,
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
    outputs: Mapping[str, Any] | None = None,
    labels_title: str = "label",
    columns: Mapping[str, Any] | None = None,
    column_orders: Mapping[str, Sequence[str]] | None = None,
    color_scale: str = "linear",
    preview: AudioPreview | TextPreview | None = None,
    audio_rate: int | None = PAGE_RATE,
    audio_bytes: int | None = AUDIO_BYTES,
) -> Path:
    """Write several maps of the same points as one page whose selection is linked.

    One figure per map, side by side, each titled with its name. All figures draw from one
    ``ColumnDataSource`` (columns ``x_k`` / ``y_k`` for map ``k``), so a box or lasso selection
    in one selects the same points in all, and fills the one selection gallery. Colours, labels
    and thumbnails are shared, as in :func:`save_html`. With ``outputs`` the gallery is a table:
    a row per selected point (the first 16), its input and then each model's output.

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten if it exists).
    maps : mapping of str to array-like of shape (N, 2)
        The maps by title, in page order; at least one, all of the same N points.
    images, labels, label_names, label_order, title, point_size, thumb_size, value_range, preview_fn
        As in :func:`save_html`.
    labels_title, columns, column_orders, color_scale
        As in :func:`save_html`: the colour-by select recolours every map.
    preview, audio_rate, audio_bytes
        As in :func:`save_html`: a click on a point of any map plays its sound.
    outputs : mapping of str to images, optional
        Per model (by its column title), what it makes of the same N points, e.g. its
        reconstructions: each a tensor, an array or a sequence like ``images``, rendered as they
        are. Each adds about as many bytes to the page as the inputs' thumbnails.

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
    OSError
        Before any work, if ``path`` cannot be written (as for :func:`save_html`).
    """
    target = check_output_path(path)
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
    if outputs is not None and not isinstance(outputs, Mapping):
        raise TypeError(f"outputs must be a mapping of str to images; got {type(outputs).__name__}")
    named_outputs = [
        (_check_str(name, "outputs' keys"), out) for name, out in (outputs or {}).items()
    ]
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
        outputs=named_outputs,
        labels_title=_check_str(labels_title, "labels_title"),
        columns=columns,
        column_orders=column_orders,
        color_scale=color_scale,
        preview=preview,
        audio_rate=audio_rate,
        audio_bytes=audio_bytes,
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
    reconstructions: bool = True,
) -> Path:
    """Write linked explorers (or an ``lw.compare`` result) as one page with a linked selection.

    Each explorer's map is a figure titled with its name; the points are coloured as the first
    explorer colours them. For the selected points the gallery shows each input beside every
    model's reconstruction, one column per model headed by its name. See :func:`save_maps` for
    the page.

    The digits (1,797 8x8 images) compared between two models make a 3.0 MB page: BokehJS,
    and about 200 bytes per point for the inputs and again for each model's reconstructions
    (``benchmarks/bench_render.py`` prints it).

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
    reconstructions : bool, default True
        Show each model's reconstructions (decoded codes) of the selected points, for the
        models with a decoder; ``False`` leaves them out (a smaller page).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    check_output_path(path)  # before the decoding below, which takes a while
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
    # an explorer is what exports itself (the widget sits above this module: no import of it)
    bad = [type(e).__name__ for _, e in named if not hasattr(e, "_export_inputs")]
    if bad:
        raise TypeError(f"comparison must hold LatentExplorer objects; got {bad}")
    if thumbnails not in ("auto", "decoded", "input", "none"):
        raise ValueError(
            f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
        )
    first = named[0][1]
    if thumbnails == "auto":
        thumbnails = "input" if first._core.source.kind != "none" else "decoded"
    if not isinstance(reconstructions, bool):
        raise TypeError(f"reconstructions must be a bool; got {type(reconstructions).__name__}")
    inputs = first._export_inputs(thumbnails)
    outputs = {
        name: explorer.model.decode(explorer.latents)
        for name, explorer in named
        if reconstructions and explorer.model.has_decoder
    }
    return save_maps(
        path,
        {name: explorer.coords for name, explorer in named},
        title=title,
        thumb_size=thumb_size,
        outputs=outputs or None,
        **inputs,
    )
