"""New codes drawn from a prior: the standard normal of a VAE, or a Gaussian fitted to the codes.

A VAE trained with a KL term pushes its codes towards ``N(0, I)``, so decoding draws from that
prior gives typical samples. A plain autoencoder's codes sit anywhere; there a full-covariance
Gaussian fitted to the codes lands samples where the codes are.
"""

from __future__ import annotations

import torch

from ._checks import check_choice, check_int, check_latents, check_seed

PRIORS: tuple[str, ...] = ("auto", "normal", "fitted")

# The codes look standard when every dimension's mean is within MEAN_TOLERANCE of 0 and its
# variance within a factor VARIANCE_FACTOR of 1. The means of a trained VAE's posteriors (the codes
# an explorer holds) have a variance a little below 1, the posterior variance being the rest.
MEAN_TOLERANCE = 0.25
VARIANCE_FACTOR = 2.0

_JITTER_TRIES = 6


def choose_prior(latents: torch.Tensor) -> str:
    """Choose the prior to sample from: ``"normal"`` when the codes look standard, else ``"fitted"``.

    The codes look standard when, in every dimension, the mean is within 0.25 of 0
    (``MEAN_TOLERANCE``) and the variance between 1/2 and 2 (``VARIANCE_FACTOR``).

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes, N >= 2.

    Returns
    -------
    str
        ``"normal"`` or ``"fitted"``.
    """
    latents = check_latents(latents, min_rows=2)
    with torch.inference_mode():
        variance, mean = torch.var_mean(latents.double(), dim=0)
        near_zero = bool((mean.abs() <= MEAN_TOLERANCE).all())
        near_one = bool(((variance >= 1 / VARIANCE_FACTOR) & (variance <= VARIANCE_FACTOR)).all())
    return "normal" if near_zero and near_one else "fitted"


def _fitted_cholesky(latents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and lower Cholesky factor of the codes' covariance, in float64, jittered as needed."""
    codes = latents.double()
    mean = codes.mean(dim=0)
    centred = codes - mean
    covariance = centred.T @ centred / max(len(codes) - 1, 1)
    scale = float(covariance.diagonal().mean()) or 1.0
    eye = torch.eye(len(covariance), dtype=covariance.dtype, device=covariance.device)
    jitter = 0.0
    for attempt in range(_JITTER_TRIES):
        factor, info = torch.linalg.cholesky_ex(covariance + jitter * eye)
        if int(info) == 0:
            return mean, factor
        jitter = scale * 1e-8 * 100**attempt
    raise ValueError(
        "latents: the codes' covariance is not positive definite even with jitter "
        f"{jitter:.3g}; pass prior='normal'"
    )


def sample_codes(
    latents: torch.Tensor, n: int = 16, *, prior: str = "auto", seed: int | None = None
) -> tuple[torch.Tensor, str]:
    """Draw ``n`` new codes from a prior, on the codes' device and in their dtype.

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes: they give the dimension, device and dtype, and for ``"fitted"`` the
        Gaussian (N >= 2).
    n : int, default 16
        Codes to draw, in ``[1, 65536]``.
    prior : {"auto", "normal", "fitted"}, default "auto"
        ``"normal"``: ``N(0, I)``. ``"fitted"``: a Gaussian with the codes' mean and full
        covariance (Cholesky factor, with a growing jitter on the diagonal where the covariance
        is singular). ``"auto"``: as :func:`choose_prior` says.
    seed : int, optional
        Seed for reproducible draws (on a given device), in ``[0, 2**63 - 1]``; None draws from
        torch's global generator.

    Returns
    -------
    codes : torch.Tensor
        ``(n, D)`` codes.
    prior : str
        The prior used, ``"normal"`` or ``"fitted"``.

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range, naming it.
    """
    latents = check_latents(latents)
    n = check_int(n, "n", 1, 65536)
    prior = check_choice(prior, "prior", PRIORS)
    seed = check_seed(seed)
    if prior == "auto":
        prior = choose_prior(latents) if len(latents) >= 2 else "normal"
    if prior == "fitted" and len(latents) < 2:
        raise ValueError("prior='fitted' needs at least 2 codes to fit; got 1: pass prior='normal'")
    device = latents.device
    generator = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    with torch.inference_mode():
        if prior == "normal":
            codes = torch.randn(
                n, latents.shape[1], generator=generator, device=device, dtype=latents.dtype
            )
        else:
            mean, factor = _fitted_cholesky(latents)
            noise = torch.randn(
                n, latents.shape[1], generator=generator, device=device, dtype=torch.float64
            )
            codes = (mean + noise @ factor.T).to(latents.dtype)
    return codes.clone(), prior
