"""read_latents: every input form, the memory-mapped no-copy path, and the bad inputs."""

from __future__ import annotations

import gc
import pathlib

import numpy as np
import pytest
import torch

from latentwidgets.scale import LatentTable, read_latents

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _codes(n: int = 50, d: int = 8) -> np.ndarray:
    return np.random.default_rng(0).standard_normal((n, d)).astype(np.float32)


def _table(codes: np.ndarray, *, fixed: bool = True, **columns: object) -> object:
    flat = pa.array(codes.reshape(-1))
    lists = (
        pa.FixedSizeListArray.from_arrays(flat, codes.shape[1])
        if fixed
        else pa.ListArray.from_arrays(pa.array(np.arange(0, codes.size + 1, codes.shape[1])), flat)
    )
    return pa.table({"codes": lists, **{k: pa.array(v) for k, v in columns.items()}})


def _rss_anon_mb() -> float:
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status RssAnon on this platform")


# -- tensors, arrays, .npy ---------------------------------------------------------------------


def test_tensor_and_array() -> None:
    codes = _codes()
    from_tensor = read_latents(torch.from_numpy(codes).double())
    assert isinstance(from_tensor, LatentTable)
    assert from_tensor.codes.dtype == torch.float32
    assert from_tensor.ids is None
    assert from_tensor.labels is None
    assert from_tensor.metadata == {}
    np.testing.assert_allclose(from_tensor.codes.numpy(), codes)
    from_array = read_latents(codes)
    assert from_array.codes.data_ptr() == codes.ctypes.data  # shared, not copied
    assert len(from_array) == 50


def test_spatial_codes_are_flattened() -> None:
    table = read_latents(np.zeros((4, 2, 3, 3), dtype=np.float32))
    assert table.codes.shape == (4, 18)


def test_npy_is_memory_mapped_copy_on_write(tmp_path: pathlib.Path) -> None:
    codes = _codes()
    np.save(tmp_path / "codes.npy", codes)
    table = read_latents(tmp_path / "codes.npy")
    np.testing.assert_array_equal(table.codes.numpy(), codes)
    table.codes[0] = 7.0  # a private page: the file is left as it was
    np.testing.assert_array_equal(np.load(tmp_path / "codes.npy"), codes)


def test_read_only_memmap_is_shared_and_writable(tmp_path: pathlib.Path) -> None:
    codes = _codes()
    np.save(tmp_path / "codes.npy", codes)
    mapped = np.load(tmp_path / "codes.npy", mmap_mode="r")
    view = mapped[10:20]
    with torch.autograd.grad_mode.no_grad():
        table = read_latents(view)
    np.testing.assert_array_equal(table.codes.numpy(), codes[10:20])
    table.codes[0, 0] = 1.0  # would crash on the read-only mapping
    assert mapped[10, 0] == codes[10, 0]


def test_200mb_npy_is_not_copied(tmp_path: pathlib.Path) -> None:
    n, d = 819_200, 64  # 200 MiB of float32
    path = tmp_path / "big.npy"
    writer = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, d))
    for start in range(0, n, 100_000):
        writer[start : start + 100_000] = 1.0
    writer.flush()
    del writer
    gc.collect()
    before = _rss_anon_mb()
    table = read_latents(path)  # reads every value (the finite check) but copies none
    after = _rss_anon_mb()
    assert table.codes.shape == (n, d)
    assert float(table.codes[-1, -1]) == 1.0
    # RssAnon counts private memory (a copy would add 200 MiB); the mapped file's pages are
    # shared page cache and count only in RssFile.
    assert after - before < 20, f"anonymous memory grew by {after - before:.0f} MiB"


def test_parquet_single_file_with_columns(tmp_path: pathlib.Path) -> None:
    codes = _codes()
    table = _table(
        codes,
        id=np.arange(50),
        label=np.array(["a", "b"] * 25),
        split=np.array(["train"] * 40 + ["test"] * 10),
        score=np.linspace(0, 1, 50),
    )
    pq.write_table(table, tmp_path / "codes.parquet")
    read = read_latents(tmp_path / "codes.parquet")
    np.testing.assert_array_equal(read.codes.numpy(), codes)
    assert read.ids is None  # ids 0..N-1: the row number is the id
    assert list(read.labels[:3]) == ["a", "b", "a"]
    assert read.labels.dtype == object
    assert set(read.metadata) == {"split", "score"}
    only = read_latents(tmp_path / "codes.parquet", metadata_columns=["score"], label_column=None)
    assert only.labels is None
    assert set(only.metadata) == {"score"}


