"""Run the projections of one set of codes for a view: instant ones at once, the others in the background.

The scheduler owns what a widget needs to show projections and nothing of the widget itself: the
coordinates computed so far, the fitted projections, the parameters asked for, the one background
task, how often progress and live layouts are passed on, and where new codes land on a map. Which
path a projection takes comes from its declared capabilities (``instant``, ``can_transform``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from sklearn.base import clone

from .._engine.tasks import BackgroundTask, run_in_background
from ..operations.align import Alignment, fit_alignment
from . import available_projections, canonical_name, make_projection
from ._base import Projection

# openTSNE reports every iteration: a message each 0.1 s is plenty for a progress bar, and a live
# layout once a second shows t-SNE unfolding, up to this many points (12 bytes each on the wire).
PROGRESS_INTERVAL_S = 0.1
LIVE_INTERVAL_S = 1.0
LIVE_MAX_POINTS = 200_000
# prepare starts workers this long after a view opens: no one picks t-SNE sooner, and a view
# closed at once (scripts) starts none
PRESTART_DELAY_S = 1.0
#: Set to "0" to start no worker ahead of a fit (the test suite does, to keep its CPU and memory).
PRESTART_ENV = "LATENTWIDGETS_PRESTART"

#: ``on_layout(name, coords, final)``: a map to draw; ``final`` is False for a live layout.
LayoutHandler = Callable[[str, np.ndarray, bool], None]
#: ``on_progress(name, fraction, message)``: a projection is being computed.
ProgressHandler = Callable[[str, float | None, str], None]
#: ``on_error(name, error)``: a projection failed.
ErrorHandler = Callable[[str, BaseException], None]


class ProjectionScheduler:
    """Compute, cache and place the 2-D projections of ``latents`` for one view.

    Handlers are called on the caller's thread for instant projections and on the worker thread
    for background ones; once :meth:`show` moves on or :meth:`close` returns, no handler of an
    earlier background task runs again.
    """

    def __init__(
        self,
        latents: torch.Tensor,
        *,
        on_layout: LayoutHandler,
        on_progress: ProgressHandler,
        on_error: ErrorHandler,
    ) -> None:
        self.latents = latents
        self._on_layout = on_layout
        self._on_progress = on_progress
        self._on_error = on_error
        self._coords: dict[str, np.ndarray] = {}
        self._fitted: dict[str, Projection] = {}
        self._requested: dict[str, Projection] = {}
        self._task: BackgroundTask | None = None
        self._lock = threading.Lock()
        # a fitted t-SNE's transform is not safe from two threads (locate, and a map's re-place)
        self._transform_lock = threading.Lock()
        self._closed = False
        # maps of new codes are turned to match the map they replace (see reset)
        self._align_to: np.ndarray | None = None
        self._alignments: dict[str, Alignment] = {}
        self._prestarting: threading.Timer | None = None  # see prepare
        self._prestarted: list[Callable[[], None]] = []

    def reset(self, latents: torch.Tensor, align_to: np.ndarray | None = None) -> None:
        """Start over with new codes of the same items, e.g. after the model trained further.

        Computed maps are dropped; the projections stay as configured (unfitted copies of the
        fitted ones, with their parameters). Each new map starts from ``align_to``, the map on
        show before, where its projection can start from a layout (``accepts_init``: t-SNE,
        UMAP), and is then turned and shifted to match it by an orthogonal Procrustes fit, so
        that points move only as far as the codes changed. The start matters for t-SNE and UMAP,
        whose fresh runs may place the same clusters anywhere, which no rotation can undo; the
        Procrustes fit after it is a final tidy (the fit comes back centred and in its own
        units, and may have turned a little), and the whole alignment for PCA.
        """
        self._check_open()
        if len(latents) != len(self.latents):
            raise ValueError(
                f"the new codes must be of the same {len(self.latents)} items; got {len(latents)}"
            )
        self.cancel()
        self.latents = latents
        for name, fitted in self._fitted.items():
            self._requested.setdefault(name, clone(fitted))
        self._coords.clear()
        self._fitted.clear()
        self._alignments.clear()
        self._align_to = None if align_to is None else np.asarray(align_to, np.float32)

    def _aligned(self, name: str, coords: np.ndarray) -> np.ndarray:
        alignment = self._alignments.get(name)
        if alignment is None and self._align_to is not None:
            alignment = self._alignments[name] = fit_alignment(coords, self._align_to)
        return coords if alignment is None else alignment.apply(coords)

    @property
    def names(self) -> list[str]:
        """Projections this view can show: those usable here plus any configured by the user."""
        return list(dict.fromkeys([*available_projections(), *self._requested, *self._coords]))

    @property
    def computed(self) -> list[str]:
        """Names of the projections computed so far."""
        return sorted(self._coords)

    def check_name(self, name: object, argument: str = "projection") -> str:
        """Return the canonical (lower-case) ``name`` if this view can show it, else raise.

        Names are taken in any case and spelling of separators (``"TSNE"``, ``"t-SNE"``); the
        error names ``argument``.
        """
        self._check_open()
        key = canonical_name(name)
        if not isinstance(key, str) or key not in self.names:
            raise ValueError(f"{argument} must be one of {self.names} (any case); got {name!r}")
        return key

    def configure(self, projection: Projection) -> str:
        """Use ``projection`` (unfitted, with the user's parameters) next time its name is shown.

        The parameters are checked against the codes now, so a bad one raises here and not later
        in the background. Coordinates computed before under the same name are dropped.
        """
        self._check_open()
        if not isinstance(projection, Projection):
            raise TypeError(
                "projection must be a latentwidgets projection (PCA, TSNE, UMAP, LatentDims) "
                f"or one of their names; got {type(projection).__name__}"
            )
        projection.check_params(*self.latents.shape)
        self._requested[projection.name] = projection
        self._coords.pop(projection.name, None)
        return projection.name

    def fitted(self, name: str) -> Projection:
        """Return the fitted projection behind a computed map."""
        name = _canonical(name)
        if name not in self._fitted:
            raise KeyError(f"projection {name!r} has not been computed; computed: {self.computed}")
        return self._fitted[name]

    def coords(self, name: str) -> np.ndarray:
        """Coordinates of a computed projection."""
        name = _canonical(name)
        if name not in self._coords:
            raise KeyError(f"projection {name!r} has not been computed; computed: {self.computed}")
        return self._coords[name]

    def show(self, name: str) -> None:
        """Bring projection ``name`` to the view: from the cache, at once, or in the background."""
        self._check_open()
        name = _canonical(name)
        self.cancel()
        if name in self._coords:
            self._on_layout(name, self._coords[name], True)
            return
        try:
            projection = self._requested.pop(name, None) or make_projection(name)
            if projection.instant:
                coords = projection.fit_transform(self.latents, init=self._init_for(projection))
                self._finish(name, projection, coords)
                return
        except Exception as error:
            self._on_error(name, error)
            return
        self._start(name, projection)

    def prepare(self, delay: float = PRESTART_DELAY_S) -> None:
        """Get the projections this view offers ready for a fit, e.g. start t-SNE's worker.

        Called when the view opens: ``delay`` seconds later, a t-SNE worker starts importing
        its library (2 CPU s, 7-9 s at load 8 on two cores) before the user asks for t-SNE,
        instead of after. Returns at once; does nothing once closed, or with the environment
        variable ``LATENTWIDGETS_PRESTART=0``. :meth:`close` cancels the wait and stops a worker
        still importing that no fit took.
        """
        if self._closed or os.environ.get(PRESTART_ENV) == "0":
            return
        projections = [self._requested.get(name) or make_projection(name) for name in self.names]
        self._prestarting = threading.Timer(delay, self._prestart, (projections,))
        self._prestarting.name = "latentwidgets-prestart"
        self._prestarting.daemon = True
        self._prestarting.start()

    def _prestart(self, projections: list[Projection]) -> None:
        # under the lock: close either comes first, and nothing starts, or stops what started
        with self._lock:
            if self._closed:
                return
            for projection in projections:
                stop = projection.prestart()
                if stop is not None:
                    self._prestarted.append(stop)

    def _init_for(self, projection: Projection) -> np.ndarray | None:
        """Return the layout a new fit starts from: the map to align to, where accepted."""
        return self._align_to if projection.accepts_init else None

    def _start(self, name: str, projection: Projection) -> None:
        latents, init = self.latents, self._init_for(projection)
        live = len(latents) <= LIVE_MAX_POINTS
        last_message = last_layout = time.monotonic()
        self._on_progress(name, 0.0, f"computing {name}…")

        def progress(fraction: float | None, message: str, coords: np.ndarray | None) -> None:
            nonlocal last_message, last_layout
            now = time.monotonic()
            if now - last_message >= PROGRESS_INTERVAL_S:
                last_message = now
                self._on_progress(name, fraction, f"{name}: {message}")
            # The final report carries the final layout, which follows as a map of its own: sent
            # here too, it would reach the view first and the final one would change nothing.
            final = fraction is not None and fraction >= 1.0
            if live and coords is not None and not final and now - last_layout >= LIVE_INTERVAL_S:
                last_layout = now
                live_coords = np.array(coords, dtype=np.float32)
                alignment = self._alignments.get(name)
                if alignment is None and self._align_to is not None:
                    live_coords = fit_alignment(live_coords, self._align_to).apply(live_coords)
                self._on_layout(name, live_coords, False)

        with self._lock:
            if self._closed:
                return
            self._task = run_in_background(
                lambda callback: projection.fit_transform(latents, init=init, callback=callback),
                on_progress=progress,
                on_done=lambda coords: self._finish(name, projection, coords),
                on_error=lambda error: self._on_error(name, error),
                supersedes=self._task,
            )

    def _finish(self, name: str, projection: Projection, coords: Any) -> None:
        self._coords[name] = self._aligned(name, np.ascontiguousarray(coords, dtype=np.float32))
        self._fitted[name] = projection
        self._on_layout(name, self._coords[name], True)

    def unalign(self, name: str, points: np.ndarray) -> np.ndarray:
        """Turn positions on the map on show back into the units of projection ``name`` itself."""
        alignment = self._alignments.get(name)
        return points if alignment is None else alignment.invert(points)

    def place(self, codes: torch.Tensor, name: str, *, exact: bool = False) -> np.ndarray:
        """Map coordinates of new codes on projection ``name``'s map.

        An instant projection that can transform (PCA, dims) places them exactly. With ``exact``,
        so does any projection with a transform: t-SNE by openTSNE (0.2-0.3 s for 5-64 codes of
        the digits, load 0.5) and UMAP (17 ms, after umap-learn compiles its transform once a
        process: 12-17 s). Elsewhere, and on a map with no transform (t-SNE by scikit-learn or
        cuML), they land at the inverse-distance-weighted mean of their 5 nearest codes' places.
        """
        self._check_open()
        name = _canonical(name)
        if self.transforms(name, exact=exact):
            with self._transform_lock:
                placed = np.asarray(self._fitted[name].transform(codes), dtype=np.float32)
            alignment = self._alignments.get(name)
            return placed if alignment is None else alignment.apply(placed)
        return nearest_neighbour_place(codes, self.latents, self.coords(name))

    def transforms(self, name: str, *, exact: bool = True) -> bool:
        """Whether :meth:`place` (given ``exact``) places codes by projection ``name``'s transform.

        False before ``name`` is fitted, and where :meth:`place` uses the nearest codes instead.
        """
        projection = self._fitted.get(_canonical(name))
        if projection is None or not projection.can_transform:
            return False
        return exact or projection.instant

    def cancel(self) -> None:
        """Stop the background task, if any; none of its handlers runs after this returns."""
        with self._lock:
            if self._task is not None:
                self._task.cancel()

    def close(self) -> None:
        """Cancel the background work and refuse new work: the view is gone.

        The work stops using the CPU at once: t-SNE and UMAP fits run in worker processes, which
        their fit thread terminates in any stage (it asks every 0.05 s), and a worker that
        :meth:`prepare` started is stopped if it is still importing. After this, :meth:`show`,
        :meth:`configure`, :meth:`reset`, :meth:`place`, :meth:`check_name` and :meth:`wait`
        raise ``RuntimeError``; closing again does nothing.
        """
        with self._lock:
            self._closed = True
            if self._task is not None:
                self._task.cancel()
            if self._prestarting is not None:
                self._prestarting.cancel()
        for stop in self._prestarted:
            stop()
        self._prestarted.clear()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(
                "this explorer was closed: its projections were stopped and it computes no more "
                "maps. Create a new explorer to go on"
            )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the background task ends; return False if ``timeout`` passed first.

        Raises
        ------
        RuntimeError
            If the scheduler was closed.
        """
        self._check_open()
        task = self._task
        return task is None or task.wait(timeout)


def _canonical(name: str) -> str:
    key = canonical_name(name)
    return key if isinstance(key, str) else name


def nearest_neighbour_place(
    codes: torch.Tensor, latents: torch.Tensor, coords: np.ndarray, k: int = 5
) -> np.ndarray:
    """Place codes at the inverse-distance-weighted mean of their k nearest points' coordinates."""
    k = min(k, len(latents))
    distances = torch.cdist(codes.to(latents.dtype), latents)
    nearest, index = torch.topk(distances, k, largest=False)
    inverse = 1.0 / (nearest + 1e-6)
    weights = (inverse / inverse.sum(dim=1, keepdim=True)).cpu().numpy()
    return np.einsum("fk,fkc->fc", weights, coords[index.cpu().numpy()]).astype(np.float32)
