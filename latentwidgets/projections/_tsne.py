"""t-SNE with openTSNE (live layouts, ``transform``), scikit-learn's ``TSNE`` as the fallback."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import partial
from typing import Literal

import numpy as np

from . import _tsne_fit
from ._base import ArrayLike, ProgressCallback, Projection, _report, _threads, _to_map, _to_numpy
from ._child import WorkerPool, run_in_child
from ._cuml import cuml_available, require_cuml, tsne_cuml
from ._tsne_fit import Settings, fit_tsne
from ._tsne_steps import _OpenTSNEProgress, _small_start

# Fits given a callback (the widget's) run in a worker process, terminated to cancel them; one
# prestarted (TSNE.prestart) imports the library while it waits.
_WORKERS = WorkerPool(warm_up=_tsne_fit.warm_up)


def _opentsne_installed() -> bool:
    return importlib.util.find_spec("openTSNE") is not None


class TSNE(Projection):
    """t-SNE, with openTSNE when it is installed and scikit-learn's ``TSNE`` otherwise.

    With openTSNE (``pip install openTSNE``) progress is reported at every iteration
    with the live embedding, and ``transform`` places new points on the fitted map, each optimised
    against the fixed reference embedding (250 iterations: 0.2 s for 5 digits codes, 0.3 s for
    64, at load 0.5; not safe from two threads at once). scikit-learn's
    ``TSNE`` reports only its start and end and cannot place new points. ``can_transform`` is
    therefore a property: true when the backend (chosen, or used by the fit) is openTSNE.
    ``can_inverse_transform`` is false.

    A fit given a callback (as the widget's are) runs in a worker process (numpy and the t-SNE
    library only, no torch), which streams the progress and the live layouts back and is
    terminated when the callback asks to cancel, so that the CPU is free at once in every stage,
    the neighbour search included (openTSNE has no callback there, scikit-learn none at all). The
    worker is kept for the next fit; starting one costs its imports (2-2.6 CPU s and 200 MB,
    scikit-learn's through openTSNE's: 3-9 s on a two-core machine at load 1.6-8), which
    :meth:`prestart` (called by the widget a second after it opens) does ahead of the first fit.
    A fit without a callback runs here.

    ``accepts_init`` is true: ``fit(X, init=layout)`` starts from a layout of the same items,
    e.g. the map before the model trained further, so that the clusters stay where they were
    instead of landing wherever a fresh start puts them. The layout is centred and scaled down
    so that its widest axis has a standard deviation of 1e-4, the scale at which both libraries
    start their own initialisations (openTSNE's ``initialization.rescale``, scikit-learn's PCA
    init) and below openTSNE's warning threshold for a wide start; the usual schedule, early
    exaggeration included, then runs from there. With ``strategy="sample-refine"`` the layout
    replaces the sample's map: every point is refined from it directly.

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
    backend : {"auto", "opentsne", "sklearn", "cuml"}, default="auto"
        ``"auto"`` uses RAPIDS cuML's FFT t-SNE on the GPU when cuML is importable and torch sees
        a CUDA device (a fit with no start layout: cuML takes none), else openTSNE when it is
        importable, else scikit-learn. cuML reports no live layouts and cannot place new points.
    init : {"pca", "random"}, default="pca"
        Initial positions, unless ``fit`` is given a layout (``init=``) to start from.
    n_jobs : int or None, default=None
        Threads for the neighbour search and gradients; ``-1`` uses every core, ``None`` every
        core but one (one thread on two cores), leaving the kernel free to answer the widget.
    strategy : {"auto", "exact", "sample-refine"}, default="auto"
        How openTSNE embeds the codes. ``"exact"`` runs the standard schedule on every point
        (``max_iter`` iterations, a live layout at every one). ``"sample-refine"`` embeds a random
        sample of at most 3,000 codes first, places every other code on its nearest sampled code
        and reports that as the first live layout of all the points, then refines the whole
        embedding from it with a lighter neighbour search (annoy, 5 trees, the same perplexity)
        and 4 iterations per 15 of ``max_iter`` (200 of 750, a quarter of them exaggerated);
        live layouts come every 5 iterations. On 70,000 x 32 Gaussian blobs, one run side by
        side with openTSNE's defaults on a shared two-core machine (load 6.3-9): first layout
        of all points after 15.7 s, the fit in 0.38x openTSNE's time, trustworthiness 0.9825
        against 0.9831 (k=10, 5,000 points; ``benchmarks/bench_tsne.py``); on 70,000 x 8
        digits-vae codes in the same run (load 8.5 falling to 2.6): 23.3 s, 0.95x, 0.953 against
        0.856. ``"auto"`` uses
        ``"sample-refine"`` from 20,000 codes on. Ignored by the scikit-learn backend.

    Attributes
    ----------
    embedding_ : numpy.ndarray of float32, shape (n_samples, n_components)
        Embedding of the fitted data.
    backend_ : {"opentsne", "sklearn", "cuml"}
        The backend that did the fit.
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name = "tsne"
    can_inverse_transform = False

    _EXAGGERATION_ITERS = _tsne_fit.EXAGGERATION_ITERS
    _TRANSFORM_ITERS = 250
    _SAMPLE_REFINE_FROM = 20_000  # "auto" uses sample-refine from this many codes on

    def __init__(
        self,
        n_components: int = 2,
        perplexity: float = 30.0,
        learning_rate: float | Literal["auto"] = "auto",
        max_iter: int = 750,
        random_state: int | None = 0,
        backend: Literal["auto", "opentsne", "sklearn", "cuml"] = "auto",
        init: Literal["pca", "random"] = "pca",
        n_jobs: int | None = None,
        strategy: Literal["auto", "exact", "sample-refine"] = "auto",
    ) -> None:
        self.n_components = n_components
        self.perplexity = perplexity
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state
        self.backend = backend
        self.init = init
        self.n_jobs = n_jobs
        self.strategy = strategy

    @property
    def accepts_init(self) -> bool:  # type: ignore[override]
        """Whether ``fit`` can start from a layout: with every backend but cuML."""
        return self.backend != "cuml"

    @property
    def can_transform(self) -> bool:  # type: ignore[override]
        """Whether new points can be placed on the map: true with the openTSNE backend."""
        backend = self.backend_ if hasattr(self, "backend_") else self._resolve_backend()
        return backend == "opentsne"

    def prestart(self) -> Callable[[], None] | None:
        """Start the worker process that fits given a callback run in, unless one is there.

        It imports the t-SNE library while it waits (2 CPU s, 200 MB), so that a fit asked for
        later starts at once, as one in this process would. Nothing happens for cuML (which runs
        here) or when a worker is idle or busy already. Returns at once.

        Returns
        -------
        callable or None
            Stops the worker if it is still importing and no fit has taken it; None when no
            worker was started.
        """
        worker = None if self._resolve_backend() == "cuml" else _WORKERS.prestart()
        return None if worker is None else partial(_WORKERS.stop_if_starting, worker)

    def _resolve_backend(self, with_start: bool = False) -> str:
        if self.backend not in ("auto", "opentsne", "sklearn", "cuml"):
            raise ValueError(
                "backend must be one of 'auto', 'opentsne', 'sklearn', 'cuml'; "
                f"got {self.backend!r}"
            )
        if self.backend == "auto":
            if not with_start and cuml_available():
                return "cuml"
            return "opentsne" if _opentsne_installed() else "sklearn"
        if self.backend == "opentsne" and not _opentsne_installed():
            raise ImportError("backend='opentsne' needs openTSNE: pip install openTSNE")
        if self.backend == "cuml":
            require_cuml()
        return self.backend

    def check_params(self, n_samples: int, n_features: int) -> None:
        super().check_params(n_samples, n_features)
        self._resolve_backend()
        _threads(self.n_jobs)
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
        if self.strategy not in ("auto", "exact", "sample-refine"):
            raise ValueError(
                f"strategy must be one of 'auto', 'exact', 'sample-refine'; got {self.strategy!r}"
            )

    def _resolve_strategy(self, n_samples: int) -> str:
        if self.strategy == "auto":
            return "sample-refine" if n_samples >= self._SAMPLE_REFINE_FROM else "exact"
        return self.strategy

    def _fit(
        self, X: ArrayLike, callback: ProgressCallback | None, init: np.ndarray | None = None
    ) -> None:
        X = _to_numpy(X)
        backend = self._resolve_backend(with_start=init is not None)
        start = None if init is None else _small_start(init)
        if backend == "cuml":
            _report(callback, None, f"t-SNE (cuml): embedding {X.shape[0]} points on the GPU")
            self.embedding_ = _to_map(
                tsne_cuml(
                    X,
                    perplexity=self.perplexity,
                    n_iter=self.max_iter,
                    random_state=self.random_state,
                )
            )
        else:
            settings = Settings(
                backend=backend,
                strategy=self._resolve_strategy(X.shape[0]) if backend == "opentsne" else "exact",
                n_components=self.n_components,
                perplexity=self.perplexity,
                learning_rate=self.learning_rate,
                max_iter=self.max_iter,
                random_state=self.random_state,
                init=self.init,
                threads=_threads(self.n_jobs),
            )
            if callback is None:  # nothing can cancel it: no need for a worker
                fitted = fit_tsne(None, X, settings, start)
            else:
                fitted = run_in_child(
                    _WORKERS, fit_tsne, (X, settings, start), callback, "t-SNE", _waiting
                )
            if backend == "opentsne":
                self._opentsne_embedding = fitted
            self.embedding_ = _to_map(fitted)
        self.backend_ = backend
        _report(callback, 1.0, f"t-SNE ({backend}): done", self.embedding_)

    def _fitted_embedding(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return self.embedding_

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        if not self.can_transform:
            raise NotImplementedError(
                "this t-SNE was fitted with scikit-learn, which cannot place new points; "
                "install openTSNE (pip install openTSNE) and refit"
            )
        params = self._opentsne_embedding.gradient_descent_params
        if callback is not None:
            params["callbacks"] = _OpenTSNEProgress(
                lambda *report: _report(callback, *report),
                self._TRANSFORM_ITERS,
                "t-SNE transform",
            )
        try:
            placed = self._opentsne_embedding.transform(
                _to_numpy(X), early_exaggeration_iter=0, n_iter=self._TRANSFORM_ITERS
            )
        finally:
            params["callbacks"] = None
        return _to_map(placed)


def _waiting(jobs: int, seconds: float) -> str:
    """Return what a t-SNE fit says until its worker reports: the worker is starting."""
    doing = "starting its worker process" if jobs == 0 else "sending the codes to its worker"
    return f"t-SNE: {doing} ({seconds:.0f} s)"
