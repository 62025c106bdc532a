"""Request to screen in a real browser: a 16-frame traversal, and the manifold after a pan.

JupyterLab and headless Chromium as the browser tests start them (``tests/ui``); one notebook
shows ``lw.LatentExplorer`` on the built-in digits VAE (1,797 digits, 8 x 8, 8-d codes) with
``traverse_steps = 16``. Every time is taken in the page, with ``performance.now()``, by an init
script (no change to the widget): capture listeners, a MutationObserver on ``data-frames`` /
``data-tiles``, a wrapper of the kernel WebSocket that notes when a request leaves and its answer
arrives, and a ``requestAnimationFrame`` after each mutation for "on screen".

(a) Traversal, repeated on other pinned points (so no decode comes from the cache): from the
    ``change`` of ``.lw-traverse-direction`` (choosing "pc1" for the pinned point) to
    ``input.lw-traverse-slider[data-frames="16"]`` (all 16 frames in the page, decoded from the
    wire) and the next animation frame, when the middle frame has been drawn. The frames are
    RGBA bytes drawn on a canvas, so there is no image ``load`` to wait for; the scrub through all
    16 frames afterwards is timed too (no kernel message).
(b) Manifold, with the layer on: a drag on the map (pan mode); from the ``mouseup`` to the
    ``.lw-manifold[data-tiles]`` update and the next animation frame (the tiles drawn under the
    points). The layer waits ``DEBOUNCE_MS`` (150 ms in js/src/manifold.ts) after the last camera
    move before it asks; that wait is reported apart (mouseup to the request leaving). The front
    end asks for a 12 x 12 grid (``MANIFOLD_GRID``); for the issue's 16 x 16 the bench rewrites
    ``"grid":12`` to ``"grid":16`` in the outgoing frame (same byte length), so the kernel decodes
    and the page draws 256 tiles. Both grids are measured.

Each row splits the time: page to socket (debounce for the manifold), socket to answer (kernel
round trip: decode, render to RGBA, serialise, send), answer to the DOM update (the front end
decodes the buffers), DOM update to the next animation frame. The kernel's own share is timed in
the kernel as well (decode and RGBA rendering, median of repeats).

Run from the repository root with the front end built (``cd js && npm run build``)::

    PYTHONPATH=. python benchmarks/bench_views.py [--repeats 9]

Prints a table and writes ``benchmarks/results/bench_views.json`` with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, LabPage, write_notebook
from tests.ui._map import MAP_CANVAS
from tests.ui._server import temporary_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
STEPS = 16
DIRECTION = "pc1"
DEBOUNCE_MS = 150  # js/src/manifold.ts, DEBOUNCE_MS
TARGET_TRAVERSE_MS = 100
TARGET_MANIFOLD_MS = 300
WAIT_MS = 60_000

# Installed before any page script runs. Marks are {name, t, detail} on performance.now().
OBSERVER = """
(() => {
  const marks = [];
  window.__lwb = {marks, grid: null};
  const mark = (name, detail) => {
    const t = performance.now();
    marks.push({name, t, detail: detail ?? null});
    return t;
  };
  const painted = (name, detail) => requestAnimationFrame(() => mark(name, detail));
  const latin1 = new TextDecoder('latin1');
  const text = (data) => {
    if (typeof data === 'string') return data;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    // the JSON parts lead a kernel message; the buffers (tiles, frames) follow them
    return bytes ? latin1.decode(bytes.subarray(0, 4096)) : '';
  };
  const rewriteGrid = (data) => {
    const want = window.__lwb.grid;
    if (want === null) return data;
    const from = '"grid":12', to = `"grid":${want}`;
    if (typeof data === 'string') return data.replace(from, to);
    const bytes = new Uint8Array(data instanceof ArrayBuffer ? data.slice(0)
      : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    const at = latin1.decode(bytes).indexOf(from);
    if (at >= 0) for (let i = 0; i < to.length; i++) bytes[at + i] = to.charCodeAt(i);
    return bytes.buffer;
  };
  const Socket = window.WebSocket;
  const send = Socket.prototype.send;
  Socket.prototype.send = function (data) {
    const head = text(data);
    if (head.includes('"traverse_direction"')) mark('traverse-send');
    if (head.includes('manifold_command')) {
      data = rewriteGrid(data);
      mark('manifold-send', text(data).match(/"grid":(\\d+)/)?.[1] ?? null);
    }
    return send.call(this, data);
  };
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      // added before the app's own onmessage, so it runs first: the time the answer arrived
      this.addEventListener('message', (event) => {
        const head = text(event.data);
        if (head.includes('_traverse_frames')) mark('traverse-recv');
        if (head.includes('anywidget-command-response') && head.includes('"x0"')) mark('manifold-recv');
      });
    }
  };
  document.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof Element && target.matches('.lw-traverse-direction')) mark('traverse-request', target.value);
  }, true);
  document.addEventListener('mouseup', () => mark('pan-end'), true);
  document.addEventListener('mousemove', (event) => { if (event.buttons) mark('drag-move'); }, true);
  const start = () => new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (r.attributeName === 'data-frames' && el.matches('.lw-traverse-slider')) {
        mark('frames', el.dataset.frames);
        painted('frames-painted', el.dataset.frames);
      }
      if (r.attributeName === 'data-tiles' && el.matches('.lw-manifold')) {
        mark('tiles', el.dataset.tiles);
        painted('tiles-painted', el.dataset.tiles);
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-frames', 'data-tiles']});
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
"""

SETUP_CELL = """\
import time
import numpy as np
import torch
import latentwidgets as lw

vae = lw.models.load_pretrained("digits-vae")
digits = lw.datasets.digits()
"""

EXPLORER_CELL = f"""\
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, digits, progress=False,
                             panels=("preview", "interpolation", "neighbours", "traverse"))
