"""Hover card latency in the page: pointermove -> card with text, -> decoded image drawn.

Issue 19: the card shows at once from what the page has (index, colour column) and the preview
fills in the metadata and the image. Goals: card within 50 ms of the pointermove at any N;
decoded image within 150 ms on the digits VAE (median, at 10k, 100k and 1M points).

Each size opens a fresh page on a temporary Jupyter server (tests/ui/_server.py), builds an
explorer of N random 8-d codes decoded by the shipped ``digits-vae`` decoder, and hovers the
extreme drawn points in 24 directions (few neighbours compete for the pointer there), each point
once and for the first time (nothing of it is cached in the page), the two ways taking turns:

- ``jump``: the pointer leaps from off the map onto the point in one pointermove, so nothing can
  be fetched ahead: the whole round trip to the kernel is in the figure;
- ``glide``: the pointer comes in as a hand does, from 96 px outside the point, in twelve moves a
  frame (16 ms) apart that slow down as they near it (about 0.2 s, the last 30 px in the last
  0.1 s); the page may fetch ahead meanwhile.

On the page's clock (performance.now()): the pointermove that first hovered the point (a capturing
listener on window, before any of the page's), the first mutation showing the card for that point
with its title, and the first mutation saying its image is drawn (``data-image="1"``, set right
after the image is put on the card's canvas). The stages of the image's way, for the hovers whose
request left after that pointermove: the request leaving on the websocket, the kernel's work
(answering the command: decode and pixels, timed in the kernel on the wall clock, which the page's
``performance.timeOrigin + now()`` shares on one machine), the response arriving on the websocket,
and the main thread's long tasks (> 50 ms, e.g. a map redraw in software WebGL) in between.
"prefetched" counts the hovers whose image came with no request after the pointermove.

Run: PYTHONPATH=. python benchmarks/bench_hover_card.py [--sizes 10000 100000 1000000]
Prints a table and writes ``benchmarks/results/bench_hover_card.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._map_page import DRAWN_CELL, ON_CANVAS
from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, LabPage, write_notebook
from tests.ui._map import MAP_CANVAS, project_to_screen
from tests.ui._server import temporary_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
SIZES = (10_000, 100_000, 1_000_000)
READY_TIMEOUT_MS = 300_000
CARD_TIMEOUT_MS = 30_000
MODES = ("jump", "glide")
GLIDE_FROM_PX = 96
GLIDE_MOVES = 12
FRAME_MS = 16

CELLS = [
    """\
import numpy as np
import torch
import latentwidgets as lw

torch.manual_seed(0)
vae = lw.models.load_pretrained("digits-vae")
codes = torch.randn({n}, 8)
labels = np.arange({n}) % 10
""",
    """\
explorer = lw.LatentExplorer(lambda x: x, vae.decoder, codes, labels=labels, progress=False)
explorer
""",
]

# The kernel's share: every preview command answered, [start, end] on the wall clock (ms) and
# the message it answered. The answering functions are looked up in the feature module at call
# time, so wrapping them there times every request.
KERNEL_TIMING_CELL = """\
import time as _lw_time
import latentwidgets.features.previews as _lw_previews
_lw_kernel = []
def _lw_timed(answer):
    def timed(msg, *args, **kwargs):
        start = _lw_time.time() * 1e3
        result = answer(msg, *args, **kwargs)
        _lw_kernel.append([start, _lw_time.time() * 1e3, dict(msg)])
        return result
    return timed
for _lw_name in ("answer_preview", "answer_previews"):
    if hasattr(_lw_previews, _lw_name):
        setattr(_lw_previews, _lw_name, _lw_timed(getattr(_lw_previews, _lw_name)))
"""

# The extreme drawn points in 24 directions, and all coordinates' bounds, which frame the
# map (a sampled map frames its _extent, all points').
HOVER_TARGETS = """(lambda c, d, a: (lambda idx: {
    "indices": [int(d[i]) for i in idx], "points": c[idx].tolist(),
    "lo": explorer.coords.min(0).tolist(), "hi": explorer.coords.max(0).tolist(),
})([int((c @ [np.cos(t), np.sin(t)]).argmax()) for t in a]))(
    _lw_drawn_xy, _lw_drawn, np.arange(24) * np.pi / 12)"""

# Installed before the page loads. Every pointermove's dispatch (moveAt); when the explorer first
# reports `target` hovered, the pointermove that did it (hoverMoveAt); when the hover card first
# shows `target` with a title (card) and with its image (image); each preview command leaving on
# a websocket (its id, name and message) and each command response arriving (its id); long tasks.
OBSERVER = """
window.__card = {target: null, moveAt: null, hoverMoveAt: null, card: null, image: null,
                 requests: [], responses: [], longTasks: [], origin: performance.timeOrigin};
