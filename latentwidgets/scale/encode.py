"""``lw.encode``: encode data in this process or on a Ray cluster, with one call."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable
from typing import Any

from .._engine.data import DataSource
from .._engine.model import LatentModel
from ._table import LatentTable
from .ray_encode import encode_with_ray

ENGINES = ("local", "ray")


def is_ray_dataset(data: object) -> bool:
    """Whether ``data`` is a ``ray.data.Dataset``, without importing Ray."""
    return any(
        cls.__module__.startswith("ray.data") and cls.__name__ == "Dataset"
        for cls in type(data).__mro__
    )


def encode(
    encoder: Callable[..., Any],
    data: Any,
    *,
    engine: str = "auto",
    output: str | os.PathLike[str] | None = None,
    **options: Any,
) -> LatentTable | pathlib.Path | str:
    """Encode all items of ``data``: in this process, or on Ray Data's actors for a cluster.

    Parameters
    ----------
    encoder : callable
        A torch encoder, as for :class:`~latentwidgets.LatentModel`.
    data : any data LatentModel takes, or a ``ray.data.Dataset``
        The items.
    engine : {"auto", "local", "ray"}, default "auto"
        ``"ray"`` maps batches through one model copy per actor
        (:func:`~latentwidgets.scale.encode_with_ray`), ``"local"`` encodes here in batches on the
        model's device; ``"auto"`` picks ``"ray"`` for a Ray dataset.
    output : str or path, optional
        With Ray, write Parquet shards there and return the path
        (:meth:`LatentExplorer.from_latents` opens them).
    **options
        With Ray: ``column``, ``batch_size``, ``num_gpus``, ``concurrency``, ``num_cpus``,
        ``encoder_output``, ``transform``. Locally: :class:`~latentwidgets.LatentModel`'s keyword arguments.

    Returns
    -------
    LatentTable or path
        The codes with labels and metadata found beside the items, or where they were written.
    """
    if engine not in (*ENGINES, "auto"):
        raise ValueError(f"engine must be one of {['auto', *ENGINES]}; got {engine!r}")
    if engine == "ray" or (engine == "auto" and is_ray_dataset(data)):
        return encode_with_ray(encoder, data, output=output, **options)
    if output is not None:
        raise ValueError("output= writes Parquet shards with engine='ray'; locally, save the codes")
    model = LatentModel(encoder, **{"progress": False, **options})
    source = DataSource(data, transform=model.transform)
    codes = model.encode(source)
    return LatentTable(codes=codes.cpu(), ids=None, labels=source.found_labels, metadata={})
