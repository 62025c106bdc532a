from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, "max_bytes must be an int >= 0; got -1"),
        (1e6, TypeError, "max_bytes must be an int >= 0; got float 1000000.0"),
        (True, TypeError, "max_bytes must be an int >= 0; got bool True"),
        ("1MB", TypeError, "max_bytes must be an int >= 0; got str '1MB'"),
        (None, TypeError, "max_bytes must be an int >= 0; got NoneType None"),
    ],
)
def test_cache_bound_validation(value, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        ByteLRUCache(value)


def test_cache_bound_accepts_numpy_ints():
    assert ByteLRUCache(np.int64(1024)).max_bytes == 1024


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


def test_cached_rows_own_their_storage():
    # A row of a decoded batch is a view of the whole batch; the cache must not pin the batch.
    store, _ = make_store(CountingDecoder(), n=100, cache_bytes=10 * 24)
    store.decode_indices(list(range(100)))
    cached = [store.cache.get(("point", i)) for i in range(100)]
    held = sum(v.untyped_storage().nbytes() for v in cached if v is not None)
    assert held <= store.cache.max_bytes


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the store"
        time.sleep(0.001)


class GatedDecoder:
    """Each call blocks until the test opens its gate, so the test decides every interleaving."""

    def __init__(self, gates: int) -> None:
        self.gates = [threading.Event() for _ in range(gates)]
        self.batches: list[list[float]] = []
        self.entered = threading.Semaphore(0)

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        call = len(self.batches)
        self.batches.append(z[:, 0].tolist())
        self.entered.release()
        assert self.gates[call].wait(5), "gate never opened"
        return z.repeat(1, 2)


class Request(threading.Thread):
    """One decode_one call on its own thread, keeping what it returned or raised."""

    def __init__(self, store: LatentStore, index: int) -> None:
        super().__init__(daemon=True)
        self.store, self.index = store, index
        self.value: torch.Tensor | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.store.decode_one(self.index)
        except BaseException as error:  # the test inspects interrupts too
            self.error = error


def test_leader_returns_after_its_own_batch_and_hands_over():
    dec = GatedDecoder(gates=2)
    store, latents = make_store(dec)
    leader = Request(store, 0)
    assert dec.entered.acquire(timeout=5)  # the leader is decoding [0]
    waiters = [Request(store, 1), Request(store, 2)]
    wait_until(lambda: len(store._pending) == 2)
    same = Request(store, 0)  # joins the request in flight rather than queueing a second decode
    dec.gates[0].set()
    leader.join(5)
    assert not leader.is_alive()  # back while [1, 2] is still decoding on a waiter's thread
    assert dec.entered.acquire(timeout=5)
    assert dec.gates[1].is_set() is False
    dec.gates[1].set()
    for request in [same, *waiters]:
        request.join(5)
        assert not request.is_alive()
    assert [len(b) for b in dec.batches] == [1, 2]
    for request in [leader, same, *waiters]:
        assert request.error is None
        torch.testing.assert_close(request.value, latents[request.index].repeat(2))


def test_steady_arrivals_do_not_keep_the_leader():
    delay = 0.05
    dec = CountingDecoder(delay=delay)
    store, latents = make_store(dec, n=200)
    leader_time: list[float] = []

    def lead() -> None:
        start = time.perf_counter()
        store.decode_one(0)
        leader_time.append(time.perf_counter() - start)

    leader = threading.Thread(target=lead)
    leader.start()
    wait_until(lambda: dec.batches)
    # A request every 10 ms for 0.8 s: the old leader decoded all of them before returning.
    requests = []
    for i in range(1, 81):
        requests.append(Request(store, i))
        time.sleep(0.01)
    leader.join(5)
    for request in requests:
        request.join(5)
        assert not request.is_alive(), f"request {request.index} never returned"
        assert request.error is None
        torch.testing.assert_close(request.value, latents[request.index].repeat(2))
    assert leader_time[0] < 0.4  # one batch of 50 ms, with room for a loaded machine
    assert sum(dec.batches) == 81  # every point decoded once: none lost, none twice


class BadCode(Exception):
    pass


def test_a_failing_point_fails_only_its_own_requests():
    latents = torch.randn(64, 3, generator=torch.Generator().manual_seed(1))
    bad = latents[13, 0].item()
    failed_batches: list[int] = []

    def decoder(z: torch.Tensor) -> torch.Tensor:
        time.sleep(0.005)  # long enough for concurrent requests to coalesce
        if (z[:, 0] == bad).any():
            failed_batches.append(len(z))
            raise BadCode(f"cannot decode {bad}")
        return z.repeat(1, 2)

    store = LatentStore(LatentModel(lambda x: x, decoder, progress=False), latents, 1 << 20)
    start = threading.Barrier(8)
    outcomes: dict[int, list[torch.Tensor | BaseException]] = {i: [] for i in range(64)}

    def hover(offset: int) -> None:
        start.wait()
        for i in range(offset, 64 + offset):  # every thread asks for every point
            try:
                outcomes[i % 64].append(store.decode_one(i % 64))
            except ModelError as error:
                outcomes[i % 64].append(error)

    threads = [threading.Thread(target=hover, args=(k * 8,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
        assert not t.is_alive()
    assert max(failed_batches) > 1  # the bad point shared batches with good ones
    for i, results in outcomes.items():
        for result in results:
            if i == 13:
                assert isinstance(result, ModelError)
                assert isinstance(result.__cause__, BadCode)
                assert "cannot decode" in str(result)
            else:
                torch.testing.assert_close(result, latents[i].repeat(2))
    assert all(len(results) == 8 for results in outcomes.values())


def test_bisection_isolates_the_failing_point_in_few_calls():
    dec = GatedDecoder(gates=1)
    latents = torch.arange(16.0).reshape(8, 2)

    def decoder(z: torch.Tensor) -> torch.Tensor:
        if len(dec.batches) == 0:
            return dec(z)  # the first batch holds the leader until the others queue up
        dec.batches.append(z[:, 0].tolist())
        if (z[:, 0] == 10.0).any():  # the code of point 5
            raise BadCode("point 5")
        return z.repeat(1, 2)

    store = LatentStore(LatentModel(lambda x: x, decoder, progress=False), latents, 1 << 20)
    leader = Request(store, 0)
    assert dec.entered.acquire(timeout=5)
    others = [Request(store, i) for i in range(1, 8)]
    wait_until(lambda: len(store._pending) == 7)
    dec.gates[0].set()
    for request in [leader, *others]:
        request.join(5)
    assert isinstance(others[4].error, ModelError)
    assert isinstance(others[4].error.__cause__, BadCode)
    for request in [leader, *others[:4], *others[5:]]:
        torch.testing.assert_close(request.value, latents[request.index].repeat(2))
    # The batch of 7 fails, then halves down to the bad point (the code of point i is 2 i).
    assert dec.batches[1:] == [
        [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0],
        [2.0, 4.0, 6.0],
        [8.0, 10.0, 12.0, 14.0],
        [8.0, 10.0],
        [8.0],
        [10.0],
        [12.0, 14.0],
    ]


class Interrupt(BaseException):
    pass


def test_an_interrupted_leader_hands_its_batch_to_a_waiter():
    dec = GatedDecoder(gates=2)
    interrupted = threading.Event()

    def decoder(z: torch.Tensor) -> torch.Tensor:
        out = dec(z)
        if not interrupted.is_set():
            interrupted.set()
            raise Interrupt  # as KeyboardInterrupt would, in the leader's thread
        return out

    store, latents = make_store(decoder)
    leader = Request(store, 0)
    assert dec.entered.acquire(timeout=5)
    waiters = [Request(store, 1), Request(store, 2)]
    wait_until(lambda: len(store._pending) == 2)
    dec.gates[0].set()
    leader.join(5)
    assert isinstance(leader.error, Interrupt)
    dec.gates[1].set()
    for request in waiters:
        request.join(5)
        assert request.error is None
        torch.testing.assert_close(request.value, latents[request.index].repeat(2))
    assert store.decode_one(0) is not None  # the interrupted point is decoded on the next request


def test_decode_one_accepts_numpy_ints_and_a_zero_cache():
    store, latents = make_store(CountingDecoder(), cache_bytes=0)
    torch.testing.assert_close(store.decode_one(np.int64(4)), latents[4].repeat(2))
    assert len(store.cache) == 0


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda s: s.decode_indices([1.5]), TypeError, "indices"),
        (lambda s: s.decode_indices(np.array([1.0])), TypeError, "indices"),
        (lambda s: s.decode_indices(3), TypeError, "indices"),
        (lambda s: s.decode_indices(None), TypeError, "indices"),
        (lambda s: s.decode_indices("12"), TypeError, "indices"),
        (lambda s: s.decode_indices([0, 20]), IndexError, "indices"),
        (lambda s: s.decode_indices([-1]), IndexError, "indices"),
        (lambda s: s.decode_indices([]), ValueError, "indices"),
        (lambda s: s.decode_one(20), IndexError, "index"),
        (lambda s: s.decode_one(-1), IndexError, "index"),
        (lambda s: s.decode_one(1.0), TypeError, "index"),
        (lambda s: s.decode_one(True), TypeError, "index"),
        (lambda s: s.decode_one("3"), TypeError, "index"),
        (lambda s: s.interpolate(True, 3), TypeError, "a"),
        (lambda s: s.interpolate(0, 20), IndexError, "b"),
        (lambda s: s.interpolate(0, 1, steps=1), ValueError, "steps"),
        (lambda s: s.interpolate(0, 1, steps=2.5), ValueError, "steps"),
        (lambda s: s.interpolate(0, 1, method="cubic"), ValueError, "method"),
        (lambda s: s.interpolation_codes(0, 1.5), TypeError, "b"),
        (lambda s: s.interpolation_codes(0, 1, steps=None), ValueError, "steps"),
        (lambda s: s.interpolation_codes(0, 1, method=None), ValueError, "method"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, name):
    dec = CountingDecoder()
    store, _ = make_store(dec)
    with pytest.raises(error, match=f"^{name} must "):
        call(store)
    assert dec.batches == []  # refused before any decoding


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"cache_bytes": -1}, ValueError, "cache_bytes must be an int >= 0; got -1"),
        ({"cache_bytes": 2.5}, TypeError, "cache_bytes must be an int >= 0; got float 2.5"),
        ({"cache_bytes": None}, TypeError, "cache_bytes must be an int >= 0; got NoneType"),
        ({"latents": [[0.0, 1.0]]}, TypeError, "latents must be a torch.Tensor; got list"),
        ({"latents": torch.zeros(4)}, ValueError, r"latents must be \(N, D\) codes; got shape"),
    ],
)
def test_bad_store_arguments_name_the_argument(kwargs, error, message):
    model = LatentModel(lambda x: x, CountingDecoder(), progress=False)
    arguments = {"model": model, "latents": torch.zeros(4, 3), **kwargs}
    with pytest.raises(error, match=f"^{message}"):
        LatentStore(**arguments)


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
