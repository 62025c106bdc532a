"""The codes and columns read from elsewhere, and the checks every reader applies to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch


@dataclass(eq=False)
class LatentTable:
    """Codes and the columns that travel with them, one row per item.

    Parameters
    ----------
    codes : torch.Tensor
        ``(N, D)`` float32 codes on the CPU. Read from a ``.npy`` file or an array, the tensor
        shares the array's memory.
    ids : numpy.ndarray, optional
        The items' ids, ``(N,)``, sorted, when the source had ids other than ``0 .. N-1``; row
        ``i`` of ``codes`` belongs to item ``ids[i]``. None where the row number is the id.
    labels : numpy.ndarray, optional
        ``(N,)`` labels (strings as an object array), or None.
    metadata : dict of str to numpy.ndarray
        Further ``(N,)`` columns, by name.
    """

    codes: torch.Tensor
    ids: np.ndarray | None = None
    labels: np.ndarray | None = None
    metadata: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        n, d = self.codes.shape
        columns = ", ".join(self.metadata) or "none"
        return (
            f"LatentTable({n} codes of {d} dimensions, ids={'yes' if self.ids is not None else 'row number'}, "
            f"labels={'yes' if self.labels is not None else 'None'}, metadata: {columns})"
        )


def plain(value: Any) -> Any:
    """Return a numpy scalar as the Python value it holds, for messages (3, not np.int64(3))."""
    return value.item() if isinstance(value, np.generic) else value


def check_finite(codes: torch.Tensor, ids: np.ndarray | None, what: str) -> None:
    # NaN and inf survive a sum: one pass clears finite codes (a memory map is read, not copied).
    if bool(torch.isfinite(codes.sum())):
        return
    bad = torch.nonzero(~torch.isfinite(codes).all(dim=1)).flatten()
    if len(bad) == 0:  # finite values whose sum overflowed
        return
    row = int(bad[0])
    named = f"row {row}" + (f", id {plain(ids[row])!r}" if ids is not None else "")
    raise ValueError(
        f"{what}: the codes contain NaN or inf in {len(bad)} of {len(codes)} rows (first: "
        f"{named}); every code must be finite. Drop or repair those rows before reading"
    )
