"""Open codes computed elsewhere: an explorer with no encoder, over a table of latents."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._engine.data import DataSource
from .._engine.model import LatentModel, ModelError
from .._engine.store import DEFAULT_CACHE_BYTES
from ..render import PreviewRenderer

if TYPE_CHECKING:
    from ..explorer import LatentExplorer

# the constructor's own keywords; the widget's traits (point_size, max_drawn ...) are added to them
_OWN = ("projection", "color_by", "preview_fn", "value_range", "cache_bytes", "height")


def no_encoder(batch: Any) -> Any:
    """Stand in for the encoder of codes computed elsewhere: there is none to call."""
    raise ModelError(
        "these codes were computed elsewhere (LatentExplorer.from_latents): there is no encoder "
        "here; encode new data with the model that made them, then open the codes again"
    )


def open_latents(
    cls: type[LatentExplorer],
    latents: Any,
    decoder: Callable[..., Any] | None,
    items: Any,
    *,
    labels: Any,
    label_names: Sequence[str] | None,
    metadata: Mapping[str, Sequence[Any]] | None,
    latent_shape: Sequence[int] | None,
    column: str | None,
    **kwargs: Any,
) -> LatentExplorer:
    """Build an explorer over precomputed codes (see :meth:`LatentExplorer.from_latents`)."""
    from ..explorer import _WIDGET_OPTIONS
    from ..scale import LatentTable, read_latents

    own = {k: kwargs.pop(k) for k in (*_OWN, *_WIDGET_OPTIONS) if k in kwargs}
    if "progress" in kwargs:
        kwargs.pop("progress")
    table = latents if isinstance(latents, LatentTable) else read_latents(latents, column=column)
    model = LatentModel(no_encoder, decoder, progress=False, **kwargs)
    codes = table.codes.to(model.device)
    shape = tuple(latent_shape) if latent_shape is not None else tuple(codes.shape[1:])
    if int(np.prod(shape)) != codes.shape[1]:
        raise ValueError(
            f"latent_shape {shape} holds {int(np.prod(shape))} values; the codes have "
            f"{codes.shape[1]} per item"
        )
    model.latent_shape_ = shape
    source = DataSource.of_items(items, len(codes))
    if decoder is not None:
        _check_decoder(model, codes)
    widget = cls.__new__(cls)
    widget._renderer = PreviewRenderer(
        preview_fn=own.pop("preview_fn", None), value_range=own.pop("value_range", "auto")
    )
    widget._setup(
        model,
        source,
        codes,
        labels=labels if labels is not None else table.labels,
        label_names=label_names,
        metadata=metadata if metadata is not None else (table.metadata or None),
        projection=own.pop("projection", "pca"),
        color_by=own.pop("color_by", None),
        cache_bytes=own.pop("cache_bytes", DEFAULT_CACHE_BYTES),
        height=own.pop("height", 440),
        widget_options=own,
    )
    return widget


def _check_decoder(model: LatentModel, codes: Any) -> None:
    """Decode one code now, so that a decoder of another latent size fails here, by name."""
    try:
        model.decode(codes[:1])
    except ModelError as error:
        raise ValueError(
            f"decoder: it fails on the codes ({codes.shape[1]} values per item, reshaped to "
            f"{model.latent_shape_}): {error} (pass latent_shape= if it takes another shape)"
        ) from error
