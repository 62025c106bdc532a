"""The exported page's colour-by select: the columns the page carries, switched in the browser.

Every column is encoded once into the page's source (:mod:`._bokeh_legend`). Each map gets a
legend (its items swapped per column) and a colour bar per continuous column (one shown at a
time); choosing a column in the select points the glyphs' colour at that column's array and
mapper, and swaps the tooltip's line and the legend, with no kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bokeh.models import CustomJS, HoverTool
from bokeh.models.annotations import ColorBar, Legend, LegendItem
from bokeh.models.widgets import Select
from bokeh.transform import transform

from latentwidgets import colors

from ._bokeh_checks import _check_str
from ._bokeh_legend import _colour_bar, _ColourColumn, _encode_column, _legend_items

# The points' colour when the page is coloured by no column, as in the widget.
_PLAIN = colors.CATEGORICAL[0]

# Choice 0 is "None" (no column); choice c > 0 is column c - 1.
_SELECT_JS = """
const c = Math.max(0, names.indexOf(cb_obj.value));
const colour = mappers[c] === null ? {value: plain} : {field: fields[c], transform: mappers[c]};
renderers.forEach((renderer, f) => {
  // The muted and unselected points have glyphs of their own (their colour copied, not shared).
  const glyphs = [renderer.glyph, renderer.selection_glyph, renderer.nonselection_glyph,
    renderer.hover_glyph, renderer.muted_glyph];
  for (const glyph of glyphs) {
    if (glyph !== null && typeof glyph === "object") {
      glyph.setv({fill_color: colour, line_color: colour});
    }
  }
  hovers[f].tooltips = tooltips[f][c];
  legends[f].setv({items: items[f][c], title: titles[c], visible: items[f][c].length > 0});
  bars[f].forEach((bar, b) => { if (bar !== null) bar.visible = b === c; });
});
if (head !== null) plot.title.text = c === 0 ? head : `${head}${said}${names[c]}`;
"""

# A map titled as the explorer titles it ("1,797 points · PCA · coloured by label") says the
# column chosen.
_SAID = " · coloured by "


def _colour_columns(
    *,
    labels: Any,
    label_names: Any,
    label_order: Any,
    labels_title: str,
    columns: Mapping[str, Any] | None,
    column_orders: Mapping[str, Any] | None,
    color_scale: str,
    n: int,
    data: dict[str, Any],
) -> tuple[list[_ColourColumn], str]:
    """Encode the page's columns into ``data``; return them and the name coloured by first.

    ``labels`` (named ``labels_title``) is the column the page starts with ("" when None): where
    ``columns`` holds the same name it takes that column's place, else it comes first.
    """
    if labels is None and (label_names is not None or label_order is not None):
        given = "label_names" if label_names is not None else "label_order"
        raise ValueError(f"{given} needs labels; got {given} without labels")
    if color_scale not in colors.COLOR_SCALES:
        raise ValueError(
            f"color_scale must be one of {list(colors.COLOR_SCALES)}; got {color_scale!r}"
        )
    named = _check_columns(columns)
    orders = _check_orders(column_orders, named)
    entries: dict[str, tuple[Any, Any, str, str, Any]] = {
        name: (values, orders.get(name), f"columns[{name!r}]", f"column_orders[{name!r}]", None)
        for name, values in named.items()
    }
    if labels is not None:
        mine = (labels, label_order, "labels", "label_order", label_names)
        entries = (
            entries | {labels_title: mine}
            if labels_title in entries
            else {labels_title: mine, **entries}
        )
    encoded = [
        _encode_column(
            values,
            name=name,
            what=what,
            order=order,
            order_name=order_name,
            label_names=names,
            scale=color_scale,
            n=n,
            k=k,
            data=data,
        )
        for k, (name, (values, order, what, order_name, names)) in enumerate(entries.items())
    ]
    return encoded, labels_title if labels is not None else ""


def _check_columns(columns: Any) -> dict[str, Any]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"columns must be a mapping of name to one value per point, or None; "
            f"got {type(columns).__name__}"
        )
    for name in columns:
        _check_str(name, "columns' keys")
        if name == "":
            raise ValueError("columns' keys must be names; got '' (the select's 'None')")
    return dict(columns)


def _check_orders(orders: Any, columns: Mapping[str, Any]) -> dict[str, Sequence[str]]:
    if orders is None:
        return {}
    if not isinstance(orders, Mapping):
        raise TypeError(
            f"column_orders must be a mapping of column name to its categories in order, or "
            f"None; got {type(orders).__name__}"
        )
    unknown = [name for name in orders if name not in columns]
    if unknown:
        raise ValueError(
            f"column_orders must name columns of columns {list(columns)}; got {unknown[:5]}"
        )
    return dict(orders)


def _colour_spec(columns: list[_ColourColumn], chosen: str) -> Any:
    """Colour the points (fill and line) by the chosen column through its mapper, or plain."""
    for column in columns:
        if column.name == chosen:
            return transform(column.field, column.mapper)
    return _PLAIN


class _MapColours:
    """One map's colour parts: its points, hover tool, legend and colour bars, per column."""

    def __init__(
        self,
        plot: Any,
        points: Any,
        columns: list[_ColourColumn],
        chosen: str,
        *,
        tooltip: tuple[str, str],
        suffix: str,
    ) -> None:
        head, where = tooltip
        self.plot = plot
        self.points = points
        self.tooltips = [f'<div class="lw-tooltip">{head}{where}</div>'] + [
            f'<div class="lw-tooltip">{head}{column.tooltip_row()}{where}</div>'
            for column in columns
        ]
        self.items: list[list[LegendItem]] = [[]]
        titles = [""]
        self.bars: list[ColorBar | None] = [None]
        for k, column in enumerate(columns):
            items, title = _legend_items(column, points) if column.rows else ([], column.name)
            self.items.append(items)
            titles.append(title)
            bar = None
            if column.kind == "continuous":
                bar = _colour_bar(
                    column, visible=column.name == chosen, name=f"colour_bar{suffix}_{k}"
                )
                plot.add_layout(bar, "right")
            self.bars.append(bar)
        c = _choice(columns, chosen)
        self.hover = HoverTool(
            renderers=[points],
            tooltips=self.tooltips[c],
            formatters={f"@{column.shown}": column.formatter for column in columns},
            limit=1,
            name=f"latent_hover{suffix}",
        )
        plot.add_tools(self.hover)
        self.legend = Legend(
            items=self.items[c],
            title=titles[c],
            visible=bool(self.items[c]),
            name=f"latent_legend{suffix}",
        )
        plot.add_layout(self.legend, "right")
        self.titles = titles


