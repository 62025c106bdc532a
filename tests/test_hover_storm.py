"""A hover storm: 20,000 preview requests from 8 threads, in a 1 MB cache, in bounded memory; and
a storm of prefetch batches (``preview_batch``: the points ahead of the pointer) held to the same.

The kernel answers the browser's preview commands on several threads. Each request here does what
``LatentExplorer.preview`` does for the decoded half of a preview: ``LatentStore.decode_one``, then
``PreviewRenderer.render`` to RGBA pixels. The decoder takes 1 ms per batch and its 12 KiB outputs
overflow the cache several times over. Every point's code spells its index, and so does its decoded
image: every response is checked value by value, and every fourth one also as rendered pixels. (The
renderer is stateless and costs about 0.5 ms a call on two busy cores, three times the store's
share of a request: rendering all 20,000 would take this test from seconds to tens of seconds.)
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import torch

from latentwidgets._engine.model import LatentModel
from latentwidgets._engine.store import LatentStore
from latentwidgets._widget.preview import answer_previews
from latentwidgets.render import Preview, PreviewRenderer

N = 4096
SIZE = 32  # a decoded preview is 3 x 32 x 32 float32, 12 KiB: the cache holds 85 of them
REQUESTS = 20_000
THREADS = 8
CACHE_BYTES = 1 << 20
DECODER_S = 0.001
WARM_UP = 2_000
# Resident-set growth allowed after the warm-up (about 5 MiB measured). Keeping every decoded
# output would add 12 KiB a decode, about 30 MiB over the 2,700 decodes after the warm-up.
RSS_GROWTH_BOUND = 16 << 20
RENDER_EVERY = 4


def colour(index: np.ndarray | int) -> np.ndarray:
    """The RGB colour that spells a point index: (low byte, high byte, 255 - low byte)."""
    low, high = np.asarray(index) % 256, np.asarray(index) // 256
    return np.stack([low, high, 255 - low], axis=-1).astype(np.float32)


class Decoder:
    """Turns each code into a 3 x SIZE x SIZE image of its colour, after 1 ms; counts its rows."""

    def __init__(self) -> None:
        self.rows: list[int] = []

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        self.rows.append(len(z))
        time.sleep(DECODER_S)
        return z[:, :, None, None].repeat(1, 1, SIZE, SIZE)


def hover_path(seed: int = 0) -> list[int]:
    """Point indices a pointer sweeping the map asks for: a random walk that often comes back."""
    steps = np.random.default_rng(seed).integers(-6, 7, REQUESTS)
    return (np.cumsum(steps) % N).tolist()


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def check_decoded(value: torch.Tensor, index: int) -> None:
    expected = torch.from_numpy(colour(index))[:, None, None].expand(3, SIZE, SIZE)
    assert torch.equal(value, expected), f"point {index} got another point's output"


def check_pixels(preview: Preview, index: int) -> None:
    assert (preview.kind, preview.width, preview.height) == ("image", SIZE, SIZE)
    pixel = bytes([*colour(index).astype(np.uint8).tolist(), 255])
    assert preview.rgba == pixel * (SIZE * SIZE), f"point {index} got another point's pixels"


def test_hover_storm_answers_every_request_with_its_own_pixels_in_bounded_memory():
    decoder = Decoder()
    model = LatentModel(lambda x: x, decoder, progress=False)
    store = LatentStore(model, torch.from_numpy(colour(np.arange(N))), CACHE_BYTES)
    renderer = PreviewRenderer(value_range=(0, 255))
    path = hover_path()
    # The first requests settle the allocator's per-thread arenas, so growth after them is ours.
    for index in path[:WARM_UP]:
        check_decoded(store.decode_one(index), index)

    baseline = rss_bytes()
    queue = iter(path[WARM_UP:])
    queue_lock = threading.Lock()
    answered = [0] * THREADS
    failures: list[BaseException] = []
    done = threading.Event()
    peaks = {"rss": baseline, "cache": 0, "checks": 0}

    def kernel_thread(k: int) -> None:
        try:
            while True:
                with queue_lock:
                    index = next(queue, None)
                if index is None:
                    return
                value = store.decode_one(index)
                check_decoded(value, index)
                if answered[k] % RENDER_EVERY == 0:
                    check_pixels(renderer.render(value), index)
                assert store.cache.nbytes <= CACHE_BYTES
                answered[k] += 1
        except BaseException as error:  # raised again on the test's thread below
            failures.append(error)

    def monitor() -> None:
        while not done.wait(0.005):
            peaks["cache"] = max(peaks["cache"], store.cache.nbytes)
            peaks["rss"] = max(peaks["rss"], rss_bytes())
            peaks["checks"] += 1

    watcher = threading.Thread(target=monitor)
    watcher.start()
    threads = [threading.Thread(target=kernel_thread, args=(k,)) for k in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    watcher.join()

    assert not any(thread.is_alive() for thread in threads), "a request never returned"
    if failures:
        raise failures[0]
    assert sum(answered) == REQUESTS - WARM_UP  # no request lost
    assert peaks["checks"] > 10
    assert peaks["cache"] <= CACHE_BYTES
    growth = peaks["rss"] - baseline
    assert growth <= RSS_GROWTH_BOUND, f"RSS grew by {growth / 2**20:.1f} MiB"
    # What the cache holds in memory, not only what it counts: no cached row pins its whole batch.
    cached = (store.cache.get(("point", i)) for i in range(N))
    held = sum(value.untyped_storage().nbytes() for value in cached if value is not None)
    assert held <= CACHE_BYTES
    assert sum(decoder.rows) > 3 * CACHE_BYTES // (3 * SIZE * SIZE * 4)  # the cache overflowed
    assert max(decoder.rows) > 1  # and concurrent misses shared batches


BATCHES = 600
BATCH_POINTS = 8


def test_a_storm_of_prefetch_batches_answers_each_point_with_its_own_pixels_in_bounded_memory():
    """Prefetch batches (the points ahead of a sweeping pointer) from 8 threads, 8 points each."""
    decoder = Decoder()
    model = LatentModel(lambda x: x, decoder, progress=False)
    store = LatentStore(model, torch.from_numpy(colour(np.arange(N))), CACHE_BYTES)
    renderer = PreviewRenderer(value_range=(0, 255))
    path = hover_path(seed=1)
    batches = iter([path[k : k + BATCH_POINTS] for k in range(0, BATCHES * BATCH_POINTS, 8)])
    lock = threading.Lock()
    answered: list[int] = []
    failures: list[BaseException] = []
    baseline = rss_bytes()
    peak = [baseline]

    def kernel_thread() -> None:
        try:
            while True:
                with lock:
                    asked = next(batches, None)
                if asked is None:
                    return
                response, buffers = answer_previews(
                    {"indices": asked},
                    N,
                    store.decode_indices,
                    store.decode_one,
                    lambda index: None,
                    renderer,
                    decoded=True,
                    max_points=BATCH_POINTS,
                    max_bytes=1 << 20,
                )
                assert [p["index"] for p in response["previews"]] == list(dict.fromkeys(asked))
                for entry in response["previews"]:
                    image = entry["recon"]
                    preview = Preview(
                        "image", image["width"], image["height"], buffers[image["buffer"]]
                    )
                    check_pixels(preview, entry["index"])
                assert store.cache.nbytes <= CACHE_BYTES
                with lock:
                    answered.append(len(asked))
                    peak[0] = max(peak[0], rss_bytes())
        except BaseException as error:  # raised again on the test's thread below
            failures.append(error)

    threads = [threading.Thread(target=kernel_thread) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a batch never returned"
    if failures:
        raise failures[0]
    assert len(answered) == BATCHES
    assert peak[0] - baseline <= RSS_GROWTH_BOUND, (
        f"RSS grew by {(peak[0] - baseline) / 2**20:.1f} MiB"
    )
    # one decoder call a batch at most (its uncached points), never one a point
    assert len(decoder.rows) <= BATCHES
