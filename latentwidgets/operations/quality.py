"""Reconstruction error per item: decode each item's code and compare with the encoder's input.

One pass over the data in batches, on the model's device: a batch of inputs comes from the data
source exactly as the encoder receives it, the matching codes are decoded, and the metric reduces
each item to one number. Nothing is copied to the CPU.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .._engine.data import DataSource, first_tensor, to_device
from .._engine.model import LatentModel, LatentWarning
from ._checks import check_int, check_latents

Metric = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
METRICS: tuple[str, ...] = ("mse", "mae", "bce")


def _mse(reconstruction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (reconstruction - target).square_().mean(dim=1)


def _mae(reconstruction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (reconstruction - target).abs_().mean(dim=1)


def _bce(reconstruction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    low, high = torch.aminmax(reconstruction)
    if float(low) < 0 or float(high) > 1:
        raise ValueError(
            "metric='bce' needs reconstructions in [0, 1]; the decoder returned values in "
            f"[{float(low):.3g}, {float(high):.3g}]. If it returns logits, build the model with "
            "logits=True; else pass metric='mse'"
        )
    low, high = torch.aminmax(target)
    if float(low) < 0 or float(high) > 1:
        raise ValueError(
            f"metric='bce' needs inputs in [0, 1]; got inputs in [{float(low):.3g}, "
            f"{float(high):.3g}]: pass metric='mse', or a transform that scales the inputs"
        )
    return F.binary_cross_entropy(reconstruction, target, reduction="none").mean(dim=1)


_BUILT_IN: dict[str, Metric] = {"mse": _mse, "mae": _mae, "bce": _bce}


def _check_metric(metric: object) -> tuple[Metric, bool]:
    """Return the metric function, and whether it is built in (then it gets flattened rows)."""
    if isinstance(metric, str):
        if metric not in _BUILT_IN:
            raise ValueError(
                f"metric must be one of {list(METRICS)} or a callable (reconstruction, input) -> "
                f"(B,) tensor; got {metric!r}"
            )
        return _BUILT_IN[metric], True
    if not callable(metric):
        raise TypeError(
            f"metric must be one of {list(METRICS)} or a callable (reconstruction, input) -> (B,) "
            f"tensor; got {type(metric).__name__}"
        )
    return metric, False


def _target(batch: Any) -> torch.Tensor:
    target = first_tensor(batch)
    if target is None:
        raise TypeError(
            f"the data's batches hold no tensor to compare with ({type(batch).__name__}): pass a "
            "transform that turns a batch into the tensor the encoder receives"
        )
    return target


def reconstruction_error(
    model: LatentModel,
    source: DataSource,
    latents: torch.Tensor,
    *,
    metric: str | Metric = "mse",
    batch_size: int | None = None,
    progress: bool = False,
) -> torch.Tensor:
    """Per-item error between the decoded code and the encoder's input.

    Parameters
    ----------
    model : LatentModel
        The model; it needs a decoder.
    source : DataSource
        The data the ``latents`` were encoded from; its batches (transform applied, in item order)
        are the inputs compared with.
    latents : torch.Tensor
        ``(N, D)`` codes, one per item of ``source``, as :meth:`LatentModel.encode` returned them.
    metric : {"mse", "mae", "bce"} or callable, default "mse"
        Mean squared error, mean absolute error or binary cross-entropy (reconstructions and
        inputs in ``[0, 1]``) over each item's values, which are compared flattened (a decoder
        returning ``(B, 784)`` for ``(B, 1, 28, 28)`` inputs is fine). A callable receives
        ``(reconstruction, input)`` in their own shapes, the input on the model's device, and
        returns a ``(B,)`` tensor.
    batch_size : int, optional
        Items per decoder call; default the model's ``batch_size``.
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    torch.Tensor
        ``(N,)`` errors on the model's device (float32 at least).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If the model has no decoder, ``latents`` has not one row per item, the decoder's output
        and the input differ in size per item (for a built-in metric), or a callable ``metric``
        returns another shape than ``(B,)``.
    """
    if not isinstance(model, LatentModel):
        raise TypeError(f"model must be a LatentModel; got {type(model).__name__}")
    if not isinstance(source, DataSource):
        raise TypeError(
            f"source must be a DataSource; got {type(source).__name__}: pass "
            "DataSource(data, transform=model.transform)"
        )
    if not model.has_decoder:
        raise ValueError(
            "model has no decoder, so nothing can be reconstructed: build the LatentModel (or the "
            "explorer) with decoder=..."
        )
    latents = check_latents(latents)
    if len(latents) != len(source):
        raise ValueError(
            f"latents must have one row per item of the data ({len(source)}); got {len(latents)}"
        )
    fn, built_in = _check_metric(metric)
    size = check_int(batch_size, "batch_size", 1) if batch_size is not None else model.batch_size
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False; got {type(progress).__name__}")

    # One pass: the codes are checked and reshaped once, eval and inference mode entered once;
    # per batch only the decoder and the metric run (the bench holds this to a bare torch loop).
    codes = model.check_codes(latents)
    errors: list[torch.Tensor] = []
    start = 0
    with (
        model.decoding() as decode_batch,
        tqdm(total=len(source), desc="Reconstruction error", disable=not progress) as bar,
    ):
        for batch in source.batches(size):
            target = _target(to_device(batch, model.device))
            b = len(target)
            reconstruction = decode_batch(codes[start : start + b])
            if built_in:
                error = _compare(fn, reconstruction, target, metric)
            else:
                error = fn(reconstruction, target)
                if not isinstance(error, torch.Tensor) or tuple(error.shape) != (b,):
                    got = (
                        f"shape {tuple(error.shape)}"
                        if isinstance(error, torch.Tensor)
                        else type(error).__name__
                    )
                    raise ValueError(
                        f"metric must return a (B,) tensor, one error per item; for a batch of "
                        f"{b} it returned {got}: reduce every dimension but the first, e.g. "
                        "lambda r, x: (r - x).pow(2).flatten(1).mean(1)"
                    )
            errors.append(error.reshape(b))
            start += b
            bar.update(b)
    if start != len(latents):
        raise ValueError(
            f"the data yielded {start} items but latents has {len(latents)} rows: the data must "
            "be the one the latents were encoded from"
        )
    result = torch.cat(errors)
    result = result if result.is_floating_point() else result.float()
    _warn_non_finite(result)
    return result


def _warn_non_finite(errors: torch.Tensor) -> None:
    """Warn, with a count and a few indices, where the decoder or the metric gave NaN or inf."""
    bad = ~torch.isfinite(errors)
    count = int(bad.sum())
    if not count:
        return
    first = torch.nonzero(bad).flatten()[:5].tolist()
    more = ", ..." if count > len(first) else ""
    warnings.warn(
        f"reconstruction_error: {count} of {len(errors)} items have a NaN or infinite error "
        f"(items {', '.join(map(str, first))}{more}): the decoder (or the metric) returned NaN "
        "or inf for them. They are the points the model fails on: worst_order(errors, k) ranks "
        "them first; check the decoder's output for these items",
        LatentWarning,
        stacklevel=3,
    )


def worst_order(errors: np.ndarray | torch.Tensor, k: int) -> np.ndarray:
    """Return the indices of the ``k`` worst errors: non-finite ones first, then the largest.

    A plain descending sort puts NaN last (or first as "best"), which hides exactly the items a
    decoder fails on; here they lead, in index order, followed by the finite errors from the
    largest down (ties in index order).

    Parameters
    ----------
    errors : numpy.ndarray or torch.Tensor
        ``(N,)`` errors, as :func:`reconstruction_error` returns them.
    k : int
        How many indices to return, ``>= 0``; at most ``N`` come back.

    Returns
    -------
    numpy.ndarray
        ``(min(k, N),)`` int64 indices, worst first.

    Raises
    ------
    TypeError
        If ``errors`` is not numeric or ``k`` not an int.
    ValueError
        If ``errors`` is not 1-D or ``k`` is negative.
    """
    values = errors.detach().cpu().numpy() if isinstance(errors, torch.Tensor) else errors
    values = np.asarray(values)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"errors must be numbers; got an array of dtype {values.dtype}")
    if values.ndim != 1:
        raise ValueError(f"errors must be 1-D, one error per item; got shape {values.shape}")
    k = min(check_int(k, "k", 0), len(values))
    values = values.astype(np.float64, copy=False)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad) >= k:
        return bad[:k].astype(np.int64)
    good = np.flatnonzero(np.isfinite(values))
    rest = k - len(bad)
    # argpartition first: the widget asks for a few dozen of up to millions of errors.
    if rest < len(good):
        # every error tied with the rest-th largest stays in, so that ties go by index
        finite = values[good]
        kth = np.partition(finite, len(finite) - rest)[len(finite) - rest]
        good = good[finite >= kth]
    order = np.lexsort((good, -values[good]))[:rest]
    return np.concatenate([bad, good[order]]).astype(np.int64)


def _compare(
    fn: Metric, reconstruction: torch.Tensor, target: torch.Tensor, metric: object
) -> torch.Tensor:
    b = len(target)
    if reconstruction.shape[0] != b or reconstruction[0].numel() != target[0].numel():
        raise ValueError(
            f"metric={metric!r} compares the decoder's output with the input item by item, but "
            f"the decoder returned shape {tuple(reconstruction.shape)} for inputs of shape "
            f"{tuple(target.shape)}: pass a callable metric(reconstruction, input) -> (B,) "
            "tensor that compares them"
        )
    dtype = reconstruction.dtype if reconstruction.is_floating_point() else torch.float32
    r, x = reconstruction.reshape(b, -1), target.reshape(b, -1)
    # .to() with the dtype a tensor already has is a no-op that still costs a dispatch per batch
    return fn(r if r.dtype == dtype else r.to(dtype), x if x.dtype == dtype else x.to(dtype))
