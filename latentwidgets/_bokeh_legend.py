"""Colouring the exported page's points by a label column, and its legend."""

from __future__ import annotations

from typing import Any

import numpy as np
from bokeh.core.properties import value
from bokeh.models.annotations import ColorBar, Legend, LegendItem
from bokeh.models.mappers import LinearColorMapper
from bokeh.transform import factor_cmap, transform

from latentwidgets import colors

from ._bokeh_checks import _to_numpy

# Legend rows, as many as the widget's legend shows (MAX_ROWS in js/src/legend.ts).
_LEGEND_ROWS = 24


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
