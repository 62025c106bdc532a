"""Colour: the column the points are coloured by, its scale, the legend, and adding columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._widget.core import COLORS_CHANGED, COLUMN_ADDED, Columns, ExplorerCore
from .._widget.feature import Feature, synced
from ..colors import COLOR_SCALES, encode_colors, scale_values


class ColorFeature(Feature):
    """Traits and methods of the colour column and the per-point columns."""

    color_by = synced(
        traitlets.Unicode("", help="Column the points are coloured by ('' for none)."),
        "controls",
        "colors",
        browser=True,
        session=2,
    )
    _color_options = synced(traitlets.List(traitlets.Unicode()), "controls")
    _color_kind = synced(traitlets.Unicode("none"), "colors", "controls", ts="ColorKind")
    _color_categories = synced(traitlets.List(traitlets.Unicode()), "colors")
    _color_range = synced(
        traitlets.List(traitlets.Float(), default_value=[0.0, 1.0]),
        "colors",
        ts="[number, number] | number[]",
    )
    _color_ticks = synced(traitlets.List(traitlets.List()), "colors", ts="[number, string][]")
    color_scale = synced(
        traitlets.Enum(
            COLOR_SCALES,
            "linear",
            help="How continuous colours spread: 'linear', 'log', 'quantile'.",
        ),
        "controls",
        ts="ColorScale",
        browser=True,
        session=1,
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._color_options = list(core.columns.values)
        self.observe(self._on_color_by, ["color_by", "color_scale"])
        core.events.on(COLUMN_ADDED, self._on_column)
        # the exported page spreads its continuous colours as the widget does
        core.exports["color_scale"] = lambda: self.color_scale

    @traitlets.validate("color_by")
    def _valid_color_by(self, proposal: Mapping[str, Any]) -> str:
        name = proposal["value"]
        core = getattr(self, "_core", None)
        if core is not None and name != "" and name not in core.columns.values:
            raise traitlets.TraitError(
                f"color_by must be '' or one of the columns {list(core.columns.values)}; "
                f"got {name!r}"
            )
        return str(name)

    @property
    def labels(self) -> np.ndarray | None:
        """The labels given or found in the data, or None."""
        return self._core.columns.labels

    @property
    def metadata(self) -> dict[str, np.ndarray]:
        """Every column the points can be coloured by, label included."""
        return dict(self._core.columns.values)

    def add_column(self, name: str, values: Any, *, color: bool = True) -> None:
        """Add (or replace) a per-point column to colour by, e.g. a reconstruction error.

        Parameters
        ----------
        name : str
            Column name, shown in the widget's colour menu.
        values : sequence, numpy array or torch.Tensor
            One value per point: numbers (continuous colours) or labels (categories).
        color : bool, default True
            Colour the map by the new column at once.
        """
        self._core.check_open()
        self._core.add_column(name, values, show=color)

    def _on_column(self, name: str, show: bool) -> None:
        self._color_options = list(self._core.columns.values)
        if show and self.color_by != name:
            self.color_by = name
        elif self.color_by == name:  # new values under the column on show
            self._on_color_by({"new": name})

    def _on_color_by(self, change: Mapping[str, Any]) -> None:
        name, events = self.color_by, self._core.events
        self._core.colored_by = name
        if name == "":
            with self.hold_sync():
                self._color_kind, self._color_categories = "none", []
                events.emit(
                    COLORS_CHANGED,
                    column="",
                    encoded=None,
                    kind="none",
                    categories=[],
                    value_range=[0.0, 1.0],
                )
            return
        columns = self._core.columns
        kind, encoded, categories, value_range = encode_colors(
            columns.values[name], columns.orders.get(name)
        )
        ticks: list[tuple[float, str]] = []
        if kind == "continuous":
            encoded, value_range, ticks = scale_values(encoded, self.color_scale)
        with self.hold_sync():
            self._color_kind = kind
            self._color_categories = categories
            events.emit(
                COLORS_CHANGED,
                column=name,
                encoded=encoded,
                kind=kind,
                categories=categories,
                value_range=value_range,
            )
            self._color_range = value_range
            self._color_ticks = [list(tick) for tick in ticks]


def initial_color(columns: Columns, color_by: str | None) -> str:
    """The column a new explorer is coloured by: ``color_by``, or the first column (the label)."""
    first = next(iter(columns.values), "") if color_by is None else color_by
    if first != "" and first not in columns.values:
        raise ValueError(
            f"color_by must be '' or one of the columns {list(columns.values)}; got {first!r}"
        )
    return first
