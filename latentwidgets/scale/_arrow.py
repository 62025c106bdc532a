"""Codes and their columns from Arrow: a pyarrow Table, or a Dataset of Parquet shards.

The codes are one list column (list, large list or fixed-size list of numbers), one code per
row; it becomes a 2-D float32 array chunk by chunk, with no Python loop over rows. An id
column puts the rows in id order, whatever order the shards came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import torch

from ._optional import require
from ._table import LatentTable, check_finite, plain


def list_type(pa: Any, kind: Any) -> Any:
    """Return the list type of a column (through an extension type's storage), or None."""
    if isinstance(kind, pa.ExtensionType):
        kind = kind.storage_type
    is_list = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    return kind if is_list or pa.types.is_fixed_size_list(kind) else None


def from_arrow(
    table: Any,
    column: str | None,
    id_column: str | None,
    label_column: str | None,
    metadata_columns: list[str] | None,
) -> LatentTable:
    """Codes and columns from a pyarrow Table or Dataset, reading only the columns needed.

    A Dataset (Parquet shards) is read in two passes: first the one-value-per-row columns, whose
    ids give each row its place, then the codes batch by batch, each written straight to its
    place. So the codes are held once, not as an Arrow table beside the array beside a copy
    sorted by id.
    """
    pa = require("pyarrow", "parquet", "Reading codes from Parquet or Arrow")
    schema = table.schema
    names = list(schema.names)
    lists = [name for name in names if list_type(pa, schema.field(name).type) is not None]
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
    small = list(dict.fromkeys(n for n in (ids_name, label_name, *metadata_columns) if n))
    if isinstance(table, pa.Table):
        columns, n = table.select(small), len(table)
        chunks: Iterable[Any] = table.column(column).chunks
    else:  # a pyarrow.dataset.Dataset
        columns = table.to_table(columns=small) if small else None
        n = len(columns) if columns is not None else table.count_rows()
        chunks = _stream(table, column)
    ids = _values(columns.column(ids_name), ids_name, "id_column") if ids_name else None
    labels = _values(columns.column(label_name), label_name, "label_column") if label_name else None
    metadata = {
        name: _values(columns.column(name), name, "metadata_columns") for name in metadata_columns
    }
    destination = None
    if ids is not None:
        ids, order = _id_order(ids, ids_name or "")
        if order is not None:
            destination = np.empty(n, dtype=np.int64)
            destination[order] = np.arange(n)
            labels = labels[order] if labels is not None else None
            metadata = {name: values[order] for name, values in metadata.items()}
    codes = _codes_from_lists(pa, schema.field(column).type, chunks, n, column, destination)
    # Arrow's allocator keeps the pages of the batches it freed; the codes now live in numpy.
    pa.default_memory_pool().release_unused()
    tensor = torch.from_numpy(codes)
    check_finite(tensor, ids, f"latents (column {column!r})")
    return LatentTable(codes=tensor, ids=ids, labels=labels, metadata=metadata)


def _stream(dataset: Any, column: str) -> Iterator[Any]:
    """Yield the list column of ``dataset`` batch by batch, in the row order of ``to_table``."""
    for fragment in dataset.get_fragments():
        for batch in fragment.to_batches(columns=[column], use_threads=False):
            yield batch.column(0)


def _codes_from_lists(
    pa: Any,
    kind: Any,
    chunks: Iterable[Any],
    n: int,
    name: str,
    destination: np.ndarray | None,
) -> np.ndarray:
    """``(N, D)`` float32 from a list column's chunks, row ``r`` written to ``destination[r]``.

    Chunk by chunk, with no loop over rows; nulls and ragged rows are named by row number.
    """
    pc = require("pyarrow.compute", "parquet", "Reading codes from Parquet or Arrow")
    if n == 0:
        raise ValueError(f"latents: column {name!r} has no rows; expected at least one code")
    item = list_type(pa, kind).value_type
    if not (pa.types.is_floating(item) or pa.types.is_integer(item) or pa.types.is_decimal(item)):
        raise TypeError(f"latents: column {name!r} must hold lists of numbers; got {kind}")
    codes: np.ndarray | None = None
    start, nulls, first_null = 0, 0, -1
    for chunk in chunks:
        if isinstance(chunk.type, pa.ExtensionType):
            chunk = chunk.storage
        size = len(chunk)
        if chunk.null_count:  # keep counting, to say how many
            if first_null < 0:
                at = np.flatnonzero(chunk.is_null().to_numpy(zero_copy_only=False))[0]
                first_null = start + int(at)
            nulls += chunk.null_count
        if size == 0 or nulls:
            start += size
            continue
        lengths = pc.list_value_length(chunk).to_numpy(zero_copy_only=False)
        if codes is None:
            d = int(lengths[0])
            if d == 0:
                raise ValueError(
                    f"latents: column {name!r} holds empty lists; codes need at least one value"
                )
            codes = np.empty((n, d), dtype=np.float32)
        other = np.flatnonzero(lengths != codes.shape[1])
        if other.size:
            row = int(other[0])
            raise ValueError(
                f"latents: column {name!r} is ragged: row 0 has {codes.shape[1]} values and row "
                f"{start + row} has {int(lengths[row])}; every code must have the same length"
            )
        block = chunk.flatten().to_numpy(zero_copy_only=False).reshape(size, -1)
        if destination is None:
            codes[start : start + size] = block
        else:
            codes[destination[start : start + size]] = block
        start += size
    if nulls:
        raise ValueError(
            f"latents: column {name!r} has {nulls} null rows (first: row {first_null}); "
            "every row needs a code"
        )
    if codes is None or start != n:
        raise ValueError(
            f"latents: column {name!r} has {start} rows but the other columns have {n}; was the "
            "data changed while it was read?"
        )
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
    if argument == "id_column" and array.dtype.kind in "fcO":
        # NaN is no id: it equals nothing (so duplicates of it pass the uniqueness check) and
        # sorts last, putting its row in an arbitrary place.
        with np.errstate(invalid="ignore"):
            missing = np.asarray(array != array, dtype=bool)
        if missing.any():
            bad = np.flatnonzero(missing)
            raise ValueError(
                f"id_column={name!r} holds NaN in {len(bad)} rows (first: row {int(bad[0])}, in "
                "the order of the files); every row needs an id: fill them (ids are best "
                "integers or strings), or pass id_column=None to keep the order of the files"
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
        value = plain(ordered[same[0]])
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
