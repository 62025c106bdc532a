"""The exported page in audio and text mode: the WAV of every embedded point and frame (resampled
to the page's rate, within its byte bound), the decoded and input text in the hover, the frames
as lines of text; and an explorer's export that follows its ``preview``."""

from __future__ import annotations

import base64
import io
import math
import re
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import latentwidgets as lw
from latentwidgets import export
from latentwidgets.render import AudioPreview, TextPreview, to_wav
from tests.test_export import bokeh_models
from tests.test_export import source_column as _source_column

N = 24
LENGTH = 800


def tones(rate: int, n: int = N, length: int = LENGTH) -> torch.Tensor:
    """(n, 1, length) sines at half loudness, 200 Hz up in steps of 20 Hz: one per point."""
    time = torch.arange(length) / rate
    freq = 200 + 20 * torch.arange(n, dtype=torch.float32)
    return 0.5 * torch.sin(2 * math.pi * freq[:, None] * time)[:, None, :]


def coords(n: int = N) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2))


def source_column(models: dict[str, list[dict[str, Any]]], name: str) -> Any:
    """Column ``name`` of the points' source (the interpolation path has a source of its own)."""
    points = [s for s in models["ColumnDataSource"] if s.get("name") == "latent_source"]
    return _source_column({**models, "ColumnDataSource": points}, name)


def wav_of(uri: str) -> bytes:
    assert uri.startswith("data:audio/wav;base64,")
    return base64.b64decode(uri.split(",", 1)[1])


def read_wav(data: bytes) -> tuple[int, int, np.ndarray]:
    """Channels, rate and int16 samples of a WAV."""
    with wave.open(io.BytesIO(data)) as file:
        samples = np.frombuffer(file.readframes(file.getnframes()), "<i2")
        return file.getnchannels(), file.getframerate(), samples


def js_args(models: dict[str, list[dict[str, Any]]], name: str) -> list[Any]:
    """The values of argument ``name`` of the page's CustomJS callbacks that take it."""
    found = []
    for callback in models["CustomJS"]:
        entries = dict(callback["args"]["entries"])
        if name in entries:
            found.append(entries[name])
    return found


def tooltip(models: dict[str, list[dict[str, Any]]]) -> str:
    (hover,) = models["HoverTool"]
    return str(hover["tooltips"])


def test_the_page_holds_each_points_wav_and_plays_it_on_a_click(tmp_path: Path) -> None:
    sounds = tones(8000)
    path = export.save_html(
        tmp_path / "a.html", coords(), images=sounds, preview=AudioPreview(8000)
    )
    models = bokeh_models(path)
    uris = source_column(models, "audio")
    assert len(uris) == N
    # at 8 kHz the page's rate: the very bytes the widget sends (to_wav), for every point
    for k in (0, 7, N - 1):
        assert wav_of(uris[k]) == to_wav(sounds[k], 8000)
    assert np.allclose(source_column(models, "audio_s"), LENGTH / 8000)
    assert set(source_column(models, "audio_hint")) == {"▶ click the point to hear it"}
    assert "@audio_hint" in tooltip(models)
    # a click on a point inspects it (the selection stays the gallery's) and plays it
    (tap,) = models["TapTool"]
    assert tap["behavior"] == "inspect"
    assert [div["name"] for div in models["Div"] if div.get("name") == "sound_panel"]
    assert [b["label"] for b in models["Button"] if b.get("name") == "play_sound"] == ["▶ Play"]
    # the hover's picture is the sound's waveform, four times as wide as a thumbnail
    assert source_column(models, "thumb")[0].startswith("data:image/png;base64,")
    assert set(source_column(models, "thumb_w")) == {192}


