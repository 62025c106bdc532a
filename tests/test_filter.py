"""``explorer.filter``: a whitelisted expression over the columns, evaluated with numpy."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
import torch
import traitlets

import latentwidgets as lw
from latentwidgets._engine.column_index import ColumnIndex
from latentwidgets._engine.filter_expr import MAX_FILTER_CHARS, evaluate_filter, parse_filter
from latentwidgets.features.filter import FilterRefused
from tests._toy import N, Y

ERROR = np.linspace(0.0, 0.059, N)  # point i's "recon_error" is i / 1000


@pytest.fixture
def filtered(ae):
    """The toy explorer with a categorical column (names) and a numeric one."""
    names = np.array(["zero", "one", "two"], dtype=object)[Y.numpy()]
    explorer = lw.LatentExplorer(
        ae.encode,
        ae.decode,
        torch.utils.data.TensorDataset(torch.rand(N, 1, 4, 4), Y),
        metadata={"kind": names, "recon_error": ERROR},
        progress=False,
    )
    yield explorer
    explorer.close()


def _passing(explorer, text):
    explorer.filter = text
    return explorer.filtered.tolist()


def test_no_filter_passes_every_point(filtered):
    assert filtered.filter == ""
    assert filtered.filtered.tolist() == list(range(N))
    assert filtered._filter_mask is None
    assert filtered._filtered_count == N


def test_comparisons_in_and_arithmetic(filtered):
    y = Y.numpy()
    assert _passing(filtered, "label in (1, 2)") == np.flatnonzero(y > 0).tolist()
    assert _passing(filtered, "label not in (1, 2)") == np.flatnonzero(y == 0).tolist()
    assert _passing(filtered, "recon_error > 0.05") == list(range(51, N))
    assert _passing(filtered, "0.01 <= recon_error < 0.013") == [10, 11, 12]
    assert _passing(filtered, "recon_error * 1000 >= 58 or label == 9") == [58, 59]
    assert _passing(filtered, "not (recon_error > 0.003)") == [0, 1, 2, 3]
    assert _passing(filtered, "(recon_error * 1000) % 20 == 0") == [0, 20, 40]
    assert _passing(filtered, "recon_error > -1 and label == 2 and recon_error < 0.01") == [2, 5, 8]
    assert _passing(filtered, "") == list(range(N))


def test_a_categorical_column_compares_by_name_and_by_code(filtered):
    y = Y.numpy()
    # either kind of quote
    assert _passing(filtered, "kind == 'two'") == np.flatnonzero(y == 2).tolist()
    assert _passing(filtered, 'kind != "two"') == np.flatnonzero(y != 2).tolist()
    assert _passing(filtered, "kind in ('one', 'zero')") == np.flatnonzero(y < 2).tolist()
    # codes are places in the legend order: sorted names here (one, two, zero)
    assert _passing(filtered, "kind == 2") == np.flatnonzero(y == 0).tolist()
    assert _passing(filtered, "kind in (0, 'two')") == np.flatnonzero(y > 0).tolist()


def test_on_the_digits_label_in_1_7_gives_the_ones_and_sevens():
    data = lw.datasets.digits()
    explorer = lw.LatentExplorer(lambda x: x.reshape(len(x), -1)[:, :4], None, data, progress=False)
    try:
        labels = np.asarray(explorer.metadata["label"]).astype(str)
        explorer.filter = "label in (1, 7)"
        expected = np.flatnonzero((labels == "1") | (labels == "7"))
        assert len(expected) > 300
        assert explorer.filtered.tolist() == expected.tolist()
        explorer.filter = "label == '7' and ink > 0"  # by name, and a numeric column beside
        assert set(labels[explorer.filtered]) == {"7"}
    finally:
        explorer.close()


REFUSED = [
    ("__import__('os')", "\"__import__('os')\" is a call"),
    ("label.__class__", "'label.__class__' is an attribute access"),
    ("(lambda: 1)() == 1", "is a call"),
    ("lambda: 1", "'lambda: 1' is a lambda"),
    ("[x for x in label] == 1", "is a comprehension"),
    ("label[0] == 1", "'label[0]' is a subscript"),
    ("f'{label}' == 'x'", "is an f-string"),
    ("(x := 1) == 1", "'x := 1' is an assignment"),
    ("nope > 1", "'nope' is not a column"),
    ("open == 1", "'open' is not a column"),
    ("label & 1", "write 'and'"),
    ("label is 1", "write '=='"),
    ("kind + 1 > 2", "arithmetic needs numbers"),
    ("recon_error == 'a'", "compared with the string"),
    ("recon_error", "must be a condition"),
    ("1 in label", "'in' needs a list of values"),
    ("label in (1, recon_error)", "holds numbers and strings only"),
    ("label ==", "not valid"),
    ("-" * 100 + "label > 1", "nests deeper"),
    ("(" * 300 + "label" + ")" * 300, "nested parentheses"),
    ("label > 1" + " " * MAX_FILTER_CHARS, "characters long"),
    ("label == None", "not a number or a string"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_anything_outside_the_grammar_is_refused_naming_it(filtered, text, message):
    filtered.filter = "label == 1"
    before = filtered.filtered.copy()
    with pytest.raises(ValueError, match=re.escape(message)):
        filtered.filter = text
    # a refused filter changes nothing
    assert filtered.filter == "label == 1"
    assert filtered.filtered.tolist() == before.tolist()


def test_refused_as_a_trait_is_a_trait_error_and_a_value_error(filtered):
    with pytest.raises(traitlets.TraitError) as caught:
        filtered.filter = "label.__class__"
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FilterRefused)


def test_huge_arithmetic_is_bounded():
    index = ColumnIndex({"x": np.arange(5.0)}, {})
    start = time.perf_counter()
    mask = evaluate_filter("10**10**10 > x", index, 5)
    assert mask is not None
    assert mask.all()
    assert evaluate_filter("x ** 10 ** 10 > 1e308", index, 5).tolist() == [0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="too large"):
        evaluate_filter("1" + "0" * 400 + " > x", index, 5)
    assert time.perf_counter() - start < 5  # a hang would be minutes; this is not a speed goal


def test_parse_refuses_what_is_not_text():
    with pytest.raises(ValueError, match="must be a str"):
        parse_filter(3, ["x"])
    assert parse_filter("   ", ["x"]) is None


def test_the_mask_reaches_the_browser_as_bits(filtered):
    filtered.filter = "recon_error < 0.003"
    bits = np.unpackbits(np.asarray(filtered._filter_mask))[:N]
    assert np.flatnonzero(bits).tolist() == [0, 1, 2]
    assert filtered._filtered_count == 3
    filtered.filter = ""
    assert filtered._filter_mask is None
    assert filtered._filtered_count == N


def test_a_lasso_selects_only_points_that_pass(filtered):
    filtered.filter = "label == 1"
    response, _ = filtered.select_region({"polygon": [-1e6, -1e6, 1e6, -1e6, 0, 1e6]}, [])
    assert response == {"count": N // 3}
    assert filtered.selected == np.flatnonzero(Y.numpy() == 1).tolist()
    filtered.filter = ""
    response, _ = filtered.select_region({"polygon": [-1e6, -1e6, 1e6, -1e6, 0, 1e6]}, [])
    assert response == {"count": N}
    # indices given by name are taken as they are
    filtered.filter = "label == 1"
    filtered.selected = [0, 2]
    assert filtered.selected == [0, 2]


def test_the_filter_box_command_answers_count_or_error(filtered):
    response, _ = filtered.apply_filter({"filter": "label == 2"}, [])
    assert response == {"count": N // 3}
    response, _ = filtered.apply_filter({"filter": "label.__class__"}, [])
    assert "attribute access" in response["error"]
    assert filtered.filter == "label == 2"
    assert "attribute access" in filtered._status["message"]


def test_a_replaced_column_is_filtered_anew_or_the_filter_let_go(filtered):
    filtered.filter = "recon_error * 2 > 0.1"
    filtered.add_column("recon_error", np.zeros(N), color=False)
    assert filtered.filtered.tolist() == []
    filtered.add_column("recon_error", np.array(["a"] * N, dtype=object), color=False)
    assert filtered.filter == ""
    assert "the filter was removed" in filtered._status["message"]


def test_undo_puts_the_filter_back(filtered):
    filtered.filter = "label == 1"
    filtered.filter = "label == 2"
    filtered.undo()
    assert filtered.filter == "label == 1"
    assert filtered.filtered.tolist() == np.flatnonzero(Y.numpy() == 1).tolist()
