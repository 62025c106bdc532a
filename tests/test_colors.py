"""latentwidgets.colors: kinds, category order, bounds, missing values, and the JS palette's twin."""

from __future__ import annotations

import itertools
import json
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from latentwidgets import colors
from latentwidgets.colors import (
    CATEGORICAL,
    MAX_CATEGORIES,
    MISSING_COLOR,
    MISSING_LABEL,
    OTHER_COLOR,
    OTHER_LABEL,
    RAMP,
    encode_colors,
    point_colors,
    ramp_indices,
)

JS = Path(__file__).parents[1] / "js"
COLORS_TS = JS / "src" / "map" / "colors.ts"
COLORS_TEST_TS = JS / "tests" / "colors.test.ts"


# --- the JS palette is this module's --------------------------------------------------------------


def ts_constants(source: str) -> dict[str, Any]:
    """``export const NAME = [...] as const`` arrays and ``export const NAME = "..."`` strings."""
    found: dict[str, Any] = {}
    for name, body in re.findall(r"export const (\w+) = \[(.*?)\] as const;", source, re.S):
        found[name] = re.findall(r'"([^"]*)"', body)
    for name, text in re.findall(r'export const (\w+) = "([^"]*)";', source):
        found[name] = text
    return found


PYTHON_TWINS = {
    "CATEGORICAL": list(CATEGORICAL),
    "RAMP": list(RAMP),
    "MISSING_COLOR": MISSING_COLOR,
    "MISSING_LABEL": MISSING_LABEL,
    "OTHER_COLOR": OTHER_COLOR,
    "OTHER_LABEL": OTHER_LABEL,
}


def palette_differences(source: str) -> list[str]:
    found = ts_constants(source)
    return [
        f"{name}: colors.ts has {found.get(name)!r}, colors.py {expected!r}"
        for name, expected in PYTHON_TWINS.items()
        if found.get(name) != expected
    ]


def test_js_palettes_are_the_python_palettes() -> None:
    assert palette_differences(COLORS_TS.read_text(encoding="utf-8")) == []


def test_a_changed_js_colour_would_be_caught() -> None:
    source = COLORS_TS.read_text(encoding="utf-8")
    assert palette_differences(source.replace('"#e15759"', '"#e15758"')) == [
        f"CATEGORICAL: colors.ts has {[*CATEGORICAL[:2], '#e15758', *CATEGORICAL[3:]]!r}, "
        f"colors.py {list(CATEGORICAL)!r}"
    ]
    assert palette_differences(source.replace(MISSING_COLOR, "#808080"))
    assert palette_differences(source.replace('"#fde725",\n]', "]"))  # a ramp one colour short


def test_js_binning_cases_hold_in_python() -> None:
    """colors.test.ts asserts rampIndex on RAMP_CASES; the same table must hold here."""
    source = COLORS_TEST_TS.read_text(encoding="utf-8")
    table = re.search(r"const RAMP_CASES[^=]*= \[(.*?)\n    \];", source, re.S)
    assert table is not None, "RAMP_CASES not found in js/tests/colors.test.ts"
    rows = [json.loads(f"[{row}]") for row in re.findall(r"\[([-\d.e, ]+)\]", table.group(1))]
    assert len(rows) >= 8
    for value, lo, hi, index in rows:
        assert ramp_indices(np.array([value]), [lo, hi])[0] == index, (value, lo, hi)


def test_ramp_runs_dark_to_light_and_nan_is_missing() -> None:
    assert len(RAMP) == 64
    assert RAMP[0] == "#440154"
    assert RAMP[-1] == "#fde725"
    assert MISSING_COLOR not in CATEGORICAL
    assert OTHER_COLOR not in CATEGORICAL
    values = np.array([0.0, 0.5, 1.0, np.nan, 2.0, -1.0, np.inf], dtype=np.float32)
    assert ramp_indices(values, [0, 1]).tolist() == [0, 32, 63, 64, 63, 0, 63]
    shown = point_colors("continuous", values, [], [0, 1])
    assert shown[3] == MISSING_COLOR
    assert shown[0] == RAMP[0]
    assert shown[2] == RAMP[-1]


