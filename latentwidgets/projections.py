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

import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA as _SklearnPCA
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "PCA",
    "TSNE",
    "UMAP",
    "LatentDims",
    "ProgressCallback",
    "Projection",
    "ProjectionCancelled",
    "available_projections",
    "make_projection",
    "warm_up_umap",
]

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
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name: str = ""
    can_transform: bool = False
    can_inverse_transform: bool = False
    _min_samples = 2

    def fit(
        self, X: ArrayLike, y: None = None, *, callback: ProgressCallback | None = None
    ) -> Self:
        """Fit the projection to the latent codes ``X``.

        Parameters
        ----------
        X : torch.Tensor or numpy.ndarray, shape (n_samples, n_features)
            Latent codes, on any device, of any real dtype.
        y : None
            Ignored; present for scikit-learn compatibility.
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
        """
        self._validated_fit(X, callback)
        return self

    def fit_transform(
        self, X: ArrayLike, y: None = None, *, callback: ProgressCallback | None = None
    ) -> np.ndarray:
        """Fit the projection to ``X`` and return the embedding of ``X``.

        Parameters
        ----------
        X : torch.Tensor or numpy.ndarray, shape (n_samples, n_features)
            Latent codes, on any device, of any real dtype.
        y : None
            Ignored; present for scikit-learn compatibility.
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
        """
        return self._fitted_embedding(self._validated_fit(X, callback), callback)

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

    def _validated_fit(self, X: Any, callback: ProgressCallback | None) -> ArrayLike:
        X = _check_data(X, min_samples=self._min_samples)
        self.n_features_in_ = X.shape[1]
        self._fit(X, callback)
        return X

    def _fit(self, X: ArrayLike, callback: ProgressCallback | None) -> None:
        raise NotImplementedError

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} cannot place new points on its map")

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        """Return the embedding of ``X``, the data just fitted."""
        return self._transform(X, callback)


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

    def __init__(
        self, n_components: int = 2, backend: Literal["auto", "torch", "sklearn"] = "auto"
    ) -> None:
        self.n_components = n_components
        self.backend = backend

    def _fit(self, X: ArrayLike, callback: ProgressCallback | None) -> None:
        k = self.n_components
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= min(X.shape):
            raise ValueError(
                "n_components must be an integer in [1, min(n_samples, n_features)] = "
                f"[1, {min(X.shape)}]; got {k!r}"
            )
        if self.backend not in ("auto", "torch", "sklearn"):
            raise ValueError(
                f"backend must be one of 'auto', 'torch', 'sklearn'; got {self.backend!r}"
            )
        backend = "torch" if self.backend == "auto" else self.backend
        _report(callback, 0.0, f"PCA ({backend}): fitting {X.shape[0]} x {X.shape[1]}")

        if backend == "torch":
            mean, components, variance, ratio = _torch_pca(_to_torch(X), k)
        else:
            pca = _SklearnPCA(n_components=k, svd_solver="covariance_eigh").fit(_to_numpy(X))
            mean, components = pca.mean_, pca.components_
            variance, ratio = pca.explained_variance_, pca.explained_variance_ratio_
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
        mean, components = self.mean_, self.components_
        if isinstance(mean, torch.Tensor) and not mean.is_cpu:
            return _to_torch(X).to(mean), mean, components
        mean, components = _to_numpy(mean), _to_numpy(components)
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


_GRAM_CHUNK_ELEMENTS = 2**22  # 16 MB of float32 per chunk of centred rows


