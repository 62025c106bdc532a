"""An index of a polygon's edges by height and width, for exact even-odd counts at many points.

A horizontal ray from ``(px, py)`` to ``+x`` crosses edge ``(a, b)`` when
``(py < a.y) != (py < b.y)`` and ``px < a.x + (py - a.y) * ((b.x - a.x) / (b.y - a.y))``. Testing
every point against every edge costs points x edges; the index cuts that to a few edges a point.

The polygon's height is cut into bands, at the heights of its vertices and evenly in between. In
a band an edge is *through* (it spans the band: every point of the band is level with it) or
*partial* (it ends inside). Each (edge, band) pair of a through edge is an entry holding the
x-range the edge covers in that band, widened by a margin far larger than the rounding of the
crossing formula. A band is cut into columns; for the points of one cell (band, column) the
band's through entries, sorted by the left ends of their ranges, fall into those wholly left of
the cell (not crossed), those wholly right (crossed: counted, not tested) and the few in between,
which get the exact test above. The partial pieces (an edge cut to one band: same crossing, a
shorter span of height) are indexed the same way, one level down. So the answer is bit for bit
that of testing every edge, while the entries stay within :data:`MAX_ENTRIES` (a polygon whose
edges span many bands gets fewer, wider bands) and the memory within a few tens of MiB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Most (edge, band) entries the top level holds; each level down holds half as many.
MAX_ENTRIES = 1 << 19
#: Most cells (band, column) of the top level's tables; each level down has half as many.
_MAX_CELLS = 1 << 20
#: Most evenly spaced bands laid over those at vertex heights.
_MAX_EVEN_BANDS = 4096
#: Most columns a band is cut into.
_MAX_COLUMNS = 1 << 16
#: Levels of pieces indexed below the top one; the last level tests its pieces one by one.
_MAX_DEPTH = 3
#: Fewest and most even steps of height of the table that guesses a point's band.
_LOOKUP = 1 << 14
_MAX_LOOKUP = 1 << 18
#: (edge, band) entries computed at once while building.
_BUILD_CHUNK = 1 << 16
#: (point, edge) tests made at once.
_PAIR_CHUNK = 1 << 16
#: Entries a point is tested against one round at a time, before the rest go in one batch.
_ROUNDS = 8
#: Points looked up at once.
_POINT_CHUNK = 1 << 15
# Keys are ``band * _SPAN + u``, ``u`` the x position in polygon widths from 1 at the left side,
# clipped to [0, 3]; float64 keeps 2**-31 of ``u`` at 2**19 bands, far below _KEY_SLACK. A
# column's keys are widened by _COLUMN_SLACK, far above the rounding of a point's column.
_SPAN = 4.0
_KEY_SLACK = 2.0**-26
_COLUMN_SLACK = 2.0**-30


@dataclass(frozen=True)
class _Edges:
    """The polygon's sloped edges, as the crossing formula reads them."""

    ax: np.ndarray
    ay: np.ndarray
    slope: np.ndarray  # (bx - ax) / (by - ay)
    x0: float
    inverse_width: float


@dataclass(frozen=True)
class _Level:
    """Pieces of edges (an edge, a span of height) indexed by band and column.

    For the point in cell ``(band, column)``, the through entries of its band before
    ``first[cell]`` are wholly left of it, those from ``past[cell]`` to ``through_end[band]``
    wholly right (crossed), and those in between get the exact test. The band's partial pieces
    are counted by ``below``, or tested one by one where there is no level below.
    """

    bounds: np.ndarray  # band k is [bounds[k], bounds[k + 1]); ascending
    lookup: np.ndarray  # the first band of each of _LOOKUP even steps of height
    columns: int
    through_edge: np.ndarray  # int32, sorted by band, then by the left end of the range
    through_end: np.ndarray  # int64, (bands,): where each band's through entries end
    first: np.ndarray  # int32, (bands * columns,)
    past: np.ndarray  # int32, (bands * columns,)
    # partial pieces: edge, span of height; sorted by band, indexed below or tested
    piece_edge: np.ndarray
    piece_bottom: np.ndarray
    piece_top: np.ndarray
    piece_start: np.ndarray  # int64, (bands + 1,)
    below: _Level | None

    @property
    def entries(self) -> int:
        """How many entries this level and those below hold."""
        deeper = self.below.entries if self.below is not None else len(self.piece_edge)
        return len(self.through_edge) + deeper


@dataclass(frozen=True)
class EdgeIndex:
    """A polygon's edges, indexed for :func:`inside`; build one with :func:`build_index`."""

    edges: _Edges
    top: _Level

    @property
    def entries(self) -> int:
        """How many (edge, band) entries the index holds, all levels together."""
        return self.top.entries


