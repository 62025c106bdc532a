"""latentwidgets: Jupyter widgets that put a torch model in the loop of latent-space exploration."""

from __future__ import annotations

__version__ = "0.1.0"
