"""Two-dimensional projections of latent codes, in the style of scikit-learn.

Every projection stores its parameters in ``__init__``, learns in ``fit(X)`` (which returns the
projection itself) and maps points with ``transform`` / ``fit_transform``; fitted attributes end in
``_``. ``X`` is a ``torch.Tensor`` (any device, any dtype) or a numpy array of shape
``(n_samples, n_features)``; embeddings come back as C-contiguous numpy ``float32`` arrays of shape
``(n_samples, n_components)``, ready for the map.

Each class says what it can do through the attributes ``name``, ``can_transform`` (whether new points
can be placed on a fitted map) and ``can_inverse_transform`` (whether a map position can be turned
back into a latent code).

Long computations report progress through an optional ``callback(fraction, message, coords)``:
``fraction`` is in ``[0, 1]`` or ``None`` when unknown, ``coords`` is the live intermediate
embedding when there is one. A callback that returns ``True`` cancels the computation, which then
raises :class:`ProjectionCancelled`.
"""

from __future__ import annotations

from typing import Any

from . import _umap
from ._base import ProgressCallback, Projection, ProjectionCancelled
from ._dims import LatentDims
from ._pca import PCA
from ._tsne import TSNE
from ._umap import UMAP, warm_up_umap

__all__ = [
    "PCA",
    "TSNE",
    "UMAP",
    "LatentDims",
    "ProgressCallback",
    "Projection",
    "ProjectionCancelled",
    "available_projections",
    "canonical_name",
    "make_projection",
    "warm_up_umap",
]


_PROJECTIONS: dict[str, type[Projection]] = {cls.name: cls for cls in (PCA, TSNE, UMAP, LatentDims)}


def available_projections() -> list[str]:
    """Names of the projections usable in this environment.

    Returns
    -------
    list of str
        ``["pca", "tsne", "umap", "dims"]``, without ``"umap"`` when umap-learn is not installed.
    """
    return [name for name in _PROJECTIONS if name != "umap" or _umap._umap_installed()]


def canonical_name(name: object) -> object:
    """Return the stored, shown form of a projection name: lower case, no ``-``, ``_``, spaces.

    ``"TSNE"``, ``"t-SNE"`` and ``"tsne"`` all name t-SNE, ``"Pca"`` PCA. Anything but a str comes
    back as it came, for the caller's type check to refuse.

    Parameters
    ----------
    name : object
        A projection name as the user typed it.

    Returns
    -------
    str or object
        The canonical name, e.g. ``"tsne"``.
    """
    if not isinstance(name, str):
        return name
    return "".join(c for c in name.strip().lower() if c not in "-_ ")


def make_projection(name: str, **params: Any) -> Projection:
    """Create a projection from its short name.

    Parameters
    ----------
    name : str
        One of :func:`available_projections`, in any case (``"TSNE"``, ``"t-SNE"``, ``"Pca"``).
    **params
        Parameters of the projection's class.

    Returns
    -------
    Projection
        An unfitted projection.

    Raises
    ------
    ValueError
        For an unknown name.
    ImportError
        For ``"umap"`` without umap-learn.
    """
    key = canonical_name(name)
    if not isinstance(key, str) or key not in _PROJECTIONS:
        raise ValueError(
            f"unknown projection {name!r}; expected one of {list(_PROJECTIONS)} (any case)"
        )
    return _PROJECTIONS[key](**params)


# The classes live in private modules; they are documented (and pickled) under this public one.
for _cls in (PCA, TSNE, UMAP, LatentDims, Projection, ProjectionCancelled):
    _cls.__module__ = __name__
