"""Previews that follow the modality: sound (WAV bytes and pictures) and text (tokenizer)."""

from __future__ import annotations

import io
import math
import wave

import numpy as np
import pytest
import torch

import latentwidgets as lw
from latentwidgets.render import AudioPreview, PreviewRenderer, TextPreview, to_wav

RATE = 8000
LENGTH = 800
TIME = torch.arange(LENGTH) / RATE
N = 24


def _tone(freq: torch.Tensor) -> torch.Tensor:
    """(B,) frequencies -> (B, 1, LENGTH) sine tones at half loudness."""
    return 0.5 * torch.sin(2 * math.pi * freq[:, None] * TIME)[:, None, :]


CODES = torch.linspace(-1, 1, N)[:, None].repeat(1, 2) * torch.tensor([1.0, 0.5])
SOUNDS = _tone(300 + 100 * CODES[:, 0])


def _encode(x: torch.Tensor) -> torch.Tensor:
    # the tone's frequency back from its zero crossings: a real (if crude) encoder
    crossings = (torch.diff(torch.sign(x[:, 0]), dim=-1) != 0).sum(-1).float()
    freq = crossings * RATE / (2 * LENGTH)
    code = (freq - 300) / 100
    return torch.stack([code, code / 2], dim=1)


def _decode(z: torch.Tensor) -> torch.Tensor:
    return _tone(300 + 100 * z[:, 0])


def _read_wav(data: bytes) -> tuple[int, int, int, np.ndarray]:
    with wave.open(io.BytesIO(data)) as file:
        frames = file.readframes(file.getnframes())
        return (
            file.getnchannels(),
            file.getsampwidth(),
            file.getframerate(),
            np.frombuffer(frames, "<i2"),
        )


def test_wav_header_rate_and_values() -> None:
    signal = torch.tensor([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -3.0])
    data = to_wav(signal, 16000)
    assert data[:4] == b"RIFF"
    assert data[8:16] == b"WAVEfmt "
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert int.from_bytes(data[20:22], "little") == 1  # PCM
    assert int.from_bytes(data[24:28], "little") == 16000
    assert int.from_bytes(data[34:36], "little") == 16  # bits per sample
    assert data[36:40] == b"data"
    assert int.from_bytes(data[40:44], "little") == 2 * len(signal)
    channels, width, rate, samples = _read_wav(data)
    assert (channels, width, rate) == (1, 2, 16000)
    # clipped to [-1, 1], scaled by 32767 and rounded
    assert samples.tolist() == [0, 16384, -16384, 32767, -32767, 32767, -32767]


def test_wav_channels_interleave_and_normalize() -> None:
    stereo = np.stack([np.full(4, 0.25), np.full(4, -0.5)])
    channels, _, _, samples = _read_wav(to_wav(stereo, 8000))
    assert channels == 2
    assert samples.reshape(-1, 2).tolist() == [[8192, -16384]] * 4
    quiet = np.array([0.0, 0.1, -0.2])
    assert _read_wav(to_wav(quiet, 8000, normalize=True))[3].tolist() == [0, 16220, -32439]
    assert _read_wav(to_wav(np.zeros(3), 8000, normalize=True))[3].tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    ("signal", "rate", "match"),
    [
        (np.zeros(10), 12.5, "sample_rate must be an int"),
        (np.zeros(10), 10, r"sample_rate must be .* \[1000, 384000\]"),
        (np.zeros((3, 8, 8)), 8000, r"\(L,\) or \(C, L\).*got shape \(3, 8, 8\)"),
        (np.zeros((16, 100)), 8000, r"C <= 8; got shape \(16, 100\)"),
        (np.array([0.0, np.nan]), 8000, "NaN"),
    ],
)
def test_wav_refuses_what_is_not_sound(signal: np.ndarray, rate: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        to_wav(signal, rate)  # type: ignore[arg-type]


def test_audio_pictures() -> None:
    # a second of 1 kHz: each column of pixels spans several periods
    tone = 0.5 * torch.sin(2 * math.pi * 1000 * torch.arange(RATE) / RATE)
    wave_picture = AudioPreview(RATE).picture(tone)
    assert wave_picture.shape == (64, 192, 4)
    assert wave_picture.dtype == np.uint8
    inked = (wave_picture[..., :3] != 255).any(-1)
    # a tone at half loudness fills about the middle half of every column
    assert 0.4 < inked.mean() < 0.6
    assert inked[32].all()
    assert not inked[0].any()
    silence = AudioPreview(RATE).picture(torch.zeros(LENGTH))
    silent_rows = np.nonzero((silence[..., :3] != 255).any(-1).any(1))[0]
    assert set(silent_rows.tolist()) <= {31, 32}  # the zero line only
    spectrum = AudioPreview(RATE, view="spectrogram").picture(tone)
    assert spectrum.shape == (64, 192, 4)
    # the tone's frequency (1 kHz of 4 kHz) is the brightest row, a quarter up from the bottom
    brightest = int(spectrum[..., :3].astype(int).sum(-1)[:, 96].argmax())
    assert 63 - brightest == pytest.approx(63 / 4, abs=1.5)


def test_audio_preview_arguments() -> None:
    with pytest.raises(ValueError, match="view must be"):
        AudioPreview(RATE, view="sonogram")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="normalize must be a bool"):
        AudioPreview(RATE, normalize="yes")  # type: ignore[arg-type]
    assert AudioPreview(np.int64(RATE)).sample_rate == RATE


