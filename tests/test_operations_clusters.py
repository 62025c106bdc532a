from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from latentwidgets.operations.clusters import kmeans

BLOBS, TRUTH = make_blobs(
    n_samples=[600, 300, 200, 100], n_features=8, cluster_std=1.0, random_state=0
)
CODES = torch.as_tensor(BLOBS, dtype=torch.float32)


def test_matches_sklearn_on_blobs():
    labels, centroids = kmeans(CODES, 4)
    assert labels.shape == (1200,)
    assert labels.dtype == torch.int64
    assert centroids.shape == (4, 8)
    assert centroids.dtype == torch.float32
    reference = KMeans(4, n_init=4, random_state=0).fit(BLOBS)
    assert adjusted_rand_score(reference.labels_, labels.numpy()) > 0.99
    assert adjusted_rand_score(TRUTH, labels.numpy()) > 0.99


def test_labels_ordered_by_size_and_centroids_are_means():
    labels, centroids = kmeans(CODES, 4)
    counts = torch.bincount(labels).tolist()
    assert counts == sorted(counts, reverse=True) == [600, 300, 200, 100]
    for c in range(4):
        torch.testing.assert_close(centroids[c], CODES[labels == c].mean(0))


def test_deterministic_with_seed_and_small_chunks(monkeypatch):
    a = kmeans(CODES, 6, seed=3)
    b = kmeans(CODES, 6, seed=3)
    torch.testing.assert_close(a[0], b[0])
    torch.testing.assert_close(a[1], b[1])
    monkeypatch.setattr("latentwidgets.operations.clusters._CHUNK_ELEMENTS", 64)
    c = kmeans(CODES, 6, seed=3)
    assert adjusted_rand_score(a[0].numpy(), c[0].numpy()) > 0.99


def test_more_clusters_than_distinct_codes_and_k_one():
    codes = torch.tensor([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 3)
    labels, centroids = kmeans(codes, 3)
    assert labels.shape == (8,)
    assert torch.isfinite(centroids).all()
    labels, centroids = kmeans(CODES, 1)
    assert set(labels.tolist()) == {0}
    torch.testing.assert_close(centroids[0], CODES.mean(0))


def test_float64_codes():
    labels, centroids = kmeans(CODES.double(), 4)
    assert centroids.dtype == torch.float64
    assert adjusted_rand_score(TRUTH, labels.numpy()) > 0.99


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"latents": BLOBS}, TypeError, "latents"),
        ({"latents": CODES[0]}, ValueError, "latents"),
        ({"k": 0}, ValueError, "k"),
        ({"k": 1201}, ValueError, "k"),
        ({"k": 2.5}, TypeError, "k"),
        ({"seed": -1}, ValueError, "seed"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"latents": CODES * float("nan")}, ValueError, "latents"),
    ],
)
def test_bad_arguments(kwargs, error, name):
    arguments = {"latents": CODES, "k": 4, **kwargs}
    with pytest.raises(error, match=name):
        kmeans(**arguments)


@pytest.mark.gpu
def test_on_cuda():
    labels, centroids = kmeans(CODES.cuda(), 4)
    assert labels.device.type == "cuda"
    assert centroids.device.type == "cuda"
    assert adjusted_rand_score(TRUTH, labels.cpu().numpy()) > 0.99
    assert np.bincount(labels.cpu().numpy()).tolist() == [600, 300, 200, 100]
