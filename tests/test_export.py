from __future__ import annotations

import base64
import gzip
import html as html_module
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

import latentwidgets as lw
from latentwidgets import colors
from latentwidgets.export import save_gif, save_html
from latentwidgets.render import to_png_batch, to_rgba_batch
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


def bokeh_models(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The page's Bokeh models by type name: each one's attributes (the document's JSON)."""
    html = html_module.unescape(path.read_text(encoding="utf-8"))  # as BokehJS reads it
    (document,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    found: dict[str, list[dict[str, Any]]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "attributes" in node:
                found.setdefault(node["name"], []).append(node["attributes"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(document))
    return found


def source_column(models: dict[str, list[dict[str, Any]]], name: str) -> Any:
    """Column ``name`` of the page's one ColumnDataSource (ndarrays decoded, gzip or not)."""
    (source,) = models["ColumnDataSource"]
    column = dict(source["data"]["entries"])[name]
    if isinstance(column, dict) and column.get("type") == "ndarray":
        if isinstance(column["array"], list):  # object arrays travel as JSON lists
            return column["array"]
        raw = base64.b64decode(column["array"]["data"])
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return np.frombuffer(raw, dtype=column["dtype"])
    return column


def models_by_id(path: Path) -> dict[str, dict[str, Any]]:
    """The page's Bokeh models by id: each one's type name (``"type"``) and attributes."""
    html = html_module.unescape(path.read_text(encoding="utf-8"))
    (document,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "attributes" in node:
                found[node["id"]] = {"type": node["name"], **node["attributes"]}
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(document))
    return found


def mapped_colours(values: np.ndarray, mapper: dict[str, Any]) -> list[str]:
    """What BokehJS's LinearColorMapper makes of ``values`` (its rule, as colors.ramp_indices)."""
    palette, low, high = mapper["palette"], mapper["low"], mapper["high"]
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        index = np.floor((values - low) * (1 / (high - low)) / (1 / len(palette)))
    index = np.clip(np.nan_to_num(index), 0, len(palette) - 1).astype(int)
    index[values == high] = len(palette) - 1
    return [
        mapper.get("nan_color", "gray") if np.isnan(v) else palette[i]
        for v, i in zip(values, index, strict=True)
    ]


def page_colours(path: Path) -> list[str]:
    """The colour BokehJS gives each point: its glyph's column through the glyph's mapper."""
    models = models_by_id(path)
    (points,) = [m for m in models.values() if m.get("name") == "latent_points"]
    spec = models[points["glyph"]["id"]]["fill_color"]
    return mapped_colours(
        source_column(bokeh_models(path), spec["field"]), models[spec["transform"]["id"]]
    )


def page_categories(path: Path, column: int = 0) -> list[str]:
    """The categories of the page's categorical column ``column``, code order (the tooltip's)."""
    models = bokeh_models(path)
    (hover,) = [h for h in models["HoverTool"] if h.get("name") == "latent_hover"]
    (formatter,) = [f for key, f in hover["formatters"]["entries"] if key == f"@col_{column}"]
    return list(dict(formatter["attributes"]["args"]["entries"])["names"])


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
    # the tags of the page, not the inlined BokehJS (whose widget templates mention src=)
    tags = re.sub(r"(<script\b[^>]*>).*?</script>", r"\1</script>", html, flags=re.S)
    sources = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?([^\"' >]*)", tags)
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
    (legend,) = bokeh_models(page_file)["Legend"]
    assert [item["attributes"]["label"]["value"] for item in legend["items"]] == names
    assert page_categories(page_file) == names


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
    ("kwargs", "error", "match"),
    [
        ({"coords": np.zeros((5, 3))}, ValueError, r"coords must have shape \(N, 2\).*\(5, 3\)"),
        ({"coords": np.zeros((0, 2))}, ValueError, r"coords must have shape \(N, 2\) with N >= 1"),
        ({"coords": np.array([[0.0, np.nan]])}, ValueError, "coords must be finite"),
        ({"images": digits(4)}, ValueError, r"images must hold one item per point \(5\); got 4"),
        (
            {"images": [np.zeros((8, 8)), "b", "c", "d", "e"]},
            ValueError,
            r"images\[1\] rendered as text \('b'\) among pictures",
        ),
        ({"labels": np.zeros(4)}, ValueError, r"labels must have shape \(5,\).*\(4,\)"),
        (
            {"labels": np.arange(5), "label_names": ["a", "b"]},
            ValueError,
            r"labels must lie in \[0, 2\)",
        ),
        (
            {"labels": np.linspace(0, 1, 5), "label_names": ["a"]},
            ValueError,
            "label_names needs integer",
        ),
        ({"labels": np.arange(5), "label_names": "abcde"}, TypeError, "label_names must be a seq"),
        (
            {"labels": np.arange(5), "label_names": ["a", "a", "b", "c", "d"]},
            ValueError,
            r"label_names must name each category once; got repeated names \['a'\]",
        ),
        ({"label_names": ["a"]}, ValueError, "label_names needs labels"),
        ({"label_order": ["a"]}, ValueError, "label_order needs labels"),
        (
            {"labels": list("abcab"), "label_order": ["a", "b"]},
            ValueError,
            r"order must name every value; got values not in it: \['c'\]",
        ),
        ({"labels": list("abcab"), "label_order": 3}, TypeError, "label_order must be a seq"),
        ({"frames": digits(1)}, ValueError, "at least 2 items for the slider; got 1"),
        ({"thumb_size": 0}, ValueError, "thumb_size must be a positive int; got 0"),
        ({"thumb_size": 2.5}, TypeError, "thumb_size must be a positive int; got float 2.5"),
        ({"point_size": -1}, ValueError, "point_size must be a positive number or None; got -1"),
        ({"point_size": "big"}, TypeError, "point_size must be a positive number.*got str"),
        ({"title": None}, TypeError, "title must be a str; got NoneType"),
        ({"frames_title": 3}, TypeError, "frames_title must be a str; got int"),
        ({"value_range": (1, 0)}, ValueError, r"value_range must be 'auto' or a \(lo, hi\)"),
        ({"preview_fn": "upper"}, TypeError, "preview_fn must be a callable"),
    ],
)
def test_bad_arguments_are_named(
    page_file: Path, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    arguments: dict[str, Any] = {"coords": coords(5), **kwargs}
    with pytest.raises(error, match=match):
        save_html(page_file, **arguments)
    assert not page_file.exists()


def test_a_bad_path_is_named() -> None:
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike; got int"):
        save_html(3, coords(5))  # type: ignore[arg-type]


# --- colours: the widget's, from latentwidgets.colors ------------------------------------------


def test_categorical_colours_are_the_widgets_palette(page_file: Path) -> None:
    labels = np.array(["b", "a", "c", "a"] * 3)
    save_html(page_file, coords(12), labels=labels)
    kind, codes, categories, value_range = colors.encode_colors(labels)
    assert page_colours(page_file) == list(
        colors.point_colors(kind, codes, categories, value_range)
    )
    palette = colors.CATEGORICAL
    assert page_colours(page_file)[:3] == [palette[1], palette[0], palette[2]]


def test_integers_with_many_values_are_continuous_as_in_the_widget(page_file: Path) -> None:
    labels = np.arange(N)  # 60 distinct integers: the widget shows a colour bar, so does the page
    save_html(page_file, coords(N), labels=labels)
    models = bokeh_models(page_file)
    (mapper,) = models["LinearColorMapper"]  # one column, continuous: the ramp's mapper alone
    assert mapper["palette"] == list(colors.RAMP)
    assert (mapper["low"], mapper["high"]) == (0.0, N - 1.0)
    assert "ColorBar" in models


def test_label_order_sets_the_categories_order_and_colours(page_file: Path) -> None:
    save_html(page_file, coords(4), labels=["x", "y", "x", "y"], label_order=["y", "z", "x"])
    assert page_categories(page_file) == ["y", "z", "x"]
    assert page_colours(page_file) == [colors.CATEGORICAL[2], colors.CATEGORICAL[0]] * 2


def test_same_values_get_the_same_colours_whatever_their_type(tmp_path: Path) -> None:
    pages = []
    for i, labels in enumerate(
        [np.arange(6) % 3, torch.arange(6) % 3, [0, 1, 2, 0, 1, 2], np.array([0, 1, 2] * 2, object)]
    ):
        pages.append(page_colours(save_html(tmp_path / f"{i}.html", coords(6), labels=labels)))
    assert all(page == pages[0] for page in pages)


def test_nan_labels_are_drawn_in_the_missing_colour(page_file: Path) -> None:
    # A float column with NaN: the widget draws it (continuous, NaN grey); the page did not.
    labels = np.array([0.5, np.nan, 0.0, 1.0, np.nan])
    save_html(page_file, coords(5), labels=labels)
    models = bokeh_models(page_file)
    (mapper,) = models["LinearColorMapper"]
    assert mapper["nan_color"] == colors.MISSING_COLOR
    assert (mapper["low"], mapper["high"]) == (0.0, 1.0)
    assert np.isnan(source_column(models, "col_0")[[1, 4]]).all()


def test_none_and_nan_in_object_labels_are_missing(page_file: Path) -> None:
    labels = np.array(["cat", None, "dog", float("nan"), "cat"], dtype=object)
    save_html(page_file, coords(5), labels=labels)
    assert page_colours(page_file) == [
        colors.CATEGORICAL[0],
        colors.MISSING_COLOR,
        colors.CATEGORICAL[1],
        colors.MISSING_COLOR,
        colors.CATEGORICAL[0],
    ]
    codes = source_column(bokeh_models(page_file), "col_0")
    assert page_categories(page_file)[codes[1]] == colors.MISSING_LABEL


def test_many_categories_are_bounded_in_the_page_and_its_legend(page_file: Path) -> None:
    n = 3000
    labels = np.array([f"label {i}" for i in range(n)], dtype=object)
    labels[:200] = "common"  # the most frequent category comes first
    save_html(page_file, coords(n), labels=labels)
    models = bokeh_models(page_file)
    (mapper,) = models["LinearColorMapper"]
    categories = page_categories(page_file)
    assert len(categories) == len(mapper["palette"]) == colors.MAX_CATEGORIES
    assert categories[0] == "common"
    assert categories[-1] == colors.OTHER_LABEL
    assert mapper["palette"][-1] == colors.OTHER_COLOR
    assert source_column(models, "col_0").dtype == np.uint8  # a byte per point
    (legend,) = models["Legend"]
    names = [item["attributes"]["label"]["value"] for item in legend["items"]]
    assert names[:2] == ["common", "label 1000"]  # ties in sorted order
    assert names[-1] == colors.OTHER_LABEL  # the grey most points wear is explained
    assert len(names) == 24
    assert legend["title"] == f"label · 24 of {colors.MAX_CATEGORIES} shown"
    assert page_file.stat().st_size < 2_500_000


def test_huge_labels_are_exported_without_widening(page_file: Path) -> None:
    labels = ["a", "b"] * 1000
    labels[7] = "x" * 20_000
    save_html(page_file, coords(2000), labels=labels)  # a <U20000 copy would be 160 MB
    assert page_categories(page_file) == ["a", "b", "x" * 20_000]
    assert page_file.stat().st_size < 2_000_000


@pytest.mark.slow  # encodes, projects and decodes 1,797 digits (about 10 s on 2 cores)
def test_a_point_has_the_same_colour_in_the_widget_and_the_page(tmp_path: Path) -> None:
    data = lw.datasets.digits()
    vae = lw.models.load_pretrained("digits-vae")
    explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
    try:
        explorer.wait(120)
        path = explorer.save_html(tmp_path / "digits.html", thumbnails="none")
        assert explorer._color_kind == "categorical"
        widget = colors.point_colors(
            explorer._color_kind,
            explorer._colors,
            explorer._color_categories,
            explorer._color_range,
        )
        page = page_colours(path)
        assert len(page) == len(data.labels) == len(widget)
        assert page == list(widget)
        # and by label: digit 3 is the palette's fourth colour in both
        threes = np.flatnonzero(np.asarray(data.labels) == 3)
        assert {page[i] for i in threes} == {colors.CATEGORICAL[3]}
    finally:
        explorer.close()


# --- GIF ------------------------------------------------------------------------------------------


def gif_frames(path: Path) -> tuple[list[np.ndarray], list[int]]:
    with Image.open(path) as gif:
        frames, durations = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("L")))
            durations.append(gif.info["duration"])
    return frames, durations


def test_save_gif_plays_forth_and_back(tmp_path: Path) -> None:
    frames = torch.linspace(0, 1, 4).reshape(4, 1, 1, 1) * torch.ones(4, 1, 8, 8)
    path = save_gif(tmp_path / "walk.gif", frames, fps=10, size=32, value_range=(0, 1))
    assert path == tmp_path / "walk.gif"
    shown, durations = gif_frames(path)
    levels = [int(frame[0, 0]) for frame in shown]
    expected = [int(frame[0, 0, 0]) for frame in to_rgba_batch(frames, value_range=(0, 1))]
    assert levels == expected + expected[-2:0:-1]  # 0 1 2 3 2 1, then it loops
    assert shown[0].shape == (32, 32)  # 8 px scaled by 32 // 8, without smoothing
    assert durations == [100] * 6


def test_save_gif_takes_a_list_of_arrays(tmp_path: Path) -> None:
    frames = [np.full((6, 4), value) for value in (0.0, 1.0)]
    shown, _ = gif_frames(save_gif(tmp_path / "two.gif", frames, size=4))
    assert len(shown) == 2
    assert shown[0].shape == (6, 4)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"frames": None}, TypeError, "frames must be a batch or a sequence of images; got None"),
        ({"frames": torch.zeros(0, 8, 8)}, ValueError, "frames must hold at least 1 image; got 0"),
        ({"frames": [np.zeros((2, 2)), np.zeros((3, 3))]}, ValueError, "frames must be a batch"),
        ({"fps": 0}, ValueError, r"fps must be a number in \(0, 100\]; got 0"),
        ({"fps": 500}, ValueError, r"fps must be a number in \(0, 100\]; got 500"),
        ({"fps": "fast"}, TypeError, "fps must be a number.*got str 'fast'"),
        ({"size": 0}, ValueError, "size must be a positive int; got 0"),
        ({"size": 12.5}, TypeError, "size must be a positive int; got float 12.5"),
        ({"value_range": "full"}, ValueError, "value_range must be 'auto' or a"),
        ({"path": None}, TypeError, "path must be a str or os.PathLike; got NoneType"),
    ],
)
def test_save_gif_bad_arguments_are_named(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    arguments: dict[str, Any] = {"path": tmp_path / "x.gif", "frames": digits(3), **kwargs}
    with pytest.raises(error, match=match):
        save_gif(**arguments)
    assert not (tmp_path / "x.gif").exists()


# --- in a real browser, from file:// with no network ------------------------------------------


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
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


def test_unwritable_paths_fail_first_naming_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import latentwidgets._export_gif as gif
    import latentwidgets.export as export

    built: list[str] = []
    monkeypatch.setattr(export, "_page", lambda *a, **k: built.append("page"))
    monkeypatch.setattr(gif, "to_rgba_batch", lambda *a, **k: built.append("frames"))
    (tmp_path / "file.txt").write_text("x")
    missing = tmp_path / "no-such-folder" / "map.html"
    with pytest.raises(FileNotFoundError, match=r"path='.*no-such-folder/map.html': the folder"):
        save_html(missing, coords(N))
    with pytest.raises(FileNotFoundError, match=r"mkdir\(parents=True\)"):
        save_gif(tmp_path / "no-such-folder" / "a.gif", digits(3))
    with pytest.raises(IsADirectoryError, match=r"path=.* is a folder; expected a file"):
        save_html(tmp_path, coords(N))
    with pytest.raises(NotADirectoryError, match=r"file.txt' is a file, not a folder"):
        save_gif(tmp_path / "file.txt" / "a.gif", digits(3))
    with pytest.raises(FileNotFoundError, match=r"no-such-folder"):
        export.save_maps(missing, {"a": coords(N)})
    with pytest.raises(FileNotFoundError, match=r"no-such-folder"):
        export.save_comparison([], missing)  # the path first, before the explorers are read
    assert built == []  # nothing was built before the path was refused
