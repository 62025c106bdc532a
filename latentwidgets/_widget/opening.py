"""What an explorer opens: a model, its codes and the items, encoded here or computed elsewhere."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._engine.data import DataSource
from .._engine.model import LatentModel, ModelError
from ..scale import LatentTable, encode_with_ray, is_ray_dataset, read_latents

#: Keyword arguments passed through to LatentModel when the encoder is not one already.
MODEL_OPTIONS = frozenset(inspect.signature(LatentModel).parameters) - {
    "encoder",
    "decoder",
    "progress",
}


@dataclass(frozen=True)
class Opened:
    """A model, its codes, the items they encode, and the labels and metadata that came along."""

    model: LatentModel
    source: DataSource
    latents: torch.Tensor
    labels: Any = None
    metadata: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.latents.shape[1] < 2:
            raise ValueError(
                f"encoder: its codes have {self.latents.shape[1]} value per item, and a map needs "
                "at least 2; the codes are in LatentModel.encode(data) for plotting by hand"
            )


def encode_data(
    encoder: Callable[..., Any] | LatentModel,
    decoder: Callable[..., Any] | None,
    data: Any,
    *,
    progress: bool,
    model_options: dict[str, Any],
) -> Opened:
    """Encode ``data`` with the model (on Ray's actors for a Ray dataset)."""
    if data is None:
        raise TypeError("LatentExplorer() needs data: the items to encode")
    unknown = sorted(set(model_options) - MODEL_OPTIONS)
    if unknown:
        raise TypeError(
            f"LatentExplorer() got unexpected keyword arguments: {unknown}; besides its own it "
            f"takes LatentModel's {sorted(MODEL_OPTIONS)}"
        )
    if isinstance(encoder, LatentModel):
        if decoder is not None or model_options:
            given = ["decoder"] * (decoder is not None) + sorted(model_options)
            raise TypeError(f"pass {given} to the LatentModel, not beside it")
        model = encoder
    else:
        model = LatentModel(encoder, decoder, progress=progress, **model_options)
    if is_ray_dataset(data):  # encoded on Ray's actors; the items stay in the cluster
        table = encode_with_ray(
            model.encoder,
            data,
            batch_size=model.batch_size,
            encoder_output=model.encoder_output,
            transform=model.transform,
        )
        assert isinstance(table, LatentTable)
        source = DataSource.of_items(None, len(table))
        return Opened(
            model, source, table.codes.to(model.device), table.labels, table.metadata or None
        )
    source = DataSource(data, transform=model.transform)
    return Opened(model, source, model.encode(source, progress=progress))


def no_encoder(batch: Any) -> Any:
    """Stand in for the encoder of codes computed elsewhere: there is none to call."""
    raise ModelError(
        "these codes were computed elsewhere (LatentExplorer.from_latents): there is no encoder "
        "here; encode new data with the model that made them, then open the codes again"
    )


def open_latents(
    latents: Any,
    decoder: Callable[..., Any] | None,
    items: Any,
    *,
    latent_shape: Sequence[int] | None,
    column: str | None,
    model_options: dict[str, Any],
) -> Opened:
    """Open precomputed codes (see :meth:`LatentExplorer.from_latents`)."""
    model_options.pop("progress", None)
    unknown = sorted(set(model_options) - MODEL_OPTIONS)
    if unknown:
        raise TypeError(
            f"from_latents() got unexpected keyword arguments: {unknown}; besides its own it "
            f"takes LatentModel's {sorted(MODEL_OPTIONS)}"
        )
    table = latents if isinstance(latents, LatentTable) else read_latents(latents, column=column)
    model = LatentModel(no_encoder, decoder, progress=False, **model_options)
    codes = table.codes.to(model.device)
    shape = tuple(latent_shape) if latent_shape is not None else tuple(codes.shape[1:])
    if int(np.prod(shape)) != codes.shape[1]:
        raise ValueError(
            f"latent_shape {shape} holds {int(np.prod(shape))} values; the codes have "
            f"{codes.shape[1]} per item"
        )
    model.latent_shape_ = shape
    if decoder is not None:
        _check_decoder(model, codes)
    source = DataSource.of_items(items, len(codes))
    return Opened(model, source, codes, table.labels, table.metadata or None)


def _check_decoder(model: LatentModel, codes: Any) -> None:
    """Decode one code now, so that a decoder of another latent size fails here, by name."""
    try:
        model.decode(codes[:1])
    except ModelError as error:
        raise ValueError(
            f"decoder: it fails on the codes ({codes.shape[1]} values per item, reshaped to "
            f"{model.latent_shape_}): {error} (pass latent_shape= if it takes another shape)"
        ) from error
