"""Undo and redo: one timeline over the selection, tags (and the filter), from Python or widget."""

from __future__ import annotations

from latentwidgets._widget.timeline import Timeline


def test_one_timeline_over_selection_and_tags(explorer):
    assert explorer.undo() is None
    assert explorer.redo() is None
    explorer.selected = [1, 2]
    explorer.tag([1, 2], "pair")
    explorer.selected = [5]
    assert explorer._undo_counts == [3, 0]
    assert explorer.undo() == "selection"
    assert explorer.selected == [1, 2]
    assert explorer.undo() == "tags"
    assert explorer.tags == {}
    assert "tags" not in explorer._color_options or set(explorer.metadata["tags"]) == {"untagged"}
    assert explorer._undo_counts == [1, 2]
    assert explorer.redo() == "tags"
    assert explorer.tags["pair"].tolist() == [1, 2]
    assert explorer.redo() == "selection"
    assert explorer.selected == [5]
    assert explorer.redo() is None


def test_a_new_change_clears_what_could_be_redone(explorer):
    explorer.selected = [1]
    explorer.selected = [2]
    explorer.undo()
    assert explorer._undo_counts == [1, 1]
    explorer.selected = [3]
    assert explorer._undo_counts == [2, 0]
    assert explorer.redo() is None


def test_the_widget_keys_undo_through_commands(explorer):
    explorer.selected = [4]
    assert explorer.undo_command({}, [])[0] == {"changed": "selection"}
    assert explorer.selected == []
    assert explorer.redo_command({}, [])[0] == {"changed": "selection"}
    assert explorer.selected == [4]


def test_a_change_from_the_browser_is_a_step(explorer):
    explorer.set_state(
        {
            "_selection": {
                "shape": [2],
                "dtype": "uint32",
                "view": memoryview(b"\x01\0\0\0\x03\0\0\0"),
            }
        }
    )
    assert explorer.selected == [1, 3]
    assert explorer.undo() == "selection"
    assert explorer.selected == []


def test_the_timeline_keeps_100_steps_and_its_bytes_bound():
    timeline = Timeline(max_steps=100, max_bytes=10_000)
    state = {"v": 0}
    timeline.track("v", lambda value: state.update(v=value))
    for i in range(150):
        timeline.record("v", i, i + 1)
    assert timeline.can_undo == 100
    while timeline.undo():
        pass
    assert state["v"] == 50  # the oldest 50 steps were dropped
    import numpy as np

    big = Timeline(max_steps=100, max_bytes=10_000)
    big.track("a", lambda value: None)
    for i in range(10):
        big.record("a", np.zeros(1000, np.uint8), np.full(1000, i + 1, np.uint8))
    assert big.can_undo == 5  # 2,000 bytes a step


def test_undo_itself_is_not_a_step_and_equal_values_are_not_steps():
    timeline = Timeline()
    seen = []
    timeline.track("k", lambda value: (seen.append(value), timeline.record("k", "x", value)))
    timeline.record("k", "a", "a")
    assert timeline.can_undo == 0
    timeline.record("k", "a", "b")
    timeline.undo()
    assert seen == ["a"]
    assert timeline.can_undo == 0
    assert timeline.can_redo == 1
