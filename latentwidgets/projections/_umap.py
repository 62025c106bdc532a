"""UMAP from umap-learn, an optional extra imported only when used."""

from __future__ import annotations

import importlib.util
import threading
from typing import Any, Literal

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..operations._checks import check_float, check_seed
from ..operations.probe import check_position
from ._base import (
    ArrayLike,
    ProgressCallback,
    Projection,
    _check_columns,
    _check_data,
    _report,
    _threads,
    _to_map,
    _to_numpy,
)
from ._child import WorkerPool, run_in_child
from ._cuml import cuml_available, require_cuml, umap_cuml
from ._umap_worker import fit_umap, warm_up

_UMAP_MISSING = "UMAP needs umap-learn: pip install latentwidgets[umap]"
# Fits given a callback (the widget's) run in a worker process, terminated to cancel them.
_WORKERS = WorkerPool(warm_up=warm_up)


def _umap_installed() -> bool:
    return importlib.util.find_spec("umap") is not None


class UMAP(Projection):
    """UMAP from umap-learn (``pip install latentwidgets[umap]``), or RAPIDS cuML on a GPU.

    ``can_transform`` is true, and so is ``can_inverse_transform`` with umap-learn (its inverse,
    approximate and slow-ish; see :meth:`inverse_transform`). Progress is reported at the
    start and the end only. The first fit in a process compiles umap-learn's numba code (tens of
    seconds); :func:`warm_up_umap` does that ahead of time. A fit in a worker process (given a
    callback) comes back here, where ``transform`` runs: the first one in a process compiles
    umap-learn's transform (12-17 s on two cores at load 1), then 5 codes take 17 ms;
    :func:`warm_up_umap` compiles that too.

    ``accepts_init`` is true with umap-learn: ``fit(X, init=layout)`` starts the layout
    optimisation from a layout of the same items (umap-learn's ``init=`` array) instead of the spectral one, so that
    a map after more training keeps its arrangement. The layout is passed scaled to ``[0, 10]``
    on each axis, which is what umap-learn does with every start (its own inits and arrays
    alike) before optimising; doing it here keeps the start the same across umap-learn versions.

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
    backend : {"auto", "umap-learn", "cuml"}, default="auto"
        ``"auto"`` uses RAPIDS cuML's UMAP on the GPU when cuML is importable and torch sees a
        CUDA device (a fit with no start layout: cuML takes none), else umap-learn. cuML's UMAP
        places new points but has no inverse, so on its maps ``can_inverse_transform`` is false
        and a probe mixes the nearest points' codes instead.

    Attributes
    ----------
    embedding_ : numpy.ndarray of float32, shape (n_samples, n_components)
        Embedding of the fitted data.
    backend_ : {"umap-learn", "cuml"}
        The backend that did the fit.
    n_features_in_ : int
        Number of features of the fitted data.

    Raises
    ------
    ImportError
        On construction, when the backend asked for (umap-learn, or cuML with a CUDA device) is
        not there.
    """

    name = "umap"
    can_transform = True
    _min_samples = 3

    def __init__(
        self,
        n_components: int = 2,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
        metric: str = "euclidean",
        random_state: int | None = None,
        n_jobs: int | None = None,
        backend: Literal["auto", "umap-learn", "cuml"] = "auto",
    ) -> None:
        if backend not in ("auto", "umap-learn", "cuml"):
            raise ValueError(
                f"backend must be one of 'auto', 'umap-learn', 'cuml'; got {backend!r}"
            )
        if backend == "cuml":
            require_cuml()
        elif not _umap_installed() and not (backend == "auto" and cuml_available()):
            raise ImportError(_UMAP_MISSING)
        self.backend = backend
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state
        self.n_jobs = n_jobs

    @property
    def accepts_init(self) -> bool:  # type: ignore[override]
        """Whether ``fit`` can start from a layout: with umap-learn, not with cuML."""
        return self.backend != "cuml" and _umap_installed()

    @property
    def can_inverse_transform(self) -> bool:  # type: ignore[override]
        """Whether map positions turn back into codes: umap-learn's inverse; cuML has none."""
        backend = getattr(self, "backend_", None) or self._resolve_backend(with_start=False)
        return backend == "umap-learn"

    def _resolve_backend(self, with_start: bool) -> str:
        if self.backend != "auto":
            return self.backend
        if cuml_available() and (not with_start or not _umap_installed()):
            return "cuml"
        return "umap-learn"

    def check_params(self, n_samples: int, n_features: int) -> None:
        super().check_params(n_samples, n_features)
        k = self.n_neighbors
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k < n_samples:
            raise ValueError(
                f"n_neighbors must be an integer in [2, n_samples); got {k!r} for "
                f"{n_samples} samples"
            )
        check_float(self.min_dist, "min_dist", 0)
        # umap-learn hands the seed to numpy's RandomState, which takes [0, 2**32 - 1].
        check_seed(self.random_state, "random_state", 2**32 - 1)
        _threads(_n_jobs(self.n_jobs))

    def _fit(
        self, X: ArrayLike, callback: ProgressCallback | None, init: np.ndarray | None = None
    ) -> None:
        n_samples, k = X.shape[0], self.n_neighbors
        backend = self._resolve_backend(with_start=init is not None)
        _report(callback, None, f"UMAP ({backend}): embedding {n_samples} points")
        self.backend_ = backend
        if backend == "cuml":
            self._umap = umap_cuml(
                _to_numpy(X),
                n_neighbors=k,
                min_dist=self.min_dist,
                metric=self.metric,
                random_state=self.random_state,
            )
            self.embedding_ = _to_map(self._umap.embedding_)
            _report(callback, 1.0, "UMAP (cuml): done", self.embedding_)
            return
        params = {
            "n_components": int(self.n_components),
            "n_neighbors": int(k),
            "min_dist": float(self.min_dist),
            "metric": self.metric,
            "random_state": None if self.random_state is None else int(self.random_state),
            "init": "spectral" if init is None else _unit_box(init),
            # umap-learn runs seeded fits serially anyway, and warns unless told so.
            "n_jobs": _threads(_n_jobs(self.n_jobs)) if self.random_state is None else 1,
        }
        data = np.ascontiguousarray(_to_numpy(X))
        if callback is None:  # nothing can cancel it: no need for a worker
            self._umap = fit_umap(lambda *_: None, params, data)
        else:
            self._umap = fit_umap_in_child(params, data, callback)
        self.embedding_ = _to_map(self._umap.embedding_)
        _report(callback, 1.0, "UMAP: done", self.embedding_)

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return self.embedding_

    def inverse_transform(self, Y: ArrayLike) -> ArrayLike:
        """Turn map positions back into latent codes with umap-learn's ``inverse_transform``.

        The result is an approximation: umap-learn places each code by optimising it against the
        fitted codes nearest to the position on the map, so positions far from any point give
        codes that are only loosely defined. It takes milliseconds per position (and a numba
        compilation the first time in a process).

        Parameters
        ----------
        Y : torch.Tensor or numpy.ndarray, shape (n_points, n_components)
            Positions on the map.

        Returns
        -------
        numpy.ndarray of float32, shape (n_points, n_features)
            Latent codes, on the CPU.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        ValueError
            If ``Y`` is not ``(n_points, n_components)`` finite numbers, or (two components)
            lies beyond :func:`latentwidgets.operations.probe.map_range` of the fitted map.
        """
        check_is_fitted(self)
        if self.backend_ == "cuml":
            raise ValueError(
                "this UMAP was fitted by cuML, which has no inverse_transform: fit with "
                "backend='umap-learn' to turn map positions back into codes"
            )
        Y = _check_data(Y, name="Y", min_samples=1)
        _check_columns(Y, self.n_components, "Y", "n_components")
        if Y.shape[1] == 2:
            # far positions overflow float32 inside umap-learn: refuse them by name, first
            check_position(_to_numpy(Y), self.embedding_, "Y")
        codes = self._umap.inverse_transform(_to_numpy(Y))
        return np.ascontiguousarray(codes, dtype=np.float32)

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        _report(callback, None, f"UMAP: placing {X.shape[0]} points")
        coords = _to_map(self._umap.transform(_to_numpy(X)))
        _report(callback, 1.0, "UMAP: placed", coords)
        return coords


