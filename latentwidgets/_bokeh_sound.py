"""Sound on the exported page: the WAVs of the points and frames, resampled, within a byte budget.

A WAV is large next to a thumbnail: half a second at 8 kHz is 8 KB, 11 KB once in base64, where an
8x8 digit's PNG is 164 bytes. So the page resamples sound to at most :data:`PAGE_RATE` and keeps
at most :data:`AUDIO_BYTES` of it; past that budget it keeps the sound of every k-th point (k as
small as fits) and the hover of the others says that they have none. A click on a point plays
its sound in one ``<audio class="lw-audio">`` element, as the widget does; the sound panel beside
the map says which point plays and plays it again.
"""

from __future__ import annotations

import base64
import io
import math
import numbers
import wave
from collections.abc import Sequence
from typing import Any

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, CustomJS, TapTool
from bokeh.models.widgets import Button, Div

from latentwidgets._render_audio import check_sample_rate, to_wav

#: Sound on the page is resampled down to this many samples per second by default: 8 kHz keeps
#: what lies below 4 kHz (speech, a melody's fundamentals) at a third of 24 kHz's bytes.
PAGE_RATE = 8_000
#: Bytes of WAV a page holds by default (about 13 MB once in base64): every point of 1,200 clips
#: of half a second at 8 kHz.
AUDIO_BYTES = 10_000_000

# The page's one player: created on the first play, like the widget's, and shared by the map's
# points, the sound panel's button and the frame slider. ``play`` marks what plays on it.
_PLAYER_JS = """
const player = () => {
  let audio = document.querySelector("audio.lw-audio");
  if (audio === null) {
    audio = document.createElement("audio");
    audio.className = "lw-audio";
    audio.hidden = true;
    document.body.appendChild(audio);
  }
  return audio;
};
const play = (uri, marks) => {
  const audio = player();
  for (const key of ["index", "panel", "frame", "playAll", "error"]) delete audio.dataset[key];
  Object.assign(audio.dataset, marks);
  audio.src = uri;
  // a browser that refuses to play (no gesture yet, no output device) says why here
  audio.play().catch((error) => { audio.dataset.error = String(error); });
  return audio;
};
"""

# A click on the map plays the point under it that the hover shows: the hover tool (limit=1)
# shows the first of the same hit test's points.
_TAP_JS = """
const hits = source.inspected.indices;
if (hits.length === 0) return;
const i = hits[0];
const uri = source.data.audio[i];
const seconds = source.data.audio_s[i];
panel.text = uri
  ? `<div class="lw-sound-now" data-index="${i}">point ${i} · ${seconds.toFixed(2)} s</div>`
  : `<div class="lw-sound-now" data-index="${i}">point ${i} has no sound on this page</div>`;
button.tags = [i];
button.disabled = !uri;
button.label = `▶ Play point ${i}`;
if (uri) play(uri, {index: String(i)});
"""

_BUTTON_JS = """
const i = button.tags[0];
if (i !== undefined && source.data.audio[i]) play(source.data.audio[i], {index: String(i)});
"""

# The frame slider plays the frame on show; "play all" walks the slider from the first frame,
# the next frame starting when one ends, until the last or until something else plays.
_FRAME_JS = """
const v = cb_obj.value;
const audio = player();
const walking = audio.dataset.playAll === "1" && audio.dataset.panel === "frames";
play(sounds[v], {panel: "frames", frame: String(v), ...(walking ? {playAll: "1"} : {})});
"""

_PLAY_ALL_JS = """
const audio = player();
audio.onended = () => {
  if (audio.dataset.playAll !== "1" || audio.dataset.panel !== "frames") return;
  const next = Number(audio.dataset.frame) + 1;
  if (next <= slider.end) {
    slider.value = next;
  } else {
    delete audio.dataset.playAll;
  }
};
if (slider.value === 0) {
  play(sounds[0], {panel: "frames", frame: "0", playAll: "1"});
} else {
  Object.assign(audio.dataset, {panel: "frames", playAll: "1"});
  slider.value = 0;  // the slider's own callback plays the first frame
}
"""


def check_audio_rate(rate: Any) -> int | None:
    """Return ``audio_rate`` checked: None (keep each sound's rate) or an int rate in Hz."""
    return None if rate is None else check_sample_rate(rate, "audio_rate")


def check_audio_bytes(budget: Any) -> int | None:
    """Return ``audio_bytes`` checked: None (no bound) or a number of bytes >= 0."""
    if budget is None:
        return None
    if isinstance(budget, bool) or not isinstance(budget, numbers.Integral) or budget < 0:
        raise ValueError(
            f"audio_bytes must be an int number of bytes >= 0 (0: no sound) or None (no "
            f"bound); got {budget!r:.40}"
        )
    return int(budget)