explorer.traverse_steps = {STEPS}
explorer
"""

# A bench instrument in the kernel, not the product: the wall-clock time (ms since the epoch, the
# clock of performance.timeOrigin) when each of the explorer's comm messages arrives, when the
# widget's handler returns, and when the comm's handling (IPython's pre/post_execute events
# around the handler) is over.
KERNEL_CLOCK = """\
_lw_clock = []
_lw_handle = explorer.comm.handle_msg
_lw_callback = explorer.comm._msg_callback


def _lw_timed_callback(msg):
    _lw_callback(msg)
    _lw_clock[-1]["handled"] = time.time() * 1e3


def _lw_timed_handle(msg):
    data = msg["content"]["data"]
    _lw_clock.append({"in": time.time() * 1e3, "what": sorted(data.get("state", {})) or data.get("method")})
    _lw_handle(msg)
    _lw_clock[-1]["out"] = time.time() * 1e3


explorer.comm._msg_callback = _lw_timed_callback
explorer.comm.handle_msg = _lw_timed_handle
"""

# The kernel's own share: decode and RGBA rendering, as the views do them, median of repeats.
KERNEL_SHARE = f"""\
from latentwidgets.operations.traverse import direction_vector as _dv, traversal_codes as _tc
from latentwidgets.operations.probe import grid as _grid


