"""Clearing the marks on the map: the samples' diamonds, the neighbour rings and the paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._widget.feature import Feature, command


class MarksFeature(Feature):
    """``clear_marks`` and the toolbar button that calls it."""

    def clear_marks(self) -> None:
        """Take the marks off the map: the samples' diamonds, the neighbour rings and the paths.

        The pinned point is let go (its neighbours' rings and its traversal go with it), and the
        interpolation and traversal paths and the samples leave the map. What the panels show
        stays: the samples' gallery, the interpolation frames and their ends.
        """
        self._core.check_open()
        with self.hold_sync():
            self.pinned = -1
            self._core.unplace_all()

    @command("clear marks")
    def clear_marks_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """Answer the toolbar's button: ``{}`` -> ``{"cleared": true}`` (or ``{error}``)."""
        self.clear_marks()
        return {"cleared": True}
