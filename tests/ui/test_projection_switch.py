"""Switching back to a computed projection lands at once, animations included; a live layout's
"(running)" label goes as soon as the kernel is idle (issue 19, items 5 and 6).

Times are measured in the page with performance.now(); the bounds asserted here are generous
(a loaded 2-core machine): the animations themselves take 450 ms (js/src/map/motion.ts, checked by
js/tests/map-first-minutes.test.ts).
"""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# performance.now() at the select's change, and when data-projection / data-draws say it is drawn.
TIME_SWITCH = """([root, value]) => new Promise((resolve) => {
  const draws = root.dataset.draws;
  const select = root.querySelector('.lw-projection-select');
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (root.dataset.projection === value && root.dataset.draws !== draws) {
      observer.disconnect();
      resolve(performance.now() - t0);
    }
  });
  observer.observe(root, {attributes: true});
  setTimeout(() => { observer.disconnect(); resolve(-1); }, 10000);
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
})"""

# ms from the status going idle to the status line's label losing "(running)" (-1: never ran live).
LABEL_AFTER_IDLE = """(root) => new Promise((resolve) => {
  const info = root.querySelector('.lw-status-info');
  let idleAt = null;
  let seenRunning = false;
  const start = performance.now();
  const check = () => {
    const running = info.textContent.includes('(running)');
    seenRunning ||= running;
    if (idleAt === null && root.dataset.status === 'idle' && root.dataset.projection.startsWith('tsne')) idleAt = performance.now();
    if (idleAt !== null && !running) { resolve(seenRunning ? performance.now() - idleAt : -1); return; }
    if (performance.now() > 30000 + start) { resolve(-2); return; }
    requestAnimationFrame(check);
  };
  check();
})"""


def test_switching_back_to_a_computed_projection_lands_at_once(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-projection", "pca")

    root.locator(".lw-projection-select").select_option("tsne")
    after_idle = root.evaluate(LABEL_AFTER_IDLE)
    expect(root).to_have_attribute("data-projection", "tsne", timeout=60_000)
    print(f"'(running)' label gone {after_idle:.0f} ms after idle")
    assert after_idle < 1000, f"'(running)' stayed {after_idle:.0f} ms after the kernel went idle"

    times = []
    for value in ("pca", "tsne", "pca"):
        times.append(lab.page.evaluate(TIME_SWITCH, [root.element_handle(), value]))
    print("switch to a computed projection, ms:", [round(t) for t in times])
    assert min(times) >= 0, "a switch never said it was drawn"
    # the time itself is the benchmark's to judge; here only that it is not the old 1.2-3.8 s
    assert max(times) < 3000, f"switching back took {times} ms"
