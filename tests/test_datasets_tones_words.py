"""The built-in sound and text data: tones() with its factors, words() with its tokenizer."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import latentwidgets as lw
from latentwidgets._datasets_tones import note_name
from latentwidgets.datasets import (
    TIMBRE_NAMES,
    CharTokenizer,
    ToneDataset,
    WordDataset,
    tones,
    words,
)


@pytest.fixture(scope="module")
def tone_data() -> ToneDataset:
    return tones(n=256, seed=0)


@pytest.fixture(scope="module")
def word_data() -> WordDataset:
    return words(n=1000, seed=0)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def test_tones_clips_labels_and_rate(tone_data: ToneDataset) -> None:
    assert tone_data.clips.shape == (256, 1, 4096)
    assert tone_data.clips.dtype == torch.float32
    assert float(tone_data.clips.abs().max()) <= 1.0
    assert tone_data.sample_rate == 8000
    assert tone_data.label_names == list(TIMBRE_NAMES)
    assert set(np.unique(tone_data.labels)) == {0, 1, 2}
    clip, label = tone_data[3]
    assert clip.shape == (1, 4096)
    assert label == tone_data.labels[3]
    assert "sample_rate=8000" in repr(tone_data)


def test_tones_factors_span_their_ranges(tone_data: ToneDataset) -> None:
    meta = tone_data.metadata
    assert set(meta) == {"pitch", "note", "timbre", "timbre_family", "loudness", "attack"}
    for key, low, high in (
        ("pitch", 110.0, 880.0),
        ("timbre", 0.0, 1.0),
        ("loudness", -26.0, -6.0),
        ("attack", 0.005, 0.2),
    ):
        assert meta[key].dtype == np.float32, key
        assert low <= meta[key].min() < meta[key].max() <= high, key
        # Drawn across the range, not bunched: each third of it holds some tones.
        thirds = np.histogram(meta[key], bins=3, range=(low, high))[0]
        assert thirds.min() > 30, key
    np.testing.assert_array_equal(meta["timbre_family"], np.asarray(TIMBRE_NAMES)[tone_data.labels])
    # Pitch is log-uniform: each octave holds about a third of the tones.
    octaves = np.histogram(np.log2(meta["pitch"] / 110.0), bins=3, range=(0, 3))[0]
    assert octaves.min() > 256 / 3 * 0.7


def test_note_names() -> None:
    assert note_name(440.0) == "A4"
    assert note_name(261.63) == "C4"
    assert note_name(110.0) == "A2"
    assert note_name(452.0) == "A4"  # a quarter tone up still reads as A
    assert note_name(880.0) == "A5"


def test_pitch_is_the_fundamental_of_the_clip(tone_data: ToneDataset) -> None:
    # The strongest component of a nearly pure tone is its fundamental.
    pure = np.flatnonzero(tone_data.metadata["timbre"] < 0.3)
    spectrum = np.abs(np.fft.rfft(tone_data.clips[pure, 0].numpy(), n=32768, axis=1))
    peak = spectrum.argmax(axis=1) * 8000 / 32768
    np.testing.assert_allclose(peak, tone_data.metadata["pitch"][pure], rtol=0.005)


def test_timbre_brightens_the_spectrum(tone_data: ToneDataset) -> None:
    spectrum = np.abs(np.fft.rfft(tone_data.clips[:, 0].numpy(), axis=1)) ** 2
    frequency = np.fft.rfftfreq(4096, 1 / 8000)
    centroid = (spectrum * frequency).sum(axis=1) / spectrum.sum(axis=1)
    # Relative to its own pitch, a brighter tone puts more energy in higher harmonics.
    brightness = centroid / tone_data.metadata["pitch"]
    assert _corr(brightness, tone_data.metadata["timbre"]) > 0.8
    pure = tone_data.metadata["timbre"] < 0.05
    np.testing.assert_allclose(brightness[pure], 1.0, atol=0.05)


def test_loudness_sets_the_level(tone_data: ToneDataset) -> None:
    rms = tone_data.clips[:, 0].square().mean(dim=1).sqrt().numpy()
    assert _corr(20 * np.log10(rms), tone_data.metadata["loudness"]) > 0.97


def test_attack_is_the_rise_time(tone_data: ToneDataset) -> None:
    # Envelope in 4 ms windows; the rise ends where the envelope first comes near its peak.
    windows = tone_data.clips[:, 0, :2048].reshape(256, -1, 32).abs().amax(dim=2).numpy()
    reached = (windows >= 0.9 * windows.max(axis=1, keepdims=True)).argmax(axis=1) * 32 / 8000
    assert _corr(reached, tone_data.metadata["attack"]) > 0.95


def test_tones_start_silent_and_fade_out_without_a_click(tone_data: ToneDataset) -> None:
    assert float(tone_data.clips[:, 0, 0].abs().max()) == 0.0
    assert float(tone_data.clips[:, 0, -1].abs().max()) < 1e-3


def test_tones_are_reproducible_per_seed() -> None:
    first, again, other = tones(n=16, seed=3), tones(n=16, seed=3), tones(n=16, seed=4)
    assert torch.equal(first.clips, again.clips)
    np.testing.assert_array_equal(first.metadata["pitch"], again.metadata["pitch"])
    assert not torch.equal(first.clips, other.clips)


def test_tones_split_subset_and_loader(tone_data: ToneDataset) -> None:
    train, test = tone_data.split(0.25, seed=0)
    assert isinstance(test, ToneDataset)
    assert (len(train), len(test), test.sample_rate) == (192, 64, 8000)
    part = tone_data.subset([7, 1])
    assert torch.equal(part.clips, tone_data.clips[[7, 1]])
    np.testing.assert_array_equal(part.metadata["note"], tone_data.metadata["note"][[7, 1]])
    x, y = next(iter(DataLoader(tone_data, batch_size=8)))
    assert x.shape == (8, 1, 4096)
    assert torch.equal(y, torch.from_numpy(tone_data.labels[:8]))


def test_tones_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be an int >= 1; got 0"):
        tones(n=0)
    with pytest.raises(TypeError, match="seed must be an int"):
        tones(seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"clips must have values in \[-1, 1\]"):
        ToneDataset(torch.full((2, 1, 8), 2.0), np.zeros(2, dtype=int), ["a"], 8000)
    with pytest.raises(ValueError, match=r"clips must be float mono audio of shape \(N, 1, L\)"):
        ToneDataset(torch.zeros(2, 8), np.zeros(2, dtype=int), ["a"], 8000)


def test_words_ids_texts_and_labels(word_data: WordDataset) -> None:
    assert word_data.ids.shape == (1000, 16)
    assert word_data.ids.dtype == torch.int64
    assert len(set(word_data.texts)) == 1000
    assert word_data.tokenizer.batch_decode(word_data.ids) == word_data.texts
    assert all(text.isalpha() and text.islower() for text in word_data.texts)
    ids, label = word_data[5]
    assert ids.shape == (16,)
    assert word_data.label_names[label] == f"{word_data.metadata['syllables'][5]} syllable" + (
        "s" if word_data.metadata["syllables"][5] > 1 else ""
    )
    # Every word ends with the end token and is padded after it.
    lengths = torch.as_tensor(word_data.metadata["length"])
    assert torch.equal(
        word_data.ids[torch.arange(1000), lengths], torch.ones(1000, dtype=torch.int64)
    )
    assert int((word_data.ids > 0).sum(dim=1).sub(lengths + 1).abs().max()) == 0


def test_words_factors_match_the_words_and_vary(word_data: WordDataset) -> None:
    meta = word_data.metadata
    assert set(meta) == {"word", "length", "first_letter", "vowel_ratio", "syllables"}
    texts = word_data.texts
    np.testing.assert_array_equal(meta["length"], [len(w) for w in texts])
    np.testing.assert_array_equal(meta["first_letter"], [w[0] for w in texts])
    expected = [sum(c in "aeiou" for c in w) / len(w) for w in texts]
    np.testing.assert_allclose(meta["vowel_ratio"], expected, rtol=1e-6)
    assert 1 <= meta["length"].min() <= 3
    assert 10 <= meta["length"].max() <= 12
    assert len(set(meta["first_letter"])) >= 15
    assert meta["vowel_ratio"].min() < 0.3
    assert meta["vowel_ratio"].max() > 0.7
    assert set(meta["syllables"]) == {1, 2, 3, 4}
    # More syllables make longer words.
    assert _corr(meta["syllables"].astype(float), meta["length"].astype(float)) > 0.7


def test_words_are_reproducible_per_seed() -> None:
    assert words(n=50, seed=2).texts == words(n=50, seed=2).texts
    assert words(n=50, seed=2).texts != words(n=50, seed=3).texts


def test_words_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be at most 20000"):
        words(n=20001)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        words(n=0)


def test_tokenizer_round_trip_and_special_tokens() -> None:
    tok = CharTokenizer()
    assert tok.vocab_size == len(tok) == 28
    ids = tok.encode("hello")
    assert ids == [9, 6, 13, 13, 16, tok.eos_token_id]
    assert tok.encode("hello", add_end=False) == ids[:-1]
    assert tok.decode(ids) == "hello"
    for word in ("a", "zebra", "abcdefghijklmnopqrstuvwxyz"):
        assert tok.decode(tok.encode(word)) == word
    # Decoding stops at the first end or padding token, like skip_special_tokens.
    assert tok.decode([9, 10, tok.eos_token_id, 11, 12]) == "hi"
    assert tok.decode([9, 10, tok.pad_token_id, 11]) == "hi"
    assert tok.decode(torch.tensor([9, 10, 1, 0])) == "hi"
    assert tok.decode(np.array([9, 10])) == "hi"
    assert tok.decode([]) == ""
    assert tok.batch_decode(torch.tensor([[9, 10, 1], [2, 1, 0]])) == ["hi", "a"]
    assert tok.pad(["hi"], 4).tolist() == [[9, 10, 1, 0]]


def test_tokenizer_errors_say_what_is_wrong() -> None:
    tok = CharTokenizer()
    with pytest.raises(ValueError, match=r"does not know: '!A'"):
        tok.encode("Ah!")
    with pytest.raises(ValueError, match=r"ids must be in \[0, 28\); got token id 40"):
        tok.decode([3, 40])
    with pytest.raises(ValueError, match="For a batch use batch_decode"):
        tok.decode(torch.zeros(2, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="needs 6 tokens with its end; length is 4"):
        tok.pad(["hello"], 4)
    with pytest.raises(ValueError, match="alphabet must be a non-empty str of distinct"):
        CharTokenizer("aa")


def test_public_names() -> None:
    assert lw.datasets.CharTokenizer is CharTokenizer
    assert {"tones", "words", "CharTokenizer", "ToneDataset", "WordDataset"} <= set(
        lw.datasets.__all__
    )
