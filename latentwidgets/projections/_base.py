"""The base of the projections: validated fit and transform, progress reports, shared checks.

The conventions every projection follows are in the package docstring (``projections/__init__``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

if TYPE_CHECKING:
    from typing_extensions import Self

ArrayLike: TypeAlias = torch.Tensor | np.ndarray
ProgressCallback: TypeAlias = Callable[[float | None, str, np.ndarray | None], bool | None]


class ProjectionCancelled(Exception):
    """Raised when a progress callback asked a projection to stop by returning ``True``."""


def _report(
    callback: ProgressCallback | None,
    fraction: float | None,
    message: str,
    coords: np.ndarray | None = None,
) -> None:
    if callback is not None and callback(fraction, message, coords):
        raise ProjectionCancelled(f"cancelled at: {message}")


def _check_data(X: Any, name: str = "X", min_samples: int = 2) -> torch.Tensor | np.ndarray:
    """Return ``X`` as a 2-D floating torch tensor or numpy array, or raise a clear error."""
    if isinstance(X, torch.Tensor):
        if X.is_complex():
            raise TypeError(f"{name} must hold real numbers; got a tensor of dtype {X.dtype}")
        X = X.detach()
        # Half precision loses too much in a covariance or a distance; integers need a float type.
        if X.dtype not in (torch.float32, torch.float64):
            X = X.to(torch.float32)
    else:
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers; got an array of dtype {X.dtype}")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float32 if X.dtype == np.float16 else np.float64)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D, (n_samples, n_features); got shape {tuple(X.shape)}")
    if X.shape[0] < min_samples:
        raise ValueError(f"{name} must have at least {min_samples} samples; got {X.shape[0]}")
    if X.shape[1] < 1:
        raise ValueError(f"{name} must have at least 1 feature; got shape {tuple(X.shape)}")
    # A finite sum proves every entry finite, in one cheap reduction (torch.isfinite over a large
    # CPU tensor measured 35 times slower); only a non-finite sum, or an overflow, needs a count.
    isfinite = torch.isfinite if isinstance(X, torch.Tensor) else np.isfinite
    with np.errstate(over="ignore", invalid="ignore"):
        total = X.sum()
    if not isfinite(total):
        non_finite_rows = int((~isfinite(X)).any(1).sum())
        if non_finite_rows:
            raise ValueError(
                f"{name} must be finite; {non_finite_rows} of {X.shape[0]} rows contain NaN or "
                "infinite values"
            )
    return X


def _check_columns(X: ArrayLike, expected: int, name: str, meaning: str) -> None:
    if X.shape[1] != expected:
        raise ValueError(f"{name} must have {expected} columns ({meaning}); got {X.shape[1]}")


def _to_numpy(X: ArrayLike) -> np.ndarray:
    return X.cpu().numpy() if isinstance(X, torch.Tensor) else X


def _to_torch(X: ArrayLike) -> torch.Tensor:
    # torch.from_numpy warns on read-only arrays; np.require copies only those.
    return torch.from_numpy(np.require(X, requirements="W")) if isinstance(X, np.ndarray) else X


def _to_map(coords: ArrayLike) -> np.ndarray:
    return np.ascontiguousarray(_to_numpy(coords), dtype=np.float32)


class Projection(BaseEstimator):
    """Base class of the projections: a fitted map from latent codes to the plane.

    Subclasses implement ``_fit`` and, where they can, ``_transform`` on validated data.

    Attributes
    ----------
    name : str
        Short name, as accepted by :func:`make_projection`.
    can_transform : bool
        Whether :meth:`transform` places new points on a fitted map.
    can_inverse_transform : bool
        Whether :meth:`inverse_transform` turns map positions back into latent codes.
    accepts_init : bool
        Whether :meth:`fit` can start from a given layout (``init=``), e.g. the map of the same
        items before a model trained further. True for the iterative t-SNE and UMAP, whose
        result depends on where they start; false for PCA and latent dimensions, whose map
        follows from the codes alone (align those afterwards with
        :func:`latentwidgets.operations.align.fit_alignment`).
    instant : bool
        Whether fitting (and ``transform``, where there is one) is quick enough to run while the
        user waits, e.g. PCA: 0.2 s for 1M x 64 codes. A widget runs the others in the background
        and places new codes on their maps by nearest neighbours.
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name: str = ""
    can_transform: bool = False
    can_inverse_transform: bool = False
    accepts_init: bool = False
    instant: bool = False
    _min_samples = 2

    def check_params(self, n_samples: int, n_features: int) -> None:
        """Check the parameters against data of this shape, before any work starts.

        Parameters
        ----------
        n_samples, n_features : int
            Shape of the codes the projection will be fitted on.

        Raises
        ------
        ValueError
            Naming the first parameter that does not fit, what it must be and what it is.
        """
        if n_samples < self._min_samples:
            raise ValueError(
                f"{type(self).__name__} needs at least {self._min_samples} samples; got {n_samples}"
            )

    def prestart(self) -> Callable[[], None] | None:
        """Get ready for a fit ahead of time, e.g. start its worker process; by default nothing.

        A widget calls this when it opens, so that the first fit the user asks for does not
        wait for what can be done before (see :meth:`TSNE.prestart`). It returns at once.

        Returns
        -------
        callable or None
            What the widget calls when it closes: it stops what was started if that is still
            getting ready, so that closing frees the CPU at once. None when nothing started.
        """
        return None

    def fit(
        self,
        X: ArrayLike,
        y: None = None,
        *,
        init: ArrayLike | None = None,
        callback: ProgressCallback | None = None,
    ) -> Self:
        """Fit the projection to the latent codes ``X``.

        Parameters
        ----------
        X : torch.Tensor or numpy.ndarray, shape (n_samples, n_features)
            Latent codes, on any device, of any real dtype.
        y : None
            Ignored; present for scikit-learn compatibility.
        init : torch.Tensor or numpy.ndarray, shape (n_samples, n_components), optional
            A layout of the same items to start from (only where ``accepts_init``), in any
            units: each projection rescales it the way its library expects. It replaces the
            projection's own initialisation for this fit.
        callback : callable, optional
            ``callback(fraction, message, coords)`` for progress; return ``True`` to cancel.

        Returns
        -------
        Projection
            The fitted projection itself.

        Raises
        ------
        ProjectionCancelled
            If ``callback`` returned ``True``.
        ValueError
            If ``init`` is given to a projection that takes none, or is not
            ``(n_samples, n_components)`` finite positions.
        """
        self._validated_fit(X, callback, init)
        return self

    def fit_transform(
        self,
        X: ArrayLike,
        y: None = None,
        *,
        init: ArrayLike | None = None,
        callback: ProgressCallback | None = None,
    ) -> np.ndarray:
        """Fit the projection to ``X`` and return the embedding of ``X``.

        Parameters
        ----------
        X : torch.Tensor or numpy.ndarray, shape (n_samples, n_features)
            Latent codes, on any device, of any real dtype.
        y : None
            Ignored; present for scikit-learn compatibility.
        init : torch.Tensor or numpy.ndarray, shape (n_samples, n_components), optional
            A layout to start from, as for :meth:`fit` (only where ``accepts_init``). The
            embedding comes back in the projection's own frame: it starts from the layout's
            arrangement, not its units (align it afterwards to compare positions).
        callback : callable, optional
            ``callback(fraction, message, coords)`` for progress; return ``True`` to cancel.

        Returns
        -------
        numpy.ndarray of float32, shape (n_samples, n_components)
            The embedding of ``X``.

        Raises
        ------
        ProjectionCancelled
            If ``callback`` returned ``True``.
        ValueError
            If ``init`` is given to a projection that takes none, or is not
            ``(n_samples, n_components)`` finite positions.
        """
        return self._fitted_embedding(self._validated_fit(X, callback, init), callback)

    def transform(self, X: ArrayLike, *, callback: ProgressCallback | None = None) -> np.ndarray:
        """Place new points on the fitted map; only where ``can_transform`` is true.

        Parameters
        ----------
        X : torch.Tensor or numpy.ndarray, shape (n_points, n_features)
            Latent codes with as many features as the fitted data.
        callback : callable, optional
            ``callback(fraction, message, coords)`` for progress; return ``True`` to cancel.

        Returns
        -------
        numpy.ndarray of float32, shape (n_points, n_components)
            The positions of ``X`` on the map.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        NotImplementedError
            Where ``can_transform`` is false.
        """
        check_is_fitted(self)
        X = _check_data(X, min_samples=1)
        _check_columns(
            X, self.n_features_in_, "X", f"the features {type(self).__name__} was fitted on"
        )
        return self._transform(X, callback)

    def inverse_transform(self, Y: ArrayLike) -> ArrayLike:
        """Turn map positions back into latent codes; only where ``can_inverse_transform``.

        Parameters
        ----------
        Y : torch.Tensor or numpy.ndarray, shape (n_points, n_components)
            Positions on the map.

        Returns
        -------
        torch.Tensor or numpy.ndarray, shape (n_points, n_features)
            Latent codes.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot map positions back to latents")

    def _validated_fit(
        self, X: Any, callback: ProgressCallback | None, init: Any = None
    ) -> ArrayLike:
        X = _check_data(X, min_samples=self._min_samples)
        self.check_params(X.shape[0], X.shape[1])
        start = None if init is None else self._check_init(init, X.shape[0])
        self.n_features_in_ = X.shape[1]
        self._fit(X, callback, start)
        return X

    def _check_init(self, init: Any, n_samples: int) -> np.ndarray:
        """Return ``init`` as a float64 ``(n_samples, n_components)`` array, or raise."""
        if not self.accepts_init:
            raise ValueError(
                f"{type(self).__name__} takes no init: its map follows from the codes alone; "
                "align it to another map afterwards (latentwidgets.operations.align)"
            )
        layout = np.asarray(_to_numpy(_check_data(init, name="init", min_samples=1)), np.float64)
        expected = (n_samples, getattr(self, "n_components", 2))
        if layout.shape != expected:
            raise ValueError(
                f"init must be a layout of the same items, (n_samples, n_components) = "
                f"{expected}; got {layout.shape}"
            )
        if not (layout.std(axis=0) > 0).any():
            raise ValueError("init must spread the points out; got every point at one place")
        return layout

    def _fit(
        self, X: ArrayLike, callback: ProgressCallback | None, init: np.ndarray | None = None
    ) -> None:
        """Fit to validated ``X``; ``init`` is a checked layout, given only where accepted."""
        raise NotImplementedError

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} cannot place new points on its map")

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        """Return the embedding of ``X``, the data just fitted."""
        return self._transform(X, callback)


def _threads(n_jobs: int | None) -> int:
    """Thread count for ``n_jobs``: joblib's convention, and None for every core but one.

    The core left free keeps the kernel answering the widget during a fit, and spares OpenMP the
    heavy slowdown it suffers when its threads outnumber the free cores.
    """
    if isinstance(n_jobs, bool) or not (n_jobs is None or isinstance(n_jobs, int)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None or a non-zero integer; got {n_jobs!r}")
    n_jobs = -2 if n_jobs is None else n_jobs
    if n_jobs > 0:
        return n_jobs
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) + 1 + n_jobs)
