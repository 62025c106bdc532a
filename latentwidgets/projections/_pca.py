"""Principal component analysis on the data's own device (torch), or scikit-learn's on the CPU."""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch
from sklearn.decomposition import PCA as _SklearnPCA
from sklearn.utils.validation import check_is_fitted

from .._engine.pca import GRAM_CHUNK_ELEMENTS, torch_pca
from ._base import (
    ArrayLike,
    ProgressCallback,
    Projection,
    _check_columns,
    _check_data,
    _report,
    _to_map,
    _to_numpy,
    _to_torch,
)

_GRAM_CHUNK_ELEMENTS = GRAM_CHUNK_ELEMENTS  # read at each fit, so that a test can shrink it


class PCA(Projection):
    """Principal component analysis, on the GPU for CUDA tensors.

    Results equal scikit-learn's ``PCA``, with the same sign convention (the largest entry of each
    component, in absolute value, is positive). ``can_transform`` and ``can_inverse_transform``
    are both true.

    Parameters
    ----------
    n_components : int, default=2
        Number of principal components kept.
    backend : {"auto", "torch", "sklearn"}, default="auto"
        ``"torch"`` (and ``"auto"``) eigendecomposes the covariance with torch on the data's
        device, centring the data before the Gram product. ``"sklearn"`` uses scikit-learn's
        ``PCA(svd_solver="covariance_eigh")`` on the CPU: faster there, but its uncentred Gram
        matrix loses the principal axes of float32 data whose mean is large next to its spread
        (``benchmarks/bench_pca.py`` measures both).

    Attributes
    ----------
    mean_ : torch.Tensor or numpy.ndarray, shape (n_features,)
        Per-feature mean of the fitted data.
    components_ : torch.Tensor or numpy.ndarray, shape (n_components, n_features)
        Principal axes, by decreasing explained variance. ``mean_`` and ``components_`` are torch
        tensors on the data's device (in its dtype) when fitted on a tensor, so that projecting
        new tensors on a GPU is one matrix product there, and numpy arrays otherwise.
    explained_variance_ : numpy.ndarray, shape (n_components,)
        Variance along each component.
    explained_variance_ratio_ : numpy.ndarray, shape (n_components,)
        Fraction of the total variance along each component.
    n_features_in_ : int
        Number of features of the fitted data.
    backend_ : {"torch", "sklearn"}
        The backend that did the fit.
    """

    name = "pca"
    can_transform = True
    can_inverse_transform = True
    instant = True

    def __init__(
        self, n_components: int = 2, backend: Literal["auto", "torch", "sklearn"] = "auto"
    ) -> None:
        self.n_components = n_components
        self.backend = backend

    def check_params(self, n_samples: int, n_features: int) -> None:
        super().check_params(n_samples, n_features)
        k, most = self.n_components, min(n_samples, n_features)
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= most:
            raise ValueError(
                "n_components must be an integer in [1, min(n_samples, n_features)] = "
                f"[1, {most}]; got {k!r}"
            )
        if self.backend not in ("auto", "torch", "sklearn"):
            raise ValueError(
                f"backend must be one of 'auto', 'torch', 'sklearn'; got {self.backend!r}"
            )

    def _fit(
        self, X: ArrayLike, callback: ProgressCallback | None, init: np.ndarray | None = None
    ) -> None:
        k = self.n_components
        backend = "torch" if self.backend == "auto" else self.backend
        _report(callback, 0.0, f"PCA ({backend}): fitting {X.shape[0]} x {X.shape[1]}")

        if backend == "torch":
            mean, components, variance, ratio = torch_pca(
                _to_torch(X), k, chunk_elements=_GRAM_CHUNK_ELEMENTS
            )
        else:
            pca = _SklearnPCA(n_components=k, svd_solver="covariance_eigh").fit(_to_numpy(X))
            mean, components = pca.mean_, pca.components_
            variance, ratio = pca.explained_variance_, pca.explained_variance_ratio_
        self.mean_: ArrayLike
        self.components_: ArrayLike
        if isinstance(X, torch.Tensor):
            self.mean_ = _to_torch(mean).to(X)
            self.components_ = _to_torch(components).to(X)
        else:
            self.mean_ = _to_numpy(mean).astype(X.dtype)
            self.components_ = _to_numpy(components).astype(X.dtype)
        self.explained_variance_ = _to_numpy(variance).astype(np.float64)
        self.explained_variance_ratio_ = _to_numpy(ratio).astype(np.float64)
        self.backend_ = backend
        _report(callback, 1.0, f"PCA ({backend}): done")

    def _operands(self, X: ArrayLike) -> tuple[ArrayLike, ArrayLike, ArrayLike]:
        """``X``, ``mean_`` and ``components_`` alike: torch tensors on a GPU, else numpy arrays.

        On the CPU the small products of interactive use are faster in numpy than in torch, and
        steadier: torch's threaded matmul stalls for milliseconds when the cores are busy.
        """
        if isinstance(self.mean_, torch.Tensor) and not self.mean_.is_cpu:
            return _to_torch(X).to(self.mean_), self.mean_, self.components_
        mean, components = _to_numpy(self.mean_), _to_numpy(self.components_)
        return _to_numpy(X).astype(mean.dtype, copy=False), mean, components

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        X, mean, components = self._operands(X)
        return _to_map((X - mean) @ components.T)

    def inverse_transform(self, Y: ArrayLike) -> ArrayLike:
        """Map coordinates along the principal axes back to latent codes.

        Parameters
        ----------
        Y : torch.Tensor or numpy.ndarray, shape (n_points, n_components)
            Coordinates along the principal axes, as returned by ``transform``.

        Returns
        -------
        torch.Tensor or numpy.ndarray, shape (n_points, n_features)
            Latent codes: a tensor on the fitted device and in the fitted dtype when fitted on a
            tensor (ready for a decoder), else a numpy array.
        """
        check_is_fitted(self)
        Y = _check_data(Y, name="Y", min_samples=1)
        _check_columns(Y, self.components_.shape[0], "Y", "n_components")
        Y, mean, components = self._operands(Y)
        latents = Y @ components + mean
        return _to_torch(latents) if isinstance(self.mean_, torch.Tensor) else latents
