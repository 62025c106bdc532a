"""Tags: ``tag``/``untag``, the ``tags`` column, the widget's commands, and what tags outlive."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from latentwidgets.features.tags import MULTIPLE, UNTAGGED


def test_tags_are_sorted_indices_and_form_a_column(explorer):
    assert explorer.tags == {}
    assert explorer.tag([5, 1, 3], "odd") == 3
    assert explorer.tag(np.array([3, 4]), "low") == 2
    assert explorer.tag(torch.tensor([7]), "odd") == 4
    tags = explorer.tags
    assert list(tags) == ["low", "odd"]
    assert tags["odd"].tolist() == [1, 3, 5, 7]
    column = explorer.metadata["tags"]
    assert column[1] == "odd"
    assert column[4] == "low"
    assert column[0] == UNTAGGED
    assert column[3] == MULTIPLE  # in both
    assert explorer._tag_counts == [["low", 2], ["odd", 4]]
    explorer.color_by = "tags"
    assert explorer._color_categories == ["low", "odd", MULTIPLE, UNTAGGED]


def test_untag_and_a_tag_left_empty_is_gone(explorer):
    explorer.tag([1, 2, 3], "a")
    assert explorer.untag([2], "a") == 2
    assert explorer.tags["a"].tolist() == [1, 3]
    assert explorer.untag([1, 3], "a") == 0
    assert explorer.tags == {}
    assert set(explorer.metadata["tags"]) == {UNTAGGED}
    with pytest.raises(KeyError, match="no tag 'a'"):
        explorer.untag([1], "a")


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("", TypeError, "non-empty"),
        (3, TypeError, "non-empty"),
        ("multiple", ValueError, "reserved"),
        ("untagged", ValueError, "reserved"),
        ("x" * 65, ValueError, "at most 64"),
    ],
)
def test_bad_tag_names_are_refused_by_name(explorer, name, error, match):
    with pytest.raises(error, match=match):
        explorer.tag([1], name)
    assert explorer.tags == {}


def test_bad_indices_change_nothing(explorer):
    explorer.tag([1], "a")
    with pytest.raises(IndexError, match="indices"):
        explorer.tag([1, 10**9], "a")
    assert explorer.tags["a"].tolist() == [1]


def test_the_widget_tags_the_selection_and_selects_a_tag(explorer):
    response, _ = explorer.tag_selection({"name": "x"}, [])
    assert "select points first" in response["error"]
    explorer.selected = [2, 4]
    assert explorer.tag_selection({"name": " x "}, [])[0] == {"count": 2}
    explorer.selected = []
    assert explorer.select_tag({"name": "x"}, [])[0] == {"count": 2}
    assert explorer.selected == [2, 4]
    assert explorer.remove_tag({"name": "x"}, [])[0] == {"count": 0}
    assert explorer.tags == {}
    assert "error" in explorer.tag_selection({"name": 5}, [])[0]


def test_tags_outlive_projection_changes_update_and_export(explorer, tmp_path):
    explorer.tag([0, 9], "ends")
    explorer.projection = "dims"
    explorer.update()
    assert explorer.tags["ends"].tolist() == [0, 9]
    explorer.color_by = "tags"
    page = explorer.save_html(tmp_path / "map.html")
    assert '"ends"' in page.read_text(encoding="utf-8")
