"""A polygon's even-odd interior on a grid, so that each point tests only the edges near it.

A horizontal ray from ``(px, py)`` to ``+x`` crosses edge ``e`` when ``low <= py < high`` (its
heights) and ``px < X = a.x + (py - a.y) * ((b.x - a.x) / (b.y - a.y))``; a point is inside when
it crosses an odd number of edges (horizontal edges are never crossed). The grid sorts out, for
each cell, which edges its points need to test, with the same answer bit for bit:

* A point's row is ``floor((py - y0) * sy)`` in float32; rounding moves it by far less than the
  *slack* by which each row is widened, so every point of a row lies in the widened row.
* Each edge that reaches a widened row is a *pair* (edge, row) with the columns its stretch in
  the row covers, widened by the formula's rounding and the slack of a point's column. For a
  point of a cell left of all those columns, ``X > px`` surely: the edge counts as
  ``[low <= py] xor [high <= py]``. Right of them, it never counts. Only the pairs covering the
  point's cell are tested.
* Of ``[low <= py] xor [high <= py]``, an end outside the widened row is the same for all its
  points: those constants, summed over the pairs right of each cell, give the cell's base
  parity. An end inside the row is a vertex; the two sloped edges meeting there (through any
  horizontal edges between) both test ``[vy <= py]``, which cancels when both are right of the
  cell. It counts only for the columns right of one and not of the other: an *event*, tested
  like a pair by the cells it covers.

A cell no pair or event covers (most cells) has one colour. Building costs a pass over the pairs,
``E + sum |dy| * rows / height``; the grid's shape follows the edges' runs in x and y.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

#: Most cells of the grid (a byte and four int32 each).
MAX_CELLS = 1 << 19
#: Most (edge, row) pairs a grid is built from: fewer rows when the edges run far in y.
MAX_PAIRS = 3 << 18
#: Most columns; the rounding of a point's column in float32 grows with them.
_MAX_COLUMNS = 1 << 18
#: (edge, row) pairs computed at once while building.
_PAIR_CHUNK = 1 << 16
#: Entries covering at least this many columns are wide.
_NARROW = 8
#: A cell's state: bit 0 its base parity, bit 1 set when its points have entries to test.
TESTED = 2


@dataclass(frozen=True)
class Coverage:
    """The grid: a point in column ``floor((px - x0) * sx)``, row ``floor((py - y0) * sy)``.

    ``x0, sx, y0, sy`` are float32, as the points are. The ``box`` of float32 bounds holds every
    point that may be inside. Entries (pairs and events) are sorted by row, then first column;
    a point of cell ``k`` tests entries ``first[k]:past[k]`` that reach its column.
    """

    x0: np.float32
    sx: np.float32
    y0: np.float32
    sy: np.float32
    rows: int
    columns: int
    box: tuple[np.float32, np.float32, np.float32, np.float32]  # x low, x high, y low, y high
    state: np.ndarray  # uint8, (rows * columns,)
    first: np.ndarray  # int32, (2, rows * columns): narrow entries, wide entries
    past: np.ndarray  # int32, (2, rows * columns)
    entry: np.ndarray  # int32: the tested edge of each entry (events: ax inf, slope 0)
    entry_last: np.ndarray  # int32: the last column each entry covers
    ax: np.ndarray  # float64, per tested edge, as the crossing formula reads them
    ay: np.ndarray
    slope: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _float32_at_most(value: float) -> np.float32:
    f = np.float32(value)
    return np.nextafter(f, np.float32(-np.inf)) if float(f) > value else f


def _float32_at_least(value: float) -> np.float32:
    return -_float32_at_most(-value)


@dataclass(frozen=True)
class _Grid:
    """The grid's float64 geometry, and the widening of rows and columns."""

    x0: float
    sx: float
    y0: float
    sy: float
    rows: int
    columns: int
    slack_x: float  # in columns
    slack_y: float  # in rows
    margin_x: float  # in map units: the crossing formula's rounding, many times over
    margin_y: float

    def row_bottom(self, row: np.ndarray) -> np.ndarray:
        """Return the lowest height a point of ``row`` may have."""
        return self.y0 + (row - self.slack_y) / self.sy - self.margin_y

    def row_top(self, row: np.ndarray) -> np.ndarray:
        """Return the highest height a point of ``row`` may have."""
        return self.y0 + (row + 1 + self.slack_y) / self.sy + self.margin_y

    def rows_of(self, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First and last rows whose widened range may meet ``[low, high]`` (a few more)."""
        first = np.floor((low - self.margin_y - self.y0) * self.sy - 2 * self.slack_y - 1e-9)
        last = np.floor((high + self.margin_y - self.y0) * self.sy + 2 * self.slack_y + 1e-9)
        first = np.clip(first, 0, self.rows - 1).astype(np.int64)
        return first, np.clip(last, 0, self.rows - 1).astype(np.int64)

    def columns_of(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First and last columns whose widened range meets ``[left, right]`` widened."""
        first = np.floor((left - 2 * self.margin_x - self.x0) * self.sx - self.slack_x)
        last = np.floor((right + 2 * self.margin_x - self.x0) * self.sx + self.slack_x)
        first = np.clip(first, 0, self.columns - 1).astype(np.int64)
        return first, np.clip(last, 0, self.columns - 1).astype(np.int64)


def _shape(vertices: np.ndarray, width: float, height: float) -> tuple[int, int]:
    """Choose rows and columns, within the cell and pair budgets.

    Covered cells are fewest when ``rows / columns`` is ``(sum |dx| * height) / (sum |dy| *
    width)``.
    """
    steps = np.abs(np.diff(vertices, axis=0, append=vertices[:1]))
    run_x, run_y = float(steps[:, 0].sum()), float(steps[:, 1].sum())
    rows = np.sqrt(MAX_CELLS * (run_x * height) / (run_y * width))
    # each edge adds a pair per row it spans and a few more at its ends
    pairs_room = max(MAX_PAIRS - 4 * len(vertices), MAX_PAIRS // 4)
    rows = int(max(1, min(rows, pairs_room * height / run_y, MAX_CELLS)))
    columns = int(min(_MAX_COLUMNS, max(1, MAX_CELLS // rows)))
    return rows, columns


def _axis(low: float, high: float, cells: int) -> tuple[np.float32, np.float32, float]:
    """Return a float32 origin at or below ``low``, and a scale taking ``cells`` past ``high``."""
    origin = _float32_at_most(low)
    scale = _float32_at_most(cells / (high - float(origin)))
    return origin, scale, float(origin) + cells / float(scale)


def build_coverage(vertices: np.ndarray) -> Coverage:
    """Grid a polygon's even-odd interior over its bounding box.

    Parameters
    ----------
    vertices : numpy.ndarray
        ``(V, 2)`` finite float64 vertices, ``V >= 3``, with a bounding box of positive width and
        height; the last joins the first.

    Returns
    -------
    Coverage
        For :func:`~latentwidgets._engine.crossings.classify` and
        :func:`~latentwidgets._engine.crossings.tested_inside`.
    """
    following = np.roll(vertices, -1, axis=0)
    sloped = np.flatnonzero(vertices[:, 1] != following[:, 1])
    ax, ay = vertices[sloped, 0], vertices[sloped, 1]
    bx, by = following[sloped, 0], following[sloped, 1]
    slope = (bx - ax) / (by - ay)
    low, high = np.minimum(ay, by), np.maximum(ay, by)
    (xlo, ylo), (xhi, yhi) = vertices.min(axis=0), vertices.max(axis=0)
    rows, columns = _shape(vertices, xhi - xlo, yhi - ylo)
    # The formula rounds by a few ulps of |a.x| and |b.x - a.x|; 2**-36 of the span is far more.
    margin_x = (max(abs(xlo), abs(xhi)) + (xhi - xlo)) * 2.0**-36
    margin_y = (max(abs(ylo), abs(yhi)) + (yhi - ylo)) * 2.0**-36
    x0, sx, x_end = _axis(xlo - 4 * margin_x, xhi + 4 * margin_x, columns)
    y0, sy, _ = _axis(ylo - 4 * margin_y, yhi + 4 * margin_y, rows)
    # A float32 point's column differs from exact arithmetic's by under 2**-23 a column.
    grid = _Grid(
        float(x0), float(sx), float(y0), float(sy), rows, columns,
        2.0**-21 * columns + 2.0**-20, 2.0**-21 * rows + 2.0**-20, margin_x, margin_y,
    )  # fmt: skip
    height, e_row, e_first, e_last = _events(
        grid, vertices, following, sloped, ax, ay, slope, low, high
    )
    pairs = int(np.sum(np.subtract(*grid.rows_of(low, high)[::-1]) + 1))
    # filled in place: each entry's first cell (row * columns + column), edge and last column
    key = np.empty(pairs + len(height), np.int32)
    entry = np.empty(len(key), np.int32)
    entry_last = np.empty(len(key), np.int32)
    constants: list[np.ndarray] = []  # first cells of the pairs with a constant 1
    done = 0
    for edge, row in _pairs(grid, low, high):
        first, last = _stretch(grid, ax, ay, slope, low, high, edge, row)
        bottom = grid.row_bottom(row)
        here = slice(done, done + len(edge))
        key[here] = row * columns + first
        entry[here], entry_last[here] = edge, last
        constants.append(key[here][(low[edge] < bottom) != (high[edge] < bottom)])
        done += len(edge)
    key[done:] = e_row * columns + e_first
    entry[done:], entry_last[done:] = len(ax) + np.arange(len(height)), e_last
    state = _states(key, entry_last, np.concatenate(constants), rows, columns)
    del constants
    # A wide entry would make every cell after it in its row start its tests there: wide and
    # narrow ones get a table each.
    wide = (entry_last - key % columns) >= _NARROW
    first_entry = np.empty((2, rows * columns), np.int32)
    past_entry = np.empty((2, rows * columns), np.int32)
    orders = []
    offset = 0
    for k, part in enumerate((np.flatnonzero(~wide), np.flatnonzero(wide))):
        order = part[np.argsort(key[part], kind="stable")]
        del part
        _tables(key[order], entry_last[order], columns, first_entry[k], past_entry[k])
        first_entry[k] += offset
        past_entry[k] += offset
        orders.append(order)
        offset += len(order)
    del key, wide
    order = np.concatenate(orders)
    entry, entry_last = entry[order], entry_last[order]
    del order, orders  # events test [height <= py]: an edge with X = +inf spanning [height, +inf)
    never = np.zeros(len(height))
    inf = np.full(len(height), np.inf)
    box = (x0, _float32_at_most(x_end), _float32_at_least(ylo), _float32_at_most(yhi))
    return Coverage(
        x0, sx, y0, sy, rows, columns, box, state, first_entry, past_entry, entry, entry_last,
        np.concatenate([ax, inf]), np.concatenate([ay, never]),
        np.concatenate([slope, never]), np.concatenate([low, height]),
        np.concatenate([high, inf]),
    )  # fmt: skip


def _pairs(
    grid: _Grid, low: np.ndarray, high: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each edge with each row it may reach, ``_PAIR_CHUNK`` pairs at a time."""
    first, last = grid.rows_of(low, high)
    spans = last - first + 1
    ends = np.cumsum(spans)
    start = 0
    while start < len(spans):
        done = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, done + _PAIR_CHUNK, side="right")), start + 1)
        size = spans[start:stop]
        edge = np.repeat(np.arange(start, stop), size)
        row = np.arange(int(ends[stop - 1]) - done, dtype=np.int64)
        row -= np.repeat(np.cumsum(size) - size, size)
        row += np.repeat(first[start:stop], size)
        yield edge, row
        start = stop


def _stretch(
    grid: _Grid,
    ax: np.ndarray,
    ay: np.ndarray,
    slope: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    edge: np.ndarray,
    row: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """First and last columns an edge's stretch within a widened row covers."""
    e_low, e_high, e_ax, e_ay, e_slope = low[edge], high[edge], ax[edge], ay[edge], slope[edge]
    at_bottom = e_ax + (np.clip(grid.row_bottom(row), e_low, e_high) - e_ay) * e_slope
    at_top = e_ax + (np.clip(grid.row_top(row), e_low, e_high) - e_ay) * e_slope
    return grid.columns_of(np.minimum(at_bottom, at_top), np.maximum(at_bottom, at_top))


def _events(
    grid: _Grid,
    vertices: np.ndarray,
    following: np.ndarray,
    sloped: np.ndarray,
    ax: np.ndarray,
    ay: np.ndarray,
    slope: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Heights, rows and columns where a vertex's ``[vy <= py]`` does not cancel.

    Sloped edge ``k`` ends where sloped edge ``k + 1`` starts (after any horizontal edges). At
    that height, in a row whose widened range holds it, the two test ``[vy <= py]`` alike for
    the cells left of both; the columns left of one only get the test.
    """
    into = np.arange(len(sloped))
    out = np.roll(into, -1)
    height = following[sloped, 1]
    first, last = grid.rows_of(height, height)
    size = last - first + 1
    which = np.repeat(into, size)
    row = np.arange(int(size.sum()), dtype=np.int64)
    row -= np.repeat(np.cumsum(size) - size, size)
    row += np.repeat(first, size)
    height = height[which]
    inside = (grid.row_bottom(row) <= height) & (height <= grid.row_top(row))
    which, row, height = which[inside], row[inside], height[inside]
    start_in, _ = _stretch(grid, ax, ay, slope, low, high, into[which], row)
    start_out, _ = _stretch(grid, ax, ay, slope, low, high, out[which], row)
    differ = start_in != start_out
    lo = np.minimum(start_in, start_out)[differ]
    hi = np.maximum(start_in, start_out)[differ] - 1
    return height[differ], row[differ], lo, hi


def _states(
    key: np.ndarray, entry_last: np.ndarray, constants: np.ndarray, rows: int, columns: int
) -> np.ndarray:
    """Each cell's base parity (bit 0), and bit 1 where entries cover it.

    ``key`` and ``entry_last`` are the entries' first cells and last columns, ``constants`` the
    first cells of the pairs whose constant is 1: they count for every column left of them.
    """
    width = columns + 1
    size = rows * width
    row = key // columns
    start = key + row  # in rows of columns + 1 cells, the last one past the row's end
    covered = np.bincount(start, minlength=size)
    start += entry_last - (key - row * columns) + 1
    del row
    covered -= np.bincount(start, minlength=size)
    del start
    covered = covered.reshape(rows, width)
    np.cumsum(covered, axis=1, out=covered)
    state: np.ndarray = (covered[:, :columns] > 0).astype(np.uint8)
    del covered
    state <<= 1
    flips = np.bincount(constants + constants // columns, minlength=size).astype(np.uint8)
    suffix = np.cumsum(flips.reshape(rows, width)[:, ::-1], axis=1, dtype=np.uint8)
    state |= (suffix[:, ::-1][:, 1:] & 1).astype(np.uint8)
    return state.ravel()


def _tables(
    key: np.ndarray, entry_last: np.ndarray, columns: int, first: np.ndarray, past: np.ndarray
) -> None:
    """Fill, for each cell, the first entry of its row reaching its column and the first past it.

    ``key`` (sorted) and ``entry_last`` are the entries' first cells and last columns.
    """
    cells = len(first)
    np.cumsum(np.bincount(key, minlength=cells), out=past)
    # a row's keys all exceed those of the rows below, so one running maximum serves them all
    reach = (key // columns) * columns + entry_last
    np.maximum.accumulate(reach, out=reach)
    # the entries whose reach is below a cell come before its first
    first[0] = 0
    np.cumsum(np.bincount(reach, minlength=cells)[:-1], out=first[1:])
