"""k-means clustering of codes in torch, on the codes' own device.

k-means++ seeding (Arthur and Vassilvitskii, 2007) then Lloyd iterations, with the assignment step
in chunks so that the ``(chunk, k)`` distance block stays small however many codes there are.
Clusters are numbered by size, the largest first, so that colours keyed on the label stay put
from one run to the next.
"""

from __future__ import annotations

import torch

from ._checks import check_float, check_int, check_latents, check_seed

_CHUNK_ELEMENTS = 2**22


def _generator(device: torch.device, seed: int) -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


def _assign(
    latents: torch.Tensor, centroids: torch.Tensor, rows: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest centroid of every code and the squared distance to it, chunk by chunk."""
    labels = torch.empty(len(latents), dtype=torch.int64, device=latents.device)
    distances = torch.empty(len(latents), dtype=latents.dtype, device=latents.device)
    squared = (centroids * centroids).sum(dim=1)
    for start in range(0, len(latents), rows):
        chunk = latents[start : start + rows]
        block = (chunk @ centroids.T).mul_(-2).add_(squared)
        best, labels[start : start + rows] = block.min(dim=1)
        distances[start : start + rows] = (best + (chunk * chunk).sum(dim=1)).clamp_min_(0)
    return labels, distances


def _plus_plus(
    latents: torch.Tensor, k: int, generator: torch.Generator, rows: int
) -> torch.Tensor:
    """k-means++ seeds: each next centre drawn with probability proportional to D(x)^2."""
    n = len(latents)
    first = int(torch.randint(n, (1,), generator=generator, device=latents.device))
    centroids = latents[first : first + 1].clone()
    _, closest = _assign(latents, centroids, rows)
    for _ in range(1, k):
        total = closest.sum()
        if float(total) > 0:
            pick = int(torch.multinomial(closest / total, 1, generator=generator))
        else:  # fewer distinct codes than clusters: any code will do
            pick = int(torch.randint(n, (1,), generator=generator, device=latents.device))
        centroids = torch.cat([centroids, latents[pick : pick + 1]])
        new = (latents - latents[pick]).square_().sum(dim=1)
        closest = torch.minimum(closest, new)
    return centroids


def kmeans(
    latents: torch.Tensor,
    k: int = 10,
    *,
    seed: int = 0,
    max_iter: int = 100,
    tol: float = 1e-4,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Cluster codes with k-means (k-means++ seeding, Lloyd iterations) on their device.

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes, floating point, on any device; the work runs there.
    k : int, default 10
        Number of clusters, in ``[1, N]``.
    seed : int, default 0
        Seed of the k-means++ draws, in ``[0, 2**63 - 1]``; the same seed on the same device
        gives the same clusters.
    max_iter : int, default 100
        Most Lloyd iterations.
    tol : float, default 1e-4
        Stop once the centroids move, in total squared distance, less than ``tol`` times the
        mean per-dimension variance of the codes (scikit-learn's convention).

    Returns
    -------
    labels : torch.Tensor
        ``(N,)`` int64 cluster of each code on the codes' device; cluster 0 is the largest,
        ties broken by the smallest member index.
    centroids : torch.Tensor
        ``(k, D)`` cluster centres, in the same order, in the codes' dtype.

    Raises
    ------
    TypeError
        If ``latents`` is not a floating-point tensor, or an int argument is not an int.
    ValueError
        If ``k`` is outside ``[1, N]``, ``max_iter`` below 1, ``tol`` negative or the codes
        not finite.
    """
    latents = check_latents(latents)
    n, d = latents.shape
    k = check_int(k, "k", 1, n)
    checked_seed = check_seed(seed)
    if checked_seed is None:
        raise TypeError("seed must be an int in [0, 2**63 - 1]; got None: pass e.g. seed=0")
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_float(tol, "tol", 0)
    if not bool(torch.isfinite(latents.sum())):
        raise ValueError("latents must be finite; got NaN or inf values")
    rows = max(1, _CHUNK_ELEMENTS // max(d, k))

    with torch.inference_mode():
        generator = _generator(latents.device, checked_seed)
        centroids = _plus_plus(latents, k, generator, rows)
        threshold = tol * float(latents.var(dim=0, unbiased=False).mean())
        for _ in range(max_iter):
            labels, distances = _assign(latents, centroids, rows)
            sums = torch.zeros_like(centroids).index_add_(0, labels, latents)
            counts = torch.bincount(labels, minlength=k)
            empty = torch.nonzero(counts == 0).flatten()
            moved = sums / counts.clamp_min(1)[:, None].to(sums.dtype)
            if len(empty):
                # An empty cluster takes the codes farthest from their centres.
                far = torch.topk(distances, len(empty)).indices
                moved[empty] = latents[far]
            shift = float((moved - centroids).square().sum())
            centroids = moved
            if shift <= threshold and not len(empty):
                break
        labels, _ = _assign(latents, centroids, rows)
        counts = torch.bincount(labels, minlength=k)
        first = torch.full((k,), n, dtype=torch.int64, device=latents.device)
        first.scatter_reduce_(0, labels, torch.arange(n, device=latents.device), reduce="amin")
        # Sort by size descending, then by first member: one key, exact in int64.
        order = torch.argsort(-counts * (n + 1) + first)
        rank = torch.empty_like(order)
        rank[order] = torch.arange(k, device=latents.device)
    return rank[labels].clone(), centroids[order].clone()
