from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from latentwidgets._engine.columns import collect_columns, column_values
from latentwidgets._engine.data import DataSource
from latentwidgets._engine.model import LatentModel

N = 6
X = torch.rand(N, 2, generator=torch.Generator().manual_seed(0))
Y = torch.arange(N) % 3


def encoded(data) -> DataSource:
    source = DataSource(data)
    LatentModel(lambda x: x, progress=False).encode(source)
    return source


def test_labels_found_in_items_and_named():
    labels, columns, orders = collect_columns(
        encoded(TensorDataset(X, Y)), None, ["a", "b", "c"], None
    )
    np.testing.assert_array_equal(labels, Y.numpy())
    assert list(columns["label"]) == ["a", "b", "c", "a", "b", "c"]
    assert orders == {"label": ["a", "b", "c"]}


def test_data_attributes_are_used_where_arguments_are_none():
    class Named(TensorDataset):
        labels = np.arange(N) % 2
        label_names = ("even", "odd")
        metadata = {"size": np.arange(N, dtype=float), "label": np.zeros(N)}

    labels, columns, orders = collect_columns(DataSource(Named(X)), None, None, None)
    np.testing.assert_array_equal(labels, np.arange(N) % 2)
    assert list(columns) == ["label", "size"]  # the metadata's "label" yields to the labels
    assert orders["label"] == ["even", "odd"]


def test_given_arguments_override_the_data():
    source = encoded(TensorDataset(X, Y))
    labels, columns, _ = collect_columns(source, ["x"] * N, None, {"t": torch.arange(N)})
    assert labels.dtype == object
    assert list(columns) == ["label", "t"]
    np.testing.assert_array_equal(columns["t"], np.arange(N))


def test_the_datas_own_label_names_are_skipped_for_string_labels():
    class Named(TensorDataset):
        label_names = ("even", "odd")

    _, columns, orders = collect_columns(DataSource(Named(X)), ["u"] * N, None, None)
    assert list(columns["label"]) == ["u"] * N
    assert orders == {}


def test_huge_strings_stay_objects_and_are_fast():
    labels = ["short"] * 20_000
    labels[123] = "x" * 20_000
    start = time.perf_counter()
    values = column_values(labels, "labels", 20_000)
    assert time.perf_counter() - start < 0.2
    assert values.dtype == object
    assert values[123] == "x" * 20_000
    assert values.nbytes < 1_000_000


def test_unicode_arrays_become_objects():
    values = column_values(np.array(["a", "bb"]), "labels", 2)
    assert values.dtype == object
    np.testing.assert_array_equal(column_values(np.arange(3.0), "v", 3), np.arange(3.0))


@pytest.mark.parametrize(
    ("labels", "label_names", "metadata", "error", "pattern"),
    [
        (
            np.zeros(N - 1),
            None,
            None,
            ValueError,
            rf"^labels must have one value per item \({N}\); got shape \({N - 1},\)",
        ),
        (
            np.zeros((N, 2)),
            None,
            None,
            ValueError,
            rf"^labels must have one value per item \({N}\); got shape \({N}, 2\)",
        ),
        ("abc", None, None, TypeError, r"^labels must hold one value per item"),
        (
            None,
            None,
            {"scale": [1.0, 2.0]},
            ValueError,
            rf"^metadata\['scale'\] must have one value per item \({N}\); got shape \(2,\)",
        ),
        (None, None, [1.0] * N, TypeError, r"^metadata must be a mapping.*got list"),
        (None, None, {"s": None}, TypeError, r"^metadata\['s'\] must hold one value per item"),
        (
            np.arange(N),
            ["a", "b"],
            None,
            ValueError,
            r"^label_names has 2 names but labels run from 0 to 5",
        ),
        (np.arange(N), "ab", None, TypeError, r"^label_names must be a sequence of names"),
        (
            ["u"] * N,
            ["a"],
            None,
            TypeError,
            r"^label_names names integer labels.*dtype object",
        ),
        (None, ["a", "b"], None, ValueError, r"^label_names names integer labels.*labels="),
    ],
    ids=[
        "labels-short",
        "labels-2d",
        "labels-str",
        "metadata-short",
        "metadata-list",
        "metadata-none-column",
        "names-too-few",
        "names-str",
        "names-for-strings",
        "names-without-labels",
    ],
)
def test_bad_columns_name_the_argument(labels, label_names, metadata, error, pattern):
    with pytest.raises(error, match=pattern):
        collect_columns(DataSource(X), labels, label_names, metadata)


def test_long_labels_and_categories_are_capped_before_the_legend():
    from latentwidgets._engine.columns import MAX_LABEL_CHARS

    huge = "x" * 1_000_000
    labels = [huge, "short", huge + "y", "b", "short", "b"]
    _, columns, orders = collect_columns(
        encoded(X), labels, None, {"caption": ["c" * 300] * N, "size": np.arange(N)}
    )
    assert max(len(v) for v in columns["label"]) == MAX_LABEL_CHARS == 200
    assert columns["label"][0] == "x" * 199 + "\u2026"
    assert list(columns["label"][1:]) == ["short", "x" * 199 + "\u2026", "b", "short", "b"]
    assert columns["caption"][0] == "c" * 199 + "\u2026"
    np.testing.assert_array_equal(columns["size"], np.arange(N))  # numbers untouched
    assert sum(len(v) for v in set(columns["label"])) < 1000  # not megabytes of legend
    _, columns, orders = collect_columns(encoded(X), Y, ["n" * 500, "b", "c"], None)
    assert orders["label"][0] == "n" * 199 + "\u2026"
    assert columns["label"][0] == "n" * 199 + "\u2026"


def test_short_label_arrays_are_not_copied_and_capping_is_asked_for():
    values = np.array(["a", "b", "c", "a", "b", "c"], dtype=object)
    assert column_values(values, "labels", N, cap=True) is values
    long = ["y" * 300] * N
    assert column_values(long, "values", N)[0] == "y" * 300  # as given, unless asked
    assert column_values(long, "values", N, cap=True)[0] == "y" * 199 + "\u2026"


def test_a_column_of_the_label_names_shares_the_labels_order_and_colours():
    import latentwidgets as lw

    data = lw.datasets.shapes(n=300)
    explorer = lw.LatentExplorer(lambda x: x.flatten(1)[:, :8], None, data, progress=False)
    by_label = (list(explorer._color_categories), explorer._colors.copy())
    explorer.color_by = "shape"
    assert list(explorer._color_categories) == by_label[0]
    assert (explorer._colors == by_label[1]).all()
