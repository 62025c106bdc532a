"""The t-SNE fit itself (openTSNE, or scikit-learn's ``TSNE``), runnable in a worker process.

:class:`~._tsne.TSNE` checks the parameters and runs :func:`fit_tsne` here, or, when the fit can
be cancelled (a callback is given), in a worker process of :mod:`._child` that is terminated to
stop it: openTSNE's affinity stage (the nearest neighbours and the perplexity search, seconds to
a minute) has no callback, and neither has scikit-learn. So this module imports nothing of the
package above it (see :mod:`._child_main`): numpy, threadpoolctl and the t-SNE libraries only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ._tsne_steps import Report, _nearest, _OpenTSNEProgress, _small_start, _to_map

EXAGGERATION_ITERS = 250  # scikit-learn's fixed count, used for openTSNE as well
# sample-refine: see _fit_sample_refine for the measurements behind these
SAMPLE_SIZE = 3_000
SAMPLE_ITERS = (75, 75)  # exaggerated, then plain, on the sample
ANNOY_TREES = 5
# Refinement: this many iterations per 15 of max_iter (200 of the default 750), a quarter of
# them exaggerated. Trustworthiness of 70k blobs after 50 exaggerated + 50/100/150/200 plain:
# 0.9815/0.9821/0.9824/0.9826 (openTSNE's defaults 0.9832), so 150 plain are enough.
REFINE_PER_15 = 4
CHUNK_ITERS = 5  # iterations between live layouts (and cancellation checks)


@dataclass(frozen=True)
class Settings:
    """What a fit needs of :class:`~._tsne.TSNE`, checked and resolved there."""

    backend: str  # "opentsne" or "sklearn"
    strategy: str  # "exact" or "sample-refine" (openTSNE only)
    n_components: int
    perplexity: float
    learning_rate: float | str
    max_iter: int
    random_state: int | None
    init: str
    threads: int


def fit_tsne(
    report: Report | None, X: np.ndarray, settings: Settings, start: np.ndarray | None
) -> Any:
    """Fit t-SNE to ``X``; return openTSNE's embedding (kept for ``transform``), or an array.

    ``start`` is a layout already scaled down (``_small_start``) or None; progress goes to
    ``report(fraction, message, coords)``, if given.
    """
    if settings.backend == "sklearn":
        return _fit_sklearn(report or _silent, X, settings, start)
    if settings.strategy == "sample-refine":
        return _fit_sample_refine(report or _silent, X, settings, start)
    return _fit_opentsne(report, X, settings, start)


def warm_up() -> None:
    """Import the t-SNE library: what a worker prestarted ahead of a fit does while it waits.

    openTSNE imports scikit-learn, scipy and pandas: 2 CPU s and 200 MB, 7-9 s on two cores at
    load 8, which a worker started by the fit's request would spend before the fit.
    """
    try:
        # openTSNE's own imports hold nearly all the cost; annoy, its neighbour search, is lazy
        import openTSNE.dependencies.annoy  # noqa: F401
    except ImportError:  # scikit-learn's TSNE is the backend
        import sklearn.manifold  # noqa: F401


def _silent(fraction: float | None, message: str, coords: np.ndarray | None) -> None:
    """Report nothing: a fit no one watches."""


def _fit_opentsne(
    report: Report | None, X: np.ndarray, settings: Settings, start: np.ndarray | None
) -> Any:
    import openTSNE
    from openTSNE.affinity import MultiscaleMixture

    if report is not None:
        report(None, f"t-SNE (opentsne): computing affinities of {X.shape[0]} points", None)
    # openTSNE.TSNE's own affinities, with the neighbour search its "auto" picks, chosen here
    affinities = MultiscaleMixture(
        perplexities=settings.perplexity,
        knn_index=_knn_index(X, settings.perplexity, settings.threads, settings.random_state),
        n_jobs=settings.threads,
        random_state=settings.random_state,
    )
    tsne = openTSNE.TSNE(
        n_components=settings.n_components,
        perplexity=settings.perplexity,
        learning_rate=settings.learning_rate,
        early_exaggeration_iter=EXAGGERATION_ITERS,
        n_iter=settings.max_iter - EXAGGERATION_ITERS,
        initialization=settings.init if start is None else start,
        negative_gradient_method="auto",
        n_jobs=settings.threads,
        random_state=settings.random_state,
        # a callback makes openTSNE evaluate the KL divergence at every iteration: only if asked
        callbacks=None if report is None else _OpenTSNEProgress(report, settings.max_iter, "t-SNE"),
        callbacks_every_iters=1,
    )
    return _finished(tsne.fit(X, affinities=affinities))


def _knn_index(
    data: np.ndarray,
    perplexity: float,
    threads: int,
    seed: int | None,
    annoy_trees: int | None = None,
) -> Any:
    """Return the nearest-neighbour search of openTSNE's affinities, for dense Euclidean codes.

    Handed to openTSNE ready-made, because its own choice (``method="auto"`` or a name) first
    imports pynndescent and numba to see whether they are installed, which matters only for
    sparse data and other metrics: 0.9 CPU s, 4-7 s at load 7 on two cores, and 120 MB, paid
    by the first fit of every process (every worker's). ``annoy_trees``: annoy with that many
    trees at any size; None: what "auto" picks, exact search below 1,000 codes and annoy with
    its 50 trees from there on. Either finds the ``3 * perplexity`` nearest, as openTSNE does.
    """
    from openTSNE import nearest_neighbors

    n = data.shape[0]
    exact = annoy_trees is None and n < 1000
    return (nearest_neighbors.Sklearn if exact else nearest_neighbors.Annoy)(
        data,
        min(n - 1, int(3 * perplexity)),
        n_jobs=threads,
        random_state=seed,
        knn_kwargs=None if annoy_trees is None else {"n_trees": annoy_trees},
    )


def _finished(embedding: Any) -> Any:
    """Make a finished openTSNE embedding ready to keep for ``transform``, and return it."""
    # The fit's callback must not run again, nor be kept alive (nor pickled back from a worker),
    # when placing new points later.
    embedding.gradient_descent_params["callbacks"] = None
    # openTSNE's transform re-centres the reference embedding in place on its box centre;
    # centring it now keeps embedding_ and later transforms in the same frame.
    embedding -= (embedding.max(axis=0) + embedding.min(axis=0)) / 2
    return embedding


def _fit_sample_refine(
    report: Report, X: np.ndarray, settings: Settings, start: np.ndarray | None
) -> Any:
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
    rng = np.random.default_rng(settings.random_state)
    n_sample = min(n, SAMPLE_SIZE, max(n // 4, min(n, 200)))
    sample = np.sort(rng.choice(n, n_sample, replace=False))
    seed = int(rng.integers(2**31 - 1))
    sample_ee, sample_plain = (0, 0) if start is not None else SAMPLE_ITERS
    refine_total = settings.max_iter * REFINE_PER_15 // 15
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
        for first in range(0, n_iter, CHUNK_ITERS):
            step = min(CHUNK_ITERS, n_iter - first)
            embedding.optimize(step, exaggeration=exaggeration, momentum=0.8, inplace=True)
            done[what] += step
            done_work += step * weight
            fraction = min(done_work / work, 1.0)
            message = (
                f"t-SNE: {points}, iteration {done[what]}/{phase_total} ({100 * fraction:.0f}%)"
            )
            report(fraction, message, _to_map(embedding) if live else None)

    def embedding_of(data: np.ndarray, init: np.ndarray, perplexity: float) -> Any:
        affinities = affinity.PerplexityBasedNN(
            perplexity=perplexity,
            knn_index=_knn_index(data, perplexity, settings.threads, seed, ANNOY_TREES),
            n_jobs=settings.threads,
        )
        return TSNEEmbedding(
            _small_start(init),
            affinities,
            learning_rate=settings.learning_rate,
            negative_gradient_method="fft",
            n_jobs=settings.threads,
            random_state=seed,
            # read by transform only: run's chunks pass no callbacks
            callbacks_every_iters=1,
        )

    if start is not None:
        placed = start
    else:
        placed = _sample_layout(report, X, settings, sample, rng, seed, embedding_of, run)
        report(
            done_work / work,
            "t-SNE (opentsne): every point placed on the sample's map",
            _to_map(placed),
        )

    # 3. The whole embedding, refined from there.
    report(None, f"t-SNE (opentsne): computing affinities of {n} points", None)
    full = embedding_of(X, placed, settings.perplexity)
    run(full, refine_ee, 12.0, "refining", live=True)
    run(full, refine_total - refine_ee, 1.0, "refining", live=True)
    return _finished(full)


def _sample_layout(
    report: Report,
    X: np.ndarray,
    settings: Settings,
    sample: np.ndarray,
    rng: np.random.Generator,
    seed: int,
    embedding_of: Callable[[np.ndarray, np.ndarray, float], Any],
    run: Callable[[Any, int, float, str, bool], None],
) -> np.ndarray:
    """Run steps 1 and 2 of sample-refine: embed the sample, place every point on it."""
    from openTSNE import initialization

    n, n_sample = X.shape[0], len(sample)
    sample_ee, sample_plain = SAMPLE_ITERS
    # 1. The sample, on its own: a few seconds.
    report(None, f"t-SNE (opentsne): embedding a sample of {n_sample} of {n} points", None)
    Xs = X[sample]
    init = (
        initialization.pca(Xs, settings.n_components, random_state=seed)
        if settings.init == "pca"
        else initialization.random(n_sample, settings.n_components, random_state=seed)
    )
    perplexity = min(settings.perplexity, (n_sample - 1) / 3)
    small = embedding_of(Xs, init, perplexity)
    run(small, sample_ee, 12.0, "sample", False)
    run(small, sample_plain, 1.0, "sample", False)

    # 2. Every point on its nearest sampled code: the first live layout of all the points.
    # BLAS on the fit's threads (one on two cores): on a loaded two-core machine two threads
    # took 3.4 s wall for this search's products where one took 2.0 s.
    with threadpool_limits(limits=settings.threads, user_api="blas"):
        nearest = _nearest(X, Xs)
    placed = np.asarray(small, dtype=np.float64)[nearest]
    placed[sample] = np.asarray(small)
    spread = placed.std(axis=0)
    placed += rng.standard_normal(placed.shape) * spread * 1e-3  # no exact overlaps
    return placed


def _fit_sklearn(
    report: Report, X: np.ndarray, settings: Settings, start: np.ndarray | None
) -> np.ndarray:
    from sklearn.manifold import TSNE as _SklearnTSNE

    report(None, f"t-SNE (sklearn): embedding {X.shape[0]} points", None)
    tsne = _SklearnTSNE(
        n_components=settings.n_components,
        perplexity=settings.perplexity,
        learning_rate=settings.learning_rate,
        max_iter=settings.max_iter,
        init=settings.init if start is None else start.astype(np.float32),
        random_state=settings.random_state,
        n_jobs=settings.threads,
    )
    # n_jobs covers only the neighbour search; the gradient runs on every OpenMP thread
    # unless limited. The limit applies to this thread's parallel regions only.
    with threadpool_limits(limits=settings.threads, user_api="openmp"):
        return _to_map(tsne.fit_transform(X))
