"""Find the latent code in whatever an encoder returns, and the output in whatever a decoder returns.

Models wrap their outputs in many ways (tuples, dicts, dataclasses, distributions, diffusers'
``AutoencoderKLOutput``); the rules here let a user hand in such models without writing adapters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

# Which field holds the code, in order of preference. "mu"/"mean"/"loc" come before "z" on purpose:
# a deterministic code is what a map should show, a sample moves with every call.
ENCODER_KEYS = ("mu", "mean", "loc", "z", "latent", "latents", "code", "embedding", "embeddings")
DECODER_KEYS = (
    "sample",
    "x",
    "x_hat",
    "x_recon",
    "recon",
    "reconstruction",
    "mean",
    "loc",
    "images",
    "image",
    "output",
    "logits",
)

OutputRule = int | str | Callable[[Any], Any] | None


def describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"Tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, tuple | list):
        inner = ", ".join(describe(v) for v in value[:4])
        return (
            f"{type(value).__name__} of {len(value)} ({inner}{', ...' if len(value) > 4 else ''})"
        )
    if isinstance(value, Mapping):
        return f"{type(value).__name__} with keys {list(value)[:8]}"
    return type(value).__name__


def _fields(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        return dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return dict(zip(value._fields, value, strict=True))
    return None


def _distribution_mean(value: Any) -> Any:
    try:
        return value.mean
    except NotImplementedError:
        return value.mode


def _auto(value: Any, keys: tuple[str, ...], depth: int = 0) -> torch.Tensor | None:
    """Return the tensor the rules pick, or None where nothing fits."""
    if depth > 4:
        return None
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, torch.distributions.Distribution):
        return _auto(_distribution_mean(value), keys, depth + 1)
    if hasattr(value, "latent_dist"):  # diffusers' AutoencoderKLOutput
        return _auto(value.latent_dist, keys, depth + 1)
    fields = _fields(value)
    if fields is not None:
        for key in keys:
            if key in fields:
                found = _auto(fields[key], keys, depth + 1)
                if found is not None:
                    return found
        tensors = [v for v in fields.values() if isinstance(v, torch.Tensor)]
        return tensors[0] if len(tensors) == 1 else None
    if isinstance(value, tuple | list) and value:
        return _auto(value[0], keys, depth + 1)
    for key in keys:
        attr = getattr(value, key, None)
        if isinstance(attr, torch.Tensor):
            return attr
    mode = getattr(value, "mode", None)
    if callable(mode):
        return _auto(mode(), keys, depth + 1)
    return None


def check_rule(rule: object, argument: str) -> OutputRule:
    """Return ``rule`` if it is None, an int, a str or a callable; raise naming ``argument``.

    Raises
    ------
    TypeError
        If ``rule`` is of another type (a bool, a float, a list...).
    """
    if isinstance(rule, np.integer):
        return int(rule)
    if rule is None or callable(rule) or isinstance(rule, str):
        return rule
    if isinstance(rule, int) and not isinstance(rule, bool):
        return rule
    raise TypeError(
        f"{argument} must be None (automatic), an int (a tuple index), a str (a key or attribute) "
        f"or a callable output -> Tensor; got {type(rule).__name__} {rule!r:.80}"
    )


def pick(value: Any, rule: OutputRule, *, role: str, argument: str) -> torch.Tensor:
    """Apply ``rule`` (None: automatic, int: index, str: key/attribute, callable: user) to ``value``.

    ``role`` ("encoder"/"decoder") and ``argument`` (the option's name) only shape the error message.
    """
    keys = ENCODER_KEYS if role == "encoder" else DECODER_KEYS
    rule = check_rule(rule, argument)
    if callable(rule):
        try:
            picked = rule(value)
        except Exception as error:
            raise TypeError(
                f"{argument} raised {type(error).__name__} on what the {role} returned "
                f"({describe(value)}): {error}"
            ) from error
    elif isinstance(rule, int):
        if not isinstance(value, tuple | list):
            raise TypeError(
                f"{argument}={rule} picks an element of a tuple, but the {role} returned {describe(value)}"
            )
        if not -len(value) <= rule < len(value):
            raise IndexError(
                f"{argument}={rule} is out of range: the {role} returned {describe(value)}"
            )
        picked = value[rule]
    elif isinstance(rule, str):
        fields = _fields(value)
        if fields is not None and rule in fields:
            picked = fields[rule]
        elif hasattr(value, rule):
            picked = getattr(value, rule)
        else:
            raise KeyError(
                f"{argument}={rule!r}: the {role} returned {describe(value)}, without {rule!r}"
            )
    else:
        picked = value
    tensor = _auto(picked, keys)
    if tensor is None:
        raise TypeError(
            f"could not find a tensor in what the {role} returned: {describe(value)}. Expected a Tensor, "
            f"a tuple/list (first element taken), a dict or dataclass with one of {list(keys)}, a "
            f"torch.distributions.Distribution (its mean) or an object with `latent_dist`/`mean`/`loc`. "
            f"Pass {argument}= (an index, a key or a function output -> Tensor) to choose."
        )
    return tensor
