"""Open latent codes computed elsewhere: tensors, arrays, ``.npy`` files, Parquet and Arrow.

Codes from a ``.npy`` file are memory-mapped, never read into memory: the tensor that
:func:`read_latents` returns shares the mapped pages (copy-on-write, so an in-place edit of the
tensor never reaches the file). Parquet and Arrow tables hold the codes in one list column, one
code per row, beside an id, a label and metadata columns; the list column becomes a 2-D array
without a Python loop over rows.
"""

from __future__ import annotations

import mmap
import os
import pathlib
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import torch

from ._arrow import from_arrow
from ._optional import require
from ._table import LatentTable, check_finite

__all__ = ["LatentTable", "read_latents"]

_ACCEPTED = (
    "a torch.Tensor, a numpy array or np.memmap, a path to a .npy file, a Parquet file or a "
    "folder of Parquet files, or a pyarrow.Table"
)


def read_latents(
    latents: Any,
    *,
    column: str | None = None,
    id_column: str | None = "id",
    label_column: str | None = "label",
    metadata_columns: Sequence[str] | None = None,
) -> LatentTable:
    """Open codes computed elsewhere as a :class:`LatentTable`.

    Parameters
    ----------
    latents : tensor, array, path or pyarrow.Table
        One of:

        - a ``torch.Tensor`` or numpy array (an ``np.memmap`` included) of shape ``(N, D)``;
          ``(N, *latent_shape)`` is flattened to ``(N, D)``. float32 arrays are shared, not
          copied; other dtypes are converted to float32 (a copy).
        - a path (str or ``os.PathLike``) to a ``.npy`` file: memory-mapped copy-on-write, so the
          codes are read from disk as they are used and never copied into memory.
        - a path to a Parquet file or to a folder of Parquet files (shards, as Ray, Spark or Dask
          write them), or a URI such as ``s3://bucket/codes/`` that pyarrow can open.
        - a ``pyarrow.Table`` (or ``RecordBatch`` or ``pyarrow.dataset.Dataset``).
    column : str, optional
        Parquet and Arrow only: the list column (list, large list or fixed-size list of numbers)
        holding one code per row. Default: the only list column.
    id_column : str or None, default "id"
        Parquet and Arrow only: the column of item ids. When present the ids must be unique and
        the rows are put in id order (shards may come back in any order); ids other than
        ``0 .. N-1`` are kept in :attr:`LatentTable.ids`. Without such a column the rows keep the
        order of the files (sorted by path). None ignores ids.
    label_column : str or None, default "label"
        Parquet and Arrow only: the column of labels, read when present. None reads no labels.
    metadata_columns : sequence of str, optional
        Parquet and Arrow only: the columns to read as metadata. Default: every column that is
        neither the codes, the ids nor the labels and holds one value per row (not a list).

    Returns
    -------
    LatentTable
        ``(N, D)`` float32 CPU codes with their ids, labels and metadata, in id order.

    Raises
    ------
    TypeError
        If ``latents`` is of no supported kind, holds no numbers, or an argument has the wrong
        type.
    FileNotFoundError
        If ``latents`` is a path that does not exist.
    ValueError
        If the codes are not ``(N, D)`` with ``N, D >= 1``, contain NaN or inf (the row is named),
        a Parquet or Arrow table has no list column or several without ``column=``, a named
        column is missing, the list column is ragged or has nulls, or ids repeat or are null.
    ImportError
        If a Parquet file or Arrow table is read without pyarrow installed
        (``pip install latentwidgets[parquet]``).

    Examples
    --------
    >>> table = read_latents("codes.npy")  # doctest: +SKIP
    >>> table = read_latents("s3://bucket/run-7/codes/", label_column="digit")  # doctest: +SKIP
    >>> table.codes.shape  # doctest: +SKIP
    torch.Size([1000000, 64])
    """
    for value, name in (
        (column, "column"),
        (id_column, "id_column"),
        (label_column, "label_column"),
    ):
        if value is not None and not isinstance(value, str):
            raise TypeError(
                f"{name} must be a column name (str) or None; got {type(value).__name__} {value!r}"
            )
    if metadata_columns is not None:
        if isinstance(metadata_columns, str) or not isinstance(metadata_columns, Sequence):
            raise TypeError(
                "metadata_columns must be a list of column names or None; got "
                f"{type(metadata_columns).__name__} {metadata_columns!r}"
                + (
                    f" (wrap one name in a list: [{metadata_columns!r}])"
                    if isinstance(metadata_columns, str)
                    else ""
                )
            )
        metadata_columns = list(metadata_columns)
    if isinstance(latents, torch.Tensor | np.ndarray):
        _no_columns(column, metadata_columns, type(latents).__name__)
        return LatentTable(codes=_from_array(latents))
    if isinstance(latents, str | os.PathLike):
        return _from_path(latents, column, id_column, label_column, metadata_columns)
    if _is_arrow(latents):
        pa = require("pyarrow", "parquet", "Reading codes from an Arrow table")
        if isinstance(latents, pa.RecordBatch):
            latents = pa.Table.from_batches([latents])
        return from_arrow(latents, column, id_column, label_column, metadata_columns)
    raise TypeError(f"latents must be {_ACCEPTED}; got {type(latents).__name__}")