def page_wav(wav: bytes, rate: int | None) -> bytes:
    """Return ``wav`` resampled to ``rate`` when it is faster (anti-aliased), else unchanged.

    Parameters
    ----------
    wav : bytes
        A 16-bit PCM WAV, as :func:`latentwidgets.render.to_wav` writes.
    rate : int or None
        The page's rate in Hz; None keeps every sound's own.
    """
    with wave.open(io.BytesIO(wav)) as reader:
        own, channels = reader.getframerate(), reader.getnchannels()
        if reader.getsampwidth() != 2:
            raise ValueError(f"sound must be 16-bit PCM; got {8 * reader.getsampwidth()}-bit")
        pcm = reader.readframes(reader.getnframes())
    if rate is None or own <= rate:
        return wav
    from scipy.signal import resample_poly  # imported when needed: it takes about 0.5 s

    samples = np.frombuffer(pcm, "<i2").reshape(-1, channels).T / 32767.0
    common = math.gcd(rate, own)
    resampled = resample_poly(samples, rate // common, own // common, axis=-1)
    return to_wav(resampled, rate)


def wav_seconds(wav: bytes) -> float:
    """Return the length of a WAV in seconds."""
    with wave.open(io.BytesIO(wav)) as reader:
        return reader.getnframes() / reader.getframerate()


def wav_uri(wav: bytes) -> str:
    """Return a WAV as a ``data:audio/wav;base64,...`` URI, which an ``<audio>`` plays as it is."""
    return "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")


def kept(sizes: Sequence[int], budget: int | None) -> list[int]:
    """Return the indices of the sounds that fit in ``budget`` bytes: all, or every k-th.

    k is as small as fits. Every k-th index spreads the kept sounds over the data (often sorted
    by class), where the first ones would all be alike.
    """
    each = np.asarray(sizes, dtype=np.int64)
    if budget is None or each.sum() <= budget:
        return list(range(len(each)))
    for stride in range(2, len(each) + 1):
        if each[::stride].sum() <= budget:
            return list(range(0, len(each), stride))
    return []


def frame_uris(
    wavs: Sequence[bytes], rate: int | None, budget: int | None
) -> tuple[list[str], int]:
    """Return the frames' sounds as URIs and their bytes: all of them, or none past ``budget``.

    A walk through the frames with holes in it would not sound like one, so it is all or none.
    """
    paged = [page_wav(wav, rate) for wav in wavs]
    spent = sum(len(wav) for wav in paged)
    if budget is not None and spent > budget:
        return [], 0
    return [wav_uri(wav) for wav in paged], spent


def point_sounds(
    wavs: Sequence[bytes | None], rate: int | None, budget: int | None, data: dict[str, Any]
) -> int:
    """Put the points' sounds that fit into ``data`` (``audio``, ``audio_s``, ``audio_hint``).

    Returns the bytes kept. A point without sound on the page has ``""`` in ``audio``.
    """
    paged = [None if wav is None else page_wav(wav, rate) for wav in wavs]
    with_sound = [i for i, wav in enumerate(paged) if wav is not None]
    chosen = {with_sound[k] for k in kept([len(paged[i] or b"") for i in with_sound], budget)}
    data["audio"] = [wav_uri(wav) if i in chosen and wav else "" for i, wav in enumerate(paged)]
    data["audio_s"] = np.array([wav_seconds(wav) if wav else 0.0 for wav in paged], np.float32)
    data["audio_hint"] = [
        "▶ click the point to hear it" if i in chosen else "no sound on this page (audio_bytes)"
        for i in range(len(paged))
    ]
    return sum(len(paged[i] or b"") for i in chosen)


def sound_panel(source: ColumnDataSource, plots: list[Any], points: list[Any]) -> Any:
    """Make a click on a point play it (each map's tap tool); return the panel that says what plays.

    The tap tool inspects rather than selects, so a click leaves the gallery's selection alone.
    """
    panel = Div(
        text='<div class="lw-sound-now">Click a point to hear it.</div>',
        width=300,
        name="sound_panel",
    )
    button = Button(label="▶ Play", width=200, disabled=True, name="play_sound")
    args = {"source": source, "panel": panel, "button": button}
    for plot, renderer in zip(plots, points, strict=True):
        plot.add_tools(
            TapTool(
                renderers=[renderer],
                behavior="inspect",
                callback=CustomJS(args=args, code=_PLAYER_JS + _TAP_JS),
            )
        )
    button.js_on_event(
        "button_click",
        CustomJS(args={"source": source, "button": button}, code=_PLAYER_JS + _BUTTON_JS),
    )
    return column(panel, button)


def frame_sounds(slider: Any, uris: list[str]) -> Any:
    """Make the frame slider play the frame on show; return the "play all frames" button."""
    slider.js_on_change("value", CustomJS(args={"sounds": uris}, code=_PLAYER_JS + _FRAME_JS))
    button = Button(label="▶ Play all frames", width=200, name="play_all_frames")
    button.js_on_event(
        "button_click",
        CustomJS(args={"sounds": uris, "slider": slider}, code=_PLAYER_JS + _PLAY_ALL_JS),
    )
    return button