def build_index(polygon: np.ndarray) -> EdgeIndex:
    """Index the edges of ``polygon``, ``(V, 2)`` float64 vertices, the last joining the first.

    Parameters
    ----------
    polygon : numpy.ndarray
        Finite float64 vertices, ``V >= 3``.

    Returns
    -------
    EdgeIndex
        At most about ``2 * MAX_ENTRIES`` entries over all levels (or one per edge, if more).
    """
    following = np.roll(polygon, -1, axis=0)
    sloped = polygon[:, 1] != following[:, 1]  # a horizontal edge is never crossed
    ax, ay = polygon[sloped, 0], polygon[sloped, 1]
    bx, by = following[sloped, 0], following[sloped, 1]
    x0 = float(polygon[:, 0].min())
    width = float(polygon[:, 0].max()) - x0
    edges = _Edges(ax, ay, (bx - ax) / (by - ay), x0, 1.0 / width if width > 0 else 1.0)
    pieces = np.arange(len(ax), dtype=np.int32), np.minimum(ay, by), np.maximum(ay, by)
    return EdgeIndex(edges, _level(edges, *pieces, depth=0))


def _level(
    edges: _Edges, edge: np.ndarray, bottom: np.ndarray, top: np.ndarray, depth: int
) -> _Level:
    """Index pieces ``edge`` spanning ``[bottom, top)``; their partial pieces go a level down."""
    budget = MAX_ENTRIES >> depth
    bounds, first_band, last_band = _bands(np.concatenate([bottom, top]), bottom, top, budget)
    bands = len(bounds) - 1
    spans = last_band - first_band + 1
    entry_edge = np.repeat(edge, spans)
    band = np.arange(len(entry_edge), dtype=np.int64)
    band -= np.repeat(np.cumsum(spans) - spans, spans)
    band += np.repeat(first_band, spans)
    band = band.astype(np.int32)
    entry_bottom = np.maximum(np.repeat(bottom, spans), bounds[band])
    entry_top = np.minimum(np.repeat(top, spans), bounds[band + 1])
    through = (entry_bottom == bounds[band]) & (entry_top == bounds[band + 1])
    partial = np.flatnonzero(~through)
    partial = partial[np.argsort(band[partial], kind="stable")]
    piece_edge, piece_bottom = entry_edge[partial], entry_bottom[partial]
    piece_top, piece_band = entry_top[partial], band[partial]
    del partial, entry_bottom, entry_top
    chosen = np.flatnonzero(through)
    del through
    low, reach = _ranges(edges, entry_edge[chosen], band[chosen], bounds)
    order = np.argsort(low, kind="stable")
    low, reach = low[order], reach[order]
    through_edge = entry_edge[chosen][order]
    through_band = band[chosen][order]
    del order, chosen, entry_edge, band
    # a band's keys all exceed those of the bands below, so one running maximum serves them all
    np.maximum.accumulate(reach, out=reach)
    through_end = np.searchsorted(through_band, np.arange(1, bands + 1))
    del through_band
    columns = max(1, min(_MAX_COLUMNS, (_MAX_CELLS >> depth) // bands))
    first, past = _cell_tables(low, reach, bands, columns)
    del low, reach
    piece_start = np.searchsorted(piece_band, np.arange(bands + 1))
    below = None
    # a level down pays where a band holds more pieces than a few rounds of tests
    if depth < _MAX_DEPTH and len(piece_edge) and int(np.diff(piece_start).max()) > _ROUNDS:
        below = _level(edges, piece_edge, piece_bottom, piece_top, depth + 1)
        if _most_per_band(below) >= _most_per_band_of(piece_start):
            below = None  # sorts nothing out (pieces everywhere): testing them is as quick
    return _Level(
        bounds, _band_lookup(bounds), columns, through_edge, through_end, first, past,
        piece_edge, piece_bottom, piece_top, piece_start, below,
    )  # fmt: skip


def _most_per_band_of(piece_start: np.ndarray) -> int:
    return int(np.diff(piece_start).max()) if len(piece_start) > 1 else 0


def _most_per_band(level: _Level) -> int:
    """Most pieces a point of ``level`` may meet untested by its columns: a cost to compare."""
    return _most_per_band_of(level.piece_start) if level.below is None else 0


def _bands(
    heights: np.ndarray, bottom: np.ndarray, top: np.ndarray, budget: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Band bounds, and each piece's first and last band.

    An end on a bound makes no partial piece, so bounds go at the ends' heights (every second,
    fourth... of them if all would hold more than ``budget`` entries), then evenly in between,
    as many as the budget allows up to :data:`_MAX_EVEN_BANDS`, to narrow each edge's x-range
    in a band.
    """
    levels = np.unique(heights)

    def cut(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        first = np.searchsorted(bounds, bottom, side="right") - 1
        last = np.searchsorted(bounds, top, side="left") - 1
        return bounds, first, last, int((last - first + 1).sum())

    every = 1
    while True:
        found = cut(np.union1d(levels[::every], levels[[0, -1]]))
        if found[3] <= budget or len(found[0]) <= 2:
            break
        every *= 2
    even = _MAX_EVEN_BANDS
    while even > 1:
        finer = cut(np.union1d(found[0], np.linspace(levels[0], levels[-1], even + 1)))
        if finer[3] <= budget:
            return finer[:3]
        even //= 2
    return found[:3]


def _ranges(
    edges: _Edges, edge: np.ndarray, band: np.ndarray, bounds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the left and right ends of each through entry's x-range, margins included."""
    low = np.empty(len(edge))
    high = np.empty(len(edge))
    for start in range(0, len(edge), _BUILD_CHUNK):
        part = slice(start, start + _BUILD_CHUNK)
        e, k = edge[part], band[part]
        ax, ay, slope = edges.ax[e], edges.ay[e], edges.slope[e]
        at0 = ax + (bounds[k] - ay) * slope
        at1 = ax + (bounds[k + 1] - ay) * slope
        # The formula rounds by a few ulps of |ax| and of the crossing; 2**-40 of their sum is
        # a margin thousands of times larger, so no range misses its crossings.
        margin = (np.abs(ax) + np.abs(at0) + np.abs(at1)) * 2.0**-40
        keyed = k * _SPAN
        low[part] = keyed + _unit(np.minimum(at0, at1) - margin, edges) - _KEY_SLACK
        high[part] = keyed + _unit(np.maximum(at0, at1) + margin, edges) + _KEY_SLACK
    return low, high


def _cell_tables(
    low: np.ndarray, reach: np.ndarray, bands: int, columns: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each cell, the first entry not wholly left of it and the first wholly right of it."""
    steps = np.arange(columns + 1) / columns + 1.0
    first = np.empty(bands * columns, np.int32)
    past = np.empty(bands * columns, np.int32)
    rows_at_once = max(1, _BUILD_CHUNK // columns)
    for k in range(0, bands, rows_at_once):
        rows = np.arange(k, min(bands, k + rows_at_once))
        keys = rows[:, None] * _SPAN + steps[None, :]
        cells = slice(k * columns, (k + len(rows)) * columns)
        first[cells] = np.searchsorted(reach, (keys[:, :-1] - _COLUMN_SLACK).ravel(), "left")
        past[cells] = np.searchsorted(low, (keys[:, 1:] + _COLUMN_SLACK).ravel(), "right")
    return first, past


def _band_lookup(bounds: np.ndarray) -> np.ndarray:
    """Guess the band of each of some even steps of height, for a point to correct."""
    steps = np.linspace(bounds[0], bounds[-1], _lookup_size(bounds) + 1)[:-1]
    return (np.searchsorted(bounds, steps, side="right") - 1).astype(np.int32)


def _lookup_size(bounds: np.ndarray) -> int:
    """Size the band lookup: a few steps a band, so that few points need a search."""
    return int(min(_MAX_LOOKUP, max(_LOOKUP, 4 * len(bounds))))


def _unit(x: np.ndarray, edges: _Edges) -> np.ndarray:
    """Measure ``x`` in polygon widths, from 1 at its left side, clipped to [0, 3]."""
    u = x - edges.x0
    u *= edges.inverse_width
    u += 1.0
    return np.clip(u, 0.0, 3.0, out=u)


def inside(index: EdgeIndex, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Even-odd test of points against the indexed polygon, equal to testing every edge.

    Parameters
    ----------
    index : EdgeIndex
        From :func:`build_index`.
    px, py : numpy.ndarray
        Point coordinates (compared in float64).

    Returns
    -------
    numpy.ndarray of bool
        Whether each point is inside.
    """
    out = np.zeros(len(px), bool)
    for start in range(0, len(px), _POINT_CHUNK):
        part = slice(start, start + _POINT_CHUNK)
        xs, ys = np.asarray(px[part], np.float64), np.asarray(py[part], np.float64)
        out[part] = _crossings(index.edges, index.top, xs, ys) & 1
    return out


def _band_of(level: _Level, py: np.ndarray) -> np.ndarray:
    """Each height's band, ``bounds[band] <= py < bounds[band + 1]`` exactly; -1 outside them."""
    bounds = level.bounds
    bands = len(bounds) - 1
    steps = len(level.lookup)
    step = (py - bounds[0]) * (steps / (bounds[-1] - bounds[0]))
    np.clip(step, 0, steps - 1, out=step)
    band = level.lookup[step.astype(np.intp)].astype(np.intp)
    # the guess is right but where rounding or a bound within the step moved it: those few
    # points are searched for
    wrong = (py < bounds[band]) & (band > 0)
    wrong |= (py >= bounds[band + 1]) & (band < bands - 1)
    moved = np.flatnonzero(wrong)
    band[moved] = np.clip(np.searchsorted(bounds, py[moved], side="right") - 1, 0, bands - 1)
    band[(py < bounds[0]) | (py >= bounds[-1])] = -1
    return band


def _crossings(edges: _Edges, level: _Level, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """How many of the level's pieces each point's ray crosses."""
    counts = np.zeros(len(px), np.int64)
    band = _band_of(level, py)
    # below the lowest end or at or above the highest, no piece is level with the point
    on = np.flatnonzero(band >= 0)
    if len(on) == 0:
        return counts
    px, py, band = px[on], py[on], band[on]
    unit = _unit(px, edges)
    unit -= 1.0
    unit *= level.columns
    np.clip(unit, 0, level.columns - 1, out=unit)
    cell = band * level.columns
    cell += unit.astype(np.intp)
    del unit
    past = level.past[cell].astype(np.int64)
    # through entries wholly right of the point's column are crossed, untested
    found = level.through_end[band] - past
    found += _tested(edges, level.through_edge, None, None, level.first[cell], past, px, py)
    del cell, past
    if level.below is not None:
        found += _crossings(edges, level.below, px, py)
    elif len(level.piece_edge):
        begin, end = level.piece_start[band], level.piece_start[band + 1]
        found += _tested(
            edges, level.piece_edge, level.piece_bottom, level.piece_top, begin, end, px, py
        )
    counts[on] = found
    return counts


def _tested(
    edges: _Edges,
    entry_edge: np.ndarray,
    entry_bottom: np.ndarray | None,
    entry_top: np.ndarray | None,
    begin: np.ndarray,
    end: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
) -> np.ndarray:
    """Crossings of each point's ray with entries ``[begin, end)``, each tested exactly.

    Without ``entry_bottom`` and ``entry_top`` the entries are known to be level with their
    points (through entries), so only the side is tested.
    """
    counts = np.zeros(len(px), np.int64)
    # Round j tests each point's j-th entry: no pair arrays, and most points have one or two.
    active = np.flatnonzero(end > begin)
    for j in range(_ROUNDS):
        if len(active) == 0:
            return counts
        slot = begin[active] + j
        counts[active] += _crosses(
            edges, entry_edge, entry_bottom, entry_top, slot, px[active], py[active]
        )
        active = active[end[active] > slot + 1]
    # the few points with more: all their remaining pairs at once, _PAIR_CHUNK at a time
    rest = begin[active] + _ROUNDS
    lengths = end[active] - rest
    ends = np.cumsum(lengths)
    first = 0
    while first < len(active):
        done = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, done + _PAIR_CHUNK, side="right")), first + 1)
        size = lengths[first:last]
        point = np.repeat(np.arange(first, last), size)
        slot = np.arange(int(ends[last - 1]) - done, dtype=np.int64)
        slot -= np.repeat(np.cumsum(size) - size, size)
        slot += np.repeat(rest[first:last], size)
        who = active[point]
        hit = _crosses(edges, entry_edge, entry_bottom, entry_top, slot, px[who], py[who])
        counts[active] += np.bincount(point, weights=hit, minlength=len(active)).astype(np.int64)
        first = last
    return counts


def _crosses(
    edges: _Edges,
    entry_edge: np.ndarray,
    entry_bottom: np.ndarray | None,
    entry_top: np.ndarray | None,
    slot: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
) -> np.ndarray:
    """Test each (entry, point) pair with the crossing formula of the entry's edge.

    For a whole edge, ``bottom <= py < top`` is ``(py < a.y) != (py < b.y)``; a piece cut to a
    band keeps the part of that span within the band, so the test is the edge's own.
    """
    edge = entry_edge[slot]
    ay = edges.ay[edge]
    crossing = py - ay
    crossing *= edges.slope[edge]
    crossing += edges.ax[edge]
    hit = px < crossing
    if entry_bottom is not None and entry_top is not None:
        hit &= entry_bottom[slot] <= py
        hit &= py < entry_top[slot]
    return hit
