from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.neighbors import NearestNeighbors

from latentwidgets.operations.neighbours import map_overlap, nearest_neighbours

G = torch.Generator().manual_seed(0)
X = torch.randn(3000, 12, generator=G)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("chunk_size", [None, 7, 1000])
def test_matches_sklearn_brute_force(metric, chunk_size):
    query = X[:5] + 0.01
    index, distance = nearest_neighbours(X, query, 6, metric=metric, chunk_size=chunk_size)
    assert index.shape == (5, 6)
    assert index.dtype == torch.int64
    assert distance.shape == (5, 6)
    assert distance.dtype == X.dtype
    ref = NearestNeighbors(n_neighbors=6, algorithm="brute", metric=metric).fit(X.numpy())
    ref_distance, ref_index = ref.kneighbors(query.numpy())
    np.testing.assert_array_equal(index.numpy(), ref_index)
    np.testing.assert_allclose(distance.numpy(), ref_distance, atol=1e-5)
    assert bool((distance[:, 1:] >= distance[:, :-1]).all())


def test_single_query_and_exclude_leaves_the_point_out():
    index, distance = nearest_neighbours(X, X[42], 5, exclude=torch.tensor([42]))
    assert index.shape == (1, 5)
    assert 42 not in index[0].tolist()
    ref = NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X.numpy())
    _, ref_index = ref.kneighbors(X[42:43].numpy())
    np.testing.assert_array_equal(index[0].numpy(), ref_index[0, 1:])
    assert float(distance[0, 0]) > 0


def test_exclude_one_per_query_across_chunks():
    rows = torch.tensor([3, 1500, 2999])
    index, _ = nearest_neighbours(X, X[rows], 4, exclude=rows, chunk_size=100)
    for q, row in enumerate(rows.tolist()):
        assert row not in index[q].tolist()


def test_k_equal_to_n_and_float64():
    codes = X[:20].double()
    index, distance = nearest_neighbours(codes, codes[:2], 20)
    assert sorted(index[0].tolist()) == list(range(20))
    assert distance.dtype == torch.float64
    assert float(distance[0, 0]) == 0.0


def test_cosine_zero_code_is_at_distance_one():
    codes = torch.cat([torch.zeros(1, 12), X[:10]])
    index, distance = nearest_neighbours(codes, X[:1], 11, metric="cosine")
    where = index[0].tolist().index(0)
    assert float(distance[0, where]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"latents": X.numpy()}, TypeError, "latents"),
        ({"latents": X[0]}, ValueError, "latents"),
        ({"latents": X.long()}, TypeError, "latents"),
        ({"query": X[:2, :5]}, ValueError, "query"),
        ({"query": X[:2].numpy()}, TypeError, "query"),
        ({"query": X[:1] * float("nan")}, ValueError, "query"),
        ({"k": 0}, ValueError, "k"),
        ({"k": 3001}, ValueError, "k"),
        ({"k": 2.0}, TypeError, "k"),
        ({"k": True}, TypeError, "k"),
        ({"metric": "manhattan"}, ValueError, "metric"),
        ({"exclude": torch.tensor([1, 2])}, ValueError, "exclude"),
        ({"exclude": torch.tensor([1.0])}, TypeError, "exclude"),
        ({"exclude": torch.tensor([5000])}, IndexError, "exclude"),
        ({"chunk_size": 0}, ValueError, "chunk_size"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, name):
    arguments = {"latents": X, "query": X[:1], "k": 3, **kwargs}
    with pytest.raises(error, match=name):
        nearest_neighbours(**arguments)


def test_k_above_n_minus_one_with_exclude():
    with pytest.raises(ValueError, match="k must be an int in \\[1, 2\\]"):
        nearest_neighbours(X[:3], X[:1], 3, exclude=torch.tensor([0]))


def test_map_overlap_counts_shared_neighbours():
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(200, 2))
    distances = ((coords - coords[7]) ** 2).sum(1)
    distances[7] = np.inf
    nearest = np.argsort(distances)[:10]
    assert map_overlap(coords, 7, nearest) == 10
    assert map_overlap(coords, 7, torch.as_tensor(nearest[:5])) == 5
    far = np.argsort(distances)[-11:-1]
    assert map_overlap(coords, 7, far) == 0
    mixed = np.concatenate([nearest[:3], far[:7]])
    assert map_overlap(coords, 7, mixed) == 3


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((np.zeros((5, 3)), 0, [1]), ValueError, "coords"),
        ((np.zeros((5, 2)), 9, [1]), IndexError, "index"),
        ((np.zeros((5, 2)), 0, [1.5]), TypeError, "neighbours"),
        ((np.zeros((5, 2)), 0, [1, 2, 3, 4, 4]), ValueError, "neighbours"),
    ],
)
def test_map_overlap_bad_arguments(args, error, name):
    with pytest.raises(error, match=name):
        map_overlap(*args)


@pytest.mark.gpu
def test_runs_on_cuda():
    codes = X.cuda()
    index, distance = nearest_neighbours(codes, codes[:3], 5, exclude=torch.arange(3))
    assert index.device.type == "cuda"
    assert distance.device.type == "cuda"
    ref, _ = nearest_neighbours(X, X[:3], 5, exclude=torch.arange(3))
    torch.testing.assert_close(index.cpu(), ref)


def test_precomputed_squared_norms_give_the_same_neighbours() -> None:
    codes = torch.randn(5000, 16, generator=torch.Generator().manual_seed(4))
    query = codes[[3, 70]]
    exclude = torch.tensor([3, 70])
    chunked = nearest_neighbours(codes, query, 7, exclude=exclude, chunk_size=300)
    whole = nearest_neighbours(
        codes, query, 7, exclude=exclude, squared_norms=codes.square().sum(1)
    )
    torch.testing.assert_close(whole[0], chunked[0])
    torch.testing.assert_close(whole[1], chunked[1])
    with pytest.raises(ValueError, match=r"squared_norms must have one value per code \(5000,\)"):
        nearest_neighbours(codes, query, 7, squared_norms=torch.ones(10))
