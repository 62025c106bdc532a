"""The shipped tones-vae and words-vae: shapes, held-out quality, a meaningful map, the explorer."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch
from safetensors import safe_open
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression

import latentwidgets as lw
from latentwidgets.datasets import ToneDataset, WordDataset
from latentwidgets.models import ToneVAE, WordVAE, load_pretrained, train_autoencoder
from latentwidgets.models._audio import fundamental
from latentwidgets.models._metrics import log_spectral_distance
from latentwidgets.models._pretrained import PRETRAINED
from latentwidgets.models.train import held_out_error

# Held-out figures of the shipped weights as printed by `python -m latentwidgets.models.train`
# (tones-vae: log-spectral distance 1.371 dB; words-vae: word error rate 0.239), with a margin.
MAX_SPECTRAL_DISTANCE_DB = 1.8
MAX_WORD_ERROR_RATE = 0.3


@pytest.fixture(scope="module", autouse=True)
def _single_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tone_test() -> ToneDataset:
    return PRETRAINED["tones-vae"].splits()[1]


@pytest.fixture(scope="module")
def word_test() -> WordDataset:
    return PRETRAINED["words-vae"].splits()[1]


@pytest.fixture(scope="module")
def tone_vae() -> ToneVAE:
    model = load_pretrained("tones-vae")
    assert isinstance(model, ToneVAE)
    return model


@pytest.fixture(scope="module")
def word_vae() -> WordVAE:
    model = load_pretrained("words-vae")
    assert isinstance(model, WordVAE)
    return model


def _pitch(clips: torch.Tensor, sample_rate: int = 8000) -> np.ndarray:
    """The strongest frequency between 90 Hz and 1 kHz of each clip: its fundamental."""
    spectrum = np.abs(np.fft.rfft(clips.reshape(len(clips), -1).numpy(), n=32768, axis=1))
    frequency = np.fft.rfftfreq(32768, 1 / sample_rate)
    band = (frequency > 90) & (frequency < 1000)
    return frequency[band][spectrum[:, band].argmax(axis=1)]


def _semitones(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(12 * np.log2(a / b))


def test_tones_vae_shapes_and_range(tone_vae: ToneVAE) -> None:
    assert not any(module.training for module in tone_vae.modules())
    clips = lw.datasets.tones(n=5, seed=9).clips
    with torch.no_grad():
        mu, logvar = tone_vae.encoder(clips)
        decoded = tone_vae.decoder(mu)
    assert mu.shape == logvar.shape == (5, 8)
    assert decoded.shape == (5, 1, 4096)
    assert float(decoded.abs().max()) <= 1.0
    assert float(decoded.abs().max()) > 0.01


def test_tones_vae_reconstructs_held_out_tones(tone_vae: ToneVAE, tone_test: ToneDataset) -> None:
    with torch.no_grad():
        decoded = tone_vae(tone_test.clips)
    distance = log_spectral_distance(decoded, tone_test.clips)
    # Another tone of the data set is what a model that ignored its input could do at best.
    shuffled = log_spectral_distance(tone_test.clips.roll(1, dims=0), tone_test.clips)
    assert float(distance.mean()) < MAX_SPECTRAL_DISTANCE_DB
    assert float(distance.mean()) < 0.5 * float(shuffled.mean())
    assert held_out_error(tone_vae, PRETRAINED["tones-vae"]) == pytest.approx(
        float(distance.mean()), rel=1e-4
    )


def test_tones_vae_keeps_the_pitch(tone_vae: ToneVAE, tone_test: ToneDataset) -> None:
    with torch.no_grad():
        decoded = tone_vae(tone_test.clips)
    error = _semitones(_pitch(decoded), tone_test.metadata["pitch"])
    # 98.5% of the shipped model's held-out tones are within half a semitone.
    assert np.mean(error < 0.5) > 0.9


def test_pitch_is_the_maps_axis_and_timbre_is_in_the_code(
    tone_vae: ToneVAE, tone_test: ToneDataset
) -> None:
    with torch.no_grad():
        mu, _ = tone_vae.encode(tone_test.clips)
    codes = mu.numpy()
    xy = PCA(2).fit_transform(codes)
    pitch, timbre = np.log(tone_test.metadata["pitch"]), tone_test.metadata["timbre"]
    assert LinearRegression().fit(xy, pitch).score(xy, pitch) > 0.9
    # Timbre is a direction of the code (what attribute_vector(column="timbre") finds), though
    # not one of the map's two axes.
    assert LinearRegression().fit(codes, timbre).score(codes, timbre) > 0.5


def test_interpolating_two_pitches_glides(tone_vae: ToneVAE, tone_test: ToneDataset) -> None:
    pitch = tone_test.metadata["pitch"]
    low = int(np.argmin(np.abs(pitch - np.quantile(pitch, 0.05))))
    high = int(np.argmin(np.abs(pitch - np.quantile(pitch, 0.95))))
    with torch.no_grad():
        mu, _ = tone_vae.encode(tone_test.clips[[low, high]])
        steps = torch.linspace(0, 1, 12)[:, None]
        frames = tone_vae.decode(mu[0] + steps * (mu[1] - mu[0]))
    heard = _pitch(frames)
    assert _semitones(heard[0], pitch[low]) < 0.5
    assert _semitones(heard[-1], pitch[high]) < 0.5
    # A glide: the pitch rises frame by frame, in steps of at most a few semitones, rather than
    # jumping from one end to the other.
    rises = 12 * np.diff(np.log2(heard))
    assert np.all(rises > 0)
    assert rises.max() < 0.4 * _semitones(pitch[high], pitch[low])


def test_words_vae_shapes(word_vae: WordVAE) -> None:
    ids = lw.datasets.words(n=5, seed=9).ids
    with torch.no_grad():
        mu, logvar = word_vae.encoder(ids)
        logits = word_vae.decoder(mu)
    assert mu.shape == logvar.shape == (5, 16)
    assert logits.shape == (5, 16, 28)
    with pytest.raises(TypeError, match=r"takes int64 token ids \(B, T\)"):
        word_vae.encoder(ids.float())


def test_words_vae_spells_most_held_out_words(word_vae: WordVAE, word_test: WordDataset) -> None:
    with torch.no_grad():
        logits = word_vae(word_test.ids)
    decoded = word_test.tokenizer.batch_decode(logits.argmax(dim=-1))
    wrong = np.mean([a != b for a, b in zip(decoded, word_test.texts, strict=True)])
    assert wrong < MAX_WORD_ERROR_RATE
    assert held_out_error(word_vae, PRETRAINED["words-vae"]) == pytest.approx(wrong)


def test_words_vae_interpolates_through_words(word_vae: WordVAE, word_test: WordDataset) -> None:
    with torch.no_grad():
        mu, _ = word_vae.encode(word_test.ids[:40])
        steps = torch.linspace(0, 1, 8)[:, None]
        texts = [
            word_test.tokenizer.batch_decode(
                word_vae.decode(mu[i] + steps * (mu[i + 1] - mu[i])).argmax(-1)
            )
            for i in range(0, 40, 2)
        ]
    # Every frame reads as a word: letters only, not empty.
    assert all(text and text.isalpha() for frames in texts for text in frames)


@pytest.mark.parametrize("name", ["tones-vae", "words-vae"])
def test_weight_files_are_small_and_carry_their_config(name: str) -> None:
    spec = PRETRAINED[name]
    assert spec.weights_path.stat().st_size < 2_000_000
    with safe_open(spec.weights_path, framework="pt") as weights:
        metadata = weights.metadata()
    assert metadata["architecture"] == spec.architecture.__name__
    for key, value in spec.config.items():
        assert metadata[key] == str(value)
    assert f"held_out_{spec.metric_key}" in metadata


def test_explorer_encodes_tones_and_words() -> None:
    tones = lw.datasets.tones(n=64, seed=5)
    vae = load_pretrained("tones-vae")
    explorer = lw.LatentExplorer(vae.encoder, vae.decoder, tones, progress=False)
    assert explorer.coords.shape == (64, 2)
    assert explorer.decode([0, 1]).shape == (2, 1, 4096)
    explorer.close()
    words = lw.datasets.words(n=64, seed=5)
    vae = load_pretrained("words-vae")
    # Token ids reach the encoder as int64 ids (an embedding rejects anything else).
    explorer = lw.LatentExplorer(vae.encoder, vae.decoder, words, progress=False)
    assert explorer.coords.shape == (64, 2)
    assert explorer.decode([0]).shape == (1, 16, 28)
    explorer.close()


def test_train_autoencoder_uses_the_models_own_loss() -> None:
    words = lw.datasets.words(n=64)
    losses = train_autoencoder(
        WordVAE(16, 4, base_channels=8), words, epochs=3, batch_size=16, lr=3e-3, progress=False
    )
    assert losses[-1] < losses[0]


def test_tones_loss_compares_spectra_and_the_decoded_pitch() -> None:
    model = ToneVAE(4096, 4, base_channels=4)
    clips = lw.datasets.tones(n=4, seed=2).clips
    model.decoder.pitch_ = fundamental(clips, 8000)
    assert float(model.reconstruction_loss(clips, clips)) == pytest.approx(0.0, abs=1e-3)
    # A semitone too high, on all four clips.
    model.decoder.pitch_ = fundamental(clips, 8000) * 2 ** (1 / 12)
    assert float(model.reconstruction_loss(clips, clips)) == pytest.approx(4 * 50.0, rel=1e-3)
    model.decoder.pitch_ = None
    assert float(model.reconstruction_loss(0.5 * clips, clips)) > 100


def test_architectures_validate_their_config() -> None:
    with pytest.raises(ValueError, match="length must be an int >= 2048; got 1000"):
        ToneVAE(1000, 8)
    with pytest.raises(ValueError, match="latent_dim must be an int >= 1; got 0"):
        WordVAE(16, 0)
