"""Sessions: what a person set up in an explorer, saved to JSON and loaded back tomorrow.

The traits a session holds are declared where they live (``synced(..., session=stage)``); state
that is not a trait (tags, saved vectors, the selection) is a part registered with the core.
"""

from __future__ import annotations

import pathlib

from .._widget.core import ExplorerCore
from .._widget.feature import Feature
from .._widget.session import (
    SessionPart,
    pack_indices,
    read_session,
    restore,
    session_state,
    unpack_indices,
    write_session,
)


class SessionFeature(Feature):
    """``save_session`` and ``load_session``."""

    def _attach(self, core: ExplorerCore) -> None:
        core.session_parts["selection"] = SessionPart(
            save=lambda: pack_indices(core.selection()),
            check=lambda value: unpack_indices(value, len(core), "the session's selection"),
            load=self._put_session_selection,
        )

    def save_session(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write what is set up here to a JSON file, to load it again with :meth:`load_session`.

        The session holds the projection and its parameters, the colour column and scale, the
        dims, the camera, the selection, the pinned point, A/B with steps and method, the saved
        vectors, the tags, the filter, the map labels and the panels. It does not hold the data
        or the model: load it onto an explorer of the same data and model.

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write, e.g. ``"digits.session.json"``; its folder must exist.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        self._core.check_open()
        state = session_state(self, self._core.session_parts, _shape(self._core))
        return write_session(state, path)

    def load_session(self, path: str | pathlib.Path) -> None:
        """Set this explorer up as a saved session left it (see :meth:`save_session`).

        Everything is checked first; a session saved on another number of points or another
        latent size, or a value this explorer refuses, raises and changes nothing. Loading
        starts a new undo timeline.

        Raises
        ------
        FileNotFoundError
            If there is no file at ``path``.
        ValueError
            If the file is not a session, or not one for this explorer's points and codes.
        """
        core = self._core
        core.check_open()
        state = read_session(path, _shape(core))
        with core.timeline.paused(), self.hold_sync():
            restore(self, core.session_parts, state)
        core.timeline.clear()

    def _put_session_selection(self, indices: object) -> None:
        self._selection = indices


def _shape(core: ExplorerCore) -> tuple[int, int]:
    return len(core), int(core.latents.shape[1])