# --- kinds and category order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kind", "categories"),
    [
        (np.arange(20), "categorical", [str(i) for i in range(20)]),
        (np.arange(21), "continuous", []),
        (np.array([3, 1, 2], dtype=np.uint16), "categorical", ["1", "2", "3"]),
        (np.array([0.5, 1.0]), "continuous", []),
        (np.array([True, False]), "categorical", ["False", "True"]),
        (np.array(["b", "a", "b"]), "categorical", ["a", "b"]),
        (["b", "a", "b"], "categorical", ["a", "b"]),
        (np.array([b"b", b"a"]), "categorical", ["a", "b"]),
        (np.array([10, 2, 1], dtype=object), "categorical", ["1", "2", "10"]),  # numeric order
        (np.array([1.5, 2.5], dtype=object), "continuous", []),
        (np.array(["x", 2], dtype=object), "categorical", ["2", "x"]),
        (torch.tensor([2, 0, 2]), "categorical", ["0", "2"]),
    ],
)
def test_kind_and_category_order(values: Any, kind: str, categories: list[str]) -> None:
    got_kind, encoded, got_categories, value_range = encode_colors(values)
    assert (got_kind, got_categories) == (kind, categories)
    if kind == "categorical":
        assert encoded.dtype == np.uint8
        assert value_range == [0.0, float(len(categories) - 1)]
    else:
        assert encoded.dtype == np.float32


def test_same_values_are_encoded_alike_whatever_their_container() -> None:
    ints = [3, 1, 2, 3, 10]
    strings = ["c", "a", "b", "c", "a"]
    for group in (
        [np.array(ints), ints, np.array(ints, dtype=object), torch.tensor(ints)],
        [np.array(strings), strings, np.array(strings, dtype=object)],
    ):
        (kind, encoded, categories, value_range), *others = [encode_colors(v) for v in group]
        for other in others:
            assert (other[0], other[2], other[3]) == (kind, categories, value_range)
            np.testing.assert_array_equal(other[1], encoded)


def test_order_fixes_the_legend_and_keeps_unused_names() -> None:
    kind, codes, categories, _ = encode_colors(
        np.array(["dog", "cat", None], object), ["dog", "emu", "cat"]
    )
    assert kind == "categorical"
    assert categories == ["dog", "emu", "cat", MISSING_LABEL]
    assert codes.tolist() == [0, 2, 3]
    # numbers are looked up by their names; an order makes a float column categorical
    assert encode_colors(np.array([1.0, 0.0]), ["0.0", "1.0"])[1].tolist() == [1, 0]


def test_continuous_range_ignores_nan_and_infinities() -> None:
    kind, values, categories, value_range = encode_colors(np.array([np.nan, 2.0, -np.inf, 5.0]))
    assert (kind, categories, value_range) == ("continuous", [], [2.0, 5.0])
    assert np.isnan(values[0])
    assert values.dtype == np.float32
    assert encode_colors(np.array([np.nan, np.nan]))[3] == [0.0, 1.0]


# --- missing values ---------------------------------------------------------------------------------


def test_float_nan_is_missing_and_drawn_grey() -> None:
    result = encode_colors(np.array([0.0, np.nan, 1.0]))
    assert point_colors(*result).tolist() == [RAMP[0], MISSING_COLOR, RAMP[-1]]


@pytest.mark.parametrize("gone", [None, float("nan"), np.float32("nan")])
def test_none_and_nan_in_object_columns_are_missing(gone: Any) -> None:
    kind, codes, categories, _ = encode_colors(np.array(["b", gone, "a", "b"], dtype=object))
    assert (kind, categories) == ("categorical", ["a", "b", MISSING_LABEL])
    assert codes.tolist() == [1, 2, 0, 1]
    assert point_colors(kind, codes, categories, [0, 2])[1] == MISSING_COLOR


def test_missing_in_an_object_column_of_numbers() -> None:
    kind, codes, categories, _ = encode_colors(np.array([2, None, 1], dtype=object))
    assert (kind, categories, codes.tolist()) == (
        "categorical",
        ["1", "2", MISSING_LABEL],
        [1, 2, 0],
    )
    kind, values, _, value_range = encode_colors(np.array([*range(30), None], dtype=object))
    assert (kind, value_range) == ("continuous", [0.0, 29.0])
    assert np.isnan(values[-1])


def test_a_value_named_like_a_special_category_joins_it() -> None:
    _, codes, categories, _ = encode_colors(["x", MISSING_LABEL, None, OTHER_LABEL, "a"])
    assert categories == ["a", "x", OTHER_LABEL, MISSING_LABEL]
    assert codes.tolist() == [1, 3, 3, 2, 0]
    assert colors.category_colors(categories)[2:] == [OTHER_COLOR, MISSING_COLOR]


# --- many categories, huge strings ------------------------------------------------------------------


