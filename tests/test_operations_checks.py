"""The shared argument checks: numpy scalars pass where Python numbers do, seeds are bounded, and
output paths are checked before any work."""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest
import torch

from latentwidgets.operations._checks import (
    SEED_MAX,
    check_float,
    check_int,
    check_output_path,
    check_seed,
)
from latentwidgets.operations.clusters import kmeans
from latentwidgets.operations.neighbours import nearest_neighbours
from latentwidgets.operations.probe import grid
from latentwidgets.operations.sample import sample_codes

CODES = torch.randn(40, 3, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("value", [4, np.int64(4), np.int32(4), np.uint8(4)])
def test_check_int_takes_numpy_integers(value: object) -> None:
    assert check_int(value, "k", 1, 10) == 4
    assert type(check_int(value, "k", 1, 10)) is int


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (True, TypeError, r"k must be an int in \[1, 10\]; got bool True"),
        (4.0, TypeError, r"got float 4\.0 \(pass int\(k\)\)"),
        (np.float32(2.5), TypeError, r"got float32"),
        (np.int64(11), ValueError, r"k must be an int in \[1, 10\]; got 11"),
    ],
)
def test_check_int_refuses_with_the_range(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        check_int(value, "k", 1, 10)


@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5), np.float16(0.5)])
def test_check_float_takes_numpy_floats(value: object) -> None:
    assert check_float(value, "alpha", 0, 1) == 0.5
    assert type(check_float(value, "alpha", 0, 1)) is float
    assert check_float(np.int64(1), "alpha", 0, 1) == 1.0


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        (True, {}, TypeError, r"alpha must be a finite number in \[0, 1\]; got bool"),
        (np.bool_(True), {}, TypeError, r"got bool"),
        ("0.5", {}, TypeError, r"got str '0\.5'"),
        (float("nan"), {}, ValueError, r"got nan"),
        (np.float32("inf"), {}, ValueError, r"got inf"),
        (1.5, {}, ValueError, r"in \[0, 1\]; got 1\.5"),
        (0.0, {"low_open": True}, ValueError, r"in \(0, 1\]; got 0\.0"),
    ],
)
def test_check_float_refuses_with_the_range(
    value: object, kwargs: dict[str, bool], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        check_float(value, "alpha", 0, 1, **kwargs)


def test_check_float_without_bounds() -> None:
    assert check_float(-1e300, "x") == -1e300
    with pytest.raises(ValueError, match=r"x must be a finite number in \(-inf, inf\)"):
        check_float(float("-inf"), "x")


@pytest.mark.parametrize("value", [None, 0, 7, np.int64(7), np.uint64(SEED_MAX), SEED_MAX])
def test_check_seed_takes_none_and_ints_up_to_2_63(value: object) -> None:
    seed = check_seed(value)
    assert seed is None if value is None else seed == int(value)  # type: ignore[call-overload]
    if seed is not None:
        torch.Generator().manual_seed(seed)  # every seed taken is one torch takes


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (2**70, ValueError, r"seed must be None or an int in \[0, 9223372036854775807\] "),
        (-1, ValueError, r"got -1$"),
        (1.0, TypeError, r"got float 1\.0"),
        ("1", TypeError, r"got str"),
        (True, TypeError, r"got bool"),
    ],
)
def test_check_seed_refuses_with_the_range(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        check_seed(value)


def test_check_seed_with_a_numpy_bound_names_it() -> None:
    with pytest.raises(
        ValueError, match=r"random_state must be None or an int in \[0, 4294967295\]"
    ):
        check_seed(2**32, "random_state", 2**32 - 1)


def test_operations_take_numpy_scalars_and_bound_seeds() -> None:
    codes, _ = sample_codes(CODES, np.int64(4), seed=np.int64(3))
    again, _ = sample_codes(CODES, 4, seed=3)
    torch.testing.assert_close(codes, again)
    _, centroids = kmeans(CODES, np.int64(3), seed=np.uint32(1), tol=np.float32(1e-4))
    assert centroids.shape == (3, 3)
    _, indices = nearest_neighbours(CODES, CODES[:2], k=np.int16(5))
    assert indices.shape == (2, 5)
    assert grid((0, 1, 0, 1), np.int64(3)).shape == (9, 2)
    for call in (lambda: sample_codes(CODES, 4, seed=2**70), lambda: kmeans(CODES, 3, seed=2**70)):
        with pytest.raises(ValueError, match=r"seed must be None or an int in \[0, 922"):
            call()
    with pytest.raises(TypeError, match=r"seed must be an int .*got None"):
        kmeans(CODES, 3, seed=None)  # type: ignore[arg-type]


def test_output_path_is_checked_before_any_work(tmp_path: pathlib.Path) -> None:
    assert check_output_path(tmp_path / "page.html") == tmp_path / "page.html"
    assert check_output_path(str(tmp_path / "new"), folder=True) == tmp_path / "new"
    with pytest.raises(FileNotFoundError, match=r"path='.*missing/page.html': the folder .* "):
        check_output_path(str(tmp_path / "missing" / "page.html"))
    with pytest.raises(IsADirectoryError, match=r"path=.* is a folder; expected a file"):
        check_output_path(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match=r"output=.*file.txt' is a file, not a folder"):
        check_output_path(
            tmp_path / "file.txt" / "codes", "output", folder=True, create_parents=True
        )
    with pytest.raises(FileExistsError, match=r"output=.* is a file; expected a folder"):
        check_output_path(tmp_path / "file.txt", "output", folder=True)
    # a writer that makes its folders (Ray's) may be given a new folder under new folders
    deep = tmp_path / "a" / "b" / "codes"
    assert check_output_path(deep, "output", folder=True, create_parents=True) == deep
    with pytest.raises(TypeError, match=r"path must be a str or os.PathLike; got int"):
        check_output_path(3)


def test_output_path_in_a_read_only_folder(tmp_path: pathlib.Path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # root may write anywhere, so the folder is made read-only where the check asks
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: False if pathlib.Path(path) == locked else real_access(path, mode),
    )
    with pytest.raises(PermissionError, match=r"is not writable"):
        check_output_path(locked / "page.html")
