from __future__ import annotations

import pytest
import torch

from latentwidgets.operations.sample import choose_prior, sample_codes

G = torch.Generator().manual_seed(0)
STANDARD = torch.randn(4000, 6, generator=G)
MIXED = torch.randn(4000, 3, generator=G) @ torch.tensor(
    [[3.0, 1.0, 0.0], [0.0, 0.5, 0.2], [0.0, 0.0, 0.1]]
) + torch.tensor([5.0, -2.0, 0.0])


def test_choose_prior():
    assert choose_prior(STANDARD) == "normal"
    assert choose_prior(STANDARD * 0.8 + 0.1) == "normal"
    assert choose_prior(STANDARD + 1.0) == "fitted"
    assert choose_prior(STANDARD * 3) == "fitted"
    assert choose_prior(MIXED) == "fitted"


def test_normal_prior():
    codes, prior = sample_codes(MIXED, 5000, prior="normal", seed=1)
    assert prior == "normal"
    assert codes.shape == (5000, 3)
    assert codes.dtype == MIXED.dtype
    assert codes.mean(0).abs().max() < 0.1
    assert (codes.var(0) - 1).abs().max() < 0.1


def test_fitted_prior_matches_mean_and_covariance():
    codes, prior = sample_codes(MIXED, 20000, prior="fitted", seed=1)
    assert prior == "fitted"
    torch.testing.assert_close(codes.mean(0), MIXED.mean(0), atol=0.1, rtol=0)
    torch.testing.assert_close(codes.T.cov(), MIXED.T.cov(), atol=0.2, rtol=0.05)


def test_auto_and_seed():
    a, prior = sample_codes(STANDARD, 8, seed=5)
    assert prior == "normal"
    b, _ = sample_codes(STANDARD, 8, seed=5)
    torch.testing.assert_close(a, b)
    c, _ = sample_codes(STANDARD, 8, seed=6)
    assert not torch.equal(a, c)
    _, prior = sample_codes(MIXED, 8)
    assert prior == "fitted"


def test_singular_covariance_gets_jitter_and_float64():
    codes = torch.cat([STANDARD[:, :2], STANDARD[:, :1] * 2], dim=1).double()
    samples, _ = sample_codes(codes, 100, prior="fitted", seed=0)
    assert samples.dtype == torch.float64
    assert torch.isfinite(samples).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"latents": STANDARD.numpy()}, TypeError, "latents"),
        ({"n": 0}, ValueError, "n"),
        ({"n": "4"}, TypeError, "n"),
        ({"prior": "uniform"}, ValueError, "prior"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"latents": STANDARD[:1], "prior": "fitted"}, ValueError, "fitted"),
    ],
)
def test_bad_arguments(kwargs, error, name):
    arguments = {"latents": STANDARD, **kwargs}
    with pytest.raises(error, match=name):
        sample_codes(**arguments)


def test_choose_prior_needs_two_codes():
    with pytest.raises(ValueError, match="latents"):
        choose_prior(STANDARD[:1])


@pytest.mark.gpu
def test_on_cuda():
    for prior in ("normal", "fitted"):
        codes, _ = sample_codes(MIXED.cuda(), 10, prior=prior, seed=0)
        assert codes.device.type == "cuda"
        again, _ = sample_codes(MIXED.cuda(), 10, prior=prior, seed=0)
        torch.testing.assert_close(codes, again)
