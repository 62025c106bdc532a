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
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch

from ._optional import require

__all__ = ["LatentTable", "read_latents"]

_ACCEPTED = (
    "a torch.Tensor, a numpy array or np.memmap, a path to a .npy file, a Parquet file or a "
    "folder of Parquet files, or a pyarrow.Table"
)


@dataclass(eq=False)
class LatentTable:
    """Codes and the columns that travel with them, one row per item.

    Parameters
    ----------
    codes : torch.Tensor
        ``(N, D)`` float32 codes on the CPU. Read from a ``.npy`` file or an array, the tensor
        shares the array's memory.
    ids : numpy.ndarray, optional
        The items' ids, ``(N,)``, sorted, when the source had ids other than ``0 .. N-1``; row
        ``i`` of ``codes`` belongs to item ``ids[i]``. None where the row number is the id.
    labels : numpy.ndarray, optional
        ``(N,)`` labels (strings as an object array), or None.
    metadata : dict of str to numpy.ndarray
        Further ``(N,)`` columns, by name.
    """

    codes: torch.Tensor
    ids: np.ndarray | None = None
    labels: np.ndarray | None = None
    metadata: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        n, d = self.codes.shape
        columns = ", ".join(self.metadata) or "none"
        return (
            f"LatentTable({n} codes of {d} dimensions, ids={'yes' if self.ids is not None else 'row number'}, "
            f"labels={'yes' if self.labels is not None else 'None'}, metadata: {columns})"
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
        return _from_arrow(latents, column, id_column, label_column, metadata_columns)
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
    _check_finite(codes, None, "latents")
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
    return _from_arrow(dataset, column, id_column, label_column, metadata_columns)


def _list_type(pa: Any, kind: Any) -> Any:
    """Return the list type of a column (through an extension type's storage), or None."""
    if isinstance(kind, pa.ExtensionType):
        kind = kind.storage_type
    is_list = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    return kind if is_list or pa.types.is_fixed_size_list(kind) else None


def _from_arrow(
    table: Any,
    column: str | None,
    id_column: str | None,
    label_column: str | None,
    metadata_columns: list[str] | None,
) -> LatentTable:
    """Codes and columns from a pyarrow Table or Dataset, reading only the columns needed."""
    pa = require("pyarrow", "parquet", "Reading codes from Parquet or Arrow")
    schema = table.schema
    names = list(schema.names)
    lists = [name for name in names if _list_type(pa, schema.field(name).type) is not None]
    listed = ", ".join(f"{name} ({schema.field(name).type})" for name in names)
    if column is None:
        if not lists:
            raise ValueError(
                "latents: found no list column of codes; expected one column whose rows are "
                f"lists of numbers (one code per row). The columns are: {listed}. Write the codes "
                "as one list column, e.g. pyarrow.FixedSizeListArray.from_arrays(codes.ravel(), D)"
            )
        if len(lists) > 1:
            raise ValueError(
                f"latents: found {len(lists)} list columns ({', '.join(map(repr, lists))}) and "
                "cannot tell which holds the codes: pass column=, e.g. "
                f"read_latents(..., column={lists[0]!r})"
            )
        column = lists[0]
    elif column not in names:
        raise ValueError(f"column={column!r} is not a column of latents; the columns are: {listed}")
    elif column not in lists:
        raise ValueError(
            f"column={column!r} must be a list column (one list of numbers per row); it is "
            f"{schema.field(column).type}. List columns: {', '.join(map(repr, lists)) or 'none'}"
        )
    for value, name, default in (
        (id_column, "id_column", "id"),
        (label_column, "label_column", "label"),
    ):
        if value is not None and value not in names and value != default:
            raise ValueError(
                f"{name}={value!r} is not a column of latents; the columns are: {listed}"
            )
    ids_name = id_column if id_column in names and id_column != column else None
    label_name = label_column if label_column in names and label_column != column else None
    taken = {column, ids_name, label_name}
    if metadata_columns is None:
        metadata_columns = [name for name in names if name not in taken and name not in lists]
    else:
        for name in metadata_columns:
            if name not in names:
                raise ValueError(
                    f"metadata_columns: {name!r} is not a column of latents; the columns are: {listed}"
                )
            if name in lists:
                raise ValueError(
                    f"metadata_columns: {name!r} is a list column ({schema.field(name).type}); "
                    "metadata columns hold one value per row"
                )
    wanted = [column, *(n for n in (ids_name, label_name) if n), *metadata_columns]
    if not isinstance(table, pa.Table):  # a pyarrow.dataset.Dataset: read only these columns
        table = table.to_table(columns=list(dict.fromkeys(wanted)))
    codes = _codes_from_lists(pa, table.column(column), column)
    ids = _values(table.column(ids_name), ids_name, "id_column") if ids_name else None
    labels = _values(table.column(label_name), label_name, "label_column") if label_name else None
    metadata = {
        name: _values(table.column(name), name, "metadata_columns") for name in metadata_columns
    }
    if ids is not None:
        ids, order = _id_order(ids, ids_name or "")
        if order is not None:
            codes = codes[order]
            labels = labels[order] if labels is not None else None
            metadata = {name: values[order] for name, values in metadata.items()}
    tensor = torch.from_numpy(codes)
    _check_finite(tensor, ids, f"latents (column {column!r})")
    return LatentTable(codes=tensor, ids=ids, labels=labels, metadata=metadata)


def _codes_from_lists(pa: Any, values: Any, name: str) -> np.ndarray:
    """``(N, D)`` float32 from a chunked list column, chunk by chunk, with no loop over rows."""
    pc = require("pyarrow.compute", "parquet", "Reading codes from Parquet or Arrow")
    if isinstance(values.type, pa.ExtensionType):
        values = pa.chunked_array(
            [chunk.storage for chunk in values.chunks], values.type.storage_type
        )
    n = len(values)
    if n == 0:
        raise ValueError(f"latents: column {name!r} has no rows; expected at least one code")
    if values.null_count:
        first = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
        raise ValueError(
            f"latents: column {name!r} has {values.null_count} null rows (first: row {first}); "
            "every row needs a code"
        )
    item = values.type.value_type
    if not (pa.types.is_floating(item) or pa.types.is_integer(item) or pa.types.is_decimal(item)):
        raise TypeError(f"latents: column {name!r} must hold lists of numbers; got {values.type}")
    lengths = pc.list_value_length(values).to_numpy(zero_copy_only=False)
    d = int(lengths[0])
    other = np.flatnonzero(lengths != d)
    if other.size:
        row = int(other[0])
        raise ValueError(
            f"latents: column {name!r} is ragged: row 0 has {d} values and row {row} has "
            f"{int(lengths[row])}; every code must have the same length"
        )
    if d == 0:
        raise ValueError(
            f"latents: column {name!r} holds empty lists; codes need at least one value"
        )
    codes = np.empty((n, d), dtype=np.float32)
    start = 0
    for chunk in values.chunks:
        size = len(chunk)
        if size:
            flat = chunk.flatten().to_numpy(zero_copy_only=False)
            codes[start : start + size] = flat.reshape(size, d)
            start += size
    return codes


def _values(values: Any, name: str, argument: str) -> np.ndarray:
    """Return a column as a 1-D numpy array: numbers as numbers, strings as an object array."""
    array = np.asarray(values.to_numpy(zero_copy_only=False))
    if array.dtype.kind in "US":
        array = array.astype(object)
    if argument == "id_column" and values.null_count:
        first = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
        raise ValueError(
            f"id_column={name!r} has {values.null_count} null ids (first: row {first}); every "
            "row needs an id, or pass id_column=None to keep the order of the files"
        )
    return array


def _id_order(ids: np.ndarray, name: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(ids kept, the order that sorts the rows by id); None for ids 0..N-1 and rows in order."""
    n = len(ids)
    if ids.dtype.kind in "iu" and n and int(ids[0]) == 0 and bool(np.all(np.diff(ids) == 1)):
        return None, None
    try:
        order = np.argsort(ids, kind="stable")
    except TypeError as error:
        raise TypeError(
            f"id_column={name!r}: ids must be comparable (all numbers or all strings) to put rows "
            f"in id order: {error}"
        ) from error
    ordered = ids[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    if same.size:
        value = _plain(ordered[same[0]])
        count = int(np.count_nonzero(ids == value))
        raise ValueError(
            f"id_column={name!r}: ids must be unique; id {value!r} appears {count} times "
            f"({same.size} repeated rows in all). Remove the duplicates (a shard written twice?), "
            "or pass id_column=None to keep every row in the order of the files"
        )
    if ordered.dtype.kind in "iu" and int(ordered[0]) == 0 and int(ordered[-1]) == n - 1:
        kept = None  # unique integers 0..N-1: the row number is the id
    else:
        kept = ordered
    in_order = bool(np.all(order == np.arange(n)))
    return kept, None if in_order else order


def _plain(value: Any) -> Any:
    """Return a numpy scalar as the Python value it holds, for messages (3, not np.int64(3))."""
    return value.item() if isinstance(value, np.generic) else value


def _check_finite(codes: torch.Tensor, ids: np.ndarray | None, what: str) -> None:
    # NaN and inf survive a sum: one pass clears finite codes (a memory map is read, not copied).
    if bool(torch.isfinite(codes.sum())):
        return
    bad = torch.nonzero(~torch.isfinite(codes).all(dim=1)).flatten()
    if len(bad) == 0:  # finite values whose sum overflowed
        return
    row = int(bad[0])
    named = f"row {row}" + (f", id {_plain(ids[row])!r}" if ids is not None else "")
    raise ValueError(
        f"{what}: the codes contain NaN or inf in {len(bad)} of {len(codes)} rows (first: "
        f"{named}); every code must be finite. Drop or repair those rows before reading"
    )
