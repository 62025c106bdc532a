"""What search and filter read of the per-point columns, computed once per column and kept.

A column of N values usually holds far fewer distinct ones (labels, categories, small integers),
so each column is factorised once: its distinct values, their text in lower case, and one code
per point. A search then looks at the distinct texts only and maps the hits back through the
codes; a filter compares category names the same way. The entries follow the columns' mapping:
a column replaced by a new array is factorised again on its next use.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: numpy dtype kinds of the columns of numbers (bools included).
NUMERIC_KINDS = "biuf"
#: Every character numpy writes numbers and bools with (``-1.5e-07``, ``nan``, ``True``).
NUMBER_CHARACTERS = frozenset("0123456789.-+e") | frozenset("naninfinitytruefalse")


@dataclass(frozen=True)
class Factors:
    """A column as its distinct values and one code per point.

    Attributes
    ----------
    names : numpy.ndarray of str
        The distinct values as text (``str(value)``), in no particular order.
    lowered : numpy.ndarray of str
        ``names`` in lower case, a fixed-width unicode array for vectorised substring search.
    codes : numpy.ndarray of int32
        ``names[codes[i]]`` is point ``i``'s value.
    numeric : bool
        Whether the column holds numbers (or bools) rather than categories.
    alphabet : frozenset of str
        Every character of ``lowered``: a query with another character matches no point, and
        is answered without a search (``"seven"`` in a column of numbers).
    """

    names: np.ndarray
    lowered: np.ndarray
    codes: np.ndarray
    numeric: bool
    alphabet: frozenset[str]


class ColumnIndex:
    """Factors and category codes of the columns, computed on first use and kept.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        The columns by name, held by reference: a column added or replaced there later is seen.
    orders : mapping of str to list of str
        The legend order of the columns that have one (by reference too).
    """

    def __init__(self, columns: Mapping[str, np.ndarray], orders: Mapping[str, list[str]]) -> None:
        self._columns = columns
        self._orders = orders
        self._factors: dict[str, tuple[np.ndarray, Factors]] = {}
        self._category_codes: dict[str, tuple[np.ndarray, tuple[str, ...], np.ndarray]] = {}

    @property
    def names(self) -> list[str]:
        """The columns' names, in their order."""
        return list(self._columns)

    def column(self, name: str) -> np.ndarray:
        """Return the values of column ``name``."""
        return self._columns[name]

    def check_names(self, names: str | Sequence[str] | None, argument: str) -> list[str]:
        """``names`` (None: every column) as a list of known column names.

        Raises
        ------
        TypeError
            If ``names`` is neither None, a str, nor a sequence of str.
        ValueError
            If a name is not a column.
        """
        if names is None:
            return self.names
        listed = [names] if isinstance(names, str) else names
        if not isinstance(listed, Sequence) or not all(isinstance(n, str) for n in listed):
            raise TypeError(
                f"{argument} must be a column name or a list of them, e.g. ['label']; got "
                f"{names!r:.80}"
            )
        unknown = [n for n in listed if n not in self._columns]
        if unknown:
            raise ValueError(
                f"{argument} names {unknown}, which are not columns; the columns are {self.names}"
            )
        return list(listed)

    def numeric(self, name: str) -> bool:
        """Whether column ``name`` holds numbers (or bools), compared as numbers."""
        return np.asarray(self._columns[name]).dtype.kind in NUMERIC_KINDS

    def might_hold(self, name: str, needle: str) -> bool:
        """Tell whether some value of column ``name`` may contain ``needle`` (lower case).

        False where ``needle`` has a character no value's text has. A column of numbers is not
        factorised to tell.
        """
        kept = self._factors.get(name)
        if kept is not None and kept[0] is self._columns[name]:
            return set(needle) <= kept[1].alphabet
        return not self.numeric(name) or set(needle) <= NUMBER_CHARACTERS

    def factors(self, name: str) -> Factors:
        """Return column ``name`` factorised (kept until the column is replaced)."""
        values = self._columns[name]
        kept = self._factors.get(name)
        if kept is not None and kept[0] is values:
            return kept[1]
        made = factorize(values)
        self._factors[name] = (values, made)
        return made

    def category_codes(self, name: str) -> np.ndarray:
        """Return each point's category code: its name's place in the legend order.

        Sorted names stand in for a column without an order. A dataset's integer labels with
        ``label_names`` get their own numbers back.
        """
        factors = self.factors(name)
        order = tuple(self._orders.get(name) or sorted(set(factors.names.tolist())))
        kept = self._category_codes.get(name)
        if kept is not None and kept[0] is factors.codes and kept[1] == order:
            return kept[2]
        place = {category: k for k, category in enumerate(order)}
        # a name missing from the order (none should be) gets a code no number equals
        remap = np.array([place.get(n, -1) for n in factors.names.tolist()], np.int64)
        codes = remap[factors.codes] if len(remap) else np.zeros(0, np.int64)
        self._category_codes[name] = (factors.codes, order, codes)
        return codes


def factorize(values: np.ndarray) -> Factors:
    """Distinct values of a column, as text, and each point's code.

    Numbers are factorised with ``numpy.unique`` and written as numpy writes them (``7``,
    ``0.25``, ``nan``); other values (strings, objects) by a dict in one pass, as ``str(value)``.
    """
    array = np.asarray(values)
    if array.dtype.kind in NUMERIC_KINDS:
        distinct, inverse = np.unique(array, return_inverse=True)
        names = distinct.astype(str)
        return _factors(names, inverse.reshape(-1), numeric=True)
    encoded = _arrow_factors(array)
    if encoded is not None:
        return _factors(*encoded, numeric=False)
    seen: dict[object, int] = {}
    items = array.tolist()
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in items), np.int64, len(items))
    names = np.array([str(v) for v in seen], dtype=str) if seen else np.zeros(0, "<U1")
    return _factors(names, codes, numeric=False)


def _arrow_factors(array: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Return distinct strings and codes by pyarrow's dictionary encoding, if it is installed.

    Six times faster than a dict over a million strings; None for anything but plain strings.
    """
    try:
        pa = importlib.import_module("pyarrow")
    except ImportError:
        return None
    try:
        encoded = pa.array(array, type=pa.string()).dictionary_encode()
    except (pa.ArrowException, TypeError, ValueError):
        return None  # not all strings (None, numbers, objects): the dict path writes str(v)
    if encoded.null_count:
        return None
    names = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=str)
    if not len(names):
        names = np.zeros(0, "<U1")
    return names, np.asarray(encoded.indices.to_numpy(), np.int64)


def _factors(names: np.ndarray, codes: np.ndarray, *, numeric: bool) -> Factors:
    narrow = np.int32 if len(names) < 2**31 else np.int64
    lowered = np.char.lower(names)
    alphabet = frozenset("".join(lowered.tolist()))
    return Factors(names, lowered, codes.astype(narrow), numeric, alphabet)