def _no_columns(column: str | None, metadata_columns: list[str] | None, kind: str) -> None:
    for value, name in ((column, "column"), (metadata_columns, "metadata_columns")):
        if value is not None:
            raise ValueError(
                f"{name}={value!r} names a column of a Parquet file or Arrow table, but latents is "
                f"a {kind}, which has no columns: leave {name} out"
            )


def _is_arrow(value: Any) -> bool:
    module = type(value).__module__
    return module.startswith(("pyarrow.", "pyarrow._")) or module == "pyarrow"


# -- arrays and .npy files ---------------------------------------------------------------------


def _from_array(latents: torch.Tensor | np.ndarray) -> torch.Tensor:
    shape = tuple(latents.shape)
    if len(shape) < 2:
        fix = (
            " If each item's code is one number, pass latents.reshape(-1, 1)."
            if len(shape) == 1
            else ""
        )
        raise ValueError(
            f"latents must be codes of shape (N, D), one row per item; got shape {shape}.{fix}"
        )
    if shape[0] == 0 or int(np.prod(shape[1:])) == 0:
        raise ValueError(
            f"latents must hold at least one code of at least one value; got shape {shape}"
        )
    if isinstance(latents, torch.Tensor):
        if latents.is_complex() or latents.dtype == torch.bool:
            raise TypeError(
                f"latents must hold real numbers; got a tensor of dtype {latents.dtype}"
            )
        codes = latents.detach().to("cpu", torch.float32).reshape(shape[0], -1)
    else:
        if latents.dtype.kind not in "biuf":
            raise TypeError(
                f"latents must hold numbers; got an array of dtype {latents.dtype}"
                + (
                    ": an object array of per-item arrays needs np.stack(latents)"
                    if latents.dtype.kind == "O"
                    else ""
                )
            )
        codes = _share(latents.reshape(shape[0], -1))
    check_finite(codes, None, "latents")
    return codes


def _share(array: np.ndarray) -> torch.Tensor:
    """Return a float32 tensor on the memory of ``array`` where possible (float32, positive strides)."""
    if array.dtype != np.float32:
        array = array.astype(np.float32)
    if any(stride < 0 for stride in array.strides):
        array = np.ascontiguousarray(array)
    if not array.flags.writeable:
        writable = _copy_on_write(array)
        if writable is not None:
            return torch.from_numpy(writable)
        # Read-only memory that is no file mapping (np.frombuffer of bytes, say): shared as is.
        # torch warns that writing to it is undefined; nothing here writes to codes in place.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not writable.*", category=UserWarning)
            return torch.from_numpy(array)
    return torch.from_numpy(array)


def _copy_on_write(array: np.ndarray) -> np.ndarray | None:
    """Map the same view of the same file copy-on-write (writable) instead of read-only.

    A read-only mapping (``mmap_mode="r"``) would crash the process on an in-place write to the
    tensor; a copy-on-write one takes the write into a private page and leaves the file as is.
    """
    root: Any = array
    while root is not None and not isinstance(getattr(root, "base", None), mmap.mmap):
        root = getattr(root, "base", None)
    if not isinstance(root, np.memmap) or root.filename is None:
        return None
    order: Literal["C", "F"] = (
        "F" if root.flags.f_contiguous and not root.flags.c_contiguous else "C"
    )
    reopened = np.memmap(
        root.filename, dtype=root.dtype, mode="c", offset=root.offset, shape=root.shape, order=order
    )
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(
        array.shape, dtype=array.dtype, buffer=reopened, offset=start, strides=array.strides
    )


def _from_path(
    path: str | os.PathLike[str],
    column: str | None,
    id_column: str | None,
    label_column: str | None,
    metadata_columns: list[str] | None,
) -> LatentTable:
    text = os.fspath(path)
    if "://" in text:
        return _from_parquet(text, column, id_column, label_column, metadata_columns)
    found = pathlib.Path(text).expanduser()
    if not found.exists():
        raise FileNotFoundError(
            f"latents={text!r}: no such file or folder; expected a .npy file, a Parquet file or a "
            "folder of Parquet files"
        )
    if found.is_file() and found.suffix.lower() == ".npy":
        _no_columns(column, metadata_columns, ".npy file")
        try:
            array = np.load(found, mmap_mode="c", allow_pickle=False)
        except ValueError as error:
            raise TypeError(
                f"latents={text!r}: the .npy file holds no numeric array ({error})"
            ) from error
        return LatentTable(codes=_from_array(array))
    if found.is_dir() or found.suffix.lower() in (".parquet", ".pq", ".parq"):
        return _from_parquet(str(found), column, id_column, label_column, metadata_columns)
    raise ValueError(
        f"latents={text!r}: expected a .npy file, a Parquet file (.parquet) or a folder of "
        f"Parquet files; got a file ending in {found.suffix or '(no suffix)'!r}. Load other "
        "formats yourself and pass the array or tensor"
    )


# -- Parquet and Arrow -------------------------------------------------------------------------


def _from_parquet(
    source: str,
    column: str | None,
    id_column: str | None,
    label_column: str | None,
    metadata_columns: list[str] | None,
) -> LatentTable:
    pads = require("pyarrow.dataset", "parquet", "Reading codes from Parquet")
    try:
        dataset = pads.dataset(source, format="parquet")
    except (OSError, ValueError) as error:
        raise ValueError(f"latents={source!r}: cannot open as Parquet: {error}") from error
    if not dataset.files:
        raise ValueError(f"latents={source!r}: the folder holds no Parquet files")
    return from_arrow(dataset, column, id_column, label_column, metadata_columns)