addEventListener('pointermove', () => { window.__card.moveAt = performance.now(); }, {capture: true});
new MutationObserver(() => {
  const c = window.__card;
  if (c.target === null) return;
  const root = document.querySelector('.lw-explorer');
  if (c.hoverMoveAt === null && root && root.dataset.hoverIndex === String(c.target))
    c.hoverMoveAt = c.moveAt;
  const card = document.querySelector('.lw-hover-card');
  if (!card || card.hidden || card.dataset.index !== String(c.target)) return;
  const title = card.querySelector('.lw-hover-title');
  if (c.card === null && title && title.textContent) c.card = performance.now();
  if (c.image === null && card.dataset.image === '1') c.image = performance.now();
}).observe(document, {subtree: true, attributes: true, childList: true, characterData: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__card.longTasks.push([e.startTime, e.duration]);
}).observe({type: 'longtask', buffered: true});
const utf8 = new TextDecoder();
const text = (data) => typeof data === 'string' ? data
  : utf8.decode(data instanceof ArrayBuffer ? new Uint8Array(data)
                : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
const commandId = (t) => (t.match(/[{,]\\s*"id"\\s*:\\s*"([^"]+)"/) || [])[1];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const now = performance.now();
  const t = text(data);
  const name = t.includes('"anywidget-command"') && (t.match(/"name"\\s*:\\s*"(preview\\w*)"/) || [])[1];
  if (name) {
    const msg = (t.match(/"msg"\\s*:\\s*(\\{[^{}]*\\})/) || [])[1];
    window.__card.requests.push({at: now, id: commandId(t), name, msg: msg ? JSON.parse(msg) : null});
  }
  return send.call(this, data);
};
const onMessage = (event) => {
  if (!(event.data instanceof ArrayBuffer)) return;
  const head = utf8.decode(new Uint8Array(event.data, 0, Math.min(event.data.byteLength, 65536)));
  if (head.includes('anywidget-command-response'))
    window.__card.responses.push({at: performance.now(), id: commandId(head)});
};
window.WebSocket = class extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', onMessage);
  }
};
"""

RESET = """(t) => Object.assign(window.__card, {target: t, moveAt: null, hoverMoveAt: null,
  card: null, image: null, requests: [], responses: [], longTasks: []})"""


def _asks_for(msg: dict[str, Any] | None, index: int) -> bool:
    if not msg:
        return False
    return msg.get("index") == index or index in (msg.get("indices") or ())


def stages(c: dict[str, Any], kernel: list[list[Any]], index: int) -> dict[str, Any]:
    """The way of ``index``'s image: request, kernel, response, draw (ms), where it left after
    the hovering pointermove; ``prefetched`` where no request for it did."""
    move = c["hoverMoveAt"]
    asked = [r for r in c["requests"] if _asks_for(r["msg"], index)]
    after = [r for r in asked if r["at"] >= move]
    row: dict[str, Any] = {"prefetched": not after, "asked_before": len(asked) - len(after)}
    if not after:
        return row
    request = after[0]
    answered = [r["at"] for r in c["responses"] if r["id"] == request["id"]]
    sent_wall = c["origin"] + request["at"]
    runs = [k for k in kernel if _asks_for(k[2], index) and k[0] >= sent_wall - 5]
    row["pick_to_send_ms"] = request["at"] - move
    if runs:
        start, end = runs[0][0], runs[0][1]
        row["send_to_kernel_ms"] = start - sent_wall
        row["kernel_ms"] = end - start
        if answered:
            row["kernel_to_page_ms"] = c["origin"] + answered[0] - end
    if answered:
        row["response_to_image_ms"] = c["image"] - answered[0]
    row["long_tasks_ms"] = sum(d for s, d in c["longTasks"] if s + d > move and s < c["image"])
    return row


def _glide(page: Any, x: float, y: float, centre: tuple[float, float]) -> None:
    """Bring the pointer onto (x, y) from GLIDE_FROM_PX outside it, slowing down as a hand does."""
    away = np.array([x - centre[0], y - centre[1]])
    away = away / (np.linalg.norm(away) or 1.0)
    page.mouse.move(x + away[0] * GLIDE_FROM_PX, y + away[1] * GLIDE_FROM_PX)
    for step in range(1, GLIDE_MOVES + 1):
        left = (1 - step / GLIDE_MOVES) ** 2  # ease-out: long steps first, short ones at the end
        page.wait_for_timeout(FRAME_MS)
        page.mouse.move(x + away[0] * GLIDE_FROM_PX * left, y + away[1] * GLIDE_FROM_PX * left)


def hover_card_once(
    lab: LabPage,
    root: Any,
    index: int,
    at: tuple[float, float],
    centre: tuple[float, float],
    mode: str,
) -> dict[str, Any] | None:
    """Hover ``at`` (by ``mode``) from off the map; None where another point is under it."""
    page = lab.page
    page.mouse.move(2, 2)
    page.wait_for_function(
        "() => { const c = document.querySelector('.lw-hover-card'); return !c || c.hidden; }"
    )
    page.wait_for_timeout(150)
    lab.run_python("_lw_kernel.clear()")
    page.evaluate(RESET, index)
    if mode == "jump":
        page.mouse.move(*at)
    else:
        _glide(page, *at, centre)
    page.wait_for_function(
        "() => document.querySelector('.lw-explorer').dataset.hoverIndex !== '-1'"
    )
    if root.get_attribute("data-hover-index") != str(index):
        return None  # another point is nearer the pointer there
    page.wait_for_function("() => window.__card.image !== null", timeout=CARD_TIMEOUT_MS)
    c = page.evaluate("window.__card")
    kernel = lab.evaluate("_lw_kernel")
    return {
        "index": index,
        "mode": mode,
        "card_ms": c["card"] - c["hoverMoveAt"],
        "image_ms": c["image"] - c["hoverMoveAt"],
        **stages(c, kernel, index),
    }


def measure(browser: Any, server: Any, n: int) -> dict[str, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(OBSERVER)
    page = context.new_page()
    lab = LabPage(page, server, f"bench_hover_card_{n}")
    row: dict[str, Any] = {"n": n, "load_before": os.getloadavg()}
    try:
        lab.notebook = write_notebook(server.root, lab.name, [c.format(n=n) for c in CELLS])
        page.goto(f"{server.url}/lab?token={server.token}&reset")
        page.evaluate(OPEN_IN_LAB, lab.notebook)
        page.wait_for_function(KERNEL_READY, timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        root = lab.wait_for_widget()
        root.wait_for(state="attached", timeout=READY_TIMEOUT_MS)
        page.wait_for_function(
            "() => document.querySelector('.lw-explorer')?.dataset.ready === '1'",
            timeout=READY_TIMEOUT_MS,
        )
        root.scroll_into_view_if_needed()
        lab.run_python(DRAWN_CELL)
        lab.run_python(KERNEL_TIMING_CELL)
        targets = lab.evaluate(HOVER_TARGETS)
        box = root.locator(MAP_CANVAS).bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        framed = np.array([targets["lo"], targets["hi"], *targets["points"]], dtype=np.float64)
        positions = project_to_screen(framed, box)[2:]
        samples = []
        seen: set[int] = set()
        for k, (index, (x, y)) in enumerate(zip(targets["indices"], positions, strict=True)):
            if index in seen or not page.evaluate(ON_CANVAS, [float(x), float(y)]):
                continue
            seen.add(index)
            mode = MODES[k % 2]
            sample = hover_card_once(lab, root, index, (float(x), float(y)), centre, mode)
            if sample is not None:
                samples.append(sample)
        row["samples"] = samples
    except Exception as error:  # one size failing should not lose the others
        row["error"] = f"{type(error).__name__}: {error}"
        row["widgets"] = lab.describe_widgets()
    finally:
        row["page_errors"] = lab.page_errors
        lab.shutdown_kernel()
        context.close()
        row["load_after"] = os.getloadavg()
    return row


STAGES = (
    "pick_to_send_ms",
    "send_to_kernel_ms",
    "kernel_ms",
    "kernel_to_page_ms",
    "response_to_image_ms",
    "long_tasks_ms",
)


def _median(samples: list[dict[str, Any]], key: str) -> float:
    values = [s[key] for s in samples if key in s]
    return statistics.median(values) if values else float("nan")


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'points':>10} {'mode':>5} {'hovers':>6} {'card ms':>8} {'image ms (median, max)':>23}"
        f" {'prefetched':>10}   stages (median ms): "
        + " ".join(s.removesuffix("_ms") for s in STAGES)
    )
    for row in rows:
        if "error" in row or not row.get("samples"):
            print(f"{row['n']:>10,} {'-':>5} {row.get('error', 'no point could be hovered')}")
            continue
        for mode in MODES:
            mine = [s for s in row["samples"] if s["mode"] == mode]
            if not mine:
                continue
            images = [s["image_ms"] for s in mine]
            prefetched = sum(s["prefetched"] for s in mine)
            print(
                f"{row['n']:>10,} {mode:>5} {len(mine):>6} {_median(mine, 'card_ms'):>8.0f}"
                f" {statistics.median(images):>15.0f} {max(images):>7.0f} {prefetched:>10}   "
                + " ".join(f"{_median(mine, s):.0f}" for s in STAGES)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with temporary_jupyter_server("lw-bench-hover-card-") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                rows.append(measure(browser, server, n))
                print_table(rows[-1:])
        finally:
            browser.close()
    print()
    print_table(rows)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_hover_card.json"
    result = {"machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
