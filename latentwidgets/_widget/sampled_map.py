"""The sampled map: maps of millions of points, drawn as a sample, a density image and the view.

Above ``max_drawn`` points the browser is sent a deterministic sample (point ``i`` is drawn iff
``point_hash(i) < _draw_threshold``), a density image of all points, and on request the other
points in the view (``points_in_view``). The kernel keeps every point's coordinates and colour
value, for ``coords``, for those requests and for selections of all points (``select_region``,
``select_category``). The contract is in ``docs/widget-contract.md``; the numerical work in
``_engine/drawn.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets
from anywidget.experimental import command

from .._engine.drawn import (
    density_grid,
    draw_threshold,
    encode_uint16,
    map_extent,
    point_hashes,
    polygon_mask,
    region_points,
    sample_indices,
)
from .host import ExplorerHost
from .serialization import array_trait, narrow
from .traits import BoundedInt, map_number

#: Most vertices a ``select_region`` polygon may have.
MAX_POLYGON_VERTICES = 100_000


class FullMap:
    """All N coordinates of the map on show: the ``(N, 2)`` array and one contiguous column per
    axis (masks over a column read memory in order), their extent and, once asked, the density.
    """

    def __init__(self, coords: np.ndarray) -> None:
        self.coords = coords
        self.x = np.ascontiguousarray(coords[:, 0])
        self.y = np.ascontiguousarray(coords[:, 1])
        self.extent = map_extent(self.x, self.y)
        self._density: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.coords)

    def density(self) -> np.ndarray:
        if self._density is None:
            self._density = density_grid(self.x, self.y, self.extent)
        return self._density


class SampledMapView(ExplorerHost):
    """``max_drawn``, the sample's traits, all the map's coordinates and the commands over them."""

    # A frame of 250,000 points takes about half a second in software WebGL on two cores (four
    # times as many: 2-4 s), so pans and zooms answer within a second on any machine.
    max_drawn = BoundedInt(
        250_000,
        low=1_000,
        high=100_000_000,
        meaning="most points drawn one by one; a larger map draws a sample of about as many",
        help="Most points the map draws one by one. A larger map draws a sample of about as many, "
        "a density image of all of them, and the rest of the points in view as you zoom in.",
    ).tag(sync=True)
    _points = array_trait(help="(S, 2) float32 coordinates of the drawn points: all, or the sample")
    _colors = array_trait(help="the colour value (category code or number) of each drawn point")
    _n_points = traitlets.Int(0).tag(sync=True)
    _draw_threshold = traitlets.Int(0).tag(sync=True)
    _extent = traitlets.List(traitlets.Float()).tag(sync=True)
    _density = array_trait(help="(G, G) uint8 density image of all points; None when all drawn")
    _color_counts = traitlets.List(traitlets.Int()).tag(sync=True)

    def _init_sampled_map(self) -> None:
        self._full_map: FullMap | None = None
        self._full_colors: np.ndarray | None = None
        self._sample_cache: tuple[int, int, np.ndarray] | None = None
        self._hash_cache: np.ndarray | None = None
        with self.hold_sync():
            self._n_points = len(self._store)
            self._draw_threshold = self._threshold()
        self.observe(self._on_max_drawn, "max_drawn")

    @property
    def coords(self) -> np.ndarray:
        """``(N, 2)`` coordinates of the projection on the map: every point, drawn or not."""
        full = self._full_map
        if full is None:
            raise RuntimeError("no projection has been computed yet")
        return full.coords

    # ------------------------------------------------------------------ the sample
    def _threshold(self) -> int:
        return draw_threshold(len(self._store), self.max_drawn)

    def _hashes(self) -> np.ndarray:
        """Every point's hash (kept: the sample and the view requests read it)."""
        n = len(self._store)
        if self._hash_cache is None or len(self._hash_cache) != n:
            self._hash_cache = point_hashes(n)
        return self._hash_cache

    def _sample_rows(self) -> np.ndarray | None:
        """Indices of the points the browser draws, ascending; None when it draws them all."""
        n, threshold = len(self._store), self._threshold()
        if threshold == 0:
            return None
        cached = self._sample_cache
        if cached is None or cached[:2] != (n, threshold):
            cached = (n, threshold, sample_indices(n, threshold, hashes=self._hashes()))
            self._sample_cache = cached
        return cached[2]

    def _show_map(self, coords: np.ndarray) -> None:
        """Keep all N coordinates of a new map; send the browser the rows it draws."""
        full = FullMap(np.ascontiguousarray(coords, np.float32))
        self._full_map = full
        self._send_map(full)

    def _send_map(self, full: FullMap) -> None:
        rows = self._sample_rows()
        with self.hold_sync():
            self._n_points = len(full)
            self._draw_threshold = self._threshold()
            self._extent = list(full.extent)
            self._density = None if rows is None else full.density()
            self._points = full.coords if rows is None else full.coords[rows]

    def _show_colors(self, encoded: np.ndarray | None) -> None:
        """Keep every point's colour value; send the browser those of the rows it draws.

        A sampled map's legend counts all points in each category, not the drawn ones: set
        ``_color_kind`` first.
        """
        full = None if encoded is None else narrow(encoded)
        self._full_colors = full
        rows = self._sample_rows()
        with self.hold_sync():
            self._colors = full if full is None or rows is None else full[rows]
            counted = self._color_kind == "categorical" and rows is not None
            self._color_counts = [] if full is None or not counted else np.bincount(full).tolist()

    def _on_max_drawn(self, change: Mapping[str, Any]) -> None:
        old = draw_threshold(len(self._store), change["old"])
        if old == self._threshold():
            return  # the same sample: nothing the browser has changes
        with self.hold_sync():
            if self._full_map is not None:
                self._send_map(self._full_map)
            else:
                self._draw_threshold = self._threshold()
            self._show_colors(self._full_colors)
            self._send_history()

    def _region_of(self, indices: np.ndarray) -> list[float] | None:
        """Bounding box ``[x0, x1, y0, y1]`` of these points when the map is sampled, else None
        (also when none of them has finite coordinates)."""
        full = self._full_map
        if full is None or self._threshold() == 0 or len(indices) == 0:
            return None
        x, y = full.x[indices], full.y[indices]
        if not (np.isfinite(x) & np.isfinite(y)).any():
            return None
        return map_extent(x, y)

    # ------------------------------------------------------------------ commands
    @command
    def points_in_view(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request for the points outside the sample in the view."""
        try:
            box = _box(msg)
            limit = min(_positive_int(msg, "limit"), self.max_drawn)
        except (TypeError, ValueError) as error:
            return {"error": f"points_in_view: {error}"}, []
        empty = {"count": 0, "sent": 0, "box": list(box), "complete": True}
        full, threshold = self._full_map, self._threshold()
        if full is None or threshold == 0:
            return empty, [b"", b"", b""]
        try:
            indices, count = region_points(
                full.x, full.y, threshold, box, limit, hashes=self._hashes()
            )
            xy = np.empty((len(indices), 2), np.uint16)
            xy[:, 0] = encode_uint16(full.x[indices], box[0], box[1])
            xy[:, 1] = encode_uint16(full.y[indices], box[2], box[3])
            colors = self._full_colors
            color_bytes = b"" if colors is None else colors[indices].tobytes()
        except Exception as error:
            self._report(error, "points in view")
            return {"error": f"points_in_view: {type(error).__name__}: {error}"}, []
        sent = len(indices)
        response = {"count": count, "sent": sent, "box": list(box), "complete": count == sent}
        return response, [indices.astype(np.uint32).tobytes(), xy.tobytes(), color_bytes]

    @command
    def select_region(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Select every point (of all N) inside a polygon, even-odd rule: ``{polygon, merge}``."""
        try:
            polygon, merge = _polygon(msg), _merge(msg)
            full = self._full_map
            if full is None:
                raise RuntimeError("no projection is on the map yet")
            count = self._select(polygon_mask(full.x, full.y, polygon), merge)
        except Exception as error:
            self._report(error, "select region")
            return {"error": f"select_region: {type(error).__name__}: {error}"}, []
        return {"count": count}, []

    @command
    def select_category(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Select every point (of all N) of one colour category: ``{code, merge}``."""
        try:
            code, merge = _code(msg), _merge(msg)
            codes = self._full_colors
            if self._color_kind != "categorical" or codes is None:
                raise ValueError(
                    f"the map's colours are not categories (color_by={self.color_by!r} is "
                    f"{self._color_kind})"
                )
            categories = len(self._color_categories)
            if not 0 <= code < categories:
                raise ValueError(f"code must be a category code in [0, {categories}); got {code}")
            count = self._select(codes == code, merge)
        except Exception as error:
            self._report(error, "select category")
            return {"error": f"select_category: {type(error).__name__}: {error}"}, []
        return {"count": count}, []

    def _select(self, mask: np.ndarray, merge: bool) -> int:
        """Select the points of ``mask`` (united with the selection when ``merge``)."""
        current = self._selection
        if merge and current is not None and len(current):
            mask[np.asarray(current, np.int64)] = True
        chosen = np.flatnonzero(mask).astype(np.uint32)
        self._selection = chosen
        return len(chosen)


def _mapping(msg: object) -> Mapping[str, Any]:
    if not isinstance(msg, Mapping):
        raise TypeError(f"the request must be a mapping; got {msg!r:.60}")
    return msg


def _box(msg: object) -> tuple[float, float, float, float]:
    request = _mapping(msg)
    x0, x1, y0, y1 = (map_number(request.get(key), key) for key in ("x0", "x1", "y0", "y1"))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"the region needs x0 < x1 and y0 < y1; got {[x0, x1, y0, y1]}")
    return x0, x1, y0, y1


def _positive_int(msg: object, key: str) -> int:
    value = _mapping(msg).get(key)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{key} must be a positive integer; got {value!r:.60}")
    return int(value)


def _code(msg: object) -> int:
    value = _mapping(msg).get("code")
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"code must be an integer category code; got {value!r:.60}")
    return int(value)


def _merge(msg: object) -> bool:
    value = _mapping(msg).get("merge", False)
    if not isinstance(value, bool):
        raise TypeError(f"merge must be a bool; got {value!r:.60}")
    return value


def _polygon(msg: object) -> np.ndarray:
    flat = _mapping(msg).get("polygon")
    if not isinstance(flat, list | tuple) or len(flat) % 2 or len(flat) < 6:
        raise ValueError(
            "polygon must be a flat list [x0, y0, x1, y1, ...] of at least 3 vertices; "
            f"got {flat!r:.60}"
        )
    if len(flat) > 2 * MAX_POLYGON_VERTICES:
        raise ValueError(f"polygon has {len(flat) // 2} vertices; at most {MAX_POLYGON_VERTICES}")
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in flat
    ):
        raise ValueError("polygon must hold finite numbers (map coordinates)")
    return np.asarray(flat, np.float64).reshape(-1, 2)
