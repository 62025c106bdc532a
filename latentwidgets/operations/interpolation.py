"""Linear and spherical interpolation between latent codes, batched over all frames at once.

Everything is plain torch on the codes' own device: a path of F frames is one ``(F, D)`` tensor,
ready to be decoded in one batch. The functions live in ``latentwidgets._engine.interpolation``
so that the code store, one layer down, can use them; this module is their public name.
"""

from __future__ import annotations

from .._engine.interpolation import (
    METHODS,
    Method,
    check_method,
    check_steps,
    interpolate,
    interpolate_path,
    lerp,
    slerp,
)

__all__ = [
    "METHODS",
    "Method",
    "check_method",
    "check_steps",
    "interpolate",
    "interpolate_path",
    "lerp",
    "slerp",
]
