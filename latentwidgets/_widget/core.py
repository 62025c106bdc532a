"""What every feature of the explorer may use: the model and its store, the data, the projection
scheduler, the renderer, the columns, the map on show, and events.

A feature never calls another feature. When the codes, the model, the layout on the map or the
colours change, the core emits an event and each feature that cares has subscribed to it
(:meth:`Events.on`), so a new feature plugs in without the others knowing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .._engine.column_index import ColumnIndex
from .._engine.columns import column_values
from .._engine.data import DataSource
from .._engine.drawn import map_extent
from .._engine.model import LatentModel
from .._engine.store import LatentStore
from ..projections._scheduler import ProjectionScheduler
from ..render import PreviewRenderer
from .session import SessionPart
from .status import Status
from .timeline import Timeline

#: The codes were encoded again (``update``): payload ``latents``.
CODES_CHANGED = "codes_changed"
#: Another model decodes (``update`` with new weights or models): payload ``model``.
MODEL_CHANGED = "model_changed"
#: A map is on show: payload ``name``, ``coords`` (N, 2) and ``final`` (False: a live layout).
LAYOUT_CHANGED = "layout_changed"
#: The colours changed: payload ``column`` ("" for none), ``encoded`` (one value per point, or
#: None), ``kind`` ("categorical", "continuous" or "none"), ``categories`` (their names) and
#: ``value_range`` (of continuous values).
COLORS_CHANGED = "colors_changed"
#: A column was added or replaced: payload ``name`` and ``show`` (colour the map by it).
COLUMN_ADDED = "column_added"
#: The rows the browser draws changed (a new ``max_drawn``): payload ``rows`` (None: all).
ROWS_CHANGED = "rows_changed"
#: The filter changed: payload ``passing`` (bool mask of the points that pass; None: all pass).
FILTER_CHANGED = "filter_changed"
#: A panel shows other decoded frames: payload ``name`` ("interp", "traverse", "samples") and
#: ``frames`` (the decoded outputs, or None when it shows none).
FRAMES_SHOWN = "frames_shown"

#: The traits of the widget itself, which every feature may read (and set through the core).
CORE_TRAITS = ("pinned", "_selection", "_status", "panels", "_has_decoder", "_link_group")
#: Panels the user may open, in the order they are laid out, and those open by default.
PANELS = (
    "preview",
    "interpolation",
    "neighbours",
    "traverse",
    "samples",
    "worst",
    "located",
    "sketch",
)
DEFAULT_PANELS = ("preview", "interpolation")

EVENTS = (
    CODES_CHANGED,
    MODEL_CHANGED,
    LAYOUT_CHANGED,
    COLORS_CHANGED,
    ROWS_CHANGED,
    COLUMN_ADDED,
    FILTER_CHANGED,
    FRAMES_SHOWN,
)


class Events:
    """A tiny publish/subscribe hub; handlers run in the order they subscribed."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[..., None]]] = {name: [] for name in EVENTS}

    def on(self, event: str, handler: Callable[..., None]) -> None:
        """Call ``handler(**payload)`` whenever ``event`` is emitted."""
        if event not in self._handlers:
            raise ValueError(f"event must be one of {list(self._handlers)}; got {event!r}")
        self._handlers[event].append(handler)

    def emit(self, event: str, **payload: Any) -> None:
        for handler in list(self._handlers[event]):
            handler(**payload)


@dataclass
class SnapshotPreviews:
    """How previews reach the history's snapshots: how many there are, and decoding one's point."""

    count: Callable[[], int] = lambda: 0
    decode: Callable[[int, int], torch.Tensor] | None = None


@dataclass
class Columns:
    """The labels, the per-point columns to colour by (label first) and their category orders."""

    labels: np.ndarray | None
    values: dict[str, np.ndarray]
    orders: dict[str, list[str]]


class MapOnShow:
    """All N coordinates of the map on show: the ``(N, 2)`` array and one contiguous column per
    axis (masks over a column read memory in order), and their extent."""

    def __init__(self, name: str, coords: np.ndarray, final: bool) -> None:
        self.name, self.final = name, final
        self.coords = np.ascontiguousarray(coords, np.float32)
        self.x = np.ascontiguousarray(self.coords[:, 0])
        self.y = np.ascontiguousarray(self.coords[:, 1])
        self.extent = map_extent(self.x, self.y)

    def __len__(self) -> int:
        return len(self.coords)


