"""``LatentExplorer``: the latent map widget, linked to decoded previews and interpolation frames.

The widget is its features (``features/``: one module each, with its traits, commands and state)
over one core (``_widget/core.py``: model, store, data, scheduler, renderer, columns and events).
This module lists the features and holds the glue: the constructor and ``close``. The traits are
the contract with the browser (``js/src/wire/contract.ts`` is generated from them).
"""

from __future__ import annotations

import inspect
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anywidget
import numpy as np

from ._engine.columns import collect_columns
from ._engine.model import LatentModel
from ._engine.store import DEFAULT_CACHE_BYTES
from ._preview_choice import check_preview, choose_preview
from ._widget.core import Columns, ExplorerCore
from ._widget.core_traits import CoreTraits
from ._widget.opening import Opened, encode_data, open_latents
from .features.camera import CameraFeature
from .features.color import ColorFeature, initial_color
from .features.export import ExportFeature
from .features.filter import FilterFeature
from .features.history import HistoryFeature
from .features.interpolation import InterpolationFeature
from .features.labels import LabelsFeature
from .features.locate import LocateFeature
from .features.map import MapFeature
from .features.marks import MarksFeature
from .features.neighbours import NeighboursFeature
from .features.previews import PreviewsFeature
from .features.probe import ProbeFeature
from .features.projection import ProjectionFeature
from .features.quality import QualityFeature
from .features.samples import SamplesFeature
from .features.search import SearchFeature
from .features.selection import SelectionFeature
from .features.session import SessionFeature
from .features.tags import TagsFeature
from .features.thumbnails import ThumbnailsFeature
from .features.traverse import TraverseFeature
from .features.undo import UndoFeature
from .projections import Projection
from .render import AudioPreview, PreviewRenderer, TextPreview

_STATIC = pathlib.Path(__file__).parent / "static"
_MISSING_BUNDLE = """
export default { render({ el }) {
  el.innerHTML = '<pre style="color:#b00">latentwidgets: the front end is not built ' +
    '(latentwidgets/static/widget.js is missing). Install the package with pip (needs npm), ' +
    'or run `npm install && npm run build` in js/.</pre>';
} };
"""
#: Keyword arguments that set the widget's own traits at construction.
WIDGET_OPTIONS = (
    "layout",
    "point_size",
    "opacity",
    "color_scale",
    "max_drawn",
    "panels",
    "map_labels",
)
#: The features, in the order they attach to the core (the map first: others draw on it).
FEATURES = (
    MapFeature,
    ColorFeature,
    ProjectionFeature,
    PreviewsFeature,
    SelectionFeature,
    InterpolationFeature,
    NeighboursFeature,
    TraverseFeature,
    SamplesFeature,
    QualityFeature,
    ProbeFeature,
    HistoryFeature,
    ExportFeature,
    MarksFeature,
    TagsFeature,
    LocateFeature,
    CameraFeature,
    ThumbnailsFeature,
    SearchFeature,
    FilterFeature,
    UndoFeature,
    SessionFeature,
    LabelsFeature,
)


def _bundle(name: str, fallback: str) -> pathlib.Path | str:
    path = _STATIC / name
    return path if path.exists() else fallback


