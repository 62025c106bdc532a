from __future__ import annotations

import dataclasses
from collections import namedtuple

import numpy as np
import pytest
import torch

from latentwidgets._engine.outputs import check_rule, pick

Z = torch.arange(6.0).reshape(2, 3)
LOGVAR = -torch.ones(2, 3)


@dataclasses.dataclass
class EncoderOutput:
    z: torch.Tensor
    logvar: torch.Tensor


Pair = namedtuple("Pair", ["mu", "logvar"])


class DiagonalGaussian:  # the shape of diffusers' DiagonalGaussianDistribution
    def __init__(self, mean: torch.Tensor) -> None:
        self.mean = mean
        self.std = torch.ones_like(mean)

    def mode(self) -> torch.Tensor:
        return self.mean


class AutoencoderKLOutput:
    def __init__(self, dist: DiagonalGaussian) -> None:
        self.latent_dist = dist


class DecoderOutput:
    def __init__(self, sample: torch.Tensor) -> None:
        self.sample = sample


@pytest.mark.parametrize(
    "output",
    [
        Z,
        (Z, LOGVAR),
        [Z, LOGVAR],
        {"mu": Z, "logvar": LOGVAR},
        {"logvar": LOGVAR, "mean": Z},
        {"z": Z},
        {"latent": Z},
        {"loc": Z, "scale": LOGVAR},
        EncoderOutput(Z, LOGVAR),
        Pair(Z, LOGVAR),
        torch.distributions.Normal(Z, LOGVAR.exp()),
        torch.distributions.Independent(torch.distributions.Normal(Z, 1.0), 1),
        AutoencoderKLOutput(DiagonalGaussian(Z)),
        DiagonalGaussian(Z),
    ],
    ids=lambda o: type(o).__name__ if not isinstance(o, dict) else "dict-" + "-".join(o),
)
def test_encoder_output_forms_give_the_code(output):
    assert torch.equal(pick(output, None, role="encoder", argument="encoder_output"), Z)


def test_dict_prefers_deterministic_mean_over_sample():
    sample = Z + 100
    out = {"z": sample, "mu": Z, "logvar": LOGVAR}
    assert torch.equal(pick(out, None, role="encoder", argument="encoder_output"), Z)


def test_three_tuple_takes_first_and_index_chooses():
    z, mu = Z + 1, Z
    assert torch.equal(pick((z, mu, LOGVAR), None, role="encoder", argument="a"), z)
    assert torch.equal(pick((z, mu, LOGVAR), 1, role="encoder", argument="a"), mu)


def test_user_rules():
    out = {"h": Z, "other": LOGVAR}
    assert torch.equal(pick(out, "h", role="encoder", argument="a"), Z)
    assert torch.equal(pick(out, lambda o: o["other"], role="encoder", argument="a"), LOGVAR)


@pytest.mark.parametrize(
    "output",
    [
        Z,
        (Z, None),
        {"sample": Z},
        {"recon": Z, "mu": LOGVAR},
        {"x_hat": Z},
        DecoderOutput(Z),
        torch.distributions.Bernoulli(probs=Z / 10),
    ],
    ids=lambda o: type(o).__name__,
)
def test_decoder_output_forms(output):
    got = pick(output, None, role="decoder", argument="decoder_output")
    expected = Z / 10 if isinstance(output, torch.distributions.Bernoulli) else Z
    assert torch.allclose(got, expected)


def test_unrecognised_output_names_the_argument_and_what_came():
    with pytest.raises(TypeError, match=r"encoder returned: str.*encoder_output="):
        pick("nope", None, role="encoder", argument="encoder_output")
    with pytest.raises(TypeError, match="dict with keys"):
        pick({"a": Z, "b": Z}, None, role="encoder", argument="encoder_output")


def test_bad_rules():
    with pytest.raises(IndexError, match="out of range"):
        pick((Z,), 3, role="encoder", argument="encoder_output")
    with pytest.raises(TypeError, match="picks an element of a tuple"):
        pick(Z, 0, role="encoder", argument="encoder_output")
    with pytest.raises(KeyError, match="without 'nope'"):
        pick({"mu": Z}, "nope", role="encoder", argument="encoder_output")
    with pytest.raises(TypeError, match=r"^encoder_output must be None \(automatic\), an int"):
        pick(Z, 1.5, role="encoder", argument="encoder_output")


@pytest.mark.parametrize("rule", [1.5, True, [0], {"mu": 0}, b"mu"], ids=repr)
def test_check_rule_refuses_other_types_naming_the_argument(rule):
    with pytest.raises(
        TypeError, match=r"^decoder_output must be None.*a callable output -> Tensor"
    ):
        check_rule(rule, "decoder_output")


@pytest.mark.parametrize("rule", [None, 0, -1, "mu", len])
def test_check_rule_keeps_the_valid_ones(rule):
    assert check_rule(rule, "encoder_output") is rule


def test_numpy_int_rule_is_an_index():
    assert check_rule(np.int64(1), "encoder_output") == 1
    assert torch.equal(pick((LOGVAR, Z), np.int64(1), role="encoder", argument="a"), Z)


def test_a_user_rule_that_raises_is_named():
    with pytest.raises(TypeError, match=r"^encoder_output raised KeyError on what the encoder"):
        pick({"z": Z}, lambda o: o["mu"], role="encoder", argument="encoder_output")
