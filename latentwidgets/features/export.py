"""Sharing the map: one HTML page with no kernel and no network (Bokeh), in the widget's colours."""

from __future__ import annotations

import base64
import pathlib
from typing import Any

from .. import export as _export
from .._map_picture import map_png
from .._widget.core import COLORS_CHANGED, ExplorerCore
from .._widget.feature import Feature
from ..operations._checks import check_output_path


class ExportFeature(Feature):
    """The widget's export to a standalone page, and its still picture for hosts with no widgets."""

    def _attach(self, core: ExplorerCore) -> None:
        self._picture_colors: dict[str, Any] = {}
        core.events.on(COLORS_CHANGED, self._on_picture_colors)

    def _on_picture_colors(self, **colors: Any) -> None:
        self._picture_colors = colors

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget's view, and beside it a PNG of the map for hosts that cannot show widgets.

        GitHub, nbconvert's HTML (without the widgets' state) and other viewers with no widget
        manager show the picture; Jupyter shows the live widget.
        """
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        shown = self._core.map
        if isinstance(data, dict) and shown is not None:
            colors = self._picture_colors
            picture = map_png(
                shown.coords,
                kind=colors.get("kind", "none"),
                encoded=colors.get("encoded"),
                categories=colors.get("categories", ()),
                value_range=colors.get("value_range", (0.0, 1.0)),
                caption=_caption(len(shown), shown.name, colors.get("column", "")),
            )
            data["image/png"] = base64.b64encode(picture).decode("ascii")
        return bundle

    def save_html(
        self,
        path: str | pathlib.Path,
        *,
        thumbnails: str = "auto",
        thumb_size: int = 48,
        title: str | None = None,
    ) -> pathlib.Path:
        """Write the map as one HTML file that works with no kernel and no network (Bokeh).

        Hovering a point shows its thumbnail; a box or lasso selection shows the selected points'
        thumbnails in a gallery and their indices in a field, with a button that copies them. The
        interpolation frames on show, if any, come with a slider; the kept snapshots
        (:attr:`history`), if any, with a slider that moves the points to each snapshot's map.
        Points are coloured by the column the widget is coloured by, in the same colours; a
        select above the map recolours them by any other column (the label and the metadata),
        with its legend or colour bar, in the browser.

        Parameters
        ----------
        path : str or pathlib.Path
            Where to write the file.
        thumbnails : {"auto", "decoded", "input", "none"}, default "auto"
            What the hover shows: decoded outputs ("auto" when there is a decoder), the input items
            ("auto" without one), or nothing.
        thumb_size : int, default 48
            Thumbnails are scaled down to at most this many pixels a side.
        title : str, optional
            Title of the page; by default what the map shows, e.g. "1,797 points · PCA ·
            coloured by label". The legend is titled with the colour column, the axes are named
            as in the widget, and the interpolation path on show is drawn on the map.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        self._core.check_open()
        path = check_output_path(path)  # before the thumbnails are decoded
        inputs = self._export_inputs(thumbnails)
        exports = self._core.exports
        shown = exports["frames"]() if "frames" in exports else None
        history = exports["history"]() if "history" in exports else None
        core = self._core
        axes = exports["axes"]() if "axes" in exports else None
        shown_map = core.map
        default = _describe(len(core), "" if shown_map is None else shown_map.name, core.colored_by)
        return _export.save_html(
            path,
            core.coords(),
            frames=None if shown is None else shown[0],
            frames_title=None if shown is None else shown[1],
            path_coords=None if shown is None else shown[2],
            axis_labels=axes,
            title=default if title is None else title,
            thumb_size=thumb_size,
            history=history or None,
            **inputs,
        )

    def _export_inputs(self, thumbnails: str) -> dict[str, Any]:
        """Thumbnails, colours and rendering of the export (also read by ``save_comparison``)."""
        if thumbnails not in ("auto", "decoded", "input", "none"):
            raise ValueError(
                f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
            )
        core = self._core
        if thumbnails == "auto":
            has_inputs = core.source.kind != "none"
            thumbnails = "decoded" if core.model.has_decoder else "input" if has_inputs else "none"
        images: Any = None
        if thumbnails == "decoded":
            images = core.model.decode(core.latents)
        elif thumbnails == "input":
            images = [core.source.item(i) for i in range(len(core))]
        column, exports = core.colored_by, core.exports
        return {
            "images": images,
            # every column travels (the page's select recolours by any); this one is shown first
            "labels": core.columns.values.get(column),
            "labels_title": column or "label",
            "label_order": core.columns.orders.get(column),
            "columns": dict(core.columns.values),
            "column_orders": dict(core.columns.orders),
            "color_scale": exports["color_scale"]() if "color_scale" in exports else "linear",
            "value_range": core.renderer.value_range,
            "preview_fn": core.renderer.preview_fn,
        }


#: How the projections are named on the map (the menu's names).
_LABELS = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP", "dims": "latent dims"}


def _describe(n: int, projection: str, column: str) -> str:
    """What the map shows: "1,797 points · PCA · coloured by label"."""
    shown = _LABELS.get(projection, projection)
    colored = f" · coloured by {column}" if column else ""
    return f"{n:,} points · {shown}{colored}"


def _caption(n: int, projection: str, column: str) -> str:
    return (
        f"{_describe(n, projection, column)} · a still picture: run the notebook for the live map"
    )
