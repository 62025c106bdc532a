"""The scale path: encoding through Ray Data against in-process, and opening 1M codes from Parquet.

Measures, on this machine's CPUs (or GPUs, where Ray finds them):
- items/s of the built-in digits VAE encoder over N digits-sized images (1x8x8, the 1,797 digits
  tiled), in-process with ``LatentModel.encode`` and through ``encode_with_ray`` with 1 and 2
  actors (the Ray figures include scheduling the job and starting the actors, not ray.init);
- seconds for ``read_latents`` to open 1,000,000 x 64 float32 codes from 8 Parquet shards (one
  fixed-size list column, ids, labels), and for a memory-mapped ``.npy`` of the same codes.
Prints a table and saves benchmarks/results/bench_ray.json.
Run: python benchmarks/bench_ray.py [--items 20000] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import tempfile
import time

import numpy as np
import torch

import latentwidgets as lw
from latentwidgets.scale import encode_with_ray, read_latents

RESULTS = pathlib.Path(__file__).parent / "results"


def start_ray(ray):
    # Ray's actors take one logical CPU each; two spare ones keep the read, zip and write tasks
    # from waiting behind two actors on a 2-core machine. A loaded machine can miss Ray's
    # startup deadlines (a fixed 15 s for its agents): try again.
    for attempt in range(4):
        try:
            # 127.0.0.1 only, with the variable set before `import ray` in main(): nothing of
            # this Ray is reachable from the network
            ray.init(
                num_cpus=(os.cpu_count() or 2) + 2,
                _node_ip_address="127.0.0.1",
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
            )
            ray.data.DataContext.get_current().enable_progress_bars = False
            return
        except Exception as error:
            print(f"ray.init failed (attempt {attempt + 1}): {error}")
            ray.shutdown()
    raise SystemExit("a local Ray instance did not start")


def parquet_rows(rows: int, folder: pathlib.Path) -> dict[str, float]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    codes = rng.standard_normal((rows, 64), dtype=np.float32)
    start = time.perf_counter()
    order = rng.permutation(rows)  # shards hold rows in no particular order
    for shard, part in enumerate(np.array_split(order, 8)):
        table = pa.table(
            {
                "codes": pa.FixedSizeListArray.from_arrays(pa.array(codes[part].reshape(-1)), 64),
                "id": pa.array(part),
                "label": pa.array(part % 10),
            }
        )
        pq.write_table(table, folder / f"part-{shard}.parquet")
    written = time.perf_counter() - start
    start = time.perf_counter()
    table = read_latents(folder)
    read = time.perf_counter() - start
    assert torch.equal(table.codes[:1000], torch.from_numpy(codes[:1000]))
    np.save(folder.parent / "codes.npy", codes)
    start = time.perf_counter()
    mapped = read_latents(folder.parent / "codes.npy")
    npy = time.perf_counter() - start
    assert mapped.codes.shape == (rows, 64)
    return {"parquet_write_s": written, "parquet_read_s": read, "npy_mmap_read_s": npy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=512)
    args = parser.parse_args()
    # Ray swaps a loopback node address for a routable one, and listens on every interface,
    # unless clusters are off (its default on macOS and Windows); read when ray is imported.
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    import ray

    digits = lw.datasets.digits()
    images = torch.stack([digits[i][0] for i in range(len(digits))]).numpy()
    images = np.resize(images, (args.items, *images.shape[1:])).astype(np.float32)
    encoder = lw.models.load_pretrained("digits-vae").encoder

    model = lw.LatentModel(encoder, batch_size=args.batch_size, progress=False)
    model.encode(torch.from_numpy(images[: args.batch_size]))  # warm-up
    start = time.perf_counter()
    expected = model.encode(torch.from_numpy(images))
    in_process = args.items / (time.perf_counter() - start)

    start_ray(ray)
    rows = {
        "items": args.items,
        "batch_size": args.batch_size,
        "torch_threads_in_process": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "in_process_items_per_s": in_process,
    }
    for actors in (1, 2):
        dataset = ray.data.from_numpy(np.array_split(images, 8))  # 8 blocks, for 2 actors
        start = time.perf_counter()
        table = encode_with_ray(encoder, dataset, batch_size=args.batch_size, concurrency=actors)
        seconds = time.perf_counter() - start
        assert torch.allclose(table.codes, expected, atol=1e-5)
        rows[f"ray_{actors}_actors_items_per_s"] = args.items / seconds
    ray.shutdown()

    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp) / "shards"
        folder.mkdir()
        rows.update(parquet_rows(args.rows, folder))
    rows["rows"] = args.rows

    print(f"encode {args.items} 1x8x8 digits with the digits-vae encoder, batch {args.batch_size}")
    print(f"  in-process LatentModel.encode  {in_process:10.0f} items/s")
    for actors in (1, 2):
        print(
            f"  encode_with_ray, {actors} actor(s)     {rows[f'ray_{actors}_actors_items_per_s']:10.0f} items/s"
        )
    print(f"read_latents of {args.rows} x 64 float32 codes")
    print(f"  8 Parquet shards (shuffled)    {rows['parquet_read_s']:10.2f} s")
    print(f"  memory-mapped .npy             {rows['npy_mmap_read_s']:10.2f} s")
    print(f"  (writing the shards took       {rows['parquet_write_s']:10.2f} s)")
    print(f"load average {rows['load_average']:.1f} on {rows['cpus']} CPUs")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_ray.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
