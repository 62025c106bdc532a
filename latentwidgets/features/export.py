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
        audio_rate: int | None = _export.PAGE_RATE,
        audio_bytes: int | None = _export.AUDIO_BYTES,
    ) -> pathlib.Path:
        """Write the map as one HTML file that works with no kernel and no network (Bokeh).

        Hovering a point shows its thumbnail; a box or lasso selection shows the selected points'
        thumbnails in a gallery and their indices in a field, with a button that copies them. The
        interpolation frames on show, if any, come with a slider; the kept snapshots
        (:attr:`history`), if any, with a slider that moves the points to each snapshot's map.
        Points are coloured by the column the widget is coloured by, in the same colours; a
        select above the map recolours them by any other column (the label and the metadata),
        with its legend or colour bar, in the browser.

        Previews follow the explorer's ``preview``. Sound: a click on a point plays it, the
        frame slider plays the frame on show, and the page keeps its sound within
        ``audio_bytes`` (see :func:`latentwidgets.export.save_html`). Text: the hover shows the
        decoded text beside the input's, and the frames are a list of lines.

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
        audio_rate : int or None, default 8000
            Sound is resampled down to this many samples per second (None: as decoded).
        audio_bytes : int or None, default 10_000_000
            The most bytes of sound the page holds: past it, every k-th point keeps its sound.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        self._core.check_open()
        path = check_output_path(path)  # before the thumbnails are decoded
        shows = _shown_thumbnails(self._core, thumbnails)
        inputs = self._export_inputs(shows)
        exports = self._core.exports
        shown = exports["frames"]() if "frames" in exports else None
        history = exports["history"]() if "history" in exports else None
        core = self._core
        axes = exports["axes"]() if "axes" in exports else None
        shown_map = core.map
        default = _describe(len(core), "" if shown_map is None else shown_map.name, core.colored_by)
        frames = None if shown is None else shown[0]
        renderer = core.renderer
        if frames is not None and renderer.sound is not None and renderer.preview_fn is not None:
            # the page reads frames as preview_fn leaves them, as the widget shows them
            frames = [renderer.prepared(frame) for frame in frames]
        return _export.save_html(
            path,
            core.coords(),
            frames=frames,
            frames_title=None if shown is None else shown[1],
            path_coords=None if shown is None else shown[2],
            axis_labels=axes,
            title=default if title is None else title,
            thumb_size=thumb_size,
            history=history or None,
            audio_rate=audio_rate,
            audio_bytes=audio_bytes,
            input_texts=self._export_input_texts() if shows == "decoded" else None,
            **inputs,
        )

    def _export_input_texts(self) -> list[str] | None:
        """The inputs as text, for the hover beside the decoded text, in text mode (else None)."""
        core = self._core
        if core.renderer.modality != "text" or core.source.kind == "none":
            return None
        shown = [core.renderer.render_input(core.source.item(i)) for i in range(len(core))]
        if any(preview.kind != "text" for preview in shown):
            return None  # inputs that are not text (e.g. pictures): the hover shows no input
        return [preview.text or "" for preview in shown]

    def _export_inputs(self, thumbnails: str) -> dict[str, Any]:
        """Thumbnails, colours and rendering of the export (also read by ``save_comparison``)."""
        core = self._core
        thumbnails = _shown_thumbnails(core, thumbnails)
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
            "preview": core.renderer.sound,
        }


def _shown_thumbnails(core: ExplorerCore, thumbnails: str) -> str:
    """What the page's thumbnails show: ``thumbnails`` checked, "auto" resolved."""
    if thumbnails not in ("auto", "decoded", "input", "none"):
        raise ValueError(
            f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
        )
    if thumbnails != "auto":
        return thumbnails
    has_inputs = core.source.kind != "none"
    return "decoded" if core.model.has_decoder else "input" if has_inputs else "none"


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
