"""Points against a polygon's coverage grid: a look-up colours most, the rest test a few edges.

The grid is :mod:`latentwidgets._engine.coverage`'s. A point in a covered cell tests the entries
(edges and vertex heights) of its cell's two ranges, narrow and wide; its parity is its cell's base
parity flipped by each entry it crosses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .coverage import Coverage

#: Entries a point tests one round at a time, before the rest go in (point, entry) pairs.
_ROUNDS = 4
#: (point, entry) pairs tested at once.
_TEST_CHUNK = 1 << 16


def classify(
    grid: Coverage, px: np.ndarray, py: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """States, cells and columns of float32 points within ``grid.box``."""
    column = px - grid.x0
    column *= grid.sx
    np.clip(column, 0, grid.columns - 1, out=column)
    row = py - grid.y0
    row *= grid.sy
    np.clip(row, 0, grid.rows - 1, out=row)
    cell = row.astype(np.int32)
    cell *= grid.columns
    columns = column.astype(np.int32)
    cell += columns
    return grid.state[cell], cell, columns


@dataclass(frozen=True)
class Tests:
    """The entries points in covered cells test: a range of each table, narrow and wide."""

    cell: np.ndarray  # intp: the points' cells
    begin: tuple[np.ndarray, ...]  # intp, per table: each point's first entry
    count: tuple[np.ndarray, ...]  # int32 or more, per table: how many from there

    @property
    def total(self) -> int:
        """How many (point, entry) tests :func:`tested_inside` makes."""
        return sum(int(count.sum(dtype=np.int64)) for count in self.count)


def entry_tests(grid: Coverage, cell: np.ndarray) -> Tests:
    """Find the entries that points in covered cells ``cell`` (from :func:`classify`) test."""
    cell = cell.astype(np.intp)  # intp indices gather about twice as fast as int32 ones
    begins, counts = [], []
    for first, past in zip(grid.first, grid.past, strict=True):
        begin = first[cell].astype(np.intp)
        begins.append(begin)
        counts.append(np.maximum(past[cell] - begin, 0))
    return Tests(cell, tuple(begins), tuple(counts))


def tested_inside(
    grid: Coverage, tests: Tests, column: np.ndarray, px: np.ndarray, py: np.ndarray
) -> np.ndarray:
    """Even-odd test of points in covered cells: their base parity and their entries.

    Parameters
    ----------
    grid : Coverage
    tests : Tests
        The points' entries, from :func:`entry_tests`.
    column : numpy.ndarray of int32
        The points' columns, from :func:`classify`.
    px, py : numpy.ndarray of float64
        The points.

    Returns
    -------
    numpy.ndarray of bool
        Whether each point is inside.
    """
    inside = (grid.state[tests.cell] & 1).astype(bool)
    for begin, count in zip(tests.begin, tests.count, strict=True):
        inside ^= _crossed(grid, begin, count, column, px, py)
    return inside


def _crossed(
    grid: Coverage,
    begin: np.ndarray,
    count: np.ndarray,
    column: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
) -> np.ndarray:
    """Parity of the hits of each point's entries ``begin:begin + count``.

    The first ``_ROUNDS`` entries go one round each over the points that have them; the rest
    are laid out as (point, entry) pairs, ``_TEST_CHUNK`` at a time: repeating a point's values
    then costs less than gathering them again round after round.
    """
    odd = np.zeros(len(px), bool)
    active = np.flatnonzero(count)
    # round j tests each point's j-th entry: most covered cells hold one or two
    for j in range(_ROUNDS):
        if len(active) == 0:
            return odd
        odd[active] ^= _hits(grid, begin[active] + j, column[active], px[active], py[active])
        active = active[count[active] > j + 1]
    lengths = count[active] - _ROUNDS
    ends = np.cumsum(lengths)
    first = 0
    while first < len(active):
        done = int(ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(ends, done + _TEST_CHUNK, side="right")), first + 1)
        size = lengths[first:last]
        starts = np.cumsum(size) - size
        who = active[first:last]
        slot = np.repeat(begin[who] + _ROUNDS - starts, size)
        slot += np.arange(len(slot))
        hit = _hits(
            grid, slot, np.repeat(column[who], size), np.repeat(px[who], size),
            np.repeat(py[who], size),
        )  # fmt: skip
        odd[who] ^= np.bitwise_xor.reduceat(hit.view(np.uint8), starts).astype(bool)
        first = last
    return odd


def _hits(
    grid: Coverage, slot: np.ndarray, column: np.ndarray, px: np.ndarray, py: np.ndarray
) -> np.ndarray:
    """Whether each point's ray crosses the edge of entry ``slot`` (an event: its test)."""
    edge = grid.entry[slot].astype(np.intp)
    crossing = py - grid.ay[edge]
    crossing *= grid.slope[edge]
    crossing += grid.ax[edge]
    hit = px < crossing
    hit &= grid.low[edge] <= py
    hit &= py < grid.high[edge]
    hit &= column <= grid.entry_last[slot]
    return hit