@pytest.fixture(scope="module")
def audio_explorer() -> lw.LatentExplorer:
    return lw.LatentExplorer(
        _encode, _decode, SOUNDS, preview="audio", sample_rate=RATE, progress=False
    )


def test_preview_answer_carries_the_points_wav(audio_explorer: lw.LatentExplorer) -> None:
    assert audio_explorer._preview_modality == "audio"
    response, buffers = audio_explorer.preview({"index": 5}, [])
    recon, given = response["recon"], response["input"]
    assert recon["kind"] == "image"
    assert (recon["width"], recon["height"]) == (192, 64)
    assert recon["sample_rate"] == RATE
    assert recon["duration"] == pytest.approx(LENGTH / RATE)
    assert buffers[recon["audio"]] == to_wav(audio_explorer.decode(5), RATE)
    assert buffers[given["audio"]] == to_wav(SOUNDS[5], RATE)
    assert buffers[recon["audio"]] != buffers[given["audio"]] or torch.allclose(
        audio_explorer.decode(5), SOUNDS[5]
    )


def test_preview_batch_shifts_audio_buffers(audio_explorer: lw.LatentExplorer) -> None:
    response, buffers = audio_explorer.preview_batch({"indices": [2, 7]}, [])
    for entry, index in zip(response["previews"], [2, 7], strict=True):
        assert buffers[entry["recon"]["audio"]] == to_wav(audio_explorer.decode(index), RATE)
        assert len(buffers[entry["recon"]["buffer"]]) == 192 * 64 * 4


def test_frame_audio_plays_the_frame_on_show(audio_explorer: lw.LatentExplorer) -> None:
    audio_explorer.interp_steps = 5
    audio_explorer.interp_a, audio_explorer.interp_b = 0, N - 1
    frames = audio_explorer.interp_frames_ if hasattr(audio_explorer, "interp_frames_") else None
    frames = audio_explorer._core.frames["interp"] if frames is None else frames
    reply, buffers = audio_explorer.frame_audio({"panel": "interp", "frame": 3}, [])
    assert reply == {"panel": "interp", "frame": 3, "sample_rate": RATE, "duration": 0.1}
    assert buffers == [to_wav(frames[3], RATE)]
    assert audio_explorer._frames.shape == (5, 64, 192, 4)
    reply, buffers = audio_explorer.frame_audio({"panel": "interp", "frame": 9}, [])
    assert "frame" in reply["error"]
    assert buffers == []
    reply, _ = audio_explorer.frame_audio({"panel": "samples", "frame": 0}, [])
    assert "panel must be one that shows frames (interp" in reply["error"]
    audio_explorer.sample(3, seed=0)
    reply, buffers = audio_explorer.frame_audio({"panel": "samples", "frame": 2}, [])
    assert buffers == [to_wav(audio_explorer._core.frames["samples"][2], RATE)]


def test_explicit_audio_needs_sound() -> None:
    with pytest.raises(ValueError, match=r'preview="audio" needs sample_rate'):
        lw.LatentExplorer(_encode, _decode, SOUNDS, preview="audio", progress=False)
    images = lambda z: torch.rand(len(z), 1, 8, 8)  # noqa: E731
    with pytest.raises(ValueError, match=r"decoder returns float of shape \(1, 8, 8\)"):
        lw.LatentExplorer(
            _encode, images, SOUNDS, preview="audio", sample_rate=RATE, progress=False
        )


