"""The map: its points and their style, and maps of millions of points drawn as a sample.

Above ``max_drawn`` points the browser is sent a deterministic sample (point ``i`` is drawn iff
``point_hash(i) < _draw_threshold``), a density image of all points, and on request the other
points in the view (``points_in_view``). The core keeps every point's coordinates and this feature
every point's colour value, for those requests and for selections of all points
(``select_region``, ``select_category``). The contract is in ``docs/widget-contract.md``; the
numerical work in ``_engine/drawn.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._engine.drawn import (
    density_grid,
    draw_threshold,
    encode_uint16,
    point_hashes,
    polygon_mask,
    region_points,
    sample_indices,
)
from .._widget.core import COLORS_CHANGED, LAYOUT_CHANGED, ROWS_CHANGED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.serialization import array_trait, narrow
from .._widget.traits import BoundedInt, FiniteFloat, map_number

#: Most vertices a ``select_region`` polygon may have. The browser keeps a lasso vertex per 2 px of
#: pointer travel, one a frame at most: a minute's lasso at 144 frames a second has 8,640. Polygons
#: are also bounded in tangle and tests (``_engine/polygon.py``): a lasso's work stays near 1 s.
MAX_POLYGON_VERTICES = 20_000


class MapFeature(Feature):
    """The points, their style, ``max_drawn`` and the sample, and the commands over all points."""

    height = synced(
        BoundedInt(
            0,
            low=0,
            high=4000,
            meaning="height of the map in pixels; 0 sizes it from its width",
            help="Map height (px); 0 sizes it from the width it is given. The handle on the "
            "map's bottom edge sets it from the page.",
        ),
        "height",
        browser=True,
    )
    point_size = synced(
        FiniteFloat(
            0.0, low=0.0, high=100.0, meaning="pixels; 0 picks one from N", help="Point size (px)."
        ),
        "style",
    )
    opacity = synced(
        FiniteFloat(
            0.0, low=0.0, high=1.0, meaning="0 picks one from N", help="Point opacity in (0, 1]."
        ),
        "style",
    )
    # A frame of 250,000 points takes about half a second in software WebGL on two cores (four
    # times as many: 2-4 s), so pans and zooms answer within a second on any machine.
    max_drawn = synced(
        BoundedInt(
            250_000,
            low=1_000,
            high=100_000_000,
            meaning="most points drawn one by one; a larger map draws a sample of about as many",
            help="Most points the map draws one by one. A larger map draws a sample of about as "
            "many, a density image of all of them, and the rest of the points in view as you "
            "zoom in.",
        )
    )
    _points = array_trait(
        help="(S, 2) float32 coordinates of the drawn points: all, or the sample",
        parts=("points", "history"),
    )
    _colors = array_trait(
        help="the colour value (category code or number) of each drawn point", parts=("colors",)
    )
    _n_points = synced(traitlets.Int(0), "points")
    _draw_threshold = synced(traitlets.Int(0), "points")
    _extent = synced(traitlets.List(traitlets.Float()), "points")
    _density = array_trait(
        help="(G, G) uint8 density image of all points; None when all drawn", parts=("points",)
    )
    _color_counts = synced(traitlets.List(traitlets.Int()), "colors")

    def _attach(self, core: ExplorerCore) -> None:
        self._full_colors: np.ndarray | None = None
        self._categorical = False
        self._category_count = 0
        self._sample_cache: tuple[int, int, np.ndarray] | None = None
        self._hash_cache: np.ndarray | None = None
        self._density_for: tuple[object, np.ndarray] | None = None
        core.rows = self._sample_rows()
        with self.hold_sync():
            self._n_points = len(core)
            self._draw_threshold = self._threshold()
        self.observe(self._on_max_drawn, "max_drawn")
        core.events.on(LAYOUT_CHANGED, self._on_map_layout)
        core.events.on(COLORS_CHANGED, self._on_map_colors)

    @property
    def coords(self) -> np.ndarray:
        """``(N, 2)`` coordinates of the projection on the map: every point, drawn or not."""
        return self._core.coords()

    # ------------------------------------------------------------------ the sample
    def _threshold(self) -> int:
        return draw_threshold(len(self._core), self.max_drawn)

    def _hashes(self) -> np.ndarray:
        """Every point's hash (kept: the sample and the view requests read it)."""
        n = len(self._core)
        if self._hash_cache is None or len(self._hash_cache) != n:
            self._hash_cache = point_hashes(n)
        return self._hash_cache

    def _sample_rows(self) -> np.ndarray | None:
        """Indices of the points the browser draws, ascending; None when it draws them all."""
        n, threshold = len(self._core), self._threshold()
        if threshold == 0:
            return None
        cached = self._sample_cache
        if cached is None or cached[:2] != (n, threshold):
            cached = (n, threshold, sample_indices(n, threshold, hashes=self._hashes()))
            self._sample_cache = cached
        return cached[2]

    def _density_image(self) -> np.ndarray:
        shown = self._core.map
        assert shown is not None
        if self._density_for is None or self._density_for[0] is not shown:
            self._density_for = (shown, density_grid(shown.x, shown.y, shown.extent))
        return self._density_for[1]

    def _on_map_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        self._send_map()

    def _send_map(self) -> None:
        shown, rows = self._core.map, self._sample_rows()
        if shown is None:
            return
        with self.hold_sync():
            self._n_points = len(shown)
            self._draw_threshold = self._threshold()
            self._extent = list(shown.extent)
            self._density = None if rows is None else self._density_image()
            self._points = shown.coords if rows is None else shown.coords[rows]

    def _on_map_colors(
        self, encoded: np.ndarray | None, kind: str, categories: list[str], **_: object
    ) -> None:
        """Keep every point's colour value; send the browser those of the rows it draws.

        A sampled map's legend counts all points in each category, not the drawn ones.
        """
        full = None if encoded is None else narrow(encoded)
        self._full_colors, self._categorical = full, kind == "categorical"
        self._category_count = len(categories)
        self._send_colors()

    def _send_colors(self) -> None:
        """Send the colour values of the rows the browser draws, and the legend's counts."""
        full, rows = self._full_colors, self._sample_rows()
        with self.hold_sync():
            self._colors = full if full is None or rows is None else full[rows]
            counted = self._categorical and rows is not None
            self._color_counts = [] if full is None or not counted else np.bincount(full).tolist()

    def _on_max_drawn(self, change: Mapping[str, Any]) -> None:
        old = draw_threshold(len(self._core), change["old"])
        if old == self._threshold():
            return  # the same sample: nothing the browser has changes
        rows = self._core.rows = self._sample_rows()
        with self.hold_sync():
            self._send_map()
            self._draw_threshold = self._threshold()
            self._send_colors()
            self._core.events.emit(ROWS_CHANGED, rows=rows)

    # ------------------------------------------------------------------ commands
    @command("points in view", fields={"limit": "int"})
    def points_in_view(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Answer the browser's request for the points outside the sample in the view."""
        box = _box(msg)
        limit = int(msg["limit"])
        if limit < 1:
            raise ValueError(f"limit must be a positive integer; got {limit}")
        limit = min(limit, self.max_drawn)
        empty = {"count": 0, "sent": 0, "box": list(box), "complete": True}
        shown, threshold = self._core.map, self._threshold()
        if shown is None or threshold == 0:
            return empty, [b"", b"", b""]
        indices, count = region_points(
            shown.x, shown.y, threshold, box, limit, hashes=self._hashes()
        )
        xy = np.empty((len(indices), 2), np.uint16)
        xy[:, 0] = encode_uint16(shown.x[indices], box[0], box[1])
        xy[:, 1] = encode_uint16(shown.y[indices], box[2], box[3])
        colors = self._full_colors
        color_bytes = b"" if colors is None else colors[indices].tobytes()
        sent = len(indices)
        response = {"count": count, "sent": sent, "box": list(box), "complete": count == sent}
        return response, [indices.astype(np.uint32).tobytes(), xy.tobytes(), color_bytes]

    @command("select region", fields={"polygon": "list", "merge": "bool?"})
    def select_region(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Select every point (of all N) inside a polygon, even-odd rule: ``{polygon, merge}``."""
        polygon = _polygon(msg["polygon"])
        shown = self._core.map
        if shown is None:
            raise RuntimeError("no projection is on the map yet")
        mask = polygon_mask(shown.x, shown.y, polygon)
        return {"count": self._core.select(mask, bool(msg.get("merge", False)))}

    @command("select category", fields={"code": "int", "merge": "bool?"})
    def select_category(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Select every point (of all N) of one colour category: ``{code, merge}``."""
        code, codes = int(msg["code"]), self._full_colors
        if not self._categorical or codes is None:
            raise ValueError("the map's colours are not categories")
        if not 0 <= code < self._category_count:
            raise ValueError(
                f"code must be a category code in [0, {self._category_count}); got {code}"
            )
        return {"count": self._core.select(codes == code, bool(msg.get("merge", False)))}


def _box(msg: Mapping[str, Any]) -> tuple[float, float, float, float]:
    x0, x1, y0, y1 = (map_number(msg.get(key), key) for key in ("x0", "x1", "y0", "y1"))
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"the region needs x0 < x1 and y0 < y1; got {[x0, x1, y0, y1]}")
    return x0, x1, y0, y1


def _polygon(flat: list[Any]) -> np.ndarray:
    if len(flat) % 2 or len(flat) < 6:
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
