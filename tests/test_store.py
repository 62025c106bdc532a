from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from latentwidgets._engine.cache import ByteLRUCache
from latentwidgets._engine.model import LatentModel, ModelError
from latentwidgets._engine.store import LatentStore
from latentwidgets._widget.serialization import array_to_binary, array_trait, binary_to_array
from latentwidgets.operations.interpolation import interpolate


def test_cache_is_bounded_in_bytes_and_lru():
    cache = ByteLRUCache(max_bytes=3 * 400)
    for i in range(3):
        cache.put(i, torch.zeros(100))  # 400 bytes each
    assert cache.nbytes == 1200
    assert cache.get(0) is not None  # 0 is now the most recent
    cache.put(3, torch.zeros(100))
    assert 1 not in cache
    assert 0 in cache
    assert cache.nbytes <= cache.max_bytes
    cache.put("big", torch.zeros(1000))
    assert "big" not in cache
    assert cache.nbytes == 1200
    cache.put(0, torch.zeros(50))  # replacing updates the byte count
    assert cache.nbytes == 1000
    assert cache.hits == 1


def test_cache_bound_validation():
    with pytest.raises(ValueError, match="cache_bytes must be an int >= 0; got -1"):
        ByteLRUCache(-1)


class CountingDecoder:
    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[int] = []
        self.delay = delay

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        self.batches.append(len(z))
        time.sleep(self.delay)
        return z.repeat(1, 2)


def make_store(decoder, n=20, cache_bytes=1 << 20):
    latents = torch.randn(n, 3, generator=torch.Generator().manual_seed(0))
    model = LatentModel(lambda x: x, decoder, progress=False)
    return LatentStore(model, latents, cache_bytes), latents


def test_decode_indices_decodes_only_missing_in_one_batch():
    dec = CountingDecoder()
    store, latents = make_store(dec)
    out = store.decode_indices([3, 5, 3])
    torch.testing.assert_close(out, latents[[3, 5, 3]].repeat(1, 2))
    assert dec.batches == [2]
    store.decode_indices([5, 7, 8])
    assert dec.batches == [2, 2]
    store.decode_indices([3, 5, 7])
    assert dec.batches == [2, 2]


def test_store_cache_stays_within_bound():
    dec = CountingDecoder()
    store, _ = make_store(dec, n=100, cache_bytes=10 * 24)  # room for 10 decoded points
    store.decode_indices(list(range(100)))
    assert len(store.cache) == 10
    assert store.cache.nbytes <= 240
    store.decode_indices([99])
    assert dec.batches == [100]
    store.decode_indices([0])
    assert dec.batches == [100, 1]


def test_concurrent_single_requests_are_coalesced():
    dec = CountingDecoder(delay=0.05)
    store, latents = make_store(dec)
    results: dict[int, torch.Tensor] = {}
    start = threading.Barrier(9)

    def request(i: int) -> None:
        start.wait()
        results[i] = store.decode_one(i)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(dec.batches) == 9
    assert len(dec.batches) < 9  # the requests that came while the first ran were batched
    assert max(dec.batches) > 1
    for i, value in results.items():
        torch.testing.assert_close(value, latents[i].repeat(2))
    store.decode_one(4)
    assert sum(dec.batches) == 9  # cached


def test_decode_one_propagates_decoder_errors_to_every_waiter():
    def broken(z):
        raise RuntimeError("decoder exploded")

    store, _ = make_store(broken)
    with pytest.raises(ModelError, match="decoder exploded"):
        store.decode_one(0)
    with pytest.raises(ModelError):
        store.decode_one(0)  # the store keeps working and reports again


def test_interpolation_frames_one_batch_and_cached():
    dec = CountingDecoder()
    store, latents = make_store(dec)
    frames = store.interpolate(2, 9, steps=8, method="slerp")
    torch.testing.assert_close(frames, interpolate(latents[2], latents[9], 8, "slerp").repeat(1, 2))
    assert dec.batches == [8]
    store.interpolate(2, 9, steps=8, method="slerp")
    assert dec.batches == [8]
    store.interpolate(2, 9, steps=8, method="lerp")
    assert dec.batches == [8, 8]


def test_index_errors():
    store, _ = make_store(CountingDecoder())
    with pytest.raises(IndexError, match=r"index must be an int in \[0, 20\); got 20"):
        store.decode_one(20)
    with pytest.raises(IndexError, match="a must be an int"):
        store.interpolate(True, 3)
    with pytest.raises(ValueError, match="at least one point"):
        store.decode_indices([])


@pytest.mark.parametrize(
    ("array", "dtype"),
    [
        (np.random.default_rng(0).random((5, 2)), "float32"),
        (np.arange(6, dtype=np.int64), "int32"),
        (np.arange(6, dtype=np.uint32), "uint32"),
        (np.arange(24, dtype=np.uint8).reshape(2, 3, 4), "uint8"),
        (torch.arange(4.0).reshape(2, 2).T, "float32"),  # non-contiguous tensor
    ],
)
def test_binary_round_trip(array, dtype):
    payload = array_to_binary(array)
    assert payload["dtype"] == dtype
    assert isinstance(payload["view"], memoryview)
    back = binary_to_array(payload)
    expected = np.asarray(array.numpy() if isinstance(array, torch.Tensor) else array)
    np.testing.assert_allclose(back, expected.astype(dtype), rtol=1e-6)
    assert array_to_binary(None) is None


def test_binary_refuses_objects():
    with pytest.raises(TypeError, match="dtype object"):
        array_to_binary(np.array(["a", None], dtype=object))


def test_array_trait_notifies_every_array_assignment_but_not_none_to_none():
    import traitlets

    class Holder(traitlets.HasTraits):
        points = array_trait()

    holder = Holder()
    seen = []
    holder.observe(lambda change: seen.append((change["old"], change["new"])), "points")
    holder.points = None
    assert seen == []
    one = np.array(
        [3], dtype=np.uint32
    )  # plain traitlets finds a one-element array equal to itself
    holder.points = one
    holder.points = one.copy()
    holder.points = None
    assert [new is None for _, new in seen] == [False, False, True]
    assert seen[1][0] is one


@pytest.mark.gpu
def test_cache_keeps_decoded_outputs_on_the_gpu():
    latents = torch.randn(8, 3, device="cuda")
    model = LatentModel(lambda x: x, lambda z: z * 2, device="cuda", progress=False)
    store = LatentStore(model, latents, cache_bytes=1 << 20)
    out = store.decode_indices([1, 2])
    assert out.device.type == "cuda"
    assert store.cache.get(("point", 1)).device.type == "cuda"
    assert store.cache.nbytes == 2 * 3 * 4