def _choice(columns: list[_ColourColumn], chosen: str) -> int:
    names = [column.name for column in columns]
    return names.index(chosen) + 1 if chosen in names else 0


def _colour_select(
    columns: list[_ColourColumn], chosen: str, maps: list[_MapColours], width: int
) -> Select:
    """Build the select of the column the points are coloured by ("None" first, as the widget's)."""
    names = ["", *(column.name for column in columns)]
    title = maps[0].plot.title.text
    said = len(maps) == 1 and chosen != "" and title.endswith(_SAID + chosen)
    options: list[str | tuple[Any, str]] = [("", "None"), *((name, name) for name in names[1:])]
    select = Select(
        title="colour by",
        value=chosen,
        options=options,
        width=width,
        name="colour_select",
    )
    select.js_on_change(
        "value",
        CustomJS(
            args={
                "names": names,
                "fields": [None, *(column.field for column in columns)],
                "mappers": [None, *(column.mapper for column in columns)],
                "plain": _PLAIN,
                "titles": maps[0].titles,
                "renderers": [one.points for one in maps],
                "hovers": [one.hover for one in maps],
                "tooltips": [one.tooltips for one in maps],
                "legends": [one.legend for one in maps],
                "items": [one.items for one in maps],
                "bars": [one.bars for one in maps],
                "plot": maps[0].plot,
                "head": title[: -len(_SAID + chosen)] if said else None,
                "said": _SAID,
            },
            code=_SELECT_JS,
        ),
    )
    return select