def _n_jobs(n_jobs: object) -> Any:
    """``n_jobs`` with a numpy integer as a Python int, for the shared thread-count check."""
    return int(n_jobs) if isinstance(n_jobs, np.integer) else n_jobs


def fit_umap_in_child(params: dict[str, Any], data: np.ndarray, callback: ProgressCallback) -> Any:
    """Fit umap-learn in a worker process, so that a cancelled fit stops using the CPU at once.

    umap-learn has no callback, so a fit in this process could only be abandoned, not stopped
    (it kept two cores busy for 17-31 s after a widget closed). ``callback`` is asked every
    0.05 s; when it asks to cancel, the worker is terminated. The fitted object comes back by
    pickle; with the same ``random_state`` the layout is the one a fit here gives. A worker
    compiles umap-learn's numba code when it starts (about 15 s on two cores) and serves the
    fits after it, so only the first fit of a session, or the first after a cancel, pays it (as
    the first fit in this process would); :func:`warm_up_umap` starts one ahead of time.
    """
    return run_in_child(_WORKERS, fit_umap, (params, data), callback, "UMAP", _waiting)


def _waiting(jobs: int, seconds: float) -> str:
    """Return what a UMAP fit says while its worker computes: UMAP reports no progress."""
    doing = (
        "compiling umap-learn's code, once a session (about 30 s), then optimising"
        if jobs == 0
        else "optimising"
    )
    return f"UMAP: {doing} ({seconds:.0f} s)"


def _unit_box(layout: np.ndarray) -> np.ndarray:
    """Scale ``layout`` to ``[0, 10]`` on each axis, in float32: umap-learn's start of any fit."""
    low, high = layout.min(axis=0), layout.max(axis=0)
    # an axis with no spread (checked: not both) stays at 0
    width = np.where(high > low, high - low, 1.0)
    return np.ascontiguousarray(10.0 * (layout - low) / width, dtype=np.float32)


def _warm_up(data: np.ndarray) -> None:
    _WORKERS.prestart()
    UMAP(n_neighbors=5).fit(data).transform(data[:5])


_umap_warm_up: threading.Thread | None = None
_umap_warm_up_lock = threading.Lock()


def warm_up_umap() -> threading.Thread:
    """Compile umap-learn's numba code in a daemon thread, so that the first real fit is quick.

    The first UMAP fit of a process otherwise spends 20-50 s compiling. The thread also starts
    the worker process that cancellable fits (those given a callback, as the widget's are) run
    in, which compiles on its own. Calling this again returns the thread already started.

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
            # The worker process that cancellable fits (the widget's) run in compiles too.
            _umap_warm_up = threading.Thread(
                target=lambda: _warm_up(data),
                name="latentwidgets-umap-warm-up",
                daemon=True,
            )
            _umap_warm_up.start()
    return _umap_warm_up
