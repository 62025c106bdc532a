from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from latentwidgets.export import save_html
from latentwidgets.render import to_png_batch
from tests._chromium import CHROMIUM, CHROMIUM_ARGS, skip_or_fail

DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
N = 60


def digits(n: int, size: int = 8) -> torch.Tensor:
    """Distinct little grey images: a bright square whose position depends on the index."""
    images = torch.zeros(n, 1, size, size)
    for i in range(n):
        images[i, 0, i % size, (i // size) % size] = 1.0
    return images


def coords(n: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2))


def embedded_uris(path: Path) -> list[str]:
    """Base64 PNGs in the page's Bokeh document (BokehJS's own inlined icons are left out)."""
    html = path.read_text(encoding="utf-8")
    documents = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.DOTALL)
    assert len(documents) == 1
    return DATA_URI.findall(documents[0])


def decode_uri(encoded: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(encoded)))


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    return tmp_path / "map.html"


def test_writes_a_self_contained_file(page_file: Path) -> None:
    written = save_html(str(page_file), coords(N), images=digits(N), labels=np.arange(N) % 3)
    assert written == page_file
    html = page_file.read_text(encoding="utf-8")
    assert "<title>latentwidgets</title>" in html
    sources = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?([^\"' >]*)", html)
    assert not [src for src in sources if not src.startswith("data:")], sources
    assert "Bokeh" in html  # BokehJS itself is inlined


def test_embeds_one_thumbnail_per_point_and_they_decode(page_file: Path) -> None:
    images = digits(N)
    save_html(page_file, coords(N), images=images)
    thumbs = embedded_uris(page_file)
    assert len(thumbs) == N
    expected = to_png_batch(images)
    for index in (0, 9, N - 1):
        assert base64.b64decode(thumbs[index]) == expected[index]


def test_thumbnails_are_downscaled_to_thumb_size(page_file: Path) -> None:
    save_html(page_file, coords(4), images=torch.rand(4, 3, 64, 32), thumb_size=16)
    thumbs = embedded_uris(page_file)
    assert [decode_uri(thumb).size for thumb in thumbs] == [(8, 16)] * 4


def test_images_as_a_list_of_items(page_file: Path) -> None:
    items = [Image.new("RGB", (6, 6), (i * 40, 0, 0)) for i in range(5)]
    save_html(page_file, coords(5), images=items)
    assert len(embedded_uris(page_file)) == 5


def test_value_range_and_preview_fn_shape_the_thumbnails(page_file: Path) -> None:
    images = torch.full((3, 1, 2, 2), 0.5)
    save_html(page_file, coords(3), images=images, value_range=(0, 2), frames=images)
    uris = embedded_uris(page_file)
    assert len(uris) == 3 + 3 + 1  # thumbnails, frames, and the frame shown first
    assert {np.asarray(decode_uri(uri).convert("L"))[0, 0] for uri in uris} == {64}

    save_html(page_file, coords(3), images=["a", "b", "c"], preview_fn=lambda _: np.ones((5, 7)))
    assert [decode_uri(uri).size for uri in embedded_uris(page_file)] == [(7, 5)] * 3


def test_categorical_labels_get_named_legend_entries(page_file: Path) -> None:
    names = ["zero", "one", "two"]
    save_html(page_file, coords(N), labels=torch.arange(N) % 3, label_names=names)
    html = page_file.read_text(encoding="utf-8")
    assert all(f'"{name}"' in html for name in names)
    assert "CategoricalColorMapper" in html
    assert "Legend" in html


def test_continuous_labels_get_a_colour_bar(page_file: Path) -> None:
    save_html(page_file, coords(N), labels=np.linspace(0, 1, N))
    html = page_file.read_text(encoding="utf-8")
    assert "LinearColorMapper" in html
    assert "ColorBar" in html


def test_frames_are_embedded_for_the_slider(page_file: Path) -> None:
    frames = torch.linspace(0, 1, 5).reshape(5, 1, 1, 1) * torch.ones(5, 1, 8, 8)
    save_html(page_file, coords(3), frames=frames, frames_title="t")
    uris = set(embedded_uris(page_file))
    expected = {base64.b64encode(png).decode() for png in to_png_batch(frames)}
    assert uris == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coords": np.zeros((5, 3))}, r"coords must have shape \(N, 2\).*\(5, 3\)"),
        ({"coords": np.zeros((0, 2))}, r"coords must have shape \(N, 2\) with N >= 1"),
        ({"coords": np.array([[0.0, np.nan]])}, "coords must be finite"),
        ({"images": digits(4)}, r"images must hold one item per point \(5\); got 4"),
        ({"images": ["a", "b", "c", "d", "e"]}, r"images\[0\] rendered as text"),
        ({"labels": np.zeros(4)}, r"labels must have shape \(5,\).*\(4,\)"),
        ({"labels": np.arange(5), "label_names": ["a", "b"]}, r"labels must lie in \[0, 2\)"),
        ({"labels": np.linspace(0, 1, 5), "label_names": ["a"]}, "label_names needs integer"),
        ({"label_names": ["a"]}, "label_names needs labels"),
        ({"labels": np.array([0.5, np.nan, 0, 0, 0])}, "float labels must be finite"),
        ({"frames": digits(1)}, "at least 2 images for the slider; got 1"),
        ({"thumb_size": 0}, "thumb_size must be a positive int"),
        ({"point_size": -1}, "point_size must be a positive number"),
    ],
)
def test_bad_arguments_are_named(page_file: Path, kwargs: dict[str, Any], match: str) -> None:
    arguments: dict[str, Any] = {"coords": coords(5), **kwargs}
    with pytest.raises(ValueError, match=match):
        save_html(page_file, **arguments)
    assert not page_file.exists()


