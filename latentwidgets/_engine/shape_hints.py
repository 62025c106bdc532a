"""Mistakes of shape a user makes first, caught with a message that says the fix.

Flat ``(N, 64)`` data passed to a convolutional encoder fails deep inside torch with a long
chained traceback, though the first layer already says what it takes (:func:`shape_hint`). The
whole autoencoder passed as the encoder maps reconstructions without an error at all
(:func:`check_not_reconstruction`).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch

from .data import first_tensor
from .modules import _module_of

_CONVOLUTIONS: dict[type[torch.nn.Module], int] = {
    torch.nn.Conv1d: 1,
    torch.nn.Conv2d: 2,
    torch.nn.Conv3d: 3,
}
_AXES = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def first_layer(fn: Any) -> torch.nn.Module | None:
    """Return the first convolution or linear layer of ``fn``'s module, in registration order."""
    module = _module_of(fn)
    if module is None:
        return None
    kinds = (*_CONVOLUTIONS, torch.nn.Linear)
    return next((m for m in module.modules() if isinstance(m, kinds)), None)


def shape_hint(fn: Any, role: str, batch: Any) -> str | None:
    """Say what batch shape ``fn``'s first layer takes and how to reshape to it, if it differs.

    Parameters
    ----------
    fn : callable
        The encoder or decoder that raised.
    role : str
        ``"encoder"`` or ``"decoder"``, for the message.
    batch : object
        What it was given.

    Returns
    -------
    str or None
        The hint, or None when the first layer is not a convolution or linear layer, or the batch
        already has the shape it takes.
    """
    layer = first_layer(fn)
    tensor = first_tensor(batch)
    if layer is None or tensor is None or tensor.ndim < 1:
        return None
    what = "data" if role == "encoder" else "codes"
    shape = tuple(tensor.shape)
    per_item = math.prod(shape[1:])
    if isinstance(layer, torch.nn.Linear):
        if tensor.ndim == 2 and shape[1] == layer.in_features:
            return None
        wanted = f"a 2-D (N, {layer.in_features}) batch"
        if per_item == layer.in_features:
            fix = f"Flatten the {what}, e.g. {what}.reshape(len({what}), -1)"
        else:
            fix = f"Each item holds {per_item} values: check that this is the right model"
        return f"The {role}'s first layer, {layer}, takes {wanted}; got {shape}. {fix}."
    dims = _CONVOLUTIONS[type(layer)]
    channels: int = getattr(layer, "in_channels")  # noqa: B009 - nn.Module's __getattr__ types it as a Tensor
    if tensor.ndim == dims + 2 and shape[1] == channels:
        return None
    wanted = f"a {dims + 2}-D {_AXES[dims]} batch with C = {channels}"
    return (
        f"The {role}'s first layer, {layer}, takes {wanted}; got {shape}. "
        f"{_reshape(what, per_item, channels, dims)}."
    )


def _reshape(what: str, per_item: int, channels: int, dims: int) -> str:
    if per_item % channels:
        return f"Each item holds {per_item} values, not a multiple of C = {channels}"
    rest = per_item // channels
    if dims == 1:
        sizes = [rest]
    else:
        side = round(rest ** (1 / dims))
        sizes = [side] * dims if side**dims == rest else []
    if not sizes:
        axes = " * ".join("DHW"[3 - dims :])
        return f"Reshape the {what} to (N, {channels}, ...) with {axes} = {rest}"
    target = ", ".join(str(s) for s in [channels, *sizes])
    product = " * ".join(str(s) for s in [channels, *sizes])
    return (
        f"Reshape the {what}, e.g. {what}.reshape(-1, {target}) ({per_item} = {product}), or pass "
        f"transform=lambda b: b.reshape(-1, {target})"
    )


def check_not_reconstruction(
    encoder: Any, batch: Any, codes: torch.Tensor, category: type[Warning]
) -> None:
    """Warn (``category``) if the codes have the items' shape: the whole autoencoder as encoder.

    Parameters
    ----------
    encoder : callable
        The encoder.
    batch : object
        The first batch it encoded.
    codes : torch.Tensor
        What it returned for that batch.
    category : type of Warning
        The warning to raise (the model's ``LatentWarning``).
    """
    items = first_tensor(batch)
    if items is None or tuple(items.shape) != tuple(codes.shape):
        return
    module = _module_of(encoder)
    whole = module is not None and hasattr(module, "encoder") and hasattr(module, "decoder")
    # a flat (N, D) -> (N, D) map may well be meant (features passed through); an image batch
    # mapped to one of its own shape is a reconstruction
    if items.ndim < 3 and not whole:
        return
    warnings.warn(
        category(
            f"the encoder returned codes of the items' own shape {tuple(items.shape[1:])}: it "
            "looks like the whole autoencoder, so the map would show its reconstructions, not "
            "its codes. Pass the encoder half, e.g. LatentExplorer(model.encoder, "
            "model.decoder, data), or encoder=lambda x: model.encode(x)"
        ),
        stacklevel=3,
    )
