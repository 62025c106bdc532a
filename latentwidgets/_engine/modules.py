"""Torch module plumbing for the user's callables: which module, which device, eval mode."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import torch


def _module_of(fn: Any) -> torch.nn.Module | None:
    if isinstance(fn, torch.nn.Module):
        return fn
    owner = getattr(fn, "__self__", None)
    return owner if isinstance(owner, torch.nn.Module) else None


def _device_of(*fns: Any) -> torch.device:
    for fn in fns:
        module = _module_of(fn)
        if module is not None:
            tensor = next(itertools.chain(module.parameters(), module.buffers()), None)
            if tensor is not None:
                return tensor.device
    return torch.device("cpu")


_EVAL_LOCK = threading.RLock()


@contextlib.contextmanager
def _eval_mode(modules: list[torch.nn.Module]) -> Iterator[None]:
    """Put modules in eval mode and restore every submodule's own flag afterwards.

    Only the submodules in training mode are switched (and switched back): a model already in
    eval mode, the usual case, costs a walk over its modules and no ``Module.__setattr__``, which
    measured a fifth of a small decoder's time per batch. The lock keeps two threads from
    restoring each other's flags mid-call (a decode running with dropout on).
    """
    with _EVAL_LOCK:
        training = [m for module in modules for m in module.modules() if m.training]
        try:
            for m in training:
                m.training = False
            yield
        finally:
            for m in training:
                m.training = True


def _parameter_dtype(module: torch.nn.Module | None) -> torch.dtype | None:
    if module is None:
        return None
    return next((p.dtype for p in module.parameters() if p.is_floating_point()), None)
