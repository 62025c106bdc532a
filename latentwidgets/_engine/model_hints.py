"""What an encoder or decoder that raised was probably given wrongly, and how to fix it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from .data import LABEL_KEYS, first_tensor
from .modules import _module_of, _parameter_dtype


def _hints(fn: Any, role: str, batch: Any, error: Exception, transform: Any) -> list[str]:
    """Likely causes and fixes of an encoder or decoder that raised, from what was passed."""
    hints = []
    if hasattr(fn, "encoder") and hasattr(fn, "decoder"):
        hints.append(
            f"The {role} looks like a whole model (it has .encoder and .decoder): pass the two "
            "halves, LatentExplorer(model.encoder, model.decoder, ...) or "
            "LatentModel(model.encoder, model.decoder)."
        )
    if isinstance(batch, Mapping) and transform is None:
        keys = [k for k in batch if k not in LABEL_KEYS] or list(batch)
        hints.append(
            f"The batch is a dict with keys {list(batch)[:8]}: if the {role} wants one of its "
            f'values, pass transform=lambda b: b["{keys[0]}"].'
        )
    tensor = first_tensor(batch)
    wanted = _parameter_dtype(_module_of(fn))
    guessed = wanted is None and tensor is not None and tensor.dtype == torch.float64
    if guessed and "ouble" in str(error):
        # A plain function hides its parameters; torch's message names the dtypes instead.
        wanted = torch.float32
    if tensor is not None and wanted is not None and tensor.dtype != wanted:
        what = "data" if role == "encoder" else "codes"
        fix = (
            "x.float() (torch) or x.astype('float32') (numpy)"
            if wanted == torch.float32
            else f"x.to({wanted})"
        )
        hints.append(
            f"The dtypes differ: the {what} are {tensor.dtype} but the {role}'s parameters are "
            f"{'probably ' if guessed else ''}{wanted}. Convert the {what}, e.g. {fix}"
            + (f", or pass transform=lambda b: b.to({wanted})." if role == "encoder" else ".")
        )
    return hints
