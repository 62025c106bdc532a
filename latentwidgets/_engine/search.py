"""Search: the points whose value in some column contains a piece of text, ignoring case."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .column_index import ColumnIndex

#: Longest query searched, in characters.
MAX_QUERY_CHARS = 1000


def check_query(query: object) -> str:
    """``query`` as a str, checked.

    Raises
    ------
    TypeError
        If ``query`` is not a str.
    ValueError
        If it is longer than :data:`MAX_QUERY_CHARS`.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, e.g. 'seven'; got {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(
            f"query must be at most {MAX_QUERY_CHARS} characters; got {len(query)}: shorten it"
        )
    return query


def search_mask(index: ColumnIndex, query: str, columns: Sequence[str]) -> np.ndarray:
    """Which points hold ``query`` (plain text, any case) in any of ``columns``: a bool mask.

    Only each column's distinct values are searched; the hits reach the points through the
    column's codes.
    """
    needle = check_query(query).lower()
    n = len(index.column(columns[0])) if columns else 0
    mask = np.zeros(n, bool)
    for name in columns:
        if not index.might_hold(name, needle):
            continue
        factors = index.factors(name)
        hit = np.char.find(factors.lowered, needle) >= 0
        if hit.all():
            return np.ones(n, bool)
        if hit.any():
            mask |= hit[factors.codes]
    return mask


def matched_column(index: ColumnIndex, point: int, query: str, columns: Sequence[str]) -> str:
    """Return the first of ``columns`` whose value at ``point`` holds ``query`` ("" for none)."""
    needle = query.lower()
    for name in columns:
        factors = index.factors(name)
        if needle in str(factors.lowered[factors.codes[point]]):
            return name
    return ""
