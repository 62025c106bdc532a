"""Category names on the map (issue 20 item 5): ``map_labels`` writes each category at the densest
place of its points, in a halo that reads in the light and the dark theme; labels never overlap
(those that do not fit are hidden), zooming in shows the hidden ones, and they follow a pan.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS, drag, hover_point, project_to_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# One wheel turn zooms by about this much about the pointer.
ZOOM = 4.0

DIGITS = """\
import numpy as np
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
"""
# A column of 12 x 12 squares of the map: 100-odd categories, each about 35 px from the next at
# the first view, much closer than a label is wide, so that most of their labels cannot show.
CELLS = """\
xy = explorer.coords
lo, hi = xy.min(0), xy.max(0)
square = np.floor((xy - lo) / (hi - lo) * 11.999).astype(int)
explorer.add_column("square", np.array([f"square {a}-{b}" for a, b in square], dtype=object), color=False)
"""
THEME = "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})"
MAP_IS_DARK = """(root) => {
  const m = getComputedStyle(root.querySelector('.lw-map')).backgroundColor.match(/\\d+/g).map(Number);
  return (m[0] + m[1] + m[2]) / 3 < 80; }"""
# Every label: its name, whether shown, its box in page px, its colours.
LABELS = """(layer) => [...layer.querySelectorAll('.lw-map-label')].map((el) => {
  const r = el.getBoundingClientRect(); const style = getComputedStyle(el);
  return {name: el.dataset.name, shown: el.dataset.shown === '1' && style.visibility === 'visible',
          box: [r.left, r.top, r.right, r.bottom], color: style.color, shadow: style.textShadow};
})"""


def _labels(layer: Any) -> list[dict[str, Any]]:
    return layer.evaluate(LABELS)


def _shown(layer: Any) -> dict[str, list[float]]:
    return {label["name"]: label["box"] for label in _labels(layer) if label["shown"]}


def _centre(box: list[float]) -> np.ndarray:
    return np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])


def _assert_apart(shown: dict[str, list[float]], map_box: dict[str, float]) -> None:
    for (a, p), (b, q) in itertools.combinations(shown.items(), 2):
        apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
        assert apart, f"labels {a!r} {p} and {b!r} {q} overlap"
    right, bottom = map_box["x"] + map_box["width"], map_box["y"] + map_box["height"]
    for name, (left, top, r, b) in shown.items():
        inside = left >= map_box["x"] and top >= map_box["y"] and r <= right and b <= bottom
        assert inside, f"label {name!r} leaves the map"


def _layouts(layer: Any) -> int:
    return int(layer.get_attribute("data-layouts"))


def _rgb(css: str) -> np.ndarray:
    return np.array([float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]])


def test_digit_labels_sit_on_their_places_apart_in_both_themes(lab: LabPage) -> None:
    root = lab.open_notebook([DIGITS + 'explorer.map_labels = "label"\nexplorer\n'])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    layer = root.locator(".lw-map-labels-layer")
    expect(layer).to_have_attribute("data-total", "10", timeout=30_000)
    expect(root.locator(".lw-map-labels")).to_have_value("label")
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(300)  # the layout at the frame after the draw
    map_box = root.locator(MAP_CANVAS).bounding_box()
    shown = _shown(layer)
    assert len(shown) >= 5, f"only {sorted(shown)} of the 10 digits are labelled"
    _assert_apart(shown, map_box)
    legend = root.locator(".lw-legend").bounding_box()
    _assert_apart(
        {
            **shown,
            "(the legend)": [
                legend["x"],
                legend["y"],
                legend["x"] + legend["width"],
                legend["y"] + legend["height"],
            ],
        },
        map_box,
    )

    # each shown label is centred on its category's place, as the widget frames the map
    places = lab.evaluate("explorer._label_places")
    coords = np.asarray(lab.evaluate("explorer.coords.tolist()"))
    extended = np.concatenate([coords, np.c_[places["x"], places["y"]]])
    on_screen = project_to_screen(extended, map_box)[len(coords) :]
    for name, at in zip(places["names"], on_screen, strict=True):
        if name in shown:
            assert np.abs(_centre(shown[name]) - at).max() < 2.5, f"label {name!r} is off its place"

    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "map_labels_light.png"))
    light = _labels(layer)[0]
    try:
        lab.page.evaluate(THEME, "JupyterLab Dark")
        lab.page.wait_for_function(MAP_IS_DARK, arg=root.element_handle(), timeout=30_000)
        lab.page.wait_for_timeout(500)
        root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "map_labels_dark.png"))
        dark = _labels(layer)[0]
        background = _rgb(
            root.locator(".lw-map").evaluate("el => getComputedStyle(el).backgroundColor")
        )
    finally:
        lab.page.evaluate(THEME, "JupyterLab Light")  # the theme is a setting the server keeps
    # dark text in a light halo, then light text in a dark halo: the map's own background
    assert _rgb(light["color"]).mean() < 100 < _rgb(dark["color"]).mean()
    assert np.abs(_rgb(dark["shadow"]) - background).max() < 2
    assert _rgb(light["shadow"]).mean() > 200


def test_zooming_in_shows_hidden_labels_and_labels_follow_a_pan(lab: LabPage) -> None:
    root = lab.open_notebook([DIGITS + "explorer\n", CELLS])
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    lab.wait_for_python("'square' in explorer._map_label_options", True)
    root.locator(".lw-map-labels").select_option("square")  # as a person chooses it
    lab.wait_for_python("explorer.map_labels", "square")
    layer = root.locator(".lw-map-labels-layer")
    total = lab.evaluate("len(explorer._label_places['names'])")
    expect(layer).to_have_attribute("data-total", str(total), timeout=30_000)
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(300)
    map_box = root.locator(MAP_CANVAS).bounding_box()
    labels = _labels(layer)
    first = {label["name"]: label for label in labels}
    shown = _shown(layer)
    assert 3 <= len(shown) < total // 2, f"{len(shown)} of {total} crowded labels shown"
    _assert_apart(shown, map_box)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "map_labels_crowded.png"))

    # zoom in on a hidden label near the middle of the map: it shows, the others kept apart,
    # and every label's place scales about the pointer as the map does
    middle = np.array([map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2])
    hidden = sorted(
        (np.hypot(*(_centre(label["box"]) - middle)), label["name"])
        for label in labels
        if not label["shown"]
    )
    name = hidden[0][1]
    pointer = np.round(_centre(first[name]["box"]))  # events carry whole pixels
    layouts = _layouts(layer)
    lab.page.mouse.move(*pointer.tolist())
    wheel = round(map_box["height"] * np.log(ZOOM))
    zoom = np.exp(wheel / map_box["height"])  # the map scales by exp(-dy / height)
    lab.page.mouse.wheel(0, -wheel)
    expect(layer.locator(f'.lw-map-label[data-name="{name}"]')).to_have_attribute(
        "data-shown", "1", timeout=10_000
    )
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)  # the camera's last frame, then the labels' layout
    assert _layouts(layer) > layouts
    _assert_apart(_shown(layer), map_box)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "map_labels_zoomed.png"))
    zoomed = {label["name"]: _centre(label["box"]) for label in _labels(layer)}
    for label, box in first.items():
        expected = pointer + zoom * (_centre(box["box"]) - pointer)
        # whole pixels before and after (2.5 px once zoomed); the camera scales within 1%
        slack = 3 + 0.01 * np.hypot(*(expected - pointer))
        assert np.abs(zoomed[label] - expected).max() < slack, f"{label!r} did not follow the zoom"

    # a pan moves every label with the map, shown or not, and with its points: a point where
    # the labels' shift says it went is the one the pointer finds there
    coords = np.asarray(lab.evaluate("explorer.coords.tolist()"))
    points = pointer + zoom * (project_to_screen(coords, map_box) - pointer)
    start = middle + np.array([0.0, 60.0])
    drag(lab, start, start + np.array([80.0, -50.0]))
    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(500)
    panned = {label["name"]: _centre(label["box"]) for label in _labels(layer)}
    shifts = np.array([panned[label] - at for label, at in zoomed.items()])
    shift = np.median(shifts, axis=0)
    assert np.hypot(*shift) > 20, "the drag did not pan the map"
    assert np.abs(shifts - shift).max() < 1.5, "the labels did not move together"
    _assert_apart(_shown(layer), map_box)
    moved = points + shift
    gaps = np.sort(np.hypot(*(moved[:, None] - moved[None]).transpose(2, 0, 1)), axis=1)[:, 1]
    on_map = (np.abs(moved - middle) < [map_box["width"] / 3, map_box["height"] / 3]).all(axis=1)
    alone = np.flatnonzero(on_map & (gaps > 12))
    assert len(alone), "no point on the map stands apart enough to hover"
    hover_point(lab, root, moved, int(alone[np.argmin(np.hypot(*(moved[alone] - middle).T))]))
