"""``LatentExplorer``: the latent map widget, linked to decoded previews and interpolation frames.

This module holds the widget's traits (the contract with ``js/src/types.ts``, documented in
``docs/widget-contract.md``) and its handlers; the work is done by the engine modules.
"""

from __future__ import annotations

import pathlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets
from anywidget.experimental import command

from . import projections as _projections
from ._engine.columns import collect_columns, column_values, encode_colors
from ._engine.data import DataSource, Transform
from ._engine.model import LatentModel
from ._engine.outputs import OutputRule
from ._engine.store import DEFAULT_CACHE_BYTES, LatentStore
from ._engine.tasks import BackgroundTask, run_in_background
from ._widget.serialization import array_to_binary, array_trait, binary_to_array
from ._widget.status import Status
from .operations.interpolation import check_method, check_steps
from .render import Preview, PreviewRenderer, to_rgba_batch

_STATIC = pathlib.Path(__file__).parent / "static"
# Fast enough to compute on the kernel's thread (PCA: 0.2 s for 1M x 64) and to place new codes with
# their transform; the others run in the background and place new codes by nearest neighbours.
_INSTANT = frozenset({"pca", "dims"})
_PROGRESS_INTERVAL_S = 0.1
# Live layouts of a running projection are sent once a second, up to this many points (12 B each).
_LIVE_INTERVAL_S = 1.0
_LIVE_MAX_POINTS = 200_000
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.innerHTML = '<pre style="color:#b00">latentwidgets: the front end is not built ' +
    '(latentwidgets/static/widget.js is missing). Install the package with pip (needs npm), ' +
    'or run `npm install && npm run build` in js/.</pre>';
} };
"""


def _bundle(name: str, fallback: str) -> pathlib.Path | str:
    path = _STATIC / name
    return path if path.exists() else fallback


class LatentExplorer(anywidget.AnyWidget):
    """A WebGL map of a model's latent space, linked to live decoded previews and interpolation.

    Parameters
    ----------
    encoder : callable or LatentModel
        A torch encoder (``nn.Module``, bound method or any callable) or a ready :class:`LatentModel`.
    decoder : callable, optional
        The matching decoder. Without one, previews show the input items themselves.
    data : tensor, array, Dataset, DataLoader, list of PIL images or list
        The items to encode, in the order that gives each point its index.
    labels : sequence, optional
        One label per item, for colour. Default: labels found in ``(x, y)`` dataset items, or the
        data's ``labels`` attribute.
    label_names : sequence of str, optional
        Names of integer labels, for the legend (default: the data's ``label_names``, if any).
    metadata : mapping of str to sequence, optional
        More per-item columns to colour by (default: the data's ``metadata``, if any).
    projection : {"pca", "tsne", "umap", "dims"}, default "pca"
        The first projection shown.
    color_by : str, optional
        Column to colour by (default: "label" when there are labels).
    device, encoder_output, decoder_output, logits, batch_size, transform
        Passed to :class:`LatentModel` when ``encoder`` is not one already.
    preview_fn : callable, optional
        Turns a decoded output (or an input item) into a PIL image, array or text for display.
    value_range : "auto" or (float, float), default "auto"
        Value range of decoded images (see :func:`latentwidgets.render.to_rgba`).
    cache_bytes : int, default 256 MiB
        Bound of the cache of decoded outputs (kept on the model's device).
    progress : bool, default True
        Show a progress bar while encoding.
    height : int, default 440
        Height of the map in pixels.

    Examples
    --------
    >>> import latentwidgets as lw
    >>> data = lw.datasets.digits()
    >>> vae = lw.models.load_pretrained("digits-vae")
    >>> explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data)  # doctest: +SKIP
    >>> explorer  # doctest: +SKIP
    """

    _esm = _bundle("widget.js", _MISSING_BUNDLE)
    _css = _bundle("widget.css", "")

    # the map
    _points = array_trait(help="(N, 2) float32 coordinates of the drawn projection")
    _points_projection = traitlets.Unicode("").tag(sync=True)
    projection = traitlets.Unicode(
        "pca", help="Name of the projection shown or being computed."
    ).tag(sync=True)
    _projection_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    height = traitlets.Int(440, help="Height of the map in pixels.").tag(sync=True)
    point_size = traitlets.Float(0.0, help="Point size in pixels; 0 picks one from N.").tag(
        sync=True
    )
    opacity = traitlets.Float(0.0, help="Point opacity in (0, 1]; 0 picks one from N.").tag(
        sync=True
    )
    # colour
    color_by = traitlets.Unicode("", help="Column the points are coloured by ('' for none).").tag(
        sync=True
    )
    _color_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _colors = array_trait()
    _color_kind = traitlets.Unicode("none").tag(sync=True)
    _color_categories = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _color_range = traitlets.List(traitlets.Float(), default_value=[0.0, 1.0]).tag(sync=True)
    # selection and previews
    _selection = array_trait()
    pinned = traitlets.Int(-1, help="Index of the point pinned by a click, or -1.").tag(sync=True)
    _has_decoder = traitlets.Bool(True).tag(sync=True)
    # interpolation
    interp_a = traitlets.Int(-1, help="First end point of the interpolation, or -1.").tag(sync=True)
    interp_b = traitlets.Int(-1, help="Second end point of the interpolation, or -1.").tag(
        sync=True
    )
    interp_steps = traitlets.Int(16, help="Number of interpolation frames.").tag(sync=True)
    interp_method = traitlets.Unicode("slerp", help="'slerp' or 'lerp'.").tag(sync=True)
    _frames = array_trait(help="(F, H, W, 4) uint8 RGBA interpolation frames")
    _path = array_trait(help="(F, 2) float32 map coordinates of the frames' codes")
    # status line
    _status = traitlets.Dict(Status.idle().to_dict()).tag(sync=True)

    def __init__(
        self,
        encoder: Callable[..., Any] | LatentModel,
        decoder: Callable[..., Any] | None = None,
        data: Any = None,
        *,
        labels: Sequence[Any] | np.ndarray | None = None,
        label_names: Sequence[str] | None = None,
        metadata: Mapping[str, Sequence[Any]] | None = None,
        projection: str = "pca",
        color_by: str | None = None,
        device: str | torch.device | None = None,
        encoder_output: OutputRule = None,
        decoder_output: OutputRule = None,
        logits: bool = False,
        batch_size: int = 256,
        transform: Transform | None = None,
        preview_fn: Callable[[Any], Any] | None = None,
        value_range: Any = "auto",
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        progress: bool = True,
        height: int = 440,
        **kwargs: Any,
    ) -> None:
        unknown = sorted(set(kwargs) - {"layout"})
        if unknown:
            raise TypeError(f"LatentExplorer() got unexpected keyword arguments: {unknown}")
        if data is None:
            raise TypeError("LatentExplorer() needs data: the items to encode")
        if isinstance(encoder, LatentModel):
            if decoder is not None:
                raise TypeError("pass decoder= to the LatentModel, not beside it")
            model = encoder
        else:
            model = LatentModel(
                encoder,
                decoder,
                device=device,
                encoder_output=encoder_output,
                decoder_output=decoder_output,
                logits=logits,
                batch_size=batch_size,
                transform=transform,
                progress=progress,
            )
        self._model = model
        self._source = DataSource(data, transform=model.transform)
        self._renderer = PreviewRenderer(preview_fn=preview_fn, value_range=value_range)
        latents = model.encode(self._source, progress=progress)
        self._store = LatentStore(model, latents, cache_bytes)
        self._labels, self._columns, self._orders = collect_columns(
            len(latents), labels, label_names, metadata, self._source, data
        )
        self._coords: dict[str, np.ndarray] = {}
        self._fitted: dict[str, Any] = {}
        self._requested: dict[str, _projections.Projection] = {}
        self._task: BackgroundTask | None = None
        self._task_lock = threading.Lock()
        self._frames_tensor: torch.Tensor | None = None
        self._frames_codes: torch.Tensor | None = None
        self._frames_for: tuple[int, int, int, str] | None = None
        super().__init__(height=height, **kwargs)
        self._has_decoder = model.has_decoder
        self._projection_options = _projections.available_projections()
        self._color_options = list(self._columns)
        self._selection = np.zeros(0, np.uint32)
        self.observe(self._on_projection, "projection")
        self.observe(self._on_color_by, "color_by")
        self.observe(self._on_interp, ["interp_a", "interp_b", "interp_steps", "interp_method"])
        self.color_by = color_by if color_by is not None else next(iter(self._columns), "")
        self.projection = projection
        if projection == "pca":  # the trait's default: setting it fires no change event
            self._on_projection({"new": projection})

    # ------------------------------------------------------------------ public API
    @property
    def model(self) -> LatentModel:
        """The :class:`LatentModel` that encodes and decodes."""
        return self._model

    @property
    def latents(self) -> torch.Tensor:
        """``(N, D)`` latent codes on the model's device (spatial codes flattened)."""
        return self._store.latents

    @property
    def labels(self) -> np.ndarray | None:
        """The labels given or found in the data, or None."""
        return self._labels

    @property
    def metadata(self) -> dict[str, np.ndarray]:
        """Every column the points can be coloured by, label included."""
        return dict(self._columns)

    @property
    def coords(self) -> np.ndarray:
        """``(N, 2)`` coordinates of the projection on the map."""
        points = binary_to_array(self._points) if isinstance(self._points, dict) else self._points
        if points is None:
            raise RuntimeError("no projection has been computed yet")
        return np.asarray(points, dtype=np.float32)

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
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str; got {name!r}")
        self._columns[name] = column_values(values, "values", len(self._store))
        self._orders.pop(name, None)
        self._color_options = list(self._columns)
        if color and self.color_by == name:
            self._on_color_by({"new": name})
        elif color:
            self.color_by = name

    def show_projection(self, projection: _projections.Projection) -> None:
        """Show a projection configured by you, e.g. ``LatentDims((2, 5))`` or ``TSNE(perplexity=50)``.

        It replaces the projection of the same name (``projection.name``) on the map and in the
        widget's menu; a slow one runs in the background like any other.

        Parameters
        ----------
        projection : Projection
            An unfitted instance of :class:`PCA`, :class:`TSNE`, :class:`UMAP` or :class:`LatentDims`.
        """
        if not isinstance(projection, _projections.Projection):
            raise TypeError(
                f"projection must be a latentwidgets projection (PCA, TSNE, UMAP, LatentDims); "
                f"got {type(projection).__name__}"
            )
        name = projection.name
        self._coords.pop(name, None)
        self._requested[name] = projection
        if self.projection == name:
            self._on_projection({"new": name})
        else:
            self.projection = name

    def projection_of(self, name: str) -> np.ndarray:
        """Coordinates of a projection computed in this session, by name (e.g. ``"tsne"``)."""
        if name not in self._coords:
            raise KeyError(
                f"projection {name!r} has not been computed; computed: {sorted(self._coords)}"
            )
        return self._coords[name]

    @property
    def selected(self) -> list[int]:
        """Indices of the selected points, synced both ways with the map."""
        values = self._selection
        array = binary_to_array(values) if isinstance(values, dict) else values
        return [] if array is None else sorted(int(i) for i in np.asarray(array))

    @selected.setter
    def selected(self, indices: Sequence[int]) -> None:
        self._selection = self._point_indices(indices, "selected indices")

    def zoom_to(self, indices: Sequence[int] | None = None) -> None:
        """Frame these points on the map, as the selection's zoom button does.

        Parameters
        ----------
        indices : sequence of int, optional
            Points to frame, e.g. ``explorer.selected``. ``None`` or an empty sequence frames all
            points, as the fit button does.

        Raises
        ------
        IndexError
            If an index is outside ``[0, N)``.
        """
        if indices is None or len(indices) == 0:
            self.send({"kind": "lw-zoom", "indices": None})
            return
        payload = array_to_binary(self._point_indices(indices, "zoom_to indices"))
        view = payload.pop("view")
        self.send({"kind": "lw-zoom", "indices": payload}, [view])

    def _point_indices(self, indices: Sequence[int], what: str) -> np.ndarray:
        """Sorted unique ``uint32`` point indices, checked against the number of points."""
        n = len(self._store)
        array = np.asarray(list(indices), dtype=np.int64).reshape(-1)
        if array.size and (array.min() < 0 or array.max() >= n):
            raise IndexError(f"{what} must be in [0, {n}); got {array.min()}..{array.max()}")
        return np.unique(array).astype(np.uint32)

    @property
    def frames(self) -> torch.Tensor | None:
        """The decoded interpolation frames on show, ``(F, ...)``, on the model's device."""
        return self._frames_tensor

    def decode(self, indices: int | Sequence[int]) -> torch.Tensor:
        """Decode points through the cache of decoded outputs.

        Parameters
        ----------
        indices : int or sequence of int
            Point indices.

        Returns
        -------
        torch.Tensor
            ``(len(indices), ...)`` decoder outputs on the model's device.
        """
        single = isinstance(indices, int | np.integer)
        out = self._store.decode_indices([int(indices)] if single else [int(i) for i in indices])
        return out[0] if single else out

    def interpolate(self, a: int, b: int, steps: int = 16, method: str = "slerp") -> torch.Tensor:
        """Decode frames between points ``a`` and ``b`` in one batch, and show them on the slider.

        Parameters
        ----------
        a, b : int
            Point indices.
        steps : int, default 16
            Number of frames, both ends included.
        method : {"slerp", "lerp"}, default "slerp"
            Spherical or linear interpolation.

        Returns
        -------
        torch.Tensor
            ``(steps, ...)`` decoded frames on the model's device.
        """
        if not self._model.has_decoder:
            raise ValueError("interpolation needs a decoder; this explorer has none")
        a, b = self._store.check_index(a, "a"), self._store.check_index(b, "b")
        check_steps(steps)
        check_method(method)
        with self.hold_trait_notifications():
            self.interp_a, self.interp_b, self.interp_steps, self.interp_method = (
                a,
                b,
                steps,
                method,
            )
        self._show_frames()  # a no-op when the trait observer has just shown these frames
        if self._frames_for != (a, b, steps, method):
            raise RuntimeError(self._status.get("message") or "interpolation failed")
        assert self._frames_tensor is not None
        return self._frames_tensor

    def save_gif(
        self, path: str | pathlib.Path, *, fps: float = 12.0, size: int = 128
    ) -> pathlib.Path:
        """Save the interpolation frames on show as an animated GIF (forth and back).

        Parameters
        ----------
        path : str or pathlib.Path
            Where to write the file.
        fps : float, default 12
            Frames per second.
        size : int, default 128
            Width of the GIF in pixels (frames are scaled up without smoothing).
        """
        from PIL import Image

        if self._frames_tensor is None:
            raise RuntimeError("no interpolation frames yet: call interpolate(a, b) first")
        rgba = to_rgba_batch(self._frames_tensor)
        scale = max(1, size // rgba.shape[2])
        images = [
            Image.fromarray(f).resize((f.shape[1] * scale, f.shape[0] * scale), Image.NEAREST)
            for f in rgba
        ]
        images += images[-2:0:-1]
        path = pathlib.Path(path)
        images[0].save(path, save_all=True, append_images=images[1:], duration=1000 / fps, loop=0)
        return path

    def save_html(
        self,
        path: str | pathlib.Path,
        *,
        thumbnails: str = "auto",
        thumb_size: int = 48,
        title: str = "latentwidgets",
    ) -> pathlib.Path:
        """Write the map as one HTML file that works with no kernel and no network (Bokeh).

        Hovering a point shows its thumbnail; the interpolation frames on show, if any, come with a
        slider. Points are coloured by the column the widget is coloured by.

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
        from .export import save_html

        if thumbnails not in ("auto", "decoded", "input", "none"):
            raise ValueError(
                f"thumbnails must be 'auto', 'decoded', 'input' or 'none'; got {thumbnails!r}"
            )
        if thumbnails == "auto":
            thumbnails = "decoded" if self._model.has_decoder else "input"
        images: Any = None
        frames = self._frames_tensor
        if thumbnails == "decoded":
            images = self._model.decode(self.latents)
        elif thumbnails == "input":
            images = [self._source.item(i) for i in range(len(self._store))]
        return save_html(
            path,
            self.coords,
            images=images,
            labels=self._columns.get(self.color_by),
            frames=frames if frames is not None and len(frames) >= 2 else None,
            frames_title=self._status.get("message") or None,
            title=title,
            thumb_size=thumb_size,
            value_range=self._renderer.value_range,
            preview_fn=self._renderer.preview_fn,
        )

    def wait(self, timeout: float | None = None) -> None:
        """Block until the projection being computed in the background is on the map."""
        task = self._task
        if task is not None and not task.wait(timeout):
            raise TimeoutError(f"projection {self.projection!r} still running after {timeout} s")

    # ------------------------------------------------------------------ handlers
    def _report(self, error: BaseException, doing: str) -> None:
        self._status = Status.error(f"{doing}: {type(error).__name__}: {error}").to_dict()

    def _on_projection(self, change: Mapping[str, Any]) -> None:
        name = change["new"]
        with self._task_lock:
            if self._task is not None:
                self._task.cancel()
        if name in self._coords:
            self._show_points(name)
            return
        try:
            projection = self._requested.pop(name, None) or _projections.make_projection(name)
        except (ValueError, ImportError) as error:
            self._report(error, "projection")
            return
        latents = self.latents
        if name in _INSTANT:
            try:
                coords = projection.fit_transform(latents)
            except Exception as error:
                self._report(error, name)
                return
            self._finish_projection(name, projection, coords)
            return
        self._status = Status.busy(f"computing {name}…", 0.0).to_dict()

        last_status, last_points = [0.0], [time.monotonic()]
        live = len(latents) <= _LIVE_MAX_POINTS

        def progress(fraction: float | None, message: str, coords: np.ndarray | None) -> None:
            if self.projection != name:
                return
            # openTSNE reports every iteration: a status message each 0.1 s is plenty for a bar,
            # and the map moves to the live layout once a second, so t-SNE is seen unfolding.
            now = time.monotonic()
            if now - last_status[0] >= _PROGRESS_INTERVAL_S:
                last_status[0] = now
                self._status = Status.busy(f"{name}: {message}", fraction).to_dict()
            if live and coords is not None and now - last_points[0] >= _LIVE_INTERVAL_S:
                last_points[0] = now
                with self.hold_sync():
                    self._points = np.array(coords, dtype=np.float32)
                    self._points_projection = f"{name} (running)"
                    self._path = None  # placed again on the final map

        def done(coords: np.ndarray) -> None:
            if self.projection == name:
                self._finish_projection(name, projection, coords)

        def failed(error: BaseException) -> None:
            if self.projection == name:
                self._report(error, name)

        with self._task_lock:
            self._task = run_in_background(
                lambda callback: projection.fit_transform(latents, callback=callback),
                on_progress=progress,
                on_done=done,
                on_error=failed,
                supersedes=self._task,
            )

    def _finish_projection(self, name: str, projection: Any, coords: np.ndarray) -> None:
        self._coords[name] = np.ascontiguousarray(coords, dtype=np.float32)
        self._fitted[name] = projection
        self._show_points(name)

    def _show_points(self, name: str) -> None:
        with self.hold_sync():
            self._points = self._coords[name]
            self._points_projection = name
            if self._frames_codes is not None:
                self._path = self._place(self._frames_codes)
            self._status = Status.idle().to_dict()

    def _place(self, codes: torch.Tensor) -> np.ndarray:
        """Map coordinates of new codes: the projection's transform when it has a cheap one."""
        name = self._points_projection
        projection = self._fitted.get(name)
        if projection is not None and name in _INSTANT:
            return np.asarray(projection.transform(codes), dtype=np.float32)
        return _nearest_neighbour_place(codes, self.latents, self._coords[name])

    def _on_color_by(self, change: Mapping[str, Any]) -> None:
        name = change["new"]
        if name == "":
            with self.hold_sync():
                self._colors, self._color_kind, self._color_categories = None, "none", []
            return
        if name not in self._columns:
            self._report(
                KeyError(f"no column {name!r}; columns: {list(self._columns)}"), "color_by"
            )
            return
        values = self._columns[name]
        kind, encoded, categories, value_range = encode_colors(values, self._orders.get(name))
        with self.hold_sync():
            self._colors = encoded
            self._color_kind = kind
            self._color_categories = categories
            self._color_range = value_range

    def _on_interp(self, change: Mapping[str, Any]) -> None:
        if self.interp_a >= 0 and self.interp_b >= 0 and self._model.has_decoder:
            self._show_frames()

    def _show_frames(self) -> None:
        a, b = self.interp_a, self.interp_b
        # Setting several interp traits at once fires the observer once per trait.
        if self._frames_for == (a, b, self.interp_steps, self.interp_method):
            return
        try:
            steps, method = check_steps(self.interp_steps), check_method(self.interp_method)
            frames = self._store.interpolate(a, b, steps, method)  # type: ignore[arg-type]
            codes = self._store.interpolation_codes(a, b, steps, method)  # type: ignore[arg-type]
            rgba = self._frames_rgba(frames)
        except Exception as error:
            self._report(error, "interpolation")
            return
        self._frames_tensor, self._frames_codes = frames, codes
        self._frames_for = (a, b, steps, method)
        with self.hold_sync():
            self._frames = rgba
            self._path = self._place(codes) if self._points_projection else None
            self._status = Status.idle(f"{steps} frames from {a} to {b} ({method})").to_dict()

    def _frames_rgba(self, frames: torch.Tensor) -> np.ndarray:
        """Frames as one (F, H, W, 4) array, through the user's preview_fn when there is one."""
        if self._renderer.preview_fn is None:
            return to_rgba_batch(frames, value_range=self._renderer.value_range)
        previews = self._renderer.render_batch(frames)
        sizes = {(p.kind, p.width, p.height) for p in previews}
        if len(sizes) != 1 or previews[0].kind != "image":
            raise ValueError(
                f"preview_fn must turn every interpolation frame into an image of one size; got {sorted(sizes)}"
            )
        return np.stack([p.to_array() for p in previews])

    @command
    def preview(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request for the preview of one point (decoded on demand)."""
        index = msg.get("index", -1) if isinstance(msg, Mapping) else -1
        response: dict[str, Any] = {"index": index, "recon": None, "input": None}
        out: list[bytes] = []
        try:
            index = self._store.check_index(index)
            if self._model.has_decoder:
                response["recon"] = _describe_preview(
                    self._renderer.render(self._store.decode_one(index)), out
                )
            response["input"] = _describe_preview(
                self._renderer.render(self._source.item(index)), out
            )
        except Exception as error:
            self._report(error, f"preview of point {index}")
            response["error"] = f"{type(error).__name__}: {error}"
        return response, out


def explore(
    encoder: Callable[..., Any] | LatentModel,
    decoder: Callable[..., Any] | None = None,
    data: Any = None,
    **kwargs: Any,
) -> LatentExplorer:
    """Encode ``data`` and return a :class:`LatentExplorer` (shorthand with the same arguments)."""
    return LatentExplorer(encoder, decoder, data, **kwargs)


def _describe_preview(preview: Preview, buffers: list[bytes]) -> dict[str, Any]:
    if preview.kind == "text":
        return {"kind": "text", "text": preview.text}
    buffers.append(preview.rgba or b"")
    return {
        "kind": "image",
        "width": preview.width,
        "height": preview.height,
        "buffer": len(buffers) - 1,
    }


def _nearest_neighbour_place(
    codes: torch.Tensor, latents: torch.Tensor, coords: np.ndarray, k: int = 5
) -> np.ndarray:
    """Place codes at the distance-weighted mean of their k nearest points' coordinates."""
    k = min(k, len(latents))
    distances = torch.cdist(codes.to(latents.dtype), latents)
    nearest, index = torch.topk(distances, k, largest=False)
    weights = 1.0 / (nearest + 1e-6)
    weights = (weights / weights.sum(dim=1, keepdim=True)).cpu().numpy()
    return np.einsum("fk,fkc->fc", weights, coords[index.cpu().numpy()]).astype(np.float32)
