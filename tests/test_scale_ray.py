"""encode_with_ray: the same codes as the in-process LatentModel.encode, item for item.

One local Ray instance serves the module (starting one costs seconds, more on a loaded machine);
only two tests run a Ray job. The argument checks fail before any job starts.
"""

from __future__ import annotations

import ipaddress
import os
import pathlib
import sys
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from latentwidgets import LatentModel
from latentwidgets.scale import encode_with_ray, read_latents


class TinyEncoder(torch.nn.Module):
    """Deterministic; at module level so that Ray pickles it by reference."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.linear = torch.nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x.reshape(len(x), -1))


N = 300


def _items() -> np.ndarray:
    return np.random.default_rng(0).random((N, 8, 8), dtype=np.float32)


def _dataset(ray: object) -> object:
    x = _items()
    rows = [{"x": x[i], "label": int(i % 3), "name": f"item-{i}"} for i in range(N)]
    return ray.data.from_items(rows, override_num_blocks=4)  # type: ignore[attr-defined]


def _loopback_only() -> None:
    """Keep a local Ray on 127.0.0.1: no socket of it is reachable from the network.

    ``_node_ip_address="127.0.0.1"`` alone is not enough: Ray swaps a loopback address for the
    machine's routable one unless clusters are off (its default on macOS and Windows), and its
    servers then listen on every interface.
    """
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    constants = sys.modules.get("ray._private.ray_constants")
    if constants is not None:  # Ray imported already (by another test): its constant is read
        constants.ENABLE_RAY_CLUSTER = False  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def ray() -> Iterator[object]:
    _loopback_only()
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    error: Exception | None = None
    for _ in range(3):  # a loaded machine can miss Ray's startup deadlines; try again
        try:
            # loopback only: nothing of the test's Ray is reachable from the network
            ray.init(
                num_cpus=2,
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
                _node_ip_address="127.0.0.1",
            )
            break
        except Exception as failed:
            error = failed
            ray.shutdown()
    else:
        pytest.skip(f"a local Ray instance did not start: {error}")
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def expected() -> torch.Tensor:
    return LatentModel(TinyEncoder(), progress=False).encode(torch.from_numpy(_items()))


@pytest.mark.slow
def test_codes_labels_and_metadata_match_in_process(ray: object, expected: torch.Tensor) -> None:
    table = encode_with_ray(TinyEncoder(), _dataset(ray), batch_size=64)
    assert not isinstance(table, pathlib.Path | str)
    assert table.codes.shape == (N, 4)
    torch.testing.assert_close(table.codes, expected, rtol=0, atol=1e-6)
    assert table.ids is None  # row numbers
    np.testing.assert_array_equal(table.labels, np.arange(N) % 3)
    assert list(table.metadata) == ["name"]
    assert table.metadata["name"][123] == "item-123"


@pytest.mark.slow
def test_output_round_trips_through_read_latents(
    ray: object, expected: torch.Tensor, tmp_path: pathlib.Path
) -> None:
    folder = encode_with_ray(TinyEncoder(), _dataset(ray), batch_size=50, output=tmp_path / "codes")
    assert folder == tmp_path / "codes"
    assert list(folder.glob("*.parquet"))
    table = read_latents(folder)
    torch.testing.assert_close(table.codes, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(table.labels, np.arange(N) % 3)
    assert table.metadata["name"][7] == "item-7"
    with pytest.raises(FileExistsError, match=r"not an empty folder"):
        encode_with_ray(TinyEncoder(), _dataset(ray), output=folder)


@pytest.mark.slow
def test_missing_or_unclear_column(ray: object) -> None:
    with pytest.raises(ValueError, match=r"column='pixels' is not a column.*'x', 'label', 'name'"):
        encode_with_ray(TinyEncoder(), _dataset(ray), column="pixels")
    two = ray.data.from_items([{"a": 1.0, "b": 2.0}])  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"none is named 'x'.*pass column="):
        encode_with_ray(TinyEncoder(), two)
    with pytest.raises(TypeError, match=r"dataset must be a ray.data.Dataset; got ndarray"):
        encode_with_ray(TinyEncoder(), _items())
    with pytest.raises(TypeError, match=r"concurrency must be a positive int"):
        encode_with_ray(TinyEncoder(), _dataset(ray), concurrency=1.5)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_one_gpu_per_actor(ray: object, expected: torch.Tensor) -> None:
    table = encode_with_ray(TinyEncoder(), _dataset(ray), batch_size=64, num_gpus=1)
    assert not isinstance(table, pathlib.Path | str)
    torch.testing.assert_close(table.codes, expected, rtol=0, atol=1e-4)


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ImportError, match=r"pip install latentwidgets\[ray\]"):
        encode_with_ray(TinyEncoder(), object())


def test_missing_pyarrow_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    (tmp_path / "codes.parquet").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "pyarrow.dataset", None)
    with pytest.raises(ImportError, match=r"pip install latentwidgets\[parquet\]"):
        read_latents(tmp_path / "codes.parquet")


@pytest.mark.slow
def test_the_explorer_takes_a_ray_dataset(ray: object, expected: torch.Tensor) -> None:
    from latentwidgets import LatentExplorer, encode

    explorer = LatentExplorer(TinyEncoder(), None, _dataset(ray), progress=False)
    torch.testing.assert_close(explorer.latents, expected, rtol=0, atol=1e-6)
    assert explorer.color_by == "label"
    response, _ = explorer.preview({"index": 3}, [])
    assert response["input"] is None  # the items stay in the cluster
    table = encode(TinyEncoder(), torch.from_numpy(_items()), engine="local")
    torch.testing.assert_close(table.codes, expected)
    with pytest.raises(ValueError, match="engine must be one of"):
        encode(TinyEncoder(), _items(), engine="spark")


@pytest.mark.timeout(60)
def test_actors_that_hold_every_cpu_are_refused_before_the_job(ray: object) -> None:
    # On this 2-CPU Ray, two 1-CPU actors would leave the read tasks no CPU: a job that waits
    # forever. The check comes before any job runs, so this takes well under a second.
    with pytest.raises(ValueError, match=r"leaving none for the tasks that read.*concurrency=1"):
        encode_with_ray(TinyEncoder(), _dataset(ray), concurrency=2)
    with pytest.raises(ValueError, match=r"num_cpus=0\.5 per actor"):
        encode_with_ray(TinyEncoder(), _dataset(ray), concurrency=np.int64(2))
    with pytest.raises(ValueError, match=r"concurrency=\(2, 3\)"):
        encode_with_ray(TinyEncoder(), _dataset(ray), concurrency=(2, 3))
    with pytest.raises(ValueError, match=r"at least 4 CPUs"):
        encode_with_ray(TinyEncoder(), _dataset(ray), concurrency=3)
    with pytest.raises(TypeError, match=r"num_cpus must be a number"):
        encode_with_ray(TinyEncoder(), _dataset(ray), num_cpus="1")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_actors_sharing_cpus_run_and_ray_listens_on_loopback_only(
    ray: object, expected: torch.Tensor
) -> None:
    psutil = pytest.importorskip("psutil")
    table = encode_with_ray(
        TinyEncoder(), _dataset(ray), batch_size=64, concurrency=2, num_cpus=0.5
    )
    assert not isinstance(table, pathlib.Path | str)
    torch.testing.assert_close(table.codes, expected, rtol=0, atol=1e-6)
    # Ray's processes (GCS, raylet, workers) descend from this one; after a job all are up.
    found, outside = 0, []
    for process in psutil.Process().children(recursive=True):
        try:
            connections = process.net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for connection in connections:
            found += 1
            ends = [connection.laddr, connection.raddr] if connection.raddr else [connection.laddr]
            for end in ends:
                address = ipaddress.ip_address(end.ip.split("%")[0])
                if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                    address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
                if not address.is_loopback:
                    outside.append((process.name(), connection.status, end.ip, end.port))
    assert found, "no TCP sockets of Ray's processes were found"
    assert not outside, f"Ray sockets on non-loopback addresses: {outside}"
