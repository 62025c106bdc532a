"""Tags: names a person gives to sets of points, kept as a ``tags`` column to colour by.

Tags are state a person edits by hand, so each change is a step of the core's undo timeline and a
part of a saved session. They are point indices, so they outlive projection changes and
``update()``, and the ``tags`` column goes wherever columns go (the legend, the export).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import traitlets

from .._engine.indices import check_indices
from .._widget.core import ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.session import SessionPart, pack_indices, unpack_indices

#: The column the tags form, and its values for points with two tags or more, and with none.
TAGS_COLUMN, MULTIPLE, UNTAGGED = "tags", "multiple", "untagged"
MAX_TAG_CHARS = 64
Tags = dict[str, np.ndarray]


def check_tag_name(name: object, argument: str = "name") -> str:
    """A tag's name: a non-empty string of at most 64 characters, not one the column reserves."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"{argument} must be a non-empty str, e.g. 'odd'; got {name!r:.60}")
    name = name.strip()
    if len(name) > MAX_TAG_CHARS:
        raise ValueError(f"{argument} must be at most {MAX_TAG_CHARS} characters; got {len(name)}")
    if name in (MULTIPLE, UNTAGGED):
        raise ValueError(
            f"{argument} {name!r} is reserved: the tags column shows points with several tags as "
            f"{MULTIPLE!r} and points with none as {UNTAGGED!r}; choose another name"
        )
    return name


def tags_column(tags: Tags, n: int) -> tuple[np.ndarray, list[str]]:
    """One value per point (its tag, ``multiple`` or ``untagged``) and the legend order."""
    names = sorted(tags)
    codes = np.full(n, -1, np.int32)
    several = np.zeros(n, bool)
    for code, name in enumerate(names):
        members = tags[name]
        several[members[codes[members] >= 0]] = True
        codes[members] = code
    codes[several] = len(names)
    codes[codes < 0] = len(names) + 1
    order = [*names, MULTIPLE, UNTAGGED]
    return np.asarray(order, dtype=object)[codes], order


class TagsFeature(Feature):
    """``tag``, ``untag``, ``tags`` and the widget's tag box and tag list."""

    _tag_counts = synced(
        traitlets.List(traitlets.List(), help="[name, count] of each tag, by name."),
        "tags",
        ts="[string, number][]",
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._tag_sets: Tags = {}
        core.timeline.track("tags", self._put_tags)
        core.session_parts["tags"] = SessionPart(
            save=lambda: {name: pack_indices(members) for name, members in self._tag_sets.items()},
            check=self._check_saved_tags,
            load=self._put_tags,
        )

    @property
    def tags(self) -> dict[str, np.ndarray]:
        """Each tag's name and its points' indices, sorted (a copy: change tags with ``tag``)."""
        return {name: members.copy() for name, members in sorted(self._tag_sets.items())}

    def tag(self, indices: Sequence[int] | np.ndarray, name: str) -> int:
        """Give the tag ``name`` to these points (a new tag, or more points for one).

        Parameters
        ----------
        indices : sequence of int, numpy array or torch.Tensor
            Point indices, e.g. ``explorer.selected`` or ``explorer.search("7")``.
        name : str
            The tag, at most 64 characters; ``"multiple"`` and ``"untagged"`` are the column's own.

        Returns
        -------
        int
            How many points have the tag now.
        """
        self._core.check_open()
        name = check_tag_name(name)
        chosen = check_indices(indices, len(self._core), "indices")
        held = self._tag_sets.get(name, np.zeros(0, np.uint32))
        return self._change_tag(name, np.union1d(held, chosen).astype(np.uint32))

    def untag(self, indices: Sequence[int] | np.ndarray, name: str) -> int:
        """Take the tag ``name`` off these points; a tag left with no point is gone.

        Returns
        -------
        int
            How many points still have the tag.

        Raises
        ------
        KeyError
            If there is no tag ``name`` (the message lists the tags).
        """
        self._core.check_open()
        name = check_tag_name(name)
        if name not in self._tag_sets:
            raise KeyError(f"name: there is no tag {name!r}; the tags are {sorted(self._tag_sets)}")
        chosen = check_indices(indices, len(self._core), "indices")
        return self._change_tag(name, np.setdiff1d(self._tag_sets[name], chosen).astype(np.uint32))

    # ------------------------------------------------------------------ the widget's commands
    @command("tag the selection", fields={"name": "str"})
    def tag_selection(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{name}`` -> ``{count}``: tag the selected points."""
        selected = self._core.selection()
        if not len(selected):
            raise ValueError("select points first (lasso, box or legend), then tag them")
        return {"count": self.tag(selected, msg["name"])}

    @command("remove a tag", fields={"name": "str"})
    def remove_tag(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{name}`` -> ``{count: 0}``: take a tag off all its points."""
        name = check_tag_name(msg["name"])
        return {"count": self.untag(self._tag_sets.get(name, np.zeros(0, np.uint32)), name)}

    @command("select a tag", fields={"name": "str"})
    def select_tag(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{name}`` -> ``{count}``: select the points with a tag."""
        members = self.tags.get(check_tag_name(msg["name"]))
        if members is None:
            raise KeyError(f"there is no tag {msg['name']!r}")
        mask = np.zeros(len(self._core), bool)
        mask[members] = True
        return {"count": self._core.select(mask)}

    # ------------------------------------------------------------------ state
    def _change_tag(self, name: str, members: np.ndarray) -> int:
        before = dict(self._tag_sets)
        after = {k: v for k, v in before.items() if k != name}
        if len(members):
            after[name] = members
        self._put_tags(after)
        self._core.timeline.record("tags", before, after)
        return len(members)

    def _put_tags(self, tags: Tags) -> None:
        self._tag_sets = dict(tags)
        with self.hold_sync():
            self._tag_counts = [[name, len(m)] for name, m in sorted(tags.items())]
            if tags or TAGS_COLUMN in self._core.columns.values:
                values, order = tags_column(self._tag_sets, len(self._core))
                self._core.add_column(TAGS_COLUMN, values, show=False, order=order)

    def _check_saved_tags(self, saved: Any) -> Tags:
        if not isinstance(saved, dict):
            raise ValueError(f"the session's tags must be a mapping; got {saved!r:.60}")
        return {
            check_tag_name(name, "a saved tag"): unpack_indices(
                packed, len(self._core), f"tag {name!r}"
            )
            for name, packed in saved.items()
        }