@dataclass
class ExplorerCore:
    """The explorer's shared state; features read it and change it only through its methods."""

    #: The widget, for the core's own traits (:data:`CORE_TRAITS`), which every feature may use.
    widget: Any
    model: LatentModel
    store: LatentStore
    source: DataSource
    renderer: PreviewRenderer
    columns: Columns
    scheduler: ProjectionScheduler = field(init=False)
    events: Events = field(default_factory=Events)
    #: The map on show (None before the first layout).
    map: MapOnShow | None = None
    #: The rows of the map the browser draws (None: all of them); kept by the map feature.
    rows: np.ndarray | None = None
    closed: bool = False
    #: The column the points are coloured by ("" for none); kept by the colour feature.
    colored_by: str = ""
    snapshots: SnapshotPreviews = field(default_factory=SnapshotPreviews)
    #: What features put in an exported page, by name ("frames", "history"): each gives it when
    #: called, or None when it has nothing to show.
    exports: dict[str, Callable[[], Any]] = field(default_factory=dict)
    #: Undo and redo of what a person edits (selection, tags, filter), one timeline for all.
    timeline: Timeline = field(default_factory=Timeline)
    #: State a saved session holds besides the traits tagged ``session``, by name.
    session_parts: dict[str, SessionPart] = field(default_factory=dict)
    #: The points that pass the filter (None: all of them); kept by the filter feature. A lasso,
    #: a box or a legend click selects among these only (:meth:`select`).
    passing: np.ndarray | None = None
    #: The decoded frames each panel shows, by name (:meth:`show_frames`), to play or read them.
    frames: dict[str, torch.Tensor] = field(default_factory=dict)
    _placed: dict[str, tuple[Callable[[np.ndarray | None], None], torch.Tensor]] = field(
        default_factory=dict
    )
    _column_index: ColumnIndex | None = None
    #: Keys of ``_placed`` placed by the projection's own transform (``place_on_map(exact=True)``).
    _placed_exactly: set[str] = field(default_factory=set)

    @classmethod
    def open(
        cls,
        widget: Any,
        model: LatentModel,
        latents: torch.Tensor,
        source: DataSource,
        renderer: PreviewRenderer,
        columns: Columns,
        *,
        cache_bytes: int,
    ) -> ExplorerCore:
        """The core of a new explorer: its store, and a scheduler that reports to it."""
        core = cls(
            widget, model, LatentStore(model, latents, cache_bytes), source, renderer, columns
        )
        core.scheduler = ProjectionScheduler(
            latents,
            on_layout=core.show_layout,
            on_progress=lambda name, fraction, message: core.set_status(
                Status.busy(message, fraction)
            ),
            on_error=lambda name, error: core.report(error, name),
        )
        return core

    # ------------------------------------------------------------------ reading
    @property
    def latents(self) -> torch.Tensor:
        return self.store.latents

    def __len__(self) -> int:
        return len(self.store)

    @property
    def drawn(self) -> str | None:
        """The projection whose final map is on show, or None (none yet, or a live layout)."""
        return self.map.name if self.map is not None and self.map.final else None

    def coords(self) -> np.ndarray:
        """``(N, 2)`` coordinates of the map on show: every point, drawn or not."""
        if self.map is None:
            raise RuntimeError("no projection has been computed yet")
        return self.map.coords

    def region_of(self, indices: np.ndarray) -> list[float] | None:
        """Bounding box ``[x0, x1, y0, y1]`` of these points when the map is sampled, else None
        (also when none of them has finite coordinates)."""
        shown = self.map
        if shown is None or self.rows is None or len(indices) == 0:
            return None
        x, y = shown.x[indices], shown.y[indices]
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.any():
            return None
        return map_extent(x[finite], y[finite])

    @property
    def column_index(self) -> ColumnIndex:
        """The columns as search and filter read them: factorised once per column, and kept."""
        if self._column_index is None:
            self._column_index = ColumnIndex(self.columns.values, self.columns.orders)
        return self._column_index

    def first_output(self) -> Any:
        """The first point's decoded output (its input item, without a decoder)."""
        if self.model.has_decoder:
            return self.store.decode_one(0)
        return self.source.item(0)

    def show_frames(self, name: str, frames: torch.Tensor | None) -> None:
        """Say that panel ``name`` shows these decoded frames now (None: none)."""
        if frames is None:
            self.frames.pop(name, None)
        else:
            self.frames[name] = frames
        self.events.emit(FRAMES_SHOWN, name=name, frames=frames)

    def check_open(self) -> None:
        if self.closed:
            raise RuntimeError(
                "this explorer was closed (close()); make a new one to go on exploring"
            )

    # ------------------------------------------------------------------ the core's traits
    def set_status(self, status: Status) -> None:
        self.widget._status = status.to_dict()

    def report(self, error: BaseException, doing: str) -> None:
        """Show an error of something the user did in the widget's status line."""
        self.set_status(Status.error(f"{doing}: {type(error).__name__}: {error}"))

    def open_panel(self, name: str) -> None:
        """Show a panel (if it is not shown): a Python call's result appears where it is seen."""
        panels = list(self.widget.panels)
        if name not in panels:
            self.widget.panels = [p for p in PANELS if p in {*panels, name}]

    def selection(self) -> np.ndarray:
        """The selected point indices, sorted (uint32)."""
        current = self.widget._selection
        return np.zeros(0, np.uint32) if current is None else np.asarray(current, np.uint32)

    def select(self, mask: np.ndarray, merge: bool = False, *, passing_only: bool = True) -> int:
        """Select the points of ``mask`` (united with the selection when ``merge``); how many.

        With ``passing_only`` (a lasso, a box, a legend click) only points that pass the filter
        are selected; indices given by name (``explorer.selected``) are taken as they are.
        """
        if passing_only and self.passing is not None:
            mask = mask & self.passing
        current = self.selection()
        if merge and len(current):
            mask[current.astype(np.int64)] = True
        chosen = np.flatnonzero(mask).astype(np.uint32)
        self.widget._selection = chosen
        return len(chosen)

    def set_passing(self, passing: np.ndarray | None) -> None:
        """The points that pass a new filter (None: all): keep them and tell the features."""
        self.passing = passing
        self.events.emit(FILTER_CHANGED, passing=passing)

    # ------------------------------------------------------------------ changes
    def show_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        """A map from the scheduler: keep it, tell the features, place new codes on it again."""
        with self.widget.hold_sync():
            self.map = MapOnShow(name, coords, final)
            self.events.emit(LAYOUT_CHANGED, name=name, coords=self.map.coords, final=final)
            # a live layout changes every second: new codes are placed again on the final map
            for show, codes in self._placed.values():
                show(self.place(codes))
        self._place_exactly_again()

    def _place_exactly_again(self) -> None:
        """Move the codes placed exactly to their places by a transform that takes a while.

        t-SNE's takes 0.2 s, UMAP's the first time a process compiles it: the new map goes out
        first, with these codes among their nearest codes meanwhile (``show_layout``).
        """
        drawn = self.drawn
        if drawn is None or not self.scheduler.transforms(drawn):
            return
        if self.scheduler.transforms(drawn, exact=False):  # instant: placed exactly already
            return
        for key in [key for key in self._placed if key in self._placed_exactly]:
            show, codes = self._placed[key]
            try:
                show(self.place(codes, exact=True))
            except Exception as error:  # the map stays, with the codes where they were put
                self.report(error, f"placing {key} by the {drawn} map's transform")

    def place(self, codes: torch.Tensor | None, *, exact: bool = False) -> np.ndarray | None:
        """Map coordinates of new codes, or None while no final map is drawn.

        With ``exact``, by the projection's own transform wherever it has one (t-SNE by openTSNE,
        UMAP), not only where it is instant (PCA, dims); see ``ProjectionScheduler.place``.
        """
        drawn = self.drawn
        # between new codes and their first map the map on show is the old one: nothing to place on
        if codes is None or drawn is None or drawn not in self.scheduler.computed:
            return None
        return self.scheduler.place(codes, drawn, exact=exact)

    def place_on_map(
        self,
        key: str,
        codes: torch.Tensor | None,
        show: Callable[[np.ndarray | None], None],
        *,
        exact: bool = False,
    ) -> np.ndarray | None:
        """Show new codes at their map places with ``show``, and again whenever the map changes.

        ``exact`` places them as :meth:`place` does; returns the places shown now.
        """
        if codes is None:
            self._placed.pop(key, None)
        else:
            self._placed[key] = (show, codes)
        if exact:
            self._placed_exactly.add(key)
        else:
            self._placed_exactly.discard(key)
        placed = self.place(codes, exact=exact)
        show(placed)
        return placed

    def unplace_all(self) -> None:
        """Take every code placed on the map off it (the features' paths and samples)."""
        for show, _ in self._placed.values():
            show(None)
        self._placed.clear()
        self._placed_exactly.clear()

    def add_column(
        self, name: str, values: Any, *, show: bool = True, order: list[str] | None = None
    ) -> None:
        """Add (or replace) a per-point column; ``show`` colours the map by it; ``order``: its
        categories' legend order (default: sorted)."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str; got {name!r}")
        self.columns.values[name] = column_values(values, "values", len(self), cap=True)
        if order is None:
            self.columns.orders.pop(name, None)
        else:
            self.columns.orders[name] = list(order)
        self.events.emit(COLUMN_ADDED, name=name, show=show)

    def replace_model(self, model: LatentModel, latents: torch.Tensor) -> None:
        """New codes (and perhaps a new model): a new store; the features hear of both."""
        previous = self.coords() if self.drawn is not None else None
        model_changed = model is not self.model
        self.model = model
        self.store = LatentStore(model, latents, self.store.cache.max_bytes)
        self.scheduler.reset(latents, align_to=previous)
        self.widget._has_decoder = model.has_decoder
        self.events.emit(MODEL_CHANGED, model=model, changed=model_changed)
        self.events.emit(CODES_CHANGED, latents=latents)
