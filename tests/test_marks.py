"""``clear_marks``: the samples' diamonds, the neighbour rings and the paths leave the map."""

from __future__ import annotations

import pytest


def test_clear_marks_takes_every_mark_off_the_map(explorer):
    explorer.interpolate(1, 2, steps=4)
    explorer.traverse(3, 0)  # pins 3: its neighbours are ringed, its traversal drawn
    explorer.sample(5)
    assert explorer._path is not None
    assert explorer._traverse_path is not None
    assert explorer._sample_points is not None
    assert explorer._neighbours is not None
    explorer.clear_marks()
    assert explorer.pinned == -1
    assert explorer._neighbours is None  # the rings
    assert explorer._path is None
    assert explorer._traverse_path is None
    assert explorer._sample_points is None
    assert explorer._samples is not None
    assert explorer.frames is not None
    explorer.projection = "dims"  # a new map does not bring the marks back
    assert explorer._path is None
    assert explorer._sample_points is None
    explorer.interpolate(1, 2, steps=4)  # asking again draws the path again
    assert explorer._path is not None


def test_the_toolbar_button_clears_through_its_command(explorer):
    explorer.sample(3)
    assert explorer.clear_marks_command({}, []) == ({"cleared": True}, [])
    assert explorer._sample_points is None
    explorer.close()
    response, _ = explorer.clear_marks_command({}, [])
    assert "closed" in response["error"]
    with pytest.raises(RuntimeError, match="closed"):
        explorer.clear_marks()
