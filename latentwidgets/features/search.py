"""Search: the points whose value in any column contains a piece of text, ignoring case.

``explorer.search("seven")`` returns their indices. The widget's search box writes
``search_query``; the matches are ringed on the map and the first of them listed (a click on one
pins it and frames it). The work is in ``_engine/search.py`` over the core's column index, which
looks at each column's distinct values only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import traitlets

from .._engine.search import MAX_QUERY_CHARS, check_query, matched_column, search_mask
from .._widget.core import COLUMN_ADDED, LAYOUT_CHANGED, ExplorerCore
from .._widget.feature import Feature, synced
from .._widget.serialization import array_trait

#: Matches listed under the search box.
MAX_LISTED = 20
#: Matches ringed on the map (the first by index); ``data-search-count`` still counts them all.
MAX_RINGED = 2000


class SearchFeature(Feature):
    """``search``, and the widget's search box: its query, matches, list and rings."""

    search_query = synced(
        traitlets.Unicode(
            "",
            help="The search box's text: points whose value in any column contains it (any "
            "case) are ringed on the map and listed. '' for none.",
        ),
        "search",
        browser=True,
    )
    _search_count = synced(traitlets.Int(0), "search")
    _search_list = synced(
        traitlets.List(traitlets.List(), help="[index, column, value] of the first matches"),
        "search",
        ts="[number, string, string][]",
    )
    _search_places = array_trait(
        help=f"(K, 2) float32 map coordinates of the first K <= {MAX_RINGED} matches, ringed",
        parts=("search",),
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._search_hits = np.zeros(0, np.int64)
        self.observe(self._on_search_query, "search_query")
        core.events.on(LAYOUT_CHANGED, self._on_search_layout)
        core.events.on(COLUMN_ADDED, self._on_search_column)

    def search(self, query: str, columns: str | Sequence[str] | None = None) -> np.ndarray:
        """Indices of the points whose value in any of ``columns`` contains ``query``.

        The match ignores case; numbers are searched as their text (``7``, ``0.25``), and the
        query is plain text, never a pattern. ``""`` matches every point.

        Parameters
        ----------
        query : str
            Text to look for, at most 1000 characters.
        columns : str or sequence of str, optional
            Columns to search (``explorer.metadata``'s names); default: every column.

        Returns
        -------
        numpy.ndarray of int64
            The matching indices, ascending.

        Raises
        ------
        TypeError
            If ``query`` is not a str, or ``columns`` not a name or a list of names.
        ValueError
            If ``query`` is too long or ``columns`` names a column there is not.

        Examples
        --------
        >>> explorer.search("seven", columns="label")  # doctest: +SKIP
        array([   7,   17, ...])
        """
        self._core.check_open()
        index = self._core.column_index
        names = index.check_names(columns, "columns")
        return np.flatnonzero(search_mask(index, check_query(query), names))

    @traitlets.validate("search_query")
    def _valid_search_query(self, proposal: Mapping[str, Any]) -> str:
        value = proposal["value"]
        if len(value) > MAX_QUERY_CHARS:
            raise traitlets.TraitError(
                f"search_query must be at most {MAX_QUERY_CHARS} characters; got {len(value)}"
            )
        return str(value)

    def _on_search_query(self, change: Mapping[str, Any]) -> None:
        self._run_search()

    def _on_search_column(self, name: str, show: bool) -> None:
        if self.search_query:
            self._run_search()

    def _run_search(self) -> None:
        """Search for the box's query and show the matches: their count, list and rings."""
        query, core = self.search_query, self._core
        index = core.column_index
        hits = self.search(query) if query else np.zeros(0, np.int64)
        self._search_hits = hits
        listed = []
        for point in hits[:MAX_LISTED].tolist():
            column = matched_column(index, point, query, index.names)
            value = str(index.column(column)[point]) if column else ""
            listed.append([point, column, value[:80]])
        with self.hold_sync():
            self._search_count = len(hits)
            self._search_list = listed
            self._place_matches()

    def _on_search_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        if len(self._search_hits):
            self._place_matches()

    def _place_matches(self) -> None:
        shown, ringed = self._core.map, self._search_hits[:MAX_RINGED]
        self._search_places = None if shown is None or not len(ringed) else shown.coords[ringed]