def test_arrow_table_list_and_fixed_size(tmp_path: pathlib.Path) -> None:
    codes = _codes(20, 4)
    for fixed in (True, False):
        read = read_latents(_table(codes, fixed=fixed))
        np.testing.assert_array_equal(read.codes.numpy(), codes)
    record = _table(codes).to_batches()[0]
    np.testing.assert_array_equal(read_latents(record).codes.numpy(), codes)


def test_shuffled_shards_come_back_in_id_order(tmp_path: pathlib.Path) -> None:
    codes = _codes(100, 6)
    ids = np.arange(1000, 1100)  # not 0..N-1: kept
    order = np.random.default_rng(1).permutation(100)
    folder = tmp_path / "shards"
    folder.mkdir()
    for shard, rows in enumerate(np.array_split(order, 4)):
        table = _table(codes[rows], id=ids[rows], label=rows % 3)
        pq.write_table(table, folder / f"part-{shard}.parquet")
    (folder / "_SUCCESS").write_text("")  # what Spark leaves beside its shards
    read = read_latents(folder)
    np.testing.assert_array_equal(read.codes.numpy(), codes)
    np.testing.assert_array_equal(read.ids, ids)
    np.testing.assert_array_equal(read.labels, np.arange(100) % 3)


def test_string_ids_sorted_and_kept() -> None:
    codes = _codes(3, 2)
    read = read_latents(_table(codes, id=["c", "a", "b"]))
    assert list(read.ids) == ["a", "b", "c"]
    np.testing.assert_array_equal(read.codes.numpy(), codes[[1, 2, 0]])


def test_column_picks_one_of_two_list_columns() -> None:
    codes = _codes(10, 4)
    table = _table(codes).append_column("other", pa.array([[1.0]] * 10))
    read = read_latents(table, column="codes")
    np.testing.assert_array_equal(read.codes.numpy(), codes)
    assert "other" not in read.metadata


# -- bad inputs ----------------------------------------------------------------------------


