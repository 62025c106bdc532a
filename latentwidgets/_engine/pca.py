"""Principal component analysis in torch, on the data's own device.

Shared by the PCA projection and by traversals along principal directions, so it sits below both.
"""

from __future__ import annotations

import torch

#: Elements of centred rows per chunk of the Gram matrix: 16 MB of float32.
GRAM_CHUNK_ELEMENTS = 2**22


def torch_pca(
    X: torch.Tensor, k: int, *, chunk_elements: int = GRAM_CHUNK_ELEMENTS
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Principal component analysis of the rows of ``X`` on its own device.

    Parameters
    ----------
    X : torch.Tensor
        ``(N, D)`` rows, N >= 2.
    k : int
        How many components, in ``[1, D]``.
    chunk_elements : int, optional
        Elements of centred rows held at once while summing the Gram matrix.

    Returns
    -------
    mean : torch.Tensor
        ``(D,)`` mean of the rows.
    components : torch.Tensor
        ``(k, D)`` principal axes by decreasing variance, each signed like scikit-learn's (its
        largest entry in absolute value is positive).
    variance, ratio : torch.Tensor
        ``(k,)`` variances along the axes and their share of the total variance.
    """
    n_samples, n_features = X.shape
    mean = X.mean(dim=0)
    # The Gram matrix of the centred data, chunk by chunk: centring first avoids the cancellation
    # that ruins an uncentred float32 Gram matrix when the mean is large next to the spread;
    # chunks bound the extra memory and let the sum over chunks run in float64.
    gram = torch.zeros(n_features, n_features, dtype=torch.float64, device=X.device)
    chunk = max(1, chunk_elements // n_features)
    for start in range(0, n_samples, chunk):
        centered = X[start : start + chunk] - mean
        gram += centered.T @ centered
    eigenvalues, eigenvectors = torch.linalg.eigh(gram / (n_samples - 1))
    # eigh can return tiny negative eigenvalues of this positive semi-definite matrix.
    eigenvalues = eigenvalues.flip(0).clamp(min=0)
    components = eigenvectors.flip(1)[:, :k].T
    largest = components.abs().argmax(dim=1)
    signs = torch.sign(components[torch.arange(k, device=X.device), largest])
    variance = eigenvalues[:k]
    return mean, components * signs[:, None], variance, variance / eigenvalues.sum()
