from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from torch import nn
from torch.utils.data import TensorDataset

from latentwidgets.datasets import digits
from latentwidgets.models import (
    ConvAutoencoder,
    ConvVAE,
    available_models,
    load_pretrained,
    train_autoencoder,
)
from latentwidgets.models._pretrained import PRETRAINED
from latentwidgets.models.train import held_out_mse, main, train_pretrained

# Held-out MSE of the shipped weights as printed by `python -m latentwidgets.models.train --all`
# (digits-ae 0.0118, digits-vae 0.0138, shapes-ae 0.0023, shapes-vae 0.0027), plus 1.5x margin.
MAX_HELD_OUT_MSE = {
    "digits-ae": 0.018,
    "digits-vae": 0.021,
    "shapes-ae": 0.0035,
    "shapes-vae": 0.004,
}
NAMES = ["digits-ae", "digits-vae", "shapes-ae", "shapes-vae"]


@pytest.fixture(scope="module", autouse=True)
def _single_thread() -> Iterator[None]:
    # Tiny models train many times faster on one thread than on two contended ones.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def small_digits() -> torch.Tensor:
    return digits().images[:256]


def test_available_models() -> None:
    assert available_models() == [*NAMES, "tones-vae", "words-vae"]


@pytest.mark.parametrize("name", NAMES)
def test_pretrained_model_loads_in_eval_mode_with_expected_shapes(name: str) -> None:
    model = load_pretrained(name)
    spec = PRETRAINED[name]
    assert isinstance(model, ConvVAE if name.endswith("vae") else ConvAutoencoder)
    assert not any(module.training for module in model.modules())
    assert isinstance(model.encoder, nn.Module)
    assert isinstance(model.decoder, nn.Module)
    size = spec.config["image_size"]
    x = torch.rand(5, 1, size, size)
    with torch.no_grad():
        encoded = model.encoder(x)
        if name.endswith("vae"):
            assert isinstance(encoded, tuple)
            mu, logvar = encoded
            assert mu.shape == logvar.shape == (5, spec.latent_dim)
            z = mu
        else:
            assert isinstance(encoded, torch.Tensor)
            z = encoded
            assert z.shape == (5, spec.latent_dim)
        decoded = model.decoder(z)
    assert decoded.shape == x.shape
    assert float(decoded.min()) >= 0.0
    assert float(decoded.max()) <= 1.0


@pytest.mark.parametrize("name", NAMES)
def test_pretrained_model_reconstructs_held_out_images(name: str) -> None:
    assert held_out_mse(load_pretrained(name), PRETRAINED[name]) < MAX_HELD_OUT_MSE[name]


@pytest.mark.parametrize("name", ["digits-ae", "shapes-ae"])
def test_thresholds_are_far_below_predicting_the_mean_image(name: str) -> None:
    # A model that ignored its input and drew the average image would score this.
    train, test = PRETRAINED[name].splits()
    baseline = float(((test.images - train.images.mean(dim=0)) ** 2).mean())
    assert MAX_HELD_OUT_MSE[name] < baseline / 3


@pytest.mark.parametrize("name", NAMES)
def test_weight_files_are_small_safetensors_with_their_config(name: str) -> None:
    path = PRETRAINED[name].weights_path
    assert path.stat().st_size < 1_000_000
    with safe_open(path, framework="pt") as weights:
        metadata = weights.metadata()
    assert metadata["image_size"] == str(PRETRAINED[name].config["image_size"])
    assert metadata["latent_dim"] == str(PRETRAINED[name].latent_dim)


def test_all_weights_together_stay_small() -> None:
    assert sum(spec.weights_path.stat().st_size for spec in PRETRAINED.values()) < 4_000_000


def test_unknown_name_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="'digits-ae', 'digits-vae', 'shapes-ae', 'shapes-vae'"):
        load_pretrained("mnist-gan")


@pytest.mark.parametrize("model_class", [ConvAutoencoder, ConvVAE])
def test_train_autoencoder_lowers_the_loss(
    model_class: type[nn.Module], small_digits: torch.Tensor
) -> None:
    torch.manual_seed(0)
    model = model_class(8, 4)
    losses = train_autoencoder(
        model, small_digits, epochs=4, batch_size=32, lr=1e-2, progress=False
    )
    assert len(losses) == 4
    assert losses[-1] < 0.8 * losses[0]
    assert not model.training


