"""Optional dependencies, imported only when a function needs them."""

from __future__ import annotations

import importlib
from typing import Any


def require(module: str, extra: str, purpose: str) -> Any:
    """Import ``module``, or raise an ImportError that says which extra installs it.

    The module is returned as ``Any``: pyarrow ships no type information, and typing Ray's
    dynamic API adds nothing to the checks that these modules make themselves.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.split(".")[0]
        raise ImportError(
            f"{purpose} needs {package}, which is not installed (or failed to import: {error}). "
            f"Install it with: pip install latentwidgets[{extra}]"
        ) from error
