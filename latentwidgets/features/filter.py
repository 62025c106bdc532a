"""The filter: an expression over the columns that dims the points failing it on the map.

``explorer.filter = "label in (1, 7) and recon_error > 0.02"``. The grammar, its whitelist and its
vectorised evaluation are in ``_engine/filter_expr.py``. The points that pass are the core's
``passing`` mask (a lasso, a box or a legend click selects among them only); the browser gets
them as one bit per point and dims the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._engine.filter_expr import FilterError, evaluate_filter
from .._widget.core import COLUMN_ADDED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.serialization import array_trait
from .._widget.status import Status


class FilterRefused(traitlets.TraitError, FilterError):
    """A filter set as a trait and refused: both a ``TraitError`` and a ``ValueError``."""


class FilterFeature(Feature):
    """The ``filter`` trait, ``filtered``, and the widget's filter box."""

    filter = synced(
        traitlets.Unicode(
            "",
            help='Expression over the columns, e.g. "label in (1, 7) and recon_error > 0.02"; '
            "points that fail it are dimmed. '' for none.",
        ),
        "filter",
        session=2,
    )
    _filtered_count = synced(traitlets.Int(0), "filter")
    _filter_mask = array_trait(
        help="(ceil(N / 8),) uint8: bit i (most significant first) set where point i passes; "
        "None when no filter is on",
        parts=("filter",),
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._filter_next: tuple[str, np.ndarray | None] | None = None
        self._filtered_count = len(core)
        core.timeline.track("filter", self._put_filter)
        core.events.on(COLUMN_ADDED, self._on_filter_column)
        self.observe(self._on_filter, "filter")

    @property
    def filtered(self) -> np.ndarray:
        """Sorted indices of the points that pass ``filter`` (every point when it is ``""``)."""
        passing = self._core.passing
        return np.arange(len(self._core)) if passing is None else np.flatnonzero(passing)

    @traitlets.validate("filter")
    def _valid_filter(self, proposal: Mapping[str, Any]) -> str:
        text = proposal["value"]
        core = getattr(self, "_core", None)
        if core is None:
            return str(text)
        try:
            passing = evaluate_filter(text, core.column_index, len(core))
        except FilterError as error:
            raise FilterRefused(str(error)) from None
        self._filter_next = (text, passing)
        return str(text)

    def _on_filter(self, change: Mapping[str, Any]) -> None:
        self._core.timeline.record("filter", change["old"], change["new"])
        self._apply_filter(change["new"])

    def _apply_filter(self, text: str) -> None:
        ready = self._filter_next
        self._filter_next = None
        core = self._core
        passing = (
            ready[1]
            if ready is not None and ready[0] == text
            else evaluate_filter(text, core.column_index, len(core))
        )
        with self.hold_sync():
            core.set_passing(passing)
            self._filtered_count = len(core) if passing is None else int(passing.sum())
            self._filter_mask = None if passing is None else np.packbits(passing)

    def _put_filter(self, text: str) -> None:
        """Undo and redo put a filter back."""
        self.filter = text

    def _on_filter_column(self, name: str, show: bool) -> None:
        """A column changed: the filter is evaluated again, and let go if it no longer fits."""
        if not self.filter:
            return
        try:
            self._apply_filter(self.filter)
        except FilterError as error:
            self._core.set_status(Status.error(f"the filter was removed: {error}"))
            self.filter = ""

    @command("filter", fields={"filter": "str"})
    def apply_filter(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """Answer the filter box (Enter): ``{filter}`` -> ``{count}``.

        A refused filter answers ``{error}`` and changes nothing.
        """
        self._core.check_open()
        self.filter = msg["filter"]
        return {"count": self._filtered_count}