def test_train_autoencoder_is_repeatable_and_accepts_datasets(small_digits: torch.Tensor) -> None:
    runs = []
    for data in (small_digits, TensorDataset(small_digits, torch.zeros(256))):
        torch.manual_seed(0)
        runs.append(train_autoencoder(ConvVAE(8, 4), data, epochs=2, progress=False))
    assert runs[0] == pytest.approx(runs[1], rel=1e-5)


def test_train_autoencoder_beta_weights_the_kl_term(small_digits: torch.Tensor) -> None:
    losses = []
    for beta in (0.0, 10.0):
        torch.manual_seed(0)
        model = ConvVAE(8, 4)
        losses.append(train_autoencoder(model, small_digits, epochs=1, beta=beta, progress=False))
    assert losses[1][0] > losses[0][0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be an int >= 1; got 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1; got 0"),
        ({"lr": -1.0}, ValueError, "lr must be a float > 0; got -1.0"),
        ({"beta": -0.5}, ValueError, "beta must be a float >= 0; got -0.5"),
    ],
)
def test_train_autoencoder_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str, small_digits: torch.Tensor
) -> None:
    arguments: dict[str, object] = {"epochs": 1, "progress": False, **kwargs}
    with pytest.raises(error, match=message):
        train_autoencoder(ConvAutoencoder(8, 4), small_digits, **arguments)  # type: ignore[arg-type]


def test_train_autoencoder_rejects_bad_data() -> None:
    model = ConvAutoencoder(8, 4)
    with pytest.raises(ValueError, match=r"images must have values in \[0, 1\]"):
        train_autoencoder(model, torch.full((4, 1, 8, 8), 2.0), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"data must be images of shape \(N, C, H, W\)"):
        train_autoencoder(model, torch.rand(4, 8, 8), epochs=1, progress=False)
    with pytest.raises(ValueError, match="data must hold at least one image"):
        train_autoencoder(model, torch.rand(0, 1, 8, 8), epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"data must be a torch\.Tensor"):
        train_autoencoder(model, [1, 2, 3], epochs=1, progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"model must be an nn\.Module with encode"):
        train_autoencoder(nn.Linear(2, 2), torch.rand(4, 1, 8, 8), epochs=1, progress=False)


def test_architectures_validate_their_config() -> None:
    with pytest.raises(ValueError, match="image_size must be a power of two"):
        ConvAutoencoder(12, 4)
    with pytest.raises(ValueError, match="latent_dim must be an int >= 1; got 0"):
        ConvVAE(8, 0)


def test_train_command_rejects_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["--all", "digits-ae"], ["mnist-gan"]):
        with pytest.raises(SystemExit):
            main(argv)
    assert "unknown model mnist-gan" in capsys.readouterr().err


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_models_load_and_train_on_cuda(small_digits: torch.Tensor) -> None:
    model = load_pretrained("shapes-vae", device="cuda")
    mu, _ = model.encode(torch.rand(2, 1, 32, 32, device="cuda"))
    assert model.decode(mu).device.type == "cuda"
    losses = train_autoencoder(ConvVAE(8, 4), small_digits, epochs=1, device="cuda", progress=False)
    assert len(losses) == 1


@pytest.mark.slow
def test_train_command_reproduces_shipped_quality(tmp_path: Path) -> None:
    mse = train_pretrained("digits-ae", tmp_path, progress=False)
    assert (tmp_path / "digits-ae.safetensors").is_file()
    shipped = held_out_mse(load_pretrained("digits-ae"), PRETRAINED["digits-ae"])
    assert mse == pytest.approx(shipped, rel=0.2)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without CUDA")
def test_cuda_on_a_machine_without_it_says_so_and_lists_devices() -> None:
    with pytest.raises(
        ValueError,
        match=r"device='cuda': CUDA is not available on this machine; available devices: cpu\. "
        r"Pass one of these, or None for the CPU",
    ):
        load_pretrained("digits-ae", device="cuda")
    with pytest.raises(ValueError, match=r"device='gpu' is not a torch device"):
        load_pretrained("digits-ae", device="gpu")
    with pytest.raises(TypeError, match=r"device must be a str"):
        load_pretrained("digits-ae", device=1.5)  # type: ignore[arg-type]
    assert next(load_pretrained("digits-ae", device=torch.device("cpu")).parameters()).is_cpu