class LatentExplorer(CoreTraits, *FEATURES, anywidget.AnyWidget):  # type: ignore[misc]
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
    preview : {"auto", "image", "audio", "text"}, AudioPreview or TextPreview, default "auto"
        What previews show. ``"audio"`` plays each decoded output of shape ``(L,)`` or ``(C, L)``
        (and audio inputs) and draws its waveform; it needs ``sample_rate``. ``"text"`` reads
        decoded token ids ``(T,)`` or logits ``(T, V)`` with ``tokenizer``. ``"auto"`` draws
        pictures, unless ``sample_rate`` or ``tokenizer`` is given and the output reads as sound
        or as tokens.
    sample_rate : int, optional
        Samples per second of decoded sound, for ``preview="audio"``.
    tokenizer : object, optional
        Anything with ``decode(ids) -> str`` (a Hugging Face tokenizer works), for
        ``preview="text"``.
    value_range : "auto" or (float, float), default "auto"
        Value range of decoded images (see :func:`latentwidgets.render.to_rgba`).
    cache_bytes : int, default 256 MiB
        Bound of the cache of decoded outputs (kept on the model's device).
    progress : bool, default True
        Show a progress bar while encoding.
    height : int or None, default None
        Height of the map in pixels; None makes it follow the width it is given (0.6 of it,
        440 to 900 px). The handle on the map's bottom edge sets it from the page.
    **model_options
        ``device``, ``encoder_output``, ``decoder_output``, ``logits``, ``batch_size`` and
        ``transform``, passed to :class:`LatentModel` when ``encoder`` is not one already; and
        ``layout`` (ipywidgets), ``point_size``, ``opacity``, ``color_scale``, ``max_drawn`` and
        ``panels`` (the panels shown beside the map, e.g. ``("preview", "neighbours")``) and
        ``map_labels`` (a categorical column whose categories are named on the map): the traits.

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

    def __init__(
        self,
        encoder: Callable[..., Any] | LatentModel | Opened,
        decoder: Callable[..., Any] | None = None,
        data: Any = None,
        *,
        labels: Sequence[Any] | np.ndarray | None = None,
        label_names: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        projection: str | Projection = "pca",
        color_by: str | None = None,
        preview_fn: Callable[[Any], Any] | None = None,
        preview: str | AudioPreview | TextPreview = "auto",
        sample_rate: int | None = None,
        tokenizer: Any = None,
        value_range: Any = "auto",
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        progress: bool = True,
        height: int | None = None,
        **model_options: Any,
    ) -> None:
        options = {k: model_options.pop(k) for k in WIDGET_OPTIONS if k in model_options}
        renderer = PreviewRenderer(preview_fn=preview_fn, value_range=value_range)
        asked = check_preview(preview, sample_rate, tokenizer)
        opened = (
            encoder
            if isinstance(encoder, Opened)  # from_latents: codes computed elsewhere
            else encode_data(encoder, decoder, data, progress=progress, model_options=model_options)
        )
        columns = Columns(
            *collect_columns(
                opened.source,
                opened.labels if labels is None else labels,
                label_names,
                opened.metadata if metadata is None else metadata,
            )
        )
        core = ExplorerCore.open(
            self,
            opened.model,
            opened.latents,
            opened.source,
            renderer,
            columns,
            cache_bytes=cache_bytes,
        )
        renderer.sound = choose_preview(asked, lambda: renderer.prepared(core.first_output()))
        first = (
            core.scheduler.configure(projection)
            if isinstance(projection, Projection)
            else core.scheduler.check_name(projection)
        )
        first_color = initial_color(columns, color_by)
        super().__init__(height=0 if height is None else height, **options)
        self._core = core
        self._has_decoder = opened.model.has_decoder
        self._selection = np.zeros(0, np.uint32)
        self.set_trait("projection", first)
        self.set_trait("color_by", first_color)
        for feature in FEATURES:
            feature._attach(self, core)
        self._on_color_by({"new": first_color})
        core.scheduler.show(first)

    @classmethod
    def from_latents(
        cls,
        latents: Any,
        decoder: Callable[..., Any] | None = None,
        items: Any = None,
        *,
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
        latent_shape : sequence of int, optional
            Shape of one code as the decoder takes it (e.g. ``(4, 8, 8)``); default ``(D,)``.
        column : str, optional
            The list column of codes in a Parquet file or Arrow table, if not the only one.
        **kwargs
            The constructor's keyword arguments (``labels``, ``label_names`` and ``metadata``,
            by default the table's label and metadata columns; ``projection``, ``color_by``,
            ``preview_fn``, ``device``, ``decoder_output``, ``logits``, ``batch_size`` ...).

        Returns
        -------
        LatentExplorer
        """
        own = set(inspect.signature(cls.__init__).parameters) | set(WIDGET_OPTIONS)
        own -= {"self", "encoder", "decoder", "data", "model_options"}
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in own}
        opened = open_latents(
            latents, decoder, items, latent_shape=latent_shape, column=column, model_options=kwargs
        )
        return cls(opened, **options)

    def close(self) -> None:
        """Close the widget and stop its background work; later calls on it raise an error."""
        core: ExplorerCore | None = getattr(self, "_core", None)
        if core is not None:
            core.closed = True
            core.scheduler.close()
        super().close()


def explore(
    encoder: Callable[..., Any] | LatentModel,
    decoder: Callable[..., Any] | None = None,
    data: Any = None,
    **kwargs: Any,
) -> LatentExplorer:
    """Encode ``data`` and return a :class:`LatentExplorer` (shorthand with the same arguments)."""
    return LatentExplorer(encoder, decoder, data, **kwargs)