def _torch_pca(
    X: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean, top ``k`` principal axes (sign-flipped like scikit-learn's), variances and ratios."""
    n_samples, n_features = X.shape
    mean = X.mean(dim=0)
    # The Gram matrix of the centred data, chunk by chunk: centring first avoids the cancellation
    # that ruins an uncentred float32 Gram matrix when the mean is large next to the spread;
    # chunks bound the extra memory and let the sum over chunks run in float64.
    gram = torch.zeros(n_features, n_features, dtype=torch.float64, device=X.device)
    chunk = max(1, _GRAM_CHUNK_ELEMENTS // n_features)
    for start in range(0, n_samples, chunk):
        centered = X[start : start + chunk] - mean
        gram += centered.T @ centered
    eigenvalues, eigenvectors = torch.linalg.eigh(gram / (n_samples - 1))
    # eigh can return tiny negative eigenvalues of this positive semi-definite matrix.
    eigenvalues = eigenvalues.flip(0).clamp(min=0)
    components = eigenvectors.flip(1)[:, :k].T
    largest = components.abs().argmax(dim=1)
    signs = torch.sign(components[torch.arange(k, device=X.device), largest])
    variance = eigenvalues[:k]
    return mean, components * signs[:, None], variance, variance / eigenvalues.sum()


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


def _opentsne_installed() -> bool:
    return importlib.util.find_spec("openTSNE") is not None


class _OpenTSNEProgress:
    """openTSNE callback: turns each iteration into a progress report with the live embedding."""

    def __init__(self, callback: ProgressCallback, total: int, what: str) -> None:
        self.callback = callback
        self.total = total
        self.what = what
        self.done = 0

    def __call__(self, iteration: int, error: float, embedding: np.ndarray) -> bool:
        # Called at every iteration of every phase, so a running count gives the overall position.
        self.done += 1
        message = f"{self.what}: iteration {self.done}/{self.total}, KL divergence {error:.4f}"
        # ProjectionCancelled goes straight through openTSNE, which would otherwise swallow a
        # stop request and return the partial embedding as if it were finished.
        _report(self.callback, self.done / self.total, message, _to_map(embedding))
        return False


class TSNE(Projection):
    """t-SNE, with openTSNE when it is installed and scikit-learn's ``TSNE`` otherwise.

    With openTSNE (``pip install latentwidgets[fast]``) progress is reported at every iteration
    with the live embedding, and ``transform`` places new points on the fitted map, each optimised
    against the fixed reference embedding (not safe from two threads at once). scikit-learn's
    ``TSNE`` reports only its start and end and cannot place new points. ``can_transform`` is
    therefore a property: true when the backend (chosen, or used by the fit) is openTSNE.
    ``can_inverse_transform`` is false.

    Parameters
    ----------
    n_components : int, default=2
        Dimension of the embedding.
    perplexity : float, default=30.0
        Effective number of neighbours; must be in ``(0, n_samples)``.
    learning_rate : float or "auto", default="auto"
        Gradient descent step size; ``"auto"`` scales it with the number of samples.
    max_iter : int, default=750
        Total number of iterations, including 250 of early exaggeration.
    random_state : int or None, default=0
        Seed of the initialisation and neighbour search; ``None`` for a random one.
    backend : {"auto", "opentsne", "sklearn"}, default="auto"
        ``"auto"`` uses openTSNE when it is importable.
    init : {"pca", "random"}, default="pca"
        Initial positions.
    n_jobs : int or None, default=None
        Threads for the neighbour search and gradients; ``-1`` uses every core, ``None`` every
        core but one (one thread on two cores), leaving the kernel free to answer the widget.

    Attributes
    ----------
    embedding_ : numpy.ndarray of float32, shape (n_samples, n_components)
        Embedding of the fitted data.
    backend_ : {"opentsne", "sklearn"}
        The backend that did the fit.
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name = "tsne"
    can_inverse_transform = False

    _EXAGGERATION_ITERS = 250  # scikit-learn's fixed count, used for openTSNE as well
    _TRANSFORM_ITERS = 250

    def __init__(
        self,
        n_components: int = 2,
        perplexity: float = 30.0,
        learning_rate: float | Literal["auto"] = "auto",
        max_iter: int = 750,
        random_state: int | None = 0,
        backend: Literal["auto", "opentsne", "sklearn"] = "auto",
        init: Literal["pca", "random"] = "pca",
        n_jobs: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.perplexity = perplexity
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state
        self.backend = backend
        self.init = init
        self.n_jobs = n_jobs

    @property
    def can_transform(self) -> bool:  # type: ignore[override]
        """Whether new points can be placed on the map: true with the openTSNE backend."""
        backend = self.backend_ if hasattr(self, "backend_") else self._resolve_backend()
        return backend == "opentsne"

    def _resolve_backend(self) -> str:
        if self.backend not in ("auto", "opentsne", "sklearn"):
            raise ValueError(
                f"backend must be one of 'auto', 'opentsne', 'sklearn'; got {self.backend!r}"
            )
        if self.backend == "auto":
            return "opentsne" if _opentsne_installed() else "sklearn"
        if self.backend == "opentsne" and not _opentsne_installed():
            raise ImportError("backend='opentsne' needs openTSNE: pip install latentwidgets[fast]")
        return self.backend

    def _check_params(self, n_samples: int) -> None:
        p = self.perplexity
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 < p < n_samples:
            raise ValueError(
                f"perplexity must be a float in (0, n_samples); got {p!r} for {n_samples} samples"
            )
        m = self.max_iter
        if isinstance(m, bool) or not isinstance(m, int) or m < self._EXAGGERATION_ITERS:
            raise ValueError(
                f"max_iter must be an integer >= {self._EXAGGERATION_ITERS} (the early "
                f"exaggeration iterations); got {m!r}"
            )
        if self.init not in ("pca", "random"):
            raise ValueError(f"init must be 'pca' or 'random'; got {self.init!r}")

    def _fit(self, X: ArrayLike, callback: ProgressCallback | None) -> None:
        X = _to_numpy(X)
        self._check_params(X.shape[0])
        threads = _threads(self.n_jobs)
        backend = self._resolve_backend()
        if backend == "opentsne":
            self.embedding_ = self._fit_opentsne(X, threads, callback)
        else:
            self.embedding_ = self._fit_sklearn(X, threads, callback)
        self.backend_ = backend
        _report(callback, 1.0, f"t-SNE ({backend}): done", self.embedding_)

    def _fit_opentsne(
        self, X: np.ndarray, threads: int, callback: ProgressCallback | None
    ) -> np.ndarray:
        import openTSNE

        _report(callback, None, f"t-SNE (opentsne): computing affinities of {X.shape[0]} points")
        progress = None if callback is None else _OpenTSNEProgress(callback, self.max_iter, "t-SNE")
        tsne = openTSNE.TSNE(
            n_components=self.n_components,
            perplexity=self.perplexity,
            learning_rate=self.learning_rate,
            early_exaggeration_iter=self._EXAGGERATION_ITERS,
            n_iter=self.max_iter - self._EXAGGERATION_ITERS,
            initialization=self.init,
            negative_gradient_method="auto",
            n_jobs=threads,
            random_state=self.random_state,
            callbacks=progress,
            callbacks_every_iters=1,
        )
        embedding = tsne.fit(X)
        # The fit's callback must not run again, nor be kept alive, when placing new points later.
        embedding.gradient_descent_params["callbacks"] = None
        # openTSNE's transform re-centres the reference embedding in place on its box centre;
        # centring it now keeps embedding_ and later transforms in the same frame.
        embedding -= (embedding.max(axis=0) + embedding.min(axis=0)) / 2
        self._opentsne_embedding = embedding
        return _to_map(embedding)

    def _fit_sklearn(
        self, X: np.ndarray, threads: int, callback: ProgressCallback | None
    ) -> np.ndarray:
        from sklearn.manifold import TSNE as _SklearnTSNE

        _report(callback, None, f"t-SNE (sklearn): embedding {X.shape[0]} points")
        tsne = _SklearnTSNE(
            n_components=self.n_components,
            perplexity=self.perplexity,
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            init=self.init,
            random_state=self.random_state,
            n_jobs=threads,
        )
        # n_jobs covers only the neighbour search; the gradient runs on every OpenMP thread
        # unless limited. The limit applies to this thread's parallel regions only.
        with threadpool_limits(limits=threads, user_api="openmp"):
            return _to_map(tsne.fit_transform(X))

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return self.embedding_

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        if not self.can_transform:
            raise NotImplementedError(
                "this t-SNE was fitted with scikit-learn, which cannot place new points; "
                "install openTSNE (pip install latentwidgets[fast]) and refit"
            )
        params = self._opentsne_embedding.gradient_descent_params
        if callback is not None:
            params["callbacks"] = _OpenTSNEProgress(
                callback, self._TRANSFORM_ITERS, "t-SNE transform"
            )
        try:
            placed = self._opentsne_embedding.transform(
                _to_numpy(X), early_exaggeration_iter=0, n_iter=self._TRANSFORM_ITERS
            )
        finally:
            params["callbacks"] = None
        return _to_map(placed)


_UMAP_MISSING = "UMAP needs umap-learn: pip install latentwidgets[umap]"


def _umap_installed() -> bool:
    return importlib.util.find_spec("umap") is not None


class UMAP(Projection):
    """UMAP from umap-learn (``pip install latentwidgets[umap]``).

    ``can_transform`` is true; ``can_inverse_transform`` is false. Progress is reported at the
    start and the end only. The first fit in a process compiles umap-learn's numba code (tens of
    seconds); :func:`warm_up_umap` does that ahead of time.

    Parameters
    ----------
    n_components : int, default=2
        Dimension of the embedding.
    n_neighbors : int, default=15
        Size of the local neighbourhood, in ``[2, n_samples)``; larger values favour global
        structure.
    min_dist : float, default=0.1
        How tightly points may be packed in the embedding.
    metric : str, default="euclidean"
        Distance between latent codes.
    random_state : int or None, default=None
        Seed; ``None`` lets umap-learn run in parallel, a seed makes it reproducible but serial.
    n_jobs : int or None, default=None
        Threads; ``-1`` uses every core, ``None`` every core but one. Ignored (one thread) when
        ``random_state`` is set.

    Attributes
    ----------
    embedding_ : numpy.ndarray of float32, shape (n_samples, n_components)
        Embedding of the fitted data.
    n_features_in_ : int
        Number of features of the fitted data.

    Raises
    ------
    ImportError
        On construction, when umap-learn is not installed.
    """

    name = "umap"
    can_transform = True
    can_inverse_transform = False
    _min_samples = 3

    def __init__(
        self,
        n_components: int = 2,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
        metric: str = "euclidean",
        random_state: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        if not _umap_installed():
            raise ImportError(_UMAP_MISSING)
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _fit(self, X: ArrayLike, callback: ProgressCallback | None) -> None:
        import umap

        n_samples = X.shape[0]
        k = self.n_neighbors
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k < n_samples:
            raise ValueError(
                f"n_neighbors must be an integer in [2, n_samples); got {k!r} for "
                f"{n_samples} samples"
            )
        _report(callback, None, f"UMAP: embedding {n_samples} points")
        self._umap = umap.UMAP(
            n_components=self.n_components,
            n_neighbors=k,
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.random_state,
            # umap-learn runs seeded fits serially anyway, and warns unless told so.
            n_jobs=_threads(self.n_jobs) if self.random_state is None else 1,
        ).fit(_to_numpy(X))
        self.embedding_ = _to_map(self._umap.embedding_)
        _report(callback, 1.0, "UMAP: done", self.embedding_)

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return self.embedding_

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        _report(callback, None, f"UMAP: placing {X.shape[0]} points")
        coords = _to_map(self._umap.transform(_to_numpy(X)))
        _report(callback, 1.0, "UMAP: placed", coords)
        return coords


_umap_warm_up: threading.Thread | None = None
_umap_warm_up_lock = threading.Lock()


def warm_up_umap() -> threading.Thread:
    """Compile umap-learn's numba code in a daemon thread, so that the first real fit is quick.

    The first UMAP fit of a process otherwise spends 20-50 s compiling. Calling this again returns
    the thread already started.

    Returns
    -------
    threading.Thread
        The warm-up thread; ``join()`` it to wait for the compilation.

    Raises
    ------
    ImportError
        When umap-learn is not installed.
    """
    global _umap_warm_up
    if not _umap_installed():
        raise ImportError(_UMAP_MISSING)
    with _umap_warm_up_lock:
        if _umap_warm_up is None:
            data = np.random.default_rng(0).standard_normal((200, 8), dtype=np.float32)
            # A transform too, because it compiles code paths of its own.
            _umap_warm_up = threading.Thread(
                target=lambda: UMAP(n_neighbors=5).fit(data).transform(data[:5]),
                name="latentwidgets-umap-warm-up",
                daemon=True,
            )
            _umap_warm_up.start()
    return _umap_warm_up


class LatentDims(Projection):
    """Two latent dimensions taken as they are, as map axes.

    ``can_transform`` is true; ``can_inverse_transform`` is false, since the other dimensions
    cannot be recovered from the two shown.

    Parameters
    ----------
    dims : pair of int, default=(0, 1)
        Indices of the latent dimensions shown along x and y, in ``[0, n_features)``.

    Attributes
    ----------
    dims_ : tuple of int
        The validated ``dims``.
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name = "dims"
    can_transform = True
    can_inverse_transform = False
    _min_samples = 1

    def __init__(self, dims: Sequence[int] = (0, 1)) -> None:
        self.dims = dims

    def _fit(self, X: ArrayLike, callback: ProgressCallback | None) -> None:
        n_features = X.shape[1]
        dims = tuple(self.dims) if isinstance(self.dims, Sequence | np.ndarray) else ()
        if len(dims) != 2 or not all(
            isinstance(d, int | np.integer) and 0 <= d < n_features for d in dims
        ):
            raise ValueError(
                f"dims must be two integers in [0, n_features) = [0, {n_features}); "
                f"got {self.dims!r}"
            )
        self.dims_ = (int(dims[0]), int(dims[1]))

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return _to_map(X[:, list(self.dims_)])


_PROJECTIONS: dict[str, type[Projection]] = {cls.name: cls for cls in (PCA, TSNE, UMAP, LatentDims)}


def available_projections() -> list[str]:
    """Names of the projections usable in this environment.

    Returns
    -------
    list of str
        ``["pca", "tsne", "umap", "dims"]``, without ``"umap"`` when umap-learn is not installed.
    """
    return [name for name in _PROJECTIONS if name != "umap" or _umap_installed()]


def make_projection(name: str, **params: Any) -> Projection:
    """Create a projection from its short name.

    Parameters
    ----------
    name : str
        One of :func:`available_projections`.
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
    if name not in _PROJECTIONS:
        raise ValueError(f"unknown projection {name!r}; expected one of {list(_PROJECTIONS)}")
    return _PROJECTIONS[name](**params)
