"""The "Listening to a latent space" notebook, as a reader runs it, in a real JupyterLab: the tones
map plays the shipped tones-vae's WAV of a point, and the words map lists its interpolation.
"""

from __future__ import annotations

import pathlib

import nbformat
import pytest

from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = pathlib.Path(__file__).parents[2] / "notebooks" / "10_listening_to_a_latent_space.ipynb"


def test_the_notebook_plays_tones_and_reads_words(lab: LabPage) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    tones = lab.open_notebook(cells)
    expect(tones).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(tones).to_have_attribute("data-points", "600")

    # Pin the highest tone and play its decoded sound: the one <audio> plays the point's WAV.
    index = int(lab.evaluate("int(np.argmax(tones.metadata['pitch']))"))
    lab.run_python(f"explorer.pinned = {index}")
    expect(tones).to_have_attribute("data-pinned", str(index))
    decoded = tones.locator(
        ".lw-panel[data-panel='preview'] .lw-play-audio[aria-label='Play decoded']"
    )
    expect(decoded).to_be_visible(timeout=30_000)
    decoded.click()
    audio = tones.locator("audio.lw-audio")
    expect(audio).to_have_attribute("data-index", str(index), timeout=30_000)
    # 4096 samples at 8 kHz.
    duration = audio.evaluate(
        "(a) => a.readyState >= 1 ? a.duration : new Promise((ok) =>"
        " a.addEventListener('loadedmetadata', () => ok(a.duration), { once: true }))"
    )
    assert duration == pytest.approx(4096 / 8000, abs=1e-3)
    ARTIFACTS.mkdir(exist_ok=True)
    tones.screenshot(path=str(ARTIFACTS / "listening_tones.png"))

    # The words explorer lists the notebook's interpolation, word by word.
    words = lab.page.locator(".lw-explorer").nth(1)
    expect(words).to_have_attribute("data-ready", "1", timeout=60_000)
    lines = words.locator(".lw-interp ol.lw-frame-texts > li")
    expect(lines).to_have_count(8, timeout=30_000)
    expected = lab.evaluate("[words.tokenizer.decode(f.argmax(-1)) for f in reader.frames]")
    assert lines.all_text_contents() == expected
    assert (expected[0], expected[-1]) == ("mafer", "nafavel")
    words.screenshot(path=str(ARTIFACTS / "listening_words.png"))
