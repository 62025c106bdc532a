"""Hovering a point shows that point's decoded preview; a decoder error shows in the status line."""

from __future__ import annotations

import pytest

from ._cells import LEFT, REFUSAL, RIGHT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import hover_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_hover_shows_preview_of_the_hovered_point(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    preview = root.locator(".lw-preview-image")

    for index in (LEFT[7], TOP[12]):
        hover_point(lab, root, positions, index)
        expect(preview).to_have_attribute("data-index", root.get_attribute("data-hover-index"))
        expect(preview).to_have_attribute("data-index", str(index))
    expect(root).to_have_attribute("data-status", "idle")


def test_decoder_error_shows_in_status_and_widget_still_answers(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    lab.run_python("refuse = True")

    hover_point(lab, root, positions, RIGHT[3])
    expect(root).to_have_attribute("data-status", "error")
    expect(root.locator(".lw-status")).to_contain_text(REFUSAL)

    hover_point(lab, root, positions, LEFT[3])
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(LEFT[3]))