def test_faster_sound_is_resampled_to_the_page_rate(tmp_path: Path) -> None:
    sounds = tones(16000)
    path = export.save_html(
        tmp_path / "a.html", coords(), images=sounds, preview=AudioPreview(16000)
    )
    uris = source_column(bokeh_models(path), "audio")
    channels, rate, samples = read_wav(wav_of(uris[5]))
    assert (channels, rate, len(samples)) == (1, 8000, LENGTH // 2)
    # still the same tone: its spectrum peaks at 300 Hz (200 + 5 * 20), as at 16 kHz
    spectrum = np.abs(np.fft.rfft(samples / 32767.0))
    assert np.fft.rfftfreq(len(samples), 1 / 8000)[spectrum.argmax()] == pytest.approx(300, abs=20)
    assert np.abs(samples).max() / 32767 == pytest.approx(0.5, abs=0.05)
    # audio_rate=None keeps the model's rate: the widget's bytes again
    kept = export.save_html(
        tmp_path / "b.html",
        coords(),
        images=sounds,
        preview=AudioPreview(16000),
        audio_rate=None,
    )
    assert wav_of(source_column(bokeh_models(kept), "audio")[5]) == to_wav(sounds[5], 16000)


def test_past_audio_bytes_every_kth_point_keeps_its_sound(tmp_path: Path) -> None:
    sounds = tones(8000)
    each = len(to_wav(sounds[0], 8000))
    path = export.save_html(
        tmp_path / "a.html",
        coords(),
        images=sounds,
        preview=AudioPreview(8000),
        audio_bytes=6 * each,
    )
    models = bokeh_models(path)
    uris = source_column(models, "audio")
    kept = [k for k, uri in enumerate(uris) if uri]
    assert kept == list(range(0, N, 4))  # every 4th: 6 of 24, spread over the points
    assert sum(len(wav_of(uris[k])) for k in kept) <= 6 * each
    assert wav_of(uris[8]) == to_wav(sounds[8], 8000)
    hints = source_column(models, "audio_hint")
    assert hints[4] == "▶ click the point to hear it"
    assert hints[5] == "no sound on this page (audio_bytes)"
    # the bound bounds the page: 24 sounds are about 18 * 4/3 * each bytes more than 6
    full = export.save_html(
        tmp_path / "b.html", coords(), images=sounds, preview=AudioPreview(8000)
    )
    grown = full.stat().st_size - path.stat().st_size
    assert 18 * each * 4 / 3 <= grown < 18 * each * 4 / 3 + 4000
    none = export.save_html(
        tmp_path / "c.html", coords(), images=sounds, preview=AudioPreview(8000), audio_bytes=0
    )
    silent = bokeh_models(none)
    assert not any(source_column(silent, "audio"))
    assert "TapTool" not in silent  # no panel or click that plays nothing


def test_frames_play_on_the_slider_and_come_first_in_the_bound(tmp_path: Path) -> None:
    sounds = tones(8000)
    frames = sounds[:5]
    each = len(to_wav(sounds[0], 8000))
    path = export.save_html(
        tmp_path / "a.html",
        coords(),
        images=sounds,
        frames=frames,
        preview=AudioPreview(8000),
        audio_bytes=5 * each,  # the frames' sounds, and nothing left for the points
    )
    models = bokeh_models(path)
    played = js_args(models, "sounds")  # the slider's callback and "play all"'s
    assert len(played) == 2
    assert [wav_of(uri) for uri in played[0]] == [to_wav(frame, 8000) for frame in frames]
    assert not any(source_column(models, "audio"))
    assert [b["label"] for b in models["Button"] if b.get("name") == "play_all_frames"] == [
        "▶ Play all frames"
    ]
    # with room for both, the points keep theirs
    roomy = export.save_html(
        tmp_path / "b.html", coords(), images=sounds, frames=frames, preview=AudioPreview(8000)
    )
    assert all(source_column(bokeh_models(roomy), "audio"))


class Letters:
    """A tokenizer: id k is the k-th letter; 0 ends the text."""

    def decode(self, ids: list[int]) -> str:
        return "".join(chr(96 + i) for i in ids if i > 0)


def test_text_shows_in_the_hover_the_gallery_and_the_frame_list(tmp_path: Path) -> None:
    ids = torch.randint(1, 27, (N, 5), generator=torch.Generator().manual_seed(0))
    logits = torch.nn.functional.one_hot(ids, 27).float()  # (B, T, V): read with argmax
    frames = ["<b>one</b>", "two", "three"]
    path = export.save_html(
        tmp_path / "a.html",
        coords(),
        images=logits,
        frames=frames,
        preview=TextPreview(Letters()),
        input_texts=[f"input {k}" for k in range(N)],
    )
    models = bokeh_models(path)
    assert source_column(models, "text") == [Letters().decode(row.tolist()) for row in ids]
    assert source_column(models, "input_text")[3] == "input 3"
    shown = tooltip(models)
    assert "@text" in shown
    assert "input: @input_text" in shown
    assert "@thumb" not in shown  # no pictures of text
    # the frames: a list, the first on show, their markup escaped
    (view,) = [div for div in models["Div"] if div.get("name") == "frame_view"]
    assert re.search(r'<ol class="lw-frame-texts"[^>]*><li class="is-current"', view["text"])
    assert "&lt;b&gt;one&lt;/b&gt;" in view["text"]
    assert js_args(models, "frames") == [["&lt;b&gt;one&lt;/b&gt;", "two", "three"]]
    assert js_args(models, "texts") == [True]  # the gallery lists the selected points' text
    assert "audio" not in dict(models["ColumnDataSource"][0]["data"]["entries"])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"preview": "audio"}, TypeError, "preview must be an lw.AudioPreview, an lw.TextPre"),
        ({"audio_rate": 500}, ValueError, r"audio_rate must be an int .* in \[1000, 384000\]"),
        ({"audio_bytes": -1}, ValueError, "audio_bytes must be an int number of bytes >= 0"),
        ({"audio_bytes": 1.5}, ValueError, "audio_bytes must be an int number of bytes >= 0"),
        ({"input_texts": ["a"]}, ValueError, r"input_texts must hold one str per point \(24\)"),
        ({"input_texts": "abc"}, TypeError, "input_texts must be a sequence of str"),
        ({"input_texts": [1] * N}, TypeError, "input_texts' items must be a str; got int"),
    ],
)
def test_bad_sound_arguments_are_named(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        export.save_html(tmp_path / "a.html", coords(), images=tones(8000), **kwargs)


def _tone_decoder(z: torch.Tensor) -> torch.Tensor:
    time = torch.arange(LENGTH) / 8000
    return 0.5 * torch.sin(2 * math.pi * (300 + 100 * z[:, :1]) * time)[:, None, :]


def test_an_audio_explorers_page_plays_its_decoded_points_and_frames(tmp_path: Path) -> None:
    codes = torch.linspace(-1, 1, N)[:, None].repeat(1, 2)
    explorer = lw.LatentExplorer.from_latents(
        codes, decoder=_tone_decoder, preview="audio", sample_rate=8000, progress=False
    )
    explorer.wait()
    shown = explorer.interpolate(0, N - 1, steps=4)
    path = explorer.save_html(tmp_path / "a.html")
    models = bokeh_models(path)
    assert wav_of(source_column(models, "audio")[6]) == to_wav(explorer.decode(6), 8000)
    frames = js_args(models, "sounds")[0]
    assert [wav_of(uri) for uri in frames] == [to_wav(frame, 8000) for frame in shown]
    explorer.close()


def test_a_text_explorers_hover_shows_decoded_and_input_text(tmp_path: Path) -> None:
    ids = torch.randint(1, 27, (N, 5), generator=torch.Generator().manual_seed(1))
    table = torch.randn(27, 2, generator=torch.Generator().manual_seed(2))

    def encoder(x: torch.Tensor) -> torch.Tensor:
        return table[x].mean(1)

    def decoder(z: torch.Tensor) -> torch.Tensor:
        return (z @ table.T)[:, None, :].repeat(1, 3, 1)  # logits (B, 3, 27)

    explorer = lw.LatentExplorer(
        encoder, decoder, ids, preview="text", tokenizer=Letters(), progress=False
    )
    explorer.wait()
    path = explorer.save_html(tmp_path / "a.html")
    models = bokeh_models(path)
    letters = explorer.decode(range(4)).argmax(-1)
    assert source_column(models, "text")[:4] == [Letters().decode(row.tolist()) for row in letters]
    inputs = [Letters().decode(row.tolist()) for row in ids[:4]]
    assert source_column(models, "input_text")[:4] == inputs
    assert "input: @input_text" in tooltip(models)
    explorer.close()


def test_a_comparison_of_text_models_lists_each_models_text(tmp_path: Path) -> None:
    ids = torch.randint(1, 27, (N, 4), generator=torch.Generator().manual_seed(3))
    table = torch.randn(27, 2, generator=torch.Generator().manual_seed(4))

    def encoder(x: torch.Tensor) -> torch.Tensor:
        return table[x].mean(1)

    def decoder(z: torch.Tensor) -> torch.Tensor:
        return (z @ table.T)[:, None, :].repeat(1, 2, 1)

    def other(z: torch.Tensor) -> torch.Tensor:
        return -decoder(z)

    explorers = {
        name: lw.LatentExplorer(
            encoder, dec, ids, preview="text", tokenizer=Letters(), progress=False
        )
        for name, dec in (("A", decoder), ("B", other))
    }
    for explorer in explorers.values():
        explorer.wait()
    models = bokeh_models(export.save_comparison(explorers, tmp_path / "a.html"))
    inputs = [Letters().decode(row.tolist()) for row in ids]
    assert source_column(models, "text") == inputs
    for k, explorer in enumerate(explorers.values()):
        written = explorer.decode(range(N)).argmax(-1)
        assert source_column(models, f"out_{k}") == [
            Letters().decode(row.tolist()) for row in written
        ]
    assert js_args(models, "texts") == [True]  # the gallery's input column is text too
    for explorer in explorers.values():
        explorer.close()


def test_a_comparison_of_sound_models_plays_on_either_map(tmp_path: Path) -> None:
    codes = torch.linspace(-1, 1, N)[:, None].repeat(1, 2)
    explorers = [
        lw.LatentExplorer.from_latents(
            codes * sign,
            decoder=_tone_decoder,
            items=list(tones(8000)),
            preview="audio",
            sample_rate=8000,
            progress=False,
        )
        for sign in (1, -1)
    ]
    for explorer in explorers:
        explorer.wait()
    models = bokeh_models(export.save_comparison(explorers, tmp_path / "a.html"))
    # the inputs play (the same for both models) and each map's click plays them
    assert wav_of(source_column(models, "audio")[3]) == to_wav(tones(8000)[3], 8000)
    assert len(models["TapTool"]) == 2
    # each model's reconstructions are its waveforms
    assert source_column(models, "out_1")[0].startswith("data:image/png;base64,")
    for explorer in explorers:
        explorer.close()
