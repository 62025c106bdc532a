"""``LatentExplorer``: the latent map widget, linked to decoded previews and interpolation frames.

This module holds the widget's traits (the contract with ``js/src/types.ts``, documented in
``docs/widget-contract.md``) and the glue between them and the modules that do the work: the model
and its store (``_engine``), the projection scheduler (``projections``), colour (``colors``) and
export (``export``).
"""

from __future__ import annotations

import inspect
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets
from anywidget.experimental import command

from ._engine.columns import collect_columns, column_values
from ._engine.data import DataSource
from ._engine.indices import check_index, check_indices
from ._engine.model import LatentModel
from ._engine.store import DEFAULT_CACHE_BYTES, LatentStore
from ._widget.export import ExportView
from ._widget.history import HistoryView
from ._widget.interpolation import InterpolationView
from ._widget.neighbours import NeighboursView
from ._widget.preview import answer_preview
from ._widget.probe import ProbeView
from ._widget.projection_controls import ProjectionControls
from ._widget.quality import QualityView
from ._widget.sampled_map import SampledMapView
from ._widget.samples import SampleView
from ._widget.selection import SelectionView
from ._widget.serialization import array_trait
from ._widget.status import Status
from ._widget.traits import BoundedInt, FiniteFloat, PointIndex
from ._widget.traverse import TraverseView
from .colors import COLOR_SCALES, encode_colors, scale_values
from .projections import Projection
from .projections._scheduler import ProjectionScheduler
from .render import PreviewRenderer
from .scale import LatentTable, encode_with_ray, is_ray_dataset