def _median_ms(fn, repeats=15):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * sorted(times)[len(times) // 2]


def _share(region):
    lat, model, renderer = explorer.latents, explorer._core.model, explorer._core.renderer
    codes = _tc(lat[0], _dv("{DIRECTION}", lat, {{}}), lat, span=3.0, steps={STEPS})[0]
    frames = model.decode(codes)
    out = {{
        "traverse_decode_ms": _median_ms(lambda: model.decode(codes)),
        "traverse_rgba_ms": _median_ms(lambda: renderer.render_frames(frames)),
    }}
    for size in (12, 16):
        msg = dict(region, grid=size)
        places = _grid((msg["x0"], msg["x1"], msg["y0"], msg["y1"]), size)
        tiles = model.decode(explorer._codes_at(places)[0])
        out[f"manifold_{{size}}_codes_ms"] = _median_ms(lambda: explorer._codes_at(places))
        out[f"manifold_{{size}}_decode_ms"] = _median_ms(lambda: model.decode(explorer._codes_at(places)[0]))
        out[f"manifold_{{size}}_rgba_ms"] = _median_ms(lambda: renderer.render_frames(tiles))
        out[f"manifold_{{size}}_command_ms"] = _median_ms(lambda: explorer.manifold_command(msg, []))
    return out
"""


def marks_after(marks: list[dict[str, Any]], name: str, t: float) -> dict[str, Any] | None:
    """The first mark ``name`` at or after ``t``."""
    return next((m for m in marks if m["name"] == name and m["t"] >= t), None)


def read_marks(lab: LabPage) -> list[dict[str, Any]]:
    return list(lab.page.evaluate("window.__lwb.marks"))


def wait_for_marks(lab: LabPage, since: float, condition: str) -> None:
    """Wait until ``condition(since)`` holds in the page; on a timeout, say which marks came."""
    try:
        lab.page.wait_for_function(condition, arg=since, timeout=WAIT_MS)
    except Exception as error:
        came = [(m["name"], round(m["t"] - since), m["detail"]) for m in read_marks(lab)]
        raise AssertionError(
            f"marks since the gesture: {[c for c in came if c[1] >= 0]}"
        ) from error


def settle(lab: LabPage) -> None:
    """Kernel idle (a round trip through it) and two animation frames in the page."""
    lab.run_python("pass")
    lab.page.evaluate(
        "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


def traverse_once(lab: LabPage, root: Any, point: int) -> dict[str, float]:
    """Pin ``point`` with the direction off, then choose the direction in the page and time it."""
    lab.run_python(f"explorer.traverse_direction = ''\nexplorer.pinned = {point}")
    # the pinned point's neighbours gallery asks the kernel for previews: let it finish first, so
    # that the timed request does not queue behind them
    lab.page.wait_for_function(
        """() => document.querySelector('.lw-traverse-slider').dataset.frames === '0'
                 && document.querySelectorAll(".lw-neighbour[data-loaded='1']").length === 10""",
        timeout=WAIT_MS,
    )
    settle(lab)
    since = lab.page.evaluate("performance.now()")
    root.locator(".lw-traverse-direction").select_option(DIRECTION)
    lab.page.wait_for_function(
        """([since, steps]) => window.__lwb.marks.some(
             (m) => m.name === 'frames-painted' && m.t > since && m.detail === steps)""",
        arg=[since, str(STEPS)],
        timeout=WAIT_MS,
    )
    marks = read_marks(lab)
    clock = lab.evaluate("_lw_clock[-3:]")
    request = marks_after(marks, "traverse-request", since)
    assert request is not None, "no change event on the direction select"
    t0 = request["t"]
    sent = marks_after(marks, "traverse-send", t0)
    received = marks_after(marks, "traverse-recv", sent["t"] if sent else t0)
    frames = next(
        m for m in marks if m["name"] == "frames" and m["t"] > t0 and m["detail"] == str(STEPS)
    )
    painted = next(m for m in marks if m["name"] == "frames-painted" and m["t"] >= frames["t"])
    row = {
        "point": point,
        "request_to_screen_ms": painted["t"] - t0,
        "request_to_frames_ms": frames["t"] - t0,
    }
    if sent and received:
        row |= {
            "page_to_socket_ms": sent["t"] - t0,
            "kernel_round_trip_ms": received["t"] - sent["t"],
            "answer_to_dom_ms": frames["t"] - received["t"],
        }
        # the kernel's side of the round trip, on the wall clock both share
        mine = [c for c in clock if "traverse_direction" in c["what"] and "out" in c]
        if mine:
            origin = lab.page.evaluate("performance.timeOrigin")
            row |= {
                "socket_to_kernel_ms": mine[-1]["in"] - (origin + sent["t"]),
                "kernel_handler_ms": mine[-1]["handled"] - mine[-1]["in"],
                "kernel_events_ms": mine[-1]["out"] - mine[-1]["handled"],
                "kernel_to_page_ms": origin + received["t"] - mine[-1]["out"],
            }
    row["dom_to_paint_ms"] = painted["t"] - frames["t"]
    # every frame is in the page: scrub through them all (no kernel message)
    row["scrub_16_frames_ms"] = lab.page.evaluate(
        """() => {
          const slider = document.querySelector('.lw-traverse-slider');
          const t = performance.now();
          for (let f = 0; f < Number(slider.dataset.frames); f++) {
            slider.value = String(f);
            slider.dispatchEvent(new Event('input', {bubbles: true}));
          }
          return performance.now() - t;
        }"""
    )
    return row


def pan_once(lab: LabPage, root: Any, dx: float, dy: float) -> dict[str, float]:
    """Drag the map by (dx, dy) px; time from the mouseup to the new tiles on screen."""
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    settle(lab)
    lab.page.wait_for_timeout(DEBOUNCE_MS + 100)  # nothing left in the debounce from a last pan
    settle(lab)
    mouse = lab.page.mouse
    mouse.move(x, y)
    since = lab.page.evaluate("performance.now()")
    mouse.down()
    mouse.move(x + dx, y + dy, steps=8)
    mouse.up()
    wait_for_marks(
        lab,
        since,
        """(since) => {
          const m = window.__lwb.marks;
          const end = m.find((e) => e.name === 'pan-end' && e.t > since);
          const moves = m.filter((e) => e.name === 'drag-move' && e.t > since);
          const last = end && moves.length && moves[moves.length - 1];
          const send = last && m.find((e) => e.name === 'manifold-send' && e.t > last.t);
          const tiles = send && m.find((e) => e.name === 'tiles' && e.t > send.t);
          return !!(tiles && m.find((e) => e.name === 'tiles-painted' && e.t >= tiles.t));
        }""",
    )
    marks = read_marks(lab)
    end = marks_after(marks, "pan-end", since)
    assert end is not None
    last_move = [m for m in marks if m["name"] == "drag-move" and m["t"] > since][-1]
    # the request for the view where the drag stopped: the debounce runs from the last move,
    # which is a few ms before the mouseup (or more under load, when the request may leave first)
    sent = marks_after(marks, "manifold-send", last_move["t"])
    assert sent is not None
    received = marks_after(marks, "manifold-recv", sent["t"])
    tiles = marks_after(marks, "tiles", sent["t"])
    assert tiles is not None
    painted = marks_after(marks, "tiles-painted", tiles["t"])
    assert painted is not None
    row = {
        "grid": int(sent["detail"]),
        "tiles": int(tiles["detail"]),
        "pan_end_to_screen_ms": painted["t"] - end["t"],
        "debounce_ms": sent["t"] - end["t"],
        "dom_to_paint_ms": painted["t"] - tiles["t"],
    }
    if received:
        row |= {
            "kernel_round_trip_ms": received["t"] - sent["t"],
            "answer_to_dom_ms": tiles["t"] - received["t"],
        }
    row["without_debounce_ms"] = row["pan_end_to_screen_ms"] - row["debounce_ms"]
    return row


def median(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def summarise(rows: list[dict[str, Any]], keys: list[str]) -> dict[str, float | None]:
    return {key: median(rows, key) for key in keys}


def print_rows(title: str, rows: list[dict[str, Any]], keys: list[str]) -> None:
    print(title)
    print("  " + " ".join(f"{k:>22}" for k in keys))
    for row in rows:
        print("  " + " ".join(f"{row.get(k, float('nan')):>22.1f}" for k in keys))
    medians = [median(rows, k) for k in keys]
    print(
        "  " + " ".join(f"{m if m is not None else float('nan'):>22.1f}" for m in medians),
        "(median)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    result: dict[str, Any] = {"machine": platform.platform(), "cpus": os.cpu_count()}
    with temporary_jupyter_server("bench_views_") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(OBSERVER)
        page = context.new_page()
        lab = LabPage(page, server, "bench_views")
        try:
            lab.notebook = write_notebook(server.root, lab.name, [SETUP_CELL, EXPLORER_CELL])
            page.goto(f"{server.url}/lab?token={server.token}&reset")
            page.evaluate(OPEN_IN_LAB, lab.notebook)
            page.wait_for_function(KERNEL_READY, timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            root = lab.wait_for_widget()
            page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=WAIT_MS)
            root.scroll_into_view_if_needed()
            lab.run_python(KERNEL_CLOCK)

            # (a) traversal: one warm-up, then a new pinned point each time (no cached decode)
            traverse_once(lab, root, 0)
            traverse = [traverse_once(lab, root, 1 + 37 * i) for i in range(args.repeats)]

            # (b) manifold: on, then pans; 12 x 12 as the front end asks, and 16 x 16
            lab.run_python("explorer.pinned = -1\nexplorer.traverse_direction = ''")
            root.locator(".lw-toggle-manifold").click()
            page.wait_for_selector(".lw-manifold[data-tiles='144']", timeout=WAIT_MS)
            manifold: dict[int, list[dict[str, Any]]] = {}
            for grid in (12, 16):
                page.evaluate(f"window.__lwb.grid = {grid if grid != 12 else 'null'}")
                pan_once(lab, root, 40, 20)  # warm-up
                manifold[grid] = [
                    pan_once(lab, root, 40 if i % 2 else -40, 20 if i % 4 < 2 else -20)
                    for i in range(args.repeats)
                ]
                assert all(r["tiles"] == grid * grid for r in manifold[grid]), manifold[grid]
            region = lab.evaluate(
                "(lambda c: {'x0': float(c[:, 0].min()), 'x1': float(c[:, 0].max()),"
                " 'y0': float(c[:, 1].min()), 'y1': float(c[:, 1].max())})(explorer.coords)"
            )
            lab.run_python(KERNEL_SHARE)
            kernel = lab.evaluate(f"_share({region!r})")
            result["page_errors"] = lab.page_errors
        finally:
            lab.shutdown_kernel()
            context.close()
            browser.close()
    load_after = os.getloadavg()

    traverse_keys = [
        "request_to_screen_ms",
        "page_to_socket_ms",
        "kernel_round_trip_ms",
        "socket_to_kernel_ms",
        "kernel_handler_ms",
        "kernel_events_ms",
        "kernel_to_page_ms",
        "answer_to_dom_ms",
        "dom_to_paint_ms",
        "scrub_16_frames_ms",
    ]
    manifold_keys = [
        "pan_end_to_screen_ms",
        "debounce_ms",
        "kernel_round_trip_ms",
        "answer_to_dom_ms",
        "dom_to_paint_ms",
        "without_debounce_ms",
    ]
    print_rows(
        f"(a) traversal, {STEPS} frames: change of direction to frames on screen",
        traverse,
        traverse_keys,
    )
    for grid, rows in manifold.items():
        print_rows(
            f"(b) manifold {grid} x {grid}: mouseup after a pan to tiles on screen",
            rows,
            manifold_keys,
        )
    print("kernel share (ms, median):", json.dumps({k: round(v, 2) for k, v in kernel.items()}))
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    a = median(traverse, "request_to_screen_ms")
    b = median(manifold[16], "pan_end_to_screen_ms")
    print(
        f"targets: (a) {a:.1f} ms (target {TARGET_TRAVERSE_MS} ms), (b) 16 x 16 {b:.1f} ms "
        f"(target {TARGET_MANIFOLD_MS} ms, of which the {DEBOUNCE_MS} ms debounce)"
    )
    result |= {
        "load_average_before": load_before,
        "load_average_after": load_after,
        "debounce_ms_in_front_end": DEBOUNCE_MS,
        "traverse": {"median": summarise(traverse, traverse_keys), "rows": traverse},
        "manifold": {
            str(grid): {"median": summarise(rows, manifold_keys), "rows": rows}
            for grid, rows in manifold.items()
        },
        "kernel_share_ms": kernel,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_views.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
