"""A continuous column coloured on a linear, then a log scale: the map's pixels and the colour bar
change; the hover card shows the hovered point's label and metadata values."""

from __future__ import annotations

import pytest

from ._cells import LEFT, TOP, TOY_MODEL
from ._lab import ARTIFACTS, LabPage, expect
from ._map import hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# a continuous column spanning four decades: a log scale spreads what a linear one squeezes
EXPLORER_WITH_SIZE = """\
size = np.geomspace(1.0, 1e4, len(codes))
explorer = lw.LatentExplorer(
    encode, decode, images, labels=labels, metadata={"size": size}, progress=False
)
explorer.point_size = 10
explorer
"""


def test_color_scale_select_recolours_the_map(lab: LabPage) -> None:
    root = lab.open_notebook([TOY_MODEL, EXPLORER_WITH_SIZE])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    scale = root.locator(".lw-color-scale")
    expect(scale).to_be_hidden()  # categorical labels: no scale to choose

    root.locator(".lw-color-select").select_option("size")
    expect(scale).to_be_visible()
    expect(scale).to_have_value("linear")
    ticks = root.locator(".lw-colorbar-ticks")
    expect(ticks).to_be_visible()
    canvas = root.locator(".lw-map-canvas")
    lab.page.wait_for_timeout(500)  # the recolouring draw
    linear_ticks = ticks.inner_text()
    linear = canvas.screenshot()

    scale.select_option("log")
    lab.wait_for_python("explorer.color_scale", "log")
    expect(ticks).not_to_have_text(linear_ticks)
    lab.page.wait_for_timeout(500)
    log = canvas.screenshot()
    assert log != linear, "the log scale drew the same pixels as the linear one"
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "color_scale_log.png"))


def test_hover_card_shows_label_and_metadata(lab: LabPage) -> None:
    root = lab.open_notebook([TOY_MODEL, EXPLORER_WITH_SIZE])
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    card = root.locator(".lw-hover-card")

    hover_point(lab, root, positions, LEFT[4])
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-index", str(LEFT[4]))
    expect(card).to_contain_text("left")
    expect(card).to_contain_text("size")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "hover_card.png"))

    hover_point(lab, root, positions, TOP[2])
    expect(card).to_have_attribute("data-index", str(TOP[2]))
    expect(card).to_contain_text("top")
    lab.page.mouse.move(5, 5)
    expect(card).to_be_hidden()
