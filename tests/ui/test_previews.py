"""Hovering a point shows that point's decoded preview; a decoder error shows in the status line;
the point the pointer heads for is fetched ahead, so its image shows with no request of its own."""

from __future__ import annotations

import numpy as np
import pytest

from ._cells import LEFT, REFUSAL, RIGHT, TOP, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
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


def _glide(lab: LabPage, start: np.ndarray, end: np.ndarray, moves: int = 8) -> None:
    """Move the pointer from ``start`` to ``end`` as a hand does: a move a frame."""
    for step in range(moves + 1):
        x, y = start + (end - start) * step / moves
        lab.page.mouse.move(float(x), float(y))
        lab.page.wait_for_timeout(16)


def test_the_point_the_pointer_heads_for_shows_with_no_request_of_its_own(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    card = root.locator(".lw-hover-card")
    target = LEFT[10]  # the left column of the left cluster: nothing lies left of it
    at = positions[target]

    # the pointer comes in from the left and stops short of the point, not hovering it yet
    lab.page.mouse.move(5, 5)
    _glide(lab, at - [90, 0], at - [18, 0])
    expect(root).to_have_attribute("data-hover-index", "-1")
    expect(root).not_to_have_attribute("data-prefetched", "0", timeout=15_000)
    requests = root.get_attribute("data-preview-requests")

    # landing on it shows its decoded image, and no preview request left for it
    lab.page.mouse.move(*map(float, at))
    expect(root).to_have_attribute("data-hover-index", str(target))
    expect(card).to_have_attribute("data-index", str(target))
    expect(card).to_have_attribute("data-image", "1")
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(target))
    assert root.get_attribute("data-preview-requests") == requests
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-map").screenshot(path=str(ARTIFACTS / "hover_prefetched.png"))

    # a point the pointer leaps onto, never heading for it, is asked for: the counter counts
    lab.page.mouse.move(*map(float, positions[TOP[12]]))
    expect(card).to_have_attribute("data-index", str(TOP[12]))
    expect(card).to_have_attribute("data-image", "1", timeout=15_000)
    assert int(root.get_attribute("data-preview-requests") or 0) == int(requests or 0) + 1
