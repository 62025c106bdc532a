"""Tags and undo as a person uses them: tag the selection from the toolbar, see the chip and the
legend, undo and redo with Ctrl+Z / Ctrl+Shift+Z on the map, select and remove a tag by its chip."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import click_point, screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_tag_the_selection_undo_redo_and_use_the_chip(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    apply = root.locator(".lw-tag-apply")
    box = root.locator(".lw-tag-input")
    expect(box).to_be_hidden()  # nothing selected yet: nothing to tag

    positions = screen_positions(lab, root)
    click_point(lab, root, positions, 5)  # selects (and pins) point 5
    expect(root).to_have_attribute("data-selected-count", "1")
    expect(apply).to_be_disabled()  # no name yet
    box.fill("odd")
    expect(apply).to_be_enabled()
    apply.click()
    chip = root.locator('.lw-tag[data-tag="odd"]')
    expect(chip).to_contain_text("odd1")
    lab.wait_for_python("{k: v.tolist() for k, v in explorer.tags.items()}", {"odd": [5]})
    lab.run_python("explorer.color_by = 'tags'")
    expect(root.locator(".lw-legend")).to_contain_text("odd")
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "tags.png"))

    # Ctrl+Z on the map: the tag goes (one timeline: the tag was the last step)
    undo_before = int(root.get_attribute("data-undo"))
    root.focus()
    lab.page.keyboard.press("Control+z")
    expect(chip).to_have_count(0)
    lab.wait_for_python("explorer.tags", {})
    expect(root).to_have_attribute("data-undo", str(undo_before - 1))
    expect(root).to_have_attribute("data-redo", "1")
    lab.page.keyboard.press("Control+Shift+z")
    expect(chip).to_have_count(1)
    lab.wait_for_python("{k: v.tolist() for k, v in explorer.tags.items()}", {"odd": [5]})

    # Ctrl+Z undoes the selection step before it: the click's selection goes
    lab.run_python("explorer.selected = [1, 2, 3]")
    expect(root).to_have_attribute("data-selected-count", "3")
    lab.page.keyboard.press("Control+z")
    expect(root).to_have_attribute("data-selected-count", "1")

    # in the text box Ctrl+Z is the box's own
    box.fill("abc")
    box.press("Control+z")
    lab.wait_for_python("explorer.selected", [5])

    # the chip selects its points, its cross takes the tag off them
    lab.run_python("explorer.selected = []")
    expect(root).to_have_attribute("data-selected-count", "0")
    chip.click()
    expect(root).to_have_attribute("data-selected-count", "1")
    root.locator('.lw-tag-remove[data-tag="odd"]').click()
    expect(chip).to_have_count(0)
    lab.wait_for_python("explorer.tags", {})
