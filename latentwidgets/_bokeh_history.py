"""The exported page's history slider: earlier maps replayed in the browser, no kernel."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, CustomJS
from bokeh.models.widgets import Div, Slider

from ._bokeh_checks import _check_str, _coords


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
