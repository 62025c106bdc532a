"""Sharing the map: one HTML page with no kernel and no network (Bokeh), in the widget's colours."""

from __future__ import annotations

import pathlib
from typing import Any

from .. import export as _export
from .host import ExplorerHost
from .interpolation import frames_title


class ExportView(ExplorerHost):
    """The widget's export to a standalone page."""

    def save_html(
        self,
        path: str | pathlib.Path,
        *,
        thumbnails: str = "auto",
        thumb_size: int = 48,
        title: str = "latentwidgets",
    ) -> pathlib.Path:
        """Write the map as one HTML file that works with no kernel and no network (Bokeh).

        Hovering a point shows its thumbnail; a box or lasso selection shows the selected points'
        thumbnails in a gallery and their indices in a field, with a button that copies them. The
        interpolation frames on show, if any, come with a slider; the kept snapshots
        (:attr:`history`), if any, with a slider that moves the points to each snapshot's map.
        Points are coloured by the column the widget is coloured by, in the same colours.

        Parameters
        ----------
        path : str or pathlib.Path
            Where to write the file.
        thumbnails : {"auto", "decoded", "input", "none"}, default "auto"
            What the hover shows: decoded outputs ("auto" when there is a decoder), the input items
            ("auto" without one), or nothing.
        thumb_size : int, default 48
            Thumbnails are scaled down to at most this many pixels a side.
        title : str, default "latentwidgets"
            Title of the page.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        inputs = self._export_inputs(thumbnails)
        frames, shown = self.frames, self._frames_for
        with_frames = frames is not None and shown is not None and len(frames) >= 2
        snapshots = getattr(self, "history", [])  # HistoryView's, beside this view
        return _export.save_html(
            path,
            self.coords,
            frames=frames if with_frames else None,
            frames_title=frames_title(*shown) if with_frames and shown else None,
            title=title,
            thumb_size=thumb_size,
            history=[(s.name, s.coords) for s in snapshots] or None,
            **inputs,
        )

    def _export_inputs(self, thumbnails: str) -> dict[str, Any]:
        """Thumbnails, colours and rendering of the export (also read by ``save_comparison``)."""
        if thumbnails not in ("auto", "decoded", "input", "none"):
            raise ValueError(
                f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
            )
        if thumbnails == "auto":
            has_inputs = self._source.kind != "none"
            thumbnails = "decoded" if self._model.has_decoder else "input" if has_inputs else "none"
        images: Any = None
        if thumbnails == "decoded":
            images = self._model.decode(self.latents)
        elif thumbnails == "input":
            images = [self._source.item(i) for i in range(len(self._store))]
        return {
            "images": images,
            "labels": self._columns.get(self.color_by),
            "label_order": self._orders.get(self.color_by),
            "value_range": self._renderer.value_range,
            "preview_fn": self._renderer.preview_fn,
        }
