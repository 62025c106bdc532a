"""One column the exported page can colour its points by: its compact array, colours and legend.

A column travels once, as a column of the page's source: category codes (``uint8`` up to 256
categories) or ``float32`` values. A ``LinearColorMapper`` turns either into the widget's colours
(:mod:`latentwidgets.colors`): for categories its palette is the categories' colours and code
``k`` falls in the middle of colour ``k`` (``low = -0.5``, ``high = K - 0.5``); for numbers it
is the widget's ramp over the widget's range, after the widget's scale (linear, log, quantile).
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np
from bokeh.core.properties import value
from bokeh.models import CustomJSHover, FixedTicker
from bokeh.models.annotations import ColorBar, LegendItem
from bokeh.models.mappers import LinearColorMapper

from latentwidgets import colors

from ._bokeh_checks import _to_numpy

# Legend rows, as many as the widget's legend shows (MAX_ROWS in js/src/legend.ts).
_LEGEND_ROWS = 24

# The tooltip's value: a category's name from its code, a number in four significant digits.
_CATEGORY_JS = "return names[value] ?? '';"
_NUMBER_JS = "return Number.isNaN(value) ? missing : String(Number(value.toPrecision(4)));"


@dataclasses.dataclass(frozen=True)
class _ColourColumn:
    """A column as the page colours by it.

    ``field`` is the source column the colours come from, ``shown`` the one the tooltip reads
    (the raw values where a log or quantile scale changed them). ``rows`` are the legend's
    ``(category, first point)`` rows, in legend order (categorical only); ``ticks`` the colour
    bar's ``(value in the mapper's units, label)`` (continuous only). ``formatter`` writes the
    tooltip's value: a category's name from its code, or a number.
    """

    name: str
    kind: str
    field: str
    shown: str
    mapper: LinearColorMapper
    rows: list[tuple[str, int]]
    ticks: list[tuple[float, str]]
    formatter: CustomJSHover

    def tooltip_row(self) -> str:
        """Return the tooltip's line for this column: its name as HTML (no ``@``/``$`` fields)."""
        name = html.escape(self.name).replace("@", "&#64;").replace("$", "&#36;")
        return f"<div>{name}: @{self.shown}{{custom}}</div>"


def _encode_column(
    values: Any,
    *,
    name: str,
    what: str,
    order: Any,
    order_name: str,
    label_names: Any,
    scale: str,
    n: int,
    k: int,
    data: dict[str, Any],
) -> _ColourColumn:
    """Encode a column as the widget does and add its array(s) to ``data`` as ``col_k``.

    ``what`` and ``order_name`` name the arguments in errors (``labels``, ``columns['ink']``).
    With ``label_names`` integer values are indices into those names, which also give the order.
    """
    # A list of strings stays a list of objects: np.asarray would widen every one to the longest.
    array = (
        np.array(values, dtype=object) if isinstance(values, list | tuple) else _to_numpy(values)
    )
    if array.shape != (n,):
        raise ValueError(f"{what} must have shape ({n},), one per point; got shape {array.shape}")
    names = None if order is None else colors._check_order(order, order_name)
    if label_names is not None:
        array, names = _named(array, label_names, names)
    kind, encoded, categories, _ = colors.encode_colors(array, names)
    field = f"col_{k}"
    if kind == "continuous":
        scaled, scaled_range, ticks = colors.scale_values(encoded, scale)
        low, high = colors.continuous_range(scaled, scaled_range)
        data[field] = scaled
        shown = field
        if scale != "linear":  # the tooltip says the value, not its place on the ramp
            shown = f"raw_{k}"
            data[shown] = encoded
        mapper = LinearColorMapper(
            palette=list(colors.RAMP), low=low, high=high, nan_color=colors.MISSING_COLOR
        )
        at = [(low + position * (high - low), label) for position, label in ticks]
        number = CustomJSHover(args={"missing": colors.MISSING_LABEL}, code=_NUMBER_JS)
        return _ColourColumn(name, kind, field, shown, mapper, [], at, number)
    data[field] = encoded
    codes, first = np.unique(encoded, return_index=True)
    rows = [(categories[code], int(index)) for code, index in zip(codes, first, strict=True)]
    mapper = LinearColorMapper(
        palette=colors.category_colors(categories), low=-0.5, high=len(categories) - 0.5
    )
    category = CustomJSHover(args={"names": list(categories)}, code=_CATEGORY_JS)
    return _ColourColumn(name, kind, field, field, mapper, rows, [], category)


def _named(array: np.ndarray, label_names: Any, order: list[str] | None) -> tuple[Any, list[str]]:
    """Integer labels replaced by their names; the order is the names' unless one is given."""
    names = colors._check_order(label_names, "label_names")
    if array.dtype == object:
        array = np.asarray(array.tolist())
    if array.dtype.kind not in "biuf" or not np.array_equal(array, np.round(array)):
        raise ValueError(f"label_names needs integer labels; got labels of dtype {array.dtype}")
    if array.min() < 0 or array.max() >= len(names):
        raise ValueError(
            f"labels must lie in [0, {len(names)}) to index label_names;"
            f" got values from {array.min()} to {array.max()}"
        )
    return np.asarray(names, dtype=object)[array.astype(np.int64)], order or names


def _legend_items(column: _ColourColumn, points: Any) -> tuple[list[LegendItem], str]:
    """Build the legend's items for ``points`` and its title.

    The items are the first rows, and the other and missing rows always; the title is the
    column's name, and how many rows are shown when not all are.
    """
    rows = column.rows
    special = [row for row in rows if row[0] in (colors.OTHER_LABEL, colors.MISSING_LABEL)]
    shown = [row for row in rows if row not in special][: _LEGEND_ROWS - len(special)] + special
    items = [
        LegendItem(label=value(name), renderers=[points], index=index) for name, index in shown
    ]
    title = column.name
    if len(rows) > len(shown):
        title = f"{column.name} · {len(shown)} of {len(rows)} shown"
    return items, title


def _colour_bar(column: _ColourColumn, *, visible: bool, name: str) -> ColorBar:
    """Build the colour bar of a continuous column, its ticks at round values as the widget's."""
    bar = ColorBar(
        color_mapper=column.mapper, title=column.name, width=12, visible=visible, name=name
    )
    if column.ticks:
        bar.ticker = FixedTicker(ticks=[at for at, _ in column.ticks])
        bar.major_label_overrides = dict(column.ticks)
    return bar
