"""Undo and redo over one timeline of what a person edits: the selection, tags and the filter.

The timeline lives in the core; each feature records its own changes there. This feature records
the selection (a core trait), and gives ``undo``/``redo`` to Python and to the widget (Ctrl+Z,
Ctrl+Shift+Z).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._widget.core import ExplorerCore
from .._widget.feature import Feature, command, synced


def _indices(value: Any) -> np.ndarray:
    return np.zeros(0, np.uint32) if value is None else np.asarray(value, np.uint32)


class UndoFeature(Feature):
    """``undo``, ``redo`` and the widget's keys for them."""

    _undo_counts = synced(
        traitlets.List(
            traitlets.Int(), default_value=[0, 0], help="[steps to undo, steps to redo]"
        ),
        "timeline",
        ts="[number, number]",
    )

    def _attach(self, core: ExplorerCore) -> None:
        timeline = core.timeline
        timeline.track("selection", self._put_selection)
        self.observe(
            lambda change: timeline.record(
                "selection", _indices(change["old"]), _indices(change["new"])
            ),
            "_selection",
        )
        timeline.on_change(
            lambda: setattr(self, "_undo_counts", [timeline.can_undo, timeline.can_redo])
        )

    def undo(self) -> str | None:
        """Undo the last change of the selection, the tags or the filter (up to 100 steps).

        Changes made from Python count as steps too; a new change clears what could be redone.

        Returns
        -------
        str or None
            What was put back (``"selection"``, ``"tags"`` or ``"filter"``), or None if there
            was nothing to undo.
        """
        self._core.check_open()
        return self._core.timeline.undo()

    def redo(self) -> str | None:
        """Apply again the last undone change; what it changed, or None if nothing was undone."""
        self._core.check_open()
        return self._core.timeline.redo()

    @command("undo")
    def undo_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{}`` -> ``{changed}``: the widget's Ctrl+Z."""
        return {"changed": self.undo()}

    @command("redo")
    def redo_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{}`` -> ``{changed}``: the widget's Ctrl+Shift+Z (or Ctrl+Y)."""
        return {"changed": self.redo()}

    def _put_selection(self, indices: np.ndarray) -> None:
        self._selection = indices