# --- in a real browser, from file:// with no network ------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def exported_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A page with thumbnails, labels and frames; returns it and the frames' data URIs."""
    frames = torch.linspace(0, 1, 6).reshape(6, 1, 1, 1) * digits(1, 8).expand(6, 1, 8, 8)
    path = save_html(
        tmp_path_factory.mktemp("export") / "map.html",
        coords(N),
        images=digits(N),
        labels=np.arange(N) % 4,
        label_names=["north", "east", "south", "west"],
        frames=frames,
        frames_title="step",
    )
    uris = [
        "data:image/png;base64," + base64.b64encode(png).decode() for png in to_png_batch(frames)
    ]
    return path, uris


@pytest.fixture
def page(browser: Any, exported_page: tuple[Path, list[str]]) -> Iterator[Any]:
    path, _ = exported_page
    context = browser.new_context(viewport={"width": 1100, "height": 700})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(path.as_uri())
    opened.wait_for_function("() => window.Bokeh && Bokeh.index.roots.length > 0")
    yield opened
    assert not errors, errors
    context.close()


# Where a point is drawn, from BokehJS's own scales and the plot's canvas position.
POINT_POSITION = """(index) => {
  const doc = Bokeh.documents[0];
  const view = Bokeh.index.find_one(doc.get_model_by_name('latent_map'));
  const data = doc.get_model_by_name('latent_points').data_source.data;
  const box = view.canvas_view.el.getBoundingClientRect();
  return [box.left + view.frame.x_scale.compute(data.x[index]),
          box.top + view.frame.y_scale.compute(data.y[index])];
}"""


@pytest.mark.browser
@pytest.mark.slow  # starting Chromium and BokehJS takes 3-8 s on 2 cores
def test_hovering_a_point_shows_its_thumbnail_and_label(page: Any) -> None:
    index = 7
    x, y = page.evaluate(POINT_POSITION, index)
    page.mouse.move(x, y)
    thumb = page.locator("img.lw-thumb")
    thumb.wait_for(timeout=10_000)
    assert thumb.get_attribute("src").startswith("data:image/png;base64,")
    shown = decode_uri(thumb.get_attribute("src").split(",", 1)[1]).convert("L")
    assert shown.size == (8, 8)
    tooltip = page.locator("div.lw-tooltip")
    assert "label:" in tooltip.inner_text()
    # the nearest point is the one under the mouse (points may overlap; check its own label)
    hovered = int(re.search(r"point (\d+)", tooltip.inner_text()).group(1))
    assert ["north", "east", "south", "west"][hovered % 4] in tooltip.inner_text()
    page.screenshot(path="/tmp/latentwidgets_export_hover.png")


@pytest.mark.browser
@pytest.mark.slow  # starting Chromium and BokehJS takes 3-8 s on 2 cores
def test_slider_swaps_the_frame_in_the_browser(
    page: Any, exported_page: tuple[Path, list[str]]
) -> None:
    _, uris = exported_page
    frame = page.locator("img.lw-frame")
    assert frame.get_attribute("src") == uris[0]
    page.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.locator(f'img.lw-frame[src="{uris[2]}"]').wait_for(timeout=10_000)
    page.screenshot(path="/tmp/latentwidgets_export_slider.png")
