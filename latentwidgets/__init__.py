"""latentwidgets: Jupyter widgets that put a torch model in the loop of latent-space exploration.

>>> import latentwidgets as lw
>>> explorer = lw.LatentExplorer(encoder, decoder, data, labels=y)  # doctest: +SKIP
"""

from __future__ import annotations

from . import colors, datasets, export, models, operations, projections, render, scale
from ._engine.model import LatentModel, LatentWarning, ModelError
from .explorer import LatentExplorer, explore
from .linked import Comparison, compare, link, unlink
from .operations.interpolation import interpolate, interpolate_path, lerp, slerp
from .projections import PCA, TSNE, UMAP, LatentDims
from .render import AudioPreview, TextPreview
from .scale import LatentTable, encode

__version__ = "0.1.0"

__all__ = [
    "PCA",
    "TSNE",
    "UMAP",
    "AudioPreview",
    "Comparison",
    "LatentDims",
    "LatentExplorer",
    "LatentModel",
    "LatentTable",
    "LatentWarning",
    "ModelError",
    "TextPreview",
    "__version__",
    "colors",
    "compare",
    "datasets",
    "encode",
    "explore",
    "export",
    "interpolate",
    "interpolate_path",
    "lerp",
    "link",
    "models",
    "operations",
    "projections",
    "render",
    "scale",
    "slerp",
    "unlink",
]
