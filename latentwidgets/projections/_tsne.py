"""t-SNE with openTSNE (live layouts, ``transform``), scikit-learn's ``TSNE`` as the fallback."""

from __future__ import annotations

import importlib.util
from typing import Any, Literal

import numpy as np
from threadpoolctl import threadpool_limits

from ._base import ArrayLike, ProgressCallback, Projection, _report, _threads, _to_map, _to_numpy
from ._cuml import cuml_available, require_cuml, tsne_cuml
from ._tsne_steps import _nearest, _OpenTSNEProgress, _small_start


def _opentsne_installed() -> bool:
    return importlib.util.find_spec("openTSNE") is not None


class TSNE(Projection):
    """t-SNE, with openTSNE when it is installed and scikit-learn's ``TSNE`` otherwise.

    With openTSNE (``pip install openTSNE``) progress is reported at every iteration
    with the live embedding, and ``transform`` places new points on the fitted map, each optimised
    against the fixed reference embedding (not safe from two threads at once). scikit-learn's
    ``TSNE`` reports only its start and end and cannot place new points. ``can_transform`` is
    therefore a property: true when the backend (chosen, or used by the fit) is openTSNE.
    ``can_inverse_transform`` is false.

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

    _EXAGGERATION_ITERS = 250  # scikit-learn's fixed count, used for openTSNE as well
    _TRANSFORM_ITERS = 250
    # sample-refine: see _fit_sample_refine for the measurements behind these
    _SAMPLE_REFINE_FROM = 20_000
    _SAMPLE_SIZE = 3_000
    _SAMPLE_ITERS = (75, 75)  # exaggerated, then plain, on the sample
    _ANNOY_TREES = 5
    # Refinement: this many iterations per 15 of max_iter (200 of the default 750), a quarter of
    # them exaggerated. Trustworthiness of 70k blobs after 50 exaggerated + 50/100/150/200 plain:
    # 0.9815/0.9821/0.9824/0.9826 (openTSNE's defaults 0.9832), so 150 plain are enough.
    _REFINE_PER_15 = 4
    _CHUNK_ITERS = 5  # iterations between live layouts (and cancellation checks)

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
        threads = _threads(self.n_jobs)
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
        elif backend == "opentsne" and self._resolve_strategy(X.shape[0]) == "sample-refine":
            self.embedding_ = self._fit_sample_refine(X, threads, callback, start)
        elif backend == "opentsne":
            self.embedding_ = self._fit_opentsne(X, threads, callback, start)
        else:
            self.embedding_ = self._fit_sklearn(X, threads, callback, start)
        self.backend_ = backend
        _report(callback, 1.0, f"t-SNE ({backend}): done", self.embedding_)

    def _fit_opentsne(
        self,
        X: np.ndarray,
        threads: int,
        callback: ProgressCallback | None,
        start: np.ndarray | None = None,
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
            initialization=self.init if start is None else start,
            negative_gradient_method="auto",
            n_jobs=threads,
            random_state=self.random_state,
            callbacks=progress,
            callbacks_every_iters=1,
        )
        return self._keep_opentsne(tsne.fit(X))

    def _keep_opentsne(self, embedding: Any) -> np.ndarray:
        """Keep a finished openTSNE embedding for ``transform`` and return it as the map."""
        # The fit's callback must not run again, nor be kept alive, when placing new points later.
        embedding.gradient_descent_params["callbacks"] = None
        # openTSNE's transform re-centres the reference embedding in place on its box centre;
        # centring it now keeps embedding_ and later transforms in the same frame.
        embedding -= (embedding.max(axis=0) + embedding.min(axis=0)) / 2
        self._opentsne_embedding = embedding
        return _to_map(embedding)

    def _fit_sample_refine(
        self,
        X: np.ndarray,
        threads: int,
        callback: ProgressCallback | None,
        start: np.ndarray | None = None,
    ) -> np.ndarray:
        """Embed a sample, place the rest on it, then refine every point from that layout.

        Measured on 70,000 x 32 Gaussian blobs, one thread, a shared two-core machine: openTSNE's
        defaults spend about 136 s finding 90 neighbours with annoy's 50 trees and 0.24 s per
        FFT iteration (0.63 s when a callback asks for the KL divergence at every iteration, as
        the exact path's live progress does). With 5 trees the same search takes 23 s (shapes-vae
        codes: 20 s against 50 s for 15 trees), so the refinement uses 5 trees, runs its
        iterations in chunks without evaluating the KL divergence, and starts from a layout that
        already has the structure, which needs fewer iterations (Kobak & Berens 2019, "The art of
        using t-SNE for single-cell transcriptomics", initialise from a downsampled embedding).
        Exact neighbours by brute force (torch, k=90) took 100 s, slower than annoy.

        Fewer neighbours for the refinement were measured and rejected (CPU seconds, load 4-10):
        uniform affinities on 15 neighbours cost 4.2 s to build and 0.1 s per iteration against
        12.2 s and 0.23-0.3 s for perplexity 30, but on the digits-vae codes (repeated and
        jittered) trustworthiness fell to 0.931 (perplexity 10: 0.942; perplexity 30: 0.955),
        where the copies of a code fill the short neighbour lists and cut the graph apart.

        Given a ``start`` layout (already scaled down), steps 1 and 2 are skipped: the layout
        of every point is already there, and the refinement starts from it.
        """
        from openTSNE import TSNEEmbedding, affinity

        n = X.shape[0]
        rng = np.random.default_rng(self.random_state)
        n_sample = min(n, self._SAMPLE_SIZE, max(n // 4, min(n, 200)))
        sample = np.sort(rng.choice(n, n_sample, replace=False))
        seed = int(rng.integers(2**31 - 1))
        sample_ee, sample_plain = (0, 0) if start is not None else self._SAMPLE_ITERS
        refine_total = self.max_iter * self._REFINE_PER_15 // 15
        refine_ee = refine_total // 4
        # Progress counts work, not iterations: an iteration on the sample costs about
        # n_sample / n of one on every point, so the sample is a sliver of the bar. The message
        # counts the iterations of the phase under way and says the bar's percentage, so that
        # text and bar agree.
        sample_weight = n_sample / n
        work = (sample_ee + sample_plain) * sample_weight + refine_total
        phases = {
            "sample": (f"laying out a sample of {n_sample:,} points", sample_ee + sample_plain),
            "refining": (f"refining all {n:,} points", refine_total),
        }
        done = {"sample": 0, "refining": 0}
        done_work = 0.0

        def run(embedding: Any, n_iter: int, exaggeration: float, what: str, live: bool) -> None:
            nonlocal done_work
            weight = 1.0 if live else sample_weight
            points, phase_total = phases[what]
            for first in range(0, n_iter, self._CHUNK_ITERS):
                step = min(self._CHUNK_ITERS, n_iter - first)
                embedding.optimize(step, exaggeration=exaggeration, momentum=0.8, inplace=True)
                done[what] += step
                done_work += step * weight
                fraction = min(done_work / work, 1.0)
                message = (
                    f"t-SNE: {points}, iteration {done[what]}/{phase_total} ({100 * fraction:.0f}%)"
                )
                _report(callback, fraction, message, _to_map(embedding) if live else None)

        def embedding_of(data: np.ndarray, init: np.ndarray, perplexity: float) -> Any:
            affinities = affinity.PerplexityBasedNN(
                data,
                perplexity=perplexity,
                method="annoy",
                n_jobs=threads,
                random_state=seed,
                knn_kwargs={"n_trees": self._ANNOY_TREES},
            )
            return TSNEEmbedding(
                _small_start(init),
                affinities,
                learning_rate=self.learning_rate,
                negative_gradient_method="fft",
                n_jobs=threads,
                random_state=seed,
                # read by transform only: run's chunks pass no callbacks
                callbacks_every_iters=1,
            )

        if start is not None:
            placed = start
        else:
            placed = self._sample_layout(X, sample, rng, seed, embedding_of, run, callback)
            _report(
                callback,
                done_work / work,
                "t-SNE (opentsne): every point placed on the sample's map",
                _to_map(placed),
            )

        # 3. The whole embedding, refined from there.
        _report(callback, None, f"t-SNE (opentsne): computing affinities of {n} points")
        full = embedding_of(X, placed, self.perplexity)
        run(full, refine_ee, 12.0, "refining", live=True)
        run(full, refine_total - refine_ee, 1.0, "refining", live=True)
        return self._keep_opentsne(full)

    def _sample_layout(
        self,
        X: np.ndarray,
        sample: np.ndarray,
        rng: np.random.Generator,
        seed: int,
        embedding_of: Any,
        run: Any,
        callback: ProgressCallback | None,
    ) -> np.ndarray:
        """Run steps 1 and 2 of sample-refine: embed the sample, place every point on it."""
        from openTSNE import initialization

        n, n_sample = X.shape[0], len(sample)
        sample_ee, sample_plain = self._SAMPLE_ITERS
        # 1. The sample, on its own: a few seconds.
        _report(callback, None, f"t-SNE (opentsne): embedding a sample of {n_sample} of {n} points")
        Xs = X[sample]
        init = (
            initialization.pca(Xs, self.n_components, random_state=seed)
            if self.init == "pca"
            else initialization.random(n_sample, self.n_components, random_state=seed)
        )
        perplexity = min(self.perplexity, (n_sample - 1) / 3)
        small = embedding_of(Xs, init, perplexity)
        run(small, sample_ee, 12.0, "sample", live=False)
        run(small, sample_plain, 1.0, "sample", live=False)

        # 2. Every point on its nearest sampled code: the first live layout of all the points.
        # BLAS on the fit's threads (one on two cores): on a loaded two-core machine two threads
        # took 3.4 s wall for this search's products where one took 2.0 s.
        with threadpool_limits(limits=_threads(self.n_jobs), user_api="blas"):
            nearest = _nearest(X, Xs)
        placed = np.asarray(small, dtype=np.float64)[nearest]
        placed[sample] = np.asarray(small)
        spread = placed.std(axis=0)
        placed += rng.standard_normal(placed.shape) * spread * 1e-3  # no exact overlaps
        return placed

    def _fit_sklearn(
        self,
        X: np.ndarray,
        threads: int,
        callback: ProgressCallback | None,
        start: np.ndarray | None = None,
    ) -> np.ndarray:
        from sklearn.manifold import TSNE as _SklearnTSNE

        _report(callback, None, f"t-SNE (sklearn): embedding {X.shape[0]} points")
        tsne = _SklearnTSNE(
            n_components=self.n_components,
            perplexity=self.perplexity,
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            init=self.init if start is None else start.astype(np.float32),
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
                "install openTSNE (pip install openTSNE) and refit"
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
