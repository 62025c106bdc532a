"""Attribute vectors: directions in latent space that carry a property of the items.

A group difference (the mean code of group ``b`` minus that of group ``a``: adding it turns an
``a`` into a ``b``) or the direction along which a numeric column grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .._engine.indices import check_indices
from ._checks import check_latents

_CHUNK = 65536


def _chunked_mean(codes: torch.Tensor) -> torch.Tensor:
    total = torch.zeros(codes.shape[1], dtype=torch.float64, device=codes.device)
    for start in range(0, len(codes), _CHUNK):
        total += codes[start : start + _CHUNK].double().sum(dim=0)
    return total / len(codes)


def _describe_labels(labels: np.ndarray) -> str:
    found = list(dict.fromkeys(labels.tolist()))
    shown = ", ".join(repr(v) for v in found[:20])
    return f"{shown}, ... ({len(found)} in all)" if len(found) > 20 else shown


def group_mask(group: object, n: int, labels: np.ndarray | None, name: str) -> torch.Tensor:
    """Return the points of a group as a boolean mask.

    Parameters
    ----------
    group : sequence, numpy.ndarray, torch.Tensor or label value
        Integer point indices (a list, an array or a tensor), a boolean mask of length ``n``,
        or a single label value, matched against ``labels``.
    n : int
        Number of points.
    labels : numpy.ndarray, optional
        ``(n,)`` label of each point, for groups given by a label value.
    name : str
        The argument's name in messages, e.g. ``"a"``.

    Returns
    -------
    torch.Tensor
        ``(n,)`` bool mask on the CPU.

    Raises
    ------
    TypeError
        If ``group`` is of no supported kind.
    ValueError
        If the group is empty, a mask has another length than ``n``, a label is unknown (the
        message lists the labels there are) or there are no labels.
    IndexError
        If an index is outside ``[0, n)``.
    """
    if isinstance(group, torch.Tensor | np.ndarray) and group.ndim == 0:
        group = group.item()
    if isinstance(group, list | tuple | range | np.ndarray | torch.Tensor):
        dtype = group.dtype if isinstance(group, np.ndarray | torch.Tensor) else None
        is_bool = dtype in (torch.bool, np.bool_) or (
            dtype is None and len(group) > 0 and all(isinstance(v, bool | np.bool_) for v in group)
        )
        if is_bool:
            mask = torch.as_tensor(
                group.cpu() if isinstance(group, torch.Tensor) else np.asarray(group, dtype=bool)
            ).reshape(-1)
            if len(mask) != n:
                raise ValueError(
                    f"{name}: a boolean mask must have one entry per point ({n}); got {len(mask)}"
                )
        else:
            indices = check_indices(group, n, name)
            mask = torch.zeros(n, dtype=torch.bool)
            mask[torch.from_numpy(indices)] = True
    else:
        if labels is None:
            raise ValueError(
                f"{name}={group!r} is taken as a label, but there are no labels: pass a list of "
                "point indices or a boolean mask"
            )
        labels = np.asarray(labels)
        if len(labels) != n:
            raise ValueError(f"labels must have one entry per point ({n}); got {len(labels)}")
        try:
            matched = np.asarray(labels == group, dtype=bool)
        except (TypeError, ValueError):  # pragma: no cover - exotic label types
            matched = np.array([label == group for label in labels], dtype=bool)
        if matched.shape != (n,) or not matched.any():
            raise ValueError(
                f"{name}={group!r} is not one of the labels; the labels are: "
                f"{_describe_labels(labels)}. Pass one of these, point indices or a boolean mask"
            )
        mask = torch.from_numpy(matched)
    if not bool(mask.any()):
        raise ValueError(f"{name} is an empty group: select at least one point")
    return mask


def _mask_on(mask: object, latents: torch.Tensor, name: str) -> torch.Tensor:
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(
            f"{name} must be a bool torch.Tensor (see group_mask); got "
            f"{type(mask).__name__}{'' if not isinstance(mask, torch.Tensor) else ' ' + str(mask.dtype)}"
        )
    if mask.shape != (len(latents),):
        raise ValueError(
            f"{name} must have one entry per code ({len(latents)}); got shape {tuple(mask.shape)}"
        )
    if not bool(mask.any()):
        raise ValueError(f"{name} is an empty group: select at least one point")
    return mask.to(latents.device)


def mean_difference(
    latents: torch.Tensor, a_mask: torch.Tensor, b_mask: torch.Tensor
) -> torch.Tensor:
    """Return the mean code of group ``b`` minus the mean code of group ``a``.

    Adding the result to a code of group ``a`` moves it to where group ``b`` sits on average.

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes.
    a_mask, b_mask : torch.Tensor
        ``(N,)`` bool masks of the two groups (see :func:`group_mask`), neither empty.

    Returns
    -------
    torch.Tensor
        ``(D,)`` on the codes' device, in their dtype.
    """
    latents = check_latents(latents)
    a = _mask_on(a_mask, latents, "a_mask")
    b = _mask_on(b_mask, latents, "b_mask")
    return latents[b].mean(dim=0) - latents[a].mean(dim=0)


def _column(values: Any, n: int) -> torch.Tensor:
    column: torch.Tensor | None = None
    if isinstance(values, torch.Tensor):
        bad = values.dtype == torch.bool or values.is_complex()
        kind = str(values.dtype) if bad else None
        column = values.detach()
    else:
        array = np.asarray(values)
        kind = None if array.dtype.kind in "iuf" else str(array.dtype)
        if kind is None:
            column = torch.from_numpy(array.astype(np.float64))
    if kind is not None or column is None:
        raise TypeError(
            f"values must be a numeric column (ints or floats); got dtype {kind}: pick a numeric "
            "column, or compare groups of a categorical one with mean_difference"
        )
    column = column.reshape(-1)
    if len(column) != n:
        raise ValueError(f"values must have one entry per code ({n}); got {len(column)}")
    return column


def column_direction(latents: torch.Tensor, values: Any) -> torch.Tensor:
    """Return the direction along which a numeric column grows, one unit per unit step.

    The least-squares fit of the values on the centred codes, ``value ~ w . (z - mean) + c``, gives
    ``w``; the result is ``w / |w|^2``, so that adding it to a code raises the predicted value by
    exactly one (and ``t`` times it by ``t``). Rows whose value is NaN (missing) are left out.

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes.
    values : array-like or torch.Tensor
        ``(N,)`` numbers, one per code.

    Returns
    -------
    torch.Tensor
        ``(D,)`` on the codes' device, in their dtype.

    Raises
    ------
    TypeError
        If ``values`` is not numeric.
    ValueError
        If its length is not N, fewer than 2 values are present, or it is constant (or the codes
        do not predict it at all).
    """
    latents = check_latents(latents)
    column = _column(values, len(latents)).to(device=latents.device, dtype=torch.float64)
    present = torch.isfinite(column)
    if int(present.sum()) < 2:
        raise ValueError("values must hold at least 2 finite numbers; got fewer")
    codes = latents if bool(present.all()) else latents[present]
    target = column[present]
    if float(target.std()) == 0.0:
        raise ValueError(
            f"values is constant ({float(target[0]):.6g}): it grows in no direction; pick a "
            "column that varies"
        )
    # Normal equations in float64, chunk by chunk: no float64 copy of all the codes.
    mean = codes.double().mean(dim=0) if len(codes) <= _CHUNK else _chunked_mean(codes)
    target = target - target.mean()
    d = codes.shape[1]
    gram = torch.zeros(d, d, dtype=torch.float64, device=codes.device)
    moment = torch.zeros(d, dtype=torch.float64, device=codes.device)
    for start in range(0, len(codes), _CHUNK):
        centred = codes[start : start + _CHUNK].double() - mean
        gram += centred.T @ centred
        moment += centred.T @ target[start : start + _CHUNK]
    weights = torch.linalg.pinv(gram, hermitian=True) @ moment
    size = float(weights @ weights)
    if size == 0.0:
        raise ValueError("values: the codes do not predict this column at all (zero fit)")
    return (weights / size).to(latents.dtype)
