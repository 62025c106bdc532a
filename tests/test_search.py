"""``explorer.search``: plain text in any column, ignoring case, and the search box's matches."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import traitlets

import latentwidgets as lw
from latentwidgets._engine.column_index import ColumnIndex, factorize
from latentwidgets._engine.search import search_mask
from tests._toy import N, Y

CAPTIONS = np.array([f"Item {i} (a.b)" if i % 2 else f"item-{i}" for i in range(N)], dtype=object)


@pytest.fixture
def found(ae):
    explorer = lw.LatentExplorer(
        ae.encode,
        ae.decode,
        torch.utils.data.TensorDataset(torch.rand(N, 1, 4, 4), Y),
        label_names=["Zero", "One", "Two"],
        metadata={"caption": CAPTIONS, "score": np.arange(N) / 4},
        progress=False,
    )
    yield explorer
    explorer.close()


def test_search_ignores_case_in_every_column(found):
    y = Y.numpy()
    assert found.search("two").tolist() == np.flatnonzero(y == 2).tolist()
    assert found.search("TWO").tolist() == np.flatnonzero(y == 2).tolist()
    assert found.search("item 1").tolist() == [1, 11, 13, 15, 17, 19]
    # ascending indices, each point once however many columns match
    hits = found.search("1")
    assert hits.tolist() == sorted(set(hits.tolist()))


def test_numbers_are_searched_as_their_text(found):
    # score i / 4: 0.25 is point 1, 10.25 point 41
    assert found.search("0.25", columns="score").tolist() == [1, 41]
    assert found.search(".25", columns=["score"]).tolist() == list(range(1, N, 4))
    assert found.search("14.75", columns="score").tolist() == [59]


def test_the_query_is_plain_text_never_a_pattern(found):
    assert found.search("(a.b)").tolist() == list(range(1, N, 2))
    assert found.search("a.b", columns="caption").tolist() == list(range(1, N, 2))
    assert found.search("a?b").tolist() == []
    assert found.search(".*").tolist() == []
    assert found.search("[").tolist() == []


def test_columns_narrow_the_search(found):
    assert found.search("one", columns="caption").tolist() == []
    assert len(found.search("one", columns=["label", "caption"])) == N // 3
    assert found.search("").tolist() == list(range(N))
    with pytest.raises(ValueError, match=r"\['nope'\], which are not columns"):
        found.search("a", columns=["nope"])
    with pytest.raises(TypeError, match="columns must be a column name"):
        found.search("a", columns=3)
    with pytest.raises(TypeError, match="query must be a str"):
        found.search(7)
    with pytest.raises(ValueError, match="at most 1000 characters"):
        found.search("x" * 1001)


def test_the_search_box_counts_lists_and_places_the_matches(found):
    found.search_query = "Item 1"
    assert found._search_count == 6
    assert [row[0] for row in found._search_list] == [1, 11, 13, 15, 17, 19]
    assert found._search_list[0] == [1, "caption", "Item 1 (a.b)"]
    places = np.asarray(found._search_places)
    assert places.shape == (6, 2)
    assert np.allclose(places, found.coords[[1, 11, 13, 15, 17, 19]])
    found.projection = "dims"  # a new map: the rings move with the points
    found.wait(30)
    assert np.allclose(np.asarray(found._search_places), found.coords[[1, 11, 13, 15, 17, 19]])
    found.search_query = ""
    assert found._search_count == 0
    assert found._search_list == []
    assert found._search_places is None
    with pytest.raises(traitlets.TraitError, match="at most 1000"):
        found.search_query = "x" * 1001


def test_a_new_column_is_searched_at_once(found):
    found.search_query = "needle"
    assert found._search_count == 0
    found.add_column("note", np.array(["hay"] * (N - 1) + ["a NEEDLE"], dtype=object))
    assert found._search_count == 1
    assert found._search_list == [[N - 1, "note", "a NEEDLE"]]


def test_the_index_is_built_once_per_column_and_follows_replacements():
    columns = {"a": np.array(["x", "y", "x"], dtype=object)}
    index = ColumnIndex(columns, {})
    first = index.factors("a")
    assert index.factors("a") is first
    assert sorted(first.names.tolist()) == ["x", "y"]
    columns["a"] = np.array(["z", "z", "y"], dtype=object)
    assert search_mask(index, "Z", ["a"]).tolist() == [True, True, False]
    mixed = factorize(np.array(["a", None, 3, "a"], dtype=object))  # not all strings: str(v)
    assert mixed.names[mixed.codes].tolist() == ["a", "None", "3", "a"]
    assert search_mask(
        ColumnIndex({"m": np.array(["a", None], dtype=object)}, {}), "NONE", ["m"]
    ).tolist() == [False, True]
    floats = factorize(np.array([0.5, np.nan, 0.5]))
    assert floats.numeric
    assert floats.names[floats.codes].tolist() == ["0.5", "nan", "0.5"]