def test_ragged_list_column_names_column_and_lengths() -> None:
    lists = pa.array([[1.0, 2.0], [1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match=r"'z' is ragged: row 0 has 2 values and row 2 has 1"):
        read_latents(pa.table({"z": lists}))


def test_duplicate_ids_name_id_column() -> None:
    table = _table(_codes(4, 2), key=[3, 1, 3, 2])
    with pytest.raises(ValueError, match=r"id_column='key'.*id 3 appears 2 times"):
        read_latents(table, id_column="key")


def test_no_list_column() -> None:
    with pytest.raises(ValueError, match=r"no list column of codes.*x \(double\)"):
        read_latents(pa.table({"x": [1.0, 2.0]}))


def test_two_list_columns_without_column() -> None:
    table = _table(_codes(3, 2)).append_column("other", pa.array([[1.0]] * 3))
    with pytest.raises(ValueError, match=r"2 list columns.*pass column="):
        read_latents(table)


def test_missing_named_columns() -> None:
    table = _table(_codes(3, 2))
    with pytest.raises(ValueError, match=r"column='zz' is not a column"):
        read_latents(table, column="zz")
    with pytest.raises(ValueError, match=r"label_column='digit' is not a column"):
        read_latents(table, label_column="digit")
    with pytest.raises(ValueError, match=r"metadata_columns: 'm' is not a column"):
        read_latents(table, metadata_columns=["m"])


def test_nan_codes_name_the_row() -> None:
    codes = _codes(10, 3)
    codes[7, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf in 1 of 10 rows \(first: row 7\)"):
        read_latents(codes)
    with pytest.raises(ValueError, match=r"first: row 7, id 17"):
        read_latents(_table(codes, id=np.arange(10, 20)))


def test_null_code_row() -> None:
    with pytest.raises(ValueError, match=r"1 null rows \(first: row 1\)"):
        read_latents(pa.table({"z": pa.array([[1.0], None, [2.0]])}))


def test_missing_path(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.npy'.*no such file"):
        read_latents(tmp_path / "nowhere.npy")


def test_wrong_kinds(tmp_path: pathlib.Path) -> None:
    with pytest.raises(TypeError, match=r"latents must be a torch.Tensor.*got dict"):
        read_latents({"codes": 1})
    with pytest.raises(ValueError, match=r"shape \(5,\).*reshape\(-1, 1\)"):
        read_latents(np.zeros(5, dtype=np.float32))
    with pytest.raises(ValueError, match=r"column='codes' names a column.*leave column out"):
        read_latents(np.zeros((2, 2)), column="codes")
    (tmp_path / "codes.csv").write_text("1,2\n")
    with pytest.raises(ValueError, match=r"file ending in '\.csv'"):
        read_latents(tmp_path / "codes.csv")
    with pytest.raises(TypeError, match=r"metadata_columns must be a list.*\['a'\]"):
        read_latents(np.zeros((2, 2)), metadata_columns="a")


# -- shards read batch by batch ----------------------------------------------------------------


def _write_shards(folder: pathlib.Path, table: object, parts: int, row_group_size: int) -> None:
    folder.mkdir()
    rows = len(table)  # type: ignore[arg-type]
    for shard, chunk in enumerate(np.array_split(np.arange(rows), parts)):
        piece = table.slice(int(chunk[0]), len(chunk))  # type: ignore[attr-defined]
        pq.write_table(piece, folder / f"part-{shard:02d}.parquet", row_group_size=row_group_size)


def test_many_row_groups_keep_file_order_without_ids(tmp_path: pathlib.Path) -> None:
    codes = _codes(1000, 5)
    _write_shards(tmp_path / "s", _table(codes, label=np.arange(1000) % 7), 3, 37)
    read = read_latents(tmp_path / "s")
    np.testing.assert_array_equal(read.codes.numpy(), codes)
    np.testing.assert_array_equal(read.labels, np.arange(1000) % 7)
    assert read.ids is None


def test_many_row_groups_put_in_id_order(tmp_path: pathlib.Path) -> None:
    codes = _codes(1000, 5)
    order = np.random.default_rng(3).permutation(1000)
    shuffled = _table(codes[order], id=order, size=order * 0.5)
    _write_shards(tmp_path / "s", shuffled, 4, 64)
    read = read_latents(tmp_path / "s")
    np.testing.assert_array_equal(read.codes.numpy(), codes)
    np.testing.assert_array_equal(read.metadata["size"], np.arange(1000) * 0.5)
    assert read.ids is None  # 0..N-1: the row number is the id


def test_ragged_and_null_rows_in_a_later_shard_are_named_by_row(tmp_path: pathlib.Path) -> None:
    good = [[1.0, 2.0]] * 10
    _write_shards(tmp_path / "r", pa.table({"z": pa.array([*good, [1.0]])}), 2, 3)
    with pytest.raises(ValueError, match=r"row 0 has 2 values and row 10 has 1"):
        read_latents(tmp_path / "r")
    _write_shards(tmp_path / "n", pa.table({"z": pa.array([*good, None, [3.0, 4.0], None])}), 2, 4)
    with pytest.raises(ValueError, match=r"2 null rows \(first: row 10\)"):
        read_latents(tmp_path / "n")


def test_nan_ids_name_the_column_and_the_first_row() -> None:
    table = pa.table(
        {
            "codes": pa.array([[0.0, 1.0]] * 4, type=pa.list_(pa.float32())),
            "key": pa.array([0.0, 1.0, float("nan"), float("nan")]),
        }
    )
    with pytest.raises(ValueError, match=r"id_column='key' holds NaN in 2 rows \(first: row 2"):
        read_latents(table, id_column="key")
    assert read_latents(table, id_column=None).codes.shape == (4, 2)


def test_ray_output_under_a_file_is_refused_before_any_job(tmp_path: pathlib.Path) -> None:
    from latentwidgets.scale.ray_encode import _output_path

    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match=r"output='.*file.txt/codes': .* is a file"):
        _output_path(str(tmp_path / "file.txt" / "codes"))
    with pytest.raises(FileExistsError, match=r"output=.*file.txt' is a file; expected a folder"):
        _output_path(tmp_path / "file.txt")
    assert _output_path(tmp_path / "new" / "codes") == (tmp_path / "new" / "codes").resolve()
    assert _output_path("s3://bucket/codes/") == "s3://bucket/codes/"