_STATIC = pathlib.Path(__file__).parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.innerHTML = '<pre style="color:#b00">latentwidgets: the front end is not built ' +
    '(latentwidgets/static/widget.js is missing). Install the package with pip (needs npm), ' +
    'or run `npm install && npm run build` in js/.</pre>';
} };
"""
# Keyword arguments that set the widget's own traits at construction.
_WIDGET_OPTIONS = ("layout", "point_size", "opacity", "color_scale", "max_drawn")
# Keyword arguments passed through to LatentModel when the encoder is not one already.
_MODEL_OPTIONS = frozenset(inspect.signature(LatentModel).parameters) - {
    "encoder",
    "decoder",
    "progress",
}


def _bundle(name: str, fallback: str) -> pathlib.Path | str:
    path = _STATIC / name
    return path if path.exists() else fallback


class LatentExplorer(
    InterpolationView,
    ExportView,
    NeighboursView,
    TraverseView,
    SampleView,
    QualityView,
    ProbeView,
    ProjectionControls,
    HistoryView,
    SelectionView,
    SampledMapView,
    anywidget.AnyWidget,
):
    """A WebGL map of a model's latent space, linked to live decoded previews and interpolation.

    Parameters
    ----------
    encoder : callable or LatentModel
        A torch encoder (``nn.Module``, bound method or any callable) or a ready :class:`LatentModel`.
    decoder : callable, optional
        The matching decoder. Without one, previews show the input items themselves.
    data : tensor, array, Dataset, DataLoader, list of PIL images, list or ray.data.Dataset
        The items to encode, in the order that gives each point its index. A Ray dataset is
        encoded on Ray's actors (:func:`latentwidgets.encode`); its items stay there.
    labels : sequence, optional
        One label per item, for colour. Default: labels found in ``(x, y)`` dataset items, or the
        data's ``labels`` attribute.
    label_names : sequence of str, optional
        Names of integer labels, for the legend (default: the data's ``label_names``, if any).
    metadata : mapping of str to sequence, optional
        More per-item columns to colour by (default: the data's ``metadata``, if any).
    projection : str or Projection, default "pca"
        The first projection shown: a name (``"pca"``, ``"tsne"``, ``"umap"``, ``"dims"``) or an
        unfitted projection with your parameters, e.g. ``TSNE(perplexity=50)``.
    color_by : str, optional
        Column to colour by (default: "label" when there are labels); ``""`` for none.
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
    **model_options
        ``device``, ``encoder_output``, ``decoder_output``, ``logits``, ``batch_size`` and
        ``transform``, passed to :class:`LatentModel` when ``encoder`` is not one already; and
        ``layout`` (ipywidgets), ``point_size``, ``opacity``, ``color_scale``, ``max_drawn``: the
        traits.

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

    # the map (its points and their colours: SampledMapView)
    _points_projection = traitlets.Unicode("").tag(sync=True)
    projection = traitlets.Unicode(
        "pca", help="Name of the projection shown or being computed."
    ).tag(sync=True)
    _projection_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    height = BoundedInt(
        440, low=100, high=4000, meaning="height of the map in pixels", help="Map height (px)."
    ).tag(sync=True)
    point_size = FiniteFloat(
        0.0, low=0.0, high=100.0, meaning="pixels; 0 picks one from N", help="Point size (px)."
    ).tag(sync=True)
    opacity = FiniteFloat(
        0.0, low=0.0, high=1.0, meaning="0 picks one from N", help="Point opacity in (0, 1]."
    ).tag(sync=True)
    # colour
    color_by = traitlets.Unicode("", help="Column the points are coloured by ('' for none).").tag(
        sync=True
    )
    _color_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _color_kind = traitlets.Unicode("none").tag(sync=True)
    _color_categories = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _color_range = traitlets.List(traitlets.Float(), default_value=[0.0, 1.0]).tag(sync=True)
    _color_ticks = traitlets.List(traitlets.List()).tag(sync=True)
    color_scale = traitlets.Enum(
        COLOR_SCALES, "linear", help="How continuous colours spread: 'linear', 'log', 'quantile'."
    ).tag(sync=True)
    # selection and previews
    _selection = array_trait()
    pinned = PointIndex(-1, help="Index of the point pinned by a click, or -1.").tag(sync=True)
    _has_decoder = traitlets.Bool(True).tag(sync=True)
    # linked explorers (latentwidgets.compare.link): the group whose hover this view follows
    _link_group = traitlets.Unicode("").tag(sync=True)
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
        metadata: Mapping[str, Any] | None = None,
        projection: str | Projection = "pca",
        color_by: str | None = None,
        preview_fn: Callable[[Any], Any] | None = None,
        value_range: Any = "auto",
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        progress: bool = True,
        height: int = 440,
        **model_options: Any,
    ) -> None:
        widget_options = _widget_options(model_options)
        if data is None:
            raise TypeError("LatentExplorer() needs data: the items to encode")
        if isinstance(encoder, LatentModel):
            if decoder is not None or model_options:
                given = ["decoder"] * (decoder is not None) + sorted(model_options)
                raise TypeError(f"pass {given} to the LatentModel, not beside it")
            model = encoder
        else:
            model = LatentModel(encoder, decoder, progress=progress, **model_options)
        self._renderer = PreviewRenderer(preview_fn=preview_fn, value_range=value_range)
        if is_ray_dataset(data):  # encoded on Ray's actors; the items stay in the cluster
            table = encode_with_ray(
                model.encoder,
                data,
                batch_size=model.batch_size,
                encoder_output=model.encoder_output,
                transform=model.transform,
            )
            assert isinstance(table, LatentTable)
            latents, source = table.codes.to(model.device), DataSource.of_items(None, len(table))
            labels = table.labels if labels is None else labels
            metadata = (table.metadata or None) if metadata is None else metadata
        else:
            source = DataSource(data, transform=model.transform)
            latents = model.encode(source, progress=progress)
        self._setup(
            model,
            source,
            latents,
            labels=labels,
            label_names=label_names,
            metadata=metadata,
            projection=projection,
            color_by=color_by,
            cache_bytes=cache_bytes,
            height=height,
            widget_options=widget_options,
        )

    @classmethod
    def from_latents(
        cls,
        latents: Any,
        decoder: Callable[..., Any] | None = None,
        items: Any = None,
        *,
        labels: Sequence[Any] | np.ndarray | None = None,
        label_names: Sequence[str] | None = None,
        metadata: Mapping[str, Sequence[Any]] | None = None,
        latent_shape: Sequence[int] | None = None,
        column: str | None = None,
        **kwargs: Any,
    ) -> LatentExplorer:
        """Open codes computed elsewhere (a cluster job, Ray Data, Spark), with no encoder.

        Parameters
        ----------
        latents : tensor, array, np.memmap, path or pyarrow.Table
            ``(N, D)`` codes: a tensor or array, a ``.npy`` file (memory-mapped, not copied), a
            Parquet file or folder of shards, or an Arrow table with one list column of codes plus
            optional ``id``, ``label`` and metadata columns (see
            :func:`latentwidgets.scale.read_latents`; Parquet and Arrow need pyarrow).
        decoder : callable, optional
            Decodes codes on demand, as in the constructor.
        items : sequence or callable, optional
            The inputs, for previews beside the decoded outputs: a sequence, or a callable
            ``index -> item`` that loads one lazily (an image from disk).
        labels, label_names, metadata
            As in the constructor; by default the table's label and metadata columns.
        latent_shape : sequence of int, optional
            Shape of one code as the decoder takes it (e.g. ``(4, 8, 8)``); default ``(D,)``.
        column : str, optional
            The list column of codes in a Parquet file or Arrow table, if not the only one.
        **kwargs
            The constructor's other keyword arguments (``projection``, ``color_by``,
            ``preview_fn``, ``device``, ``decoder_output``, ``logits``, ``batch_size`` ...).

        Returns
        -------
        LatentExplorer
        """
        from ._widget.precomputed import open_latents

        return open_latents(
            cls,
            latents,
            decoder,
            items,
            labels=labels,
            label_names=label_names,
            metadata=metadata,
            latent_shape=latent_shape,
            column=column,
            **kwargs,
        )

    def _setup(
        self,
        model: LatentModel,
        source: DataSource,
        latents: torch.Tensor,
        *,
        labels: Any,
        label_names: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        projection: str | Projection,
        color_by: str | None,
        cache_bytes: int,
        height: int,
        widget_options: dict[str, Any],
    ) -> None:
        self._model, self._source = model, source
        if latents.shape[1] < 2:
            raise ValueError(
                f"encoder: its codes have {latents.shape[1]} value per item, and a map needs at "
                "least 2; the codes are in LatentModel.encode(data) for plotting by hand"
            )
        self._store = LatentStore(model, latents, cache_bytes)
        self._labels, self._columns, self._orders = collect_columns(
            self._source, labels, label_names, metadata
        )
        self._scheduler = ProjectionScheduler(
            latents,
            on_layout=self._show_layout,
            on_progress=lambda name, fraction, message: self._set_status(
                Status.busy(message, fraction)
            ),
            on_error=lambda name, error: self._report(error, name),
        )
        first = (
            self._scheduler.configure(projection)
            if isinstance(projection, Projection)
            else self._scheduler.check_name(projection)
        )
        first_color = next(iter(self._columns), "") if color_by is None else color_by
        if first_color != "" and first_color not in self._columns:
            raise ValueError(
                f"color_by must be '' or one of the columns {list(self._columns)}; "
                f"got {first_color!r}"
            )
        self._drawn: str | None = None  # the projection whose final map is on show
        super().__init__(height=height, **widget_options)
        self._has_decoder = model.has_decoder
        self._projection_options = self._scheduler.names
        self._color_options = list(self._columns)
        self._selection = np.zeros(0, np.uint32)
        self.set_trait("projection", first)
        self.set_trait("color_by", first_color)
        self.observe(lambda change: self._scheduler.show(change["new"]), "projection")
        self.observe(self._on_color_by, ["color_by", "color_scale"])
        self._placed: dict[str, torch.Tensor] = {}
        self._link: Any = None
        self._init_interpolation()
        self._init_neighbours()
        self._init_traverse()
        self._init_samples()
        self._init_quality()
        self._init_projection_controls()
        self._init_history()
        self._init_sampled_map()
        self._on_color_by({"new": first_color})
        self._scheduler.show(first)

    # ------------------------------------------------------------------ validation
    @traitlets.validate("pinned", "interp_a", "interp_b")
    def _valid_point(self, proposal: Mapping[str, Any]) -> int:
        value = int(proposal["value"])
        n = len(self._store) if hasattr(self, "_store") else None
        if value != -1 and n is not None and value >= n:
            name = proposal["trait"].name
            raise traitlets.TraitError(
                f"{name} must be a point index in [0, {n}) or -1; got {value}"
            )
        return value

    @traitlets.validate("projection")
    def _valid_projection(self, proposal: Mapping[str, Any]) -> str:
        if hasattr(self, "_scheduler"):
            try:
                return self._scheduler.check_name(proposal["value"])
            except ValueError as error:
                raise traitlets.TraitError(str(error)) from error
        return str(proposal["value"])

    @traitlets.validate("color_by")
    def _valid_color_by(self, proposal: Mapping[str, Any]) -> str:
        name = proposal["value"]
        if hasattr(self, "_columns") and name != "" and name not in self._columns:
            raise traitlets.TraitError(
                f"color_by must be '' or one of the columns {list(self._columns)}; got {name!r}"
            )
        return str(name)

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

    def show_projection(self, projection: Projection) -> None:
        """Show a projection configured by you, e.g. ``LatentDims((2, 5))`` or ``TSNE(perplexity=50)``.

        It replaces the projection of the same name (``projection.name``) on the map and in the
        widget's menu; a slow one runs in the background like any other. Its parameters are checked
        against the codes before any work starts.

        Parameters
        ----------
        projection : Projection
            An unfitted instance of :class:`PCA`, :class:`TSNE`, :class:`UMAP` or :class:`LatentDims`.

        Raises
        ------
        TypeError
            If ``projection`` is not a latentwidgets projection.
        ValueError
            If one of its parameters does not fit the codes (e.g. a perplexity above N).
        """
        name = self._scheduler.configure(projection)
        self._projection_options = self._scheduler.names
        if self.projection == name:
            self._scheduler.show(name)
        else:
            self.projection = name

    def projection_of(self, name: str) -> np.ndarray:
        """Coordinates of a projection computed in this session, by name (e.g. ``"tsne"``)."""
        return self._scheduler.coords(name)

    def decode(self, indices: int | Sequence[int]) -> torch.Tensor:
        """Decode points through the cache of decoded outputs.

        Parameters
        ----------
        indices : int or sequence of int
            Point indices.

        Returns
        -------
        torch.Tensor
            ``(len(indices), ...)`` decoder outputs on the model's device, or one output for one
            int.
        """
        n = len(self._store)
        if isinstance(indices, int | np.integer) and not isinstance(indices, bool):
            return self._store.decode_indices([check_index(indices, n, "indices")])[0]
        return self._store.decode_indices(check_indices(indices, n, "indices").tolist())

    def wait(self, timeout: float | None = None) -> None:
        """Block until the projection being computed in the background is on the map."""
        if not self._scheduler.wait(timeout):
            raise TimeoutError(f"projection {self.projection!r} still running after {timeout} s")

    def close(self) -> None:
        """Close the widget and stop its background work; nothing touches it afterwards."""
        if hasattr(self, "_scheduler"):
            self._scheduler.close()
        super().close()

    # ------------------------------------------------------------------ handlers
    def _set_status(self, status: Status) -> None:
        self._status = status.to_dict()

    def _report(self, error: BaseException, doing: str) -> None:
        self._set_status(Status.error(f"{doing}: {type(error).__name__}: {error}"))

    def _show_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        with self.hold_sync():
            self._drawn = name if final else None
            self._show_map(coords)
            self._points_projection = name if final else f"{name} (running)"
            # a live layout changes every second: new codes are placed again on the final map
            for trait, codes in self._placed.items():
                self.set_trait(trait, self._place(codes))
            if final:
                self._probe_exact = self._scheduler.fitted(name).can_inverse_transform
                self._set_status(Status.idle())

    def _place(self, codes: torch.Tensor | None) -> np.ndarray | None:
        """Map coordinates of new codes, or None while no final map is drawn."""
        if codes is None or self._drawn is None:
            return None
        return self._scheduler.place(codes, self._drawn)

    def _refresh_views(self) -> None:
        """Recompute what the views derived from the codes, after they changed (``update``)."""
        self._frames_for = self._traverse_for = None
        self._on_neighbours()
        self._on_traverse({})
        self._on_interp({})

    def _place_on_map(self, trait: str, codes: torch.Tensor | None) -> None:
        """Show new codes at their map places in ``trait``, and again whenever the map changes."""
        if codes is None:
            self._placed.pop(trait, None)
        else:
            self._placed[trait] = codes
        self.set_trait(trait, self._place(codes))

    def _fields(self, index: int) -> list[list[str]]:
        """Return the point's label and metadata values, as text for the hover card."""
        return [[name, _field_text(values[index])] for name, values in self._columns.items()]

    def _on_color_by(self, change: Mapping[str, Any]) -> None:
        name = self.color_by
        if name == "":
            with self.hold_sync():
                self._color_kind, self._color_categories = "none", []
                self._show_colors(None)
            return
        kind, encoded, categories, value_range = encode_colors(
            self._columns[name], self._orders.get(name)
        )
        ticks: list[tuple[float, str]] = []
        if kind == "continuous":
            encoded, value_range, ticks = scale_values(encoded, self.color_scale)
        with self.hold_sync():
            self._color_kind = kind
            self._color_categories = categories
            self._show_colors(encoded)
            self._color_range = value_range
            self._color_ticks = [list(tick) for tick in ticks]

    @command
    def preview(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request for the preview of one point (decoded on demand)."""
        response, out = answer_preview(
            msg,
            len(self._store),
            self._store.decode_one,
            self._source.item,
            self._renderer,
            decoded=self._model.has_decoder,
            fields=self._fields,
            snapshots=len(self._shown),
            decode_snapshot=self._decode_snapshot,
        )
        if "error" in response:
            self._set_status(
                Status.error(f"preview of point {response['index']}: {response['error']}")
            )
        return response, out


def _field_text(value: Any) -> str:
    """Format a column value for the hover card: numbers to 4 significant figures."""
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return str(value)[:80]


def _widget_options(options: dict[str, Any]) -> dict[str, Any]:
    """Take the widget's own options out of ``options``; refuse what LatentModel does not take."""
    widget_options = {k: options.pop(k) for k in _WIDGET_OPTIONS if k in options}
    unknown = sorted(set(options) - _MODEL_OPTIONS)
    if unknown:
        raise TypeError(
            f"LatentExplorer() got unexpected keyword arguments: {unknown}; besides its own it "
            f"takes LatentModel's {sorted(_MODEL_OPTIONS)} and {list(_WIDGET_OPTIONS)}"
        )
    return widget_options


def explore(
    encoder: Callable[..., Any] | LatentModel,
    decoder: Callable[..., Any] | None = None,
    data: Any = None,
    **kwargs: Any,
) -> LatentExplorer:
    """Encode ``data`` and return a :class:`LatentExplorer` (shorthand with the same arguments)."""
    return LatentExplorer(encoder, decoder, data, **kwargs)
