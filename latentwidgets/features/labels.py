"""Labels on the map: each category's name written at the densest place of its points.

``map_labels`` names a categorical column (``""``: no labels). The kernel finds where each of its
categories is densest on the map on show (``_engine/label_places.py``: the mode of a smoothed 2-D
histogram, not the mean, which can fall between clusters) and sends the places as one small trait,
``_label_places``; the page writes the names there, biggest categories first, hiding those that
would overlap (``js/src/map/labels.ts``). The places follow every new layout and new columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._engine.label_places import SAMPLE_BUDGET, label_places, stratified_rows
from .._widget.core import COLUMN_ADDED, LAYOUT_CHANGED, ExplorerCore
from .._widget.feature import Feature, synced
from ..colors import MAX_INTEGER_CATEGORIES, MISSING_LABEL, OTHER_LABEL, encode_colors

#: The legend's catch-all categories, which name no place on the map.
_UNPLACED = (OTHER_LABEL, MISSING_LABEL)
#: The TypeScript type of ``_label_places``.
_PLACES_TS = "{ column: string; names: string[]; x: number[]; y: number[]; count: number[] }"


class LabelsFeature(Feature):
    """``map_labels``: the column whose category names are written on the map."""

    map_labels = synced(
        traitlets.Unicode(
            "",
            help="Categorical column whose category names are written on the map, each at the "
            "densest place of its points ('' for none).",
        ),
        "labels",
        browser=True,
        session=2,
    )
    _map_label_options = synced(traitlets.List(traitlets.Unicode()), "labels")
    _label_places = synced(traitlets.Dict(), "labels", ts=_PLACES_TS)

    def _attach(self, core: ExplorerCore) -> None:
        # each column's category codes, kept while its values are the same array
        self._label_codes: dict[str, tuple[np.ndarray, np.ndarray | None, list[str]]] = {}
        self._map_label_options = self._categorical_columns()
        # a constructor keyword was set before the columns were known: check it now
        self.map_labels = self._valid_map_labels({"value": self.map_labels})
        self.observe(self._on_map_labels, "map_labels")
        core.events.on(LAYOUT_CHANGED, self._on_label_layout)
        core.events.on(COLUMN_ADDED, self._on_label_column)
        self._send_label_places()

    @traitlets.validate("map_labels")
    def _valid_map_labels(self, proposal: Mapping[str, Any]) -> str:
        name = proposal["value"]
        core = getattr(self, "_core", None)
        if core is None or name == "":
            return str(name)
        options = list(self._map_label_options)
        if name not in options:
            why = "a numeric column" if name in core.columns.values else "no such column"
            raise traitlets.TraitError(
                f"map_labels must be '' or a categorical column, one of {options}; got {name!r} "
                f"({why}). Add categories with add_column(name, values), e.g. cluster ids."
            )
        return str(name)

    # ------------------------------------------------------------------ columns
    def _codes_of(self, name: str) -> tuple[np.ndarray | None, list[str]]:
        """The column's category codes and names (codes None: the column is not categorical)."""
        values = self._core.columns.values[name]
        kept = self._label_codes.get(name)
        if kept is None or kept[0] is not values:
            codes: np.ndarray | None = None
            categories: list[str] = []
            # floats are continuous unless ordered: no need to read ten million of them
            if values.dtype.kind != "f" or name in self._core.columns.orders:
                kind, encoded, names, _ = encode_colors(values, self._core.columns.orders.get(name))
                if kind == "categorical":
                    codes, categories = encoded, names
            kept = (values, codes, categories)
            self._label_codes[name] = kept
        return kept[1], kept[2]

    def _categorical_columns(self) -> list[str]:
        """The columns coloured as categories, told apart without encoding ten million numbers."""
        columns = self._core.columns
        chosen = []
        for name, values in columns.values.items():
            if name in columns.orders:
                categorical = True
            elif values.dtype.kind == "f":
                categorical = False
            elif values.dtype.kind in "iu":
                categorical = _few_integers(values, MAX_INTEGER_CATEGORIES)
            else:  # objects may hold numbers: as the colours read them
                categorical = self._codes_of(name)[0] is not None
            if categorical:
                chosen.append(name)
        return chosen

    def _on_label_column(self, name: str, show: bool) -> None:
        with self.hold_sync():
            self._map_label_options = self._categorical_columns()
            if self.map_labels == name:
                if name in self._map_label_options:
                    self._send_label_places()
                else:  # the column now holds numbers: it names no places
                    self.map_labels = ""

    # ------------------------------------------------------------------ places
    def _on_map_labels(self, change: Mapping[str, Any]) -> None:
        self._send_label_places()

    def _on_label_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        if self.map_labels:
            self._send_label_places()

    def _send_label_places(self) -> None:
        """Send where each category of ``map_labels`` is densest on the map on show."""
        column, shown = self.map_labels, self._core.map
        places: dict[str, Any] = {"column": column, "names": [], "x": [], "y": [], "count": []}
        codes, categories = self._codes_of(column) if column else (None, [])
        if shown is not None and codes is not None and len(shown):
            counts = np.bincount(codes, minlength=len(categories))
            rows = stratified_rows(codes, counts, SAMPLE_BUDGET)
            x, y = label_places(
                shown.x[rows], shown.y[rows], codes[rows], len(categories), shown.extent
            )
            for k, name in enumerate(categories):
                if name in _UNPLACED or not np.isfinite(x[k]) or counts[k] == 0:
                    continue
                places["names"].append(name)
                places["x"].append(float(x[k]))
                places["y"].append(float(y[k]))
                places["count"].append(int(counts[k]))
        self._label_places = places


def _few_integers(values: np.ndarray, most: int) -> bool:
    """Whether an integer column holds at most ``most`` distinct values (then it is categorical)."""
    if len(values) == 0:
        return True
    low, high = int(values.min()), int(values.max())
    if high - low < 1 << 16:  # a count per value: one pass, no sort
        return int(np.count_nonzero(np.bincount(values - low))) <= most
    step = max(1, len(values) // 100_000)
    if len(np.unique(values[::step])) > most:  # a sample's values are some of the column's
        return False
    return len(np.unique(values)) <= most