def test_many_distinct_labels_keep_the_most_frequent_plus_other() -> None:
    labels = np.array([f"id{i:06d}" for i in range(200_000)], dtype=object)
    labels[:50] = "frequent"
    labels[50:80] = "second"
    kind, codes, categories, value_range = encode_colors(labels)
    assert kind == "categorical"
    assert codes.dtype == np.uint8
    assert len(categories) == MAX_CATEGORIES
    assert categories[:3] == ["frequent", "second", "id000080"]  # by count, ties in sorted order
    assert categories[-1] == OTHER_LABEL
    assert value_range == [0.0, MAX_CATEGORIES - 1.0]
    assert codes[0] == 0
    assert codes[60] == 1
    assert codes[-1] == MAX_CATEGORIES - 1
    assert len(json.dumps(categories)) < 10_000  # was a 1M-entry legend


def test_the_bound_leaves_room_for_missing() -> None:
    labels: list[Any] = [f"c{i:04d}" for i in range(1000)] + [None]
    _, codes, categories, _ = encode_colors(labels)
    assert len(categories) == MAX_CATEGORIES
    assert categories[-2:] == [OTHER_LABEL, MISSING_LABEL]
    assert codes[-1] == MAX_CATEGORIES - 1
    assert codes[999] == MAX_CATEGORIES - 2


def test_an_order_of_many_unused_names_is_trimmed_before_lumping() -> None:
    names = [f"class {i}" for i in range(1000)]
    _, codes, categories, _ = encode_colors(np.array(["class 7", "class 3"], object), names)
    assert categories == ["class 3", "class 7"]  # the order's order, no "(other)"
    assert codes.tolist() == [1, 0]


@pytest.mark.parametrize("container", ["object array", "list"])
def test_huge_strings_are_not_widened(container: str) -> None:
    labels: Any = np.array(["a", "b"] * 10_000, dtype=object)
    labels[123] = "x" * 20_000
    if container == "list":
        labels = labels.tolist()
    tracemalloc.start()
    start = time.perf_counter()
    _kind, codes, categories, _ = encode_colors(labels)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert categories == ["a", "b", "x" * 20_000]
    assert codes[123] == 2
    # astype(str) would make a <U20000 array: 20,000 x 20,000 x 4 bytes = 1.6 GB
    assert peak < 20_000_000, peak
    assert elapsed < 0.5, elapsed


# --- bad arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((None,), TypeError, "values must be an array-like of one value per point; got None"),
        ((np.zeros((2, 2)),), ValueError, r"values must be one-dimensional.*got shape \(2, 2\)"),
        ((np.float64(1.0),), ValueError, r"values must be one-dimensional.*got shape \(\)"),
        ((["a"], "a"), TypeError, "order must be a sequence of category names or None; got str"),
        ((["a"], 3), TypeError, "order must be a sequence of category names or None; got int"),
        ((["a"], ["a", "a"]), ValueError, r"order must name each category once.*\['a'\]"),
        ((["a", "z"], ["a"]), ValueError, r"order must name every value; got .*\['z'\]"),
    ],
)
def test_bad_arguments_are_named(args: tuple[Any, ...], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        encode_colors(*args)


def test_point_colors_rejects_what_it_cannot_draw() -> None:
    with pytest.raises(ValueError, match="kind must be 'categorical' or 'continuous'; got 'none'"):
        point_colors("none", np.zeros(2), [], [0, 1])
    with pytest.raises(ValueError, match="encoded holds codes up to 3 but there are 2 categories"):
        point_colors("categorical", np.array([0, 3]), ["a", "b"], [0, 1])


@pytest.mark.parametrize("scale", ["linear", "log", "quantile"])
@pytest.mark.parametrize(
    "values",
    [
        np.linspace(0.000521, 1.57, 200),  # the crowded bar of issue 19
        np.random.default_rng(0).exponential(0.1, 2000) ** 2 * 20,
        np.random.default_rng(1).normal(size=500),
        np.array([-5.0, 0.0, 1e4]),
        np.array([1e-7, 3e-7]),
    ],
)
def test_colour_bar_ticks_are_few_round_and_apart(values, scale):
    from latentwidgets._color_scales import MIN_GAP, scale_values

    ticks = scale_values(values, scale)[2]
    assert 1 <= len(ticks) <= 6
    positions = [p for p, _ in ticks]
    assert positions == sorted(positions)
    assert all(b - a >= MIN_GAP for a, b in itertools.pairwise(positions))
    for _, label in ticks:  # short: at most three significant digits, no "e+03"
        assert len(label.replace("-", "").replace(".", "").lstrip("0")) <= 6
        assert "e+" not in label
