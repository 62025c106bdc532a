"""The checks of :class:`~latentwidgets._engine.model.LatentModel`'s arguments and codes."""

from __future__ import annotations

import numpy as np
import torch


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a positive int; got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def _check_callable(value: object, name: str, what: str) -> None:
    if isinstance(value, type):
        raise TypeError(
            f"{name} is the class {value.__name__}, not an instance of it; pass "
            f"{value.__name__}(...) (with its trained weights), not the class"
        )
    if not callable(value):
        raise TypeError(f"{name} must be {what}; got {type(value).__name__}")


def _available_devices() -> list[str]:
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        found.append("mps")
    return found


def _check_device(device: object) -> torch.device:
    """``device`` as a torch.device that this machine has, or an error saying which it has."""
    if isinstance(device, bool) or not isinstance(device, str | torch.device | int):
        raise TypeError(
            f"device must be a str such as 'cpu' or 'cuda:0', a torch.device or None; got "
            f"{type(device).__name__} {device!r}"
        )
    # device='mps' or device=torch.device('mps') are both shown as device='mps'.
    shown = repr(str(device)) if isinstance(device, torch.device) else repr(device)
    try:
        found = torch.device(device)
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"device={shown} is not a torch device ({error}); expected e.g. 'cpu', 'cuda', "
            f"'cuda:0' or 'mps'; this machine has: {', '.join(_available_devices())}"
        ) from error
    if found.type == "mps":
        available, count = torch.backends.mps.is_available(), 1
    else:
        # torch.cuda, torch.xpu and the like answer is_available() and device_count(); "cpu" and
        # "meta" have nothing to check.
        backend = getattr(torch, found.type, None)
        is_available = getattr(backend, "is_available", None)
        available = bool(is_available()) if callable(is_available) else True
        device_count = getattr(backend, "device_count", None)
        count = int(device_count()) if available and callable(device_count) else 1
    if not available:
        raise ValueError(
            f"device={shown}: {found.type.upper()} is not available on this machine; available "
            f"devices: {', '.join(_available_devices())}. Pass one of these, or None for the "
            "device of the encoder's parameters"
        )
    if found.type != "cpu" and found.index is not None and found.index >= count:
        raise ValueError(
            f"device={shown}: this machine has {count} {found.type} device(s), so the index "
            f"must be below {count}; available devices: {', '.join(_available_devices())}"
        )
    return found


def _check_codes(codes: object) -> torch.Tensor:
    if not isinstance(codes, torch.Tensor):
        fix = ": pass torch.as_tensor(codes)" if isinstance(codes, np.ndarray | list) else ""
        raise TypeError(f"codes must be a torch.Tensor; got {type(codes).__name__}{fix}")
    if not codes.is_floating_point():
        raise TypeError(
            f"codes must be floating point, as encode returns them; got dtype {codes.dtype}: "
            "pass codes.float()"
        )
    if codes.ndim == 0 or codes.numel() == 0:
        raise ValueError(
            f"codes must hold at least one code, shape (B, D); got shape {tuple(codes.shape)}"
        )
    check_finite(codes if codes.ndim > 1 else codes[None], "codes")
    return codes


def check_finite(codes: torch.Tensor, what: str) -> None:
    # NaN and inf survive a sum, so a finite sum clears every value at a fraction of the cost of
    # an elementwise mask; only a sum that is not (NaN, inf, or finite values overflowing) looks closer.
    if bool(torch.isfinite(codes.sum())):
        return
    bad = ~torch.isfinite(codes).reshape(len(codes), -1).all(dim=1)
    if bool(bad.any()):
        rows = torch.nonzero(bad).flatten()
        raise ValueError(
            f"{what} contain NaN or inf in {len(rows)} of {len(codes)} rows (first: row {int(rows[0])})"
        )