def test_auto_never_guesses_sound_or_text() -> None:
    plain = lw.LatentExplorer(_encode, _decode, SOUNDS, progress=False)
    assert plain._preview_modality == "image"
    assert plain.preview({"index": 0}, [])[0]["recon"].get("audio") is None
    heard = lw.LatentExplorer(_encode, _decode, SOUNDS, sample_rate=RATE, progress=False)
    assert heard._preview_modality == "audio"
    images = lambda z: torch.rand(len(z), 1, 8, 8)  # noqa: E731
    seen = lw.LatentExplorer(_encode, images, SOUNDS, sample_rate=RATE, progress=False)
    assert seen._preview_modality == "image"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"preview": "smell"}, ValueError, "preview must be one of 'auto', 'image'"),
        ({"preview": "text"}, ValueError, r'preview="text" needs tokenizer'),
        ({"preview": "text", "tokenizer": object()}, TypeError, "tokenizer must be an object"),
        ({"preview": "image", "sample_rate": RATE}, ValueError, 'preview="image" draws'),
        ({"preview": AudioPreview(RATE), "sample_rate": RATE}, ValueError, "its own settings"),
    ],
)
def test_preview_arguments_are_checked_before_encoding(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    calls = []

    def counting(x: torch.Tensor) -> torch.Tensor:
        calls.append(len(x))
        return _encode(x)

    with pytest.raises(error, match=match):
        lw.LatentExplorer(counting, _decode, SOUNDS, progress=False, **kwargs)  # type: ignore[arg-type]
    assert calls == []


class _Letters:
    """A tokenizer in the Hugging Face manner: ids to letters, 0 ends the text."""

    def decode(self, ids: list[int]) -> str:
        out = []
        for i in ids:
            if i == 0:
                break
            out.append(chr(96 + i))
        return "".join(out)


WORDS = torch.tensor([[1 + (i + j) % 26 for j in range(4)] + [0, 0] for i in range(N)])


def _text_encode(ids: torch.Tensor) -> torch.Tensor:
    return ids[:, :2].float()


def _text_decode(z: torch.Tensor) -> torch.Tensor:
    ids = torch.cat([z.round().long().clamp(1, 26), torch.zeros(len(z), 2, dtype=torch.long)], 1)
    return torch.nn.functional.one_hot(ids, 27).float() * 5  # logits (B, T, V)


def test_text_preview_reads_ids_and_logits() -> None:
    preview = TextPreview(_Letters())
    assert preview.text(torch.tensor([3, 1, 2, 0, 5])) == "cab"
    logits = torch.nn.functional.one_hot(torch.tensor([8, 9, 0]), 27).float()
    assert preview.text(logits) == "hi"
    assert preview.text("already text") == "already text"
    with pytest.raises(ValueError, match=r"token ids \(T,\) of integers or logits \(T, V\)"):
        preview.text(torch.rand(1, 8, 8))
    with pytest.raises(TypeError, match="tokenizer must be an object with decode"):
        TextPreview(object())


class _HuggingFaceLike:
    """Decodes special tokens unless told to skip them, as Hugging Face tokenizers do."""

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        return "".join(
            "" if i == 0 and skip_special_tokens else chr(96 + i) if i else "<pad>" for i in ids
        )


def test_special_tokens_are_skipped_where_the_tokenizer_can() -> None:
    assert TextPreview(_HuggingFaceLike()).text(torch.tensor([8, 9, 0, 0])) == "hi"
    assert TextPreview(_Letters()).text(torch.tensor([8, 9, 0, 0])) == "hi"


def test_text_explorer_previews_frames_and_samples() -> None:
    explorer = lw.LatentExplorer(
        _text_encode,
        _text_decode,
        WORDS,
        preview="text",
        tokenizer=_Letters(),
        progress=False,
    )
    assert explorer._preview_modality == "text"
    response, buffers = explorer.preview({"index": 2}, [])
    assert response["recon"] == {"kind": "text", "text": "cd"}
    assert response["input"] == {"kind": "text", "text": "cdef"}
    assert buffers == []
    explorer.interp_steps = 4
    explorer.interp_a, explorer.interp_b = 0, 3
    assert explorer._frame_texts["interp"] == ["ab", "bc", "cd", "de"]
    # views that show pixels only get the strings drawn
    assert explorer._frames.shape == (4, 24, 192, 4)
    explorer.sample(3, seed=1)
    assert len(explorer._frame_texts["samples"]) == 3
    reply, _ = explorer.frame_audio({"panel": "interp", "frame": 0}, [])
    assert "not audio" in reply["error"]


def test_text_auto_and_errors() -> None:
    auto = lw.LatentExplorer(
        _text_encode, _text_decode, WORDS, tokenizer=_Letters(), progress=False
    )
    assert auto._preview_modality == "text"
    images = lambda z: torch.rand(len(z), 1, 8, 8)  # noqa: E731
    with pytest.raises(ValueError, match=r"token ids \(T,\) or logits \(T, V\).*\(1, 8, 8\)"):
        lw.LatentExplorer(
            _text_encode, images, WORDS, preview="text", tokenizer=_Letters(), progress=False
        )


def test_preview_fn_returning_text_keeps_working() -> None:
    renderer = PreviewRenderer(preview_fn=lambda x: f"sum {float(x.sum()):.1f}")
    assert renderer.render(torch.ones(3)).text == "sum 3.0"
    explorer = lw.LatentExplorer(
        _encode, _decode, SOUNDS, preview_fn=lambda x: "a tone", progress=False
    )
    assert explorer.preview({"index": 0}, [])[0]["recon"] == {"kind": "text", "text": "a tone"}
