"""Time from the Python call to the first drawn map frame in a real browser, against jupyter-scatter.

For each N (``--sizes``, default 10k, 100k, 1M) a notebook builds
``lw.LatentExplorer(lambda x: x, None, torch.randn(N, 16), labels=np.arange(N) % 10)`` and shows it;
then, in the same run and on the same server, a fresh notebook shows jupyter-scatter
(``jscatter.Scatter``) on the PCA coordinates of the same codes, coloured by the same labels. Both
draw with regl-scatterplot, so the comparison is of everything around the engine: Python work,
transfer, decoding. jupyter-scatter plots precomputed points, so its cell does no encoding and no
PCA; ours does both inside the timed call. A map of more than ``max_drawn`` points (default
250,000; ``--max-drawn`` passes another to our constructor) is drawn as a sample (issue 12: 10M
codes, first frame within 15 s, pan, zoom and hover within 1 s, at most 9 bytes per drawn point on
the wire, the kernel holding at most twice the codes' size). Measured:

- ``call_to_gl_s``: ``time.time()`` in the kernel right before the constructor, to the page's
  ``Date.now()`` once the first WebGL ``drawArrays(POINTS, 0, D)`` has been rendered, the first
  frame that draws all D drawn points (an init script wraps ``drawArrays`` before the page loads and
  after the first call of each count waits for the GPU by reading one pixel back from the
  framebuffer being drawn. ``gl.finish()``, which earlier runs waited on, returns before the
  draw is rendered here (Chromium's WebGL implements it as a flush): a zoomed frame of 1M points
  "finished" in 3 ms but took 2.5-4 s to read back, so earlier ``call_to_gl_s`` figures timed the
  draw call's issue, not its rendering. Both clocks are this machine's).
  D is N, except on a sampled map of ours, where it is the sample: the root's ``data-drawn`` once
  ``data-ready`` is "1". This is the figure measured the same way for both widgets.
- ``call_to_ready_s`` (ours only): the same start, to the widget root getting ``data-ready="1"``,
  which also waits for the camera to frame the points.
- ``constructor_s``: the constructor alone in the kernel (ours: encode + PCA + traits;
  jupyter-scatter: ``Scatter(...)`` and ``.show()``); ``browser_share_s`` is the rest.
- ``ws_binary_bytes_per_point``: binary websocket frames the page received from running the cells
  to the first full frame, over N (Jupyter's v1 kernel protocol sends every message as a binary
  frame, so this counts everything, measured the same way for both). ``bytes_per_point`` (ours):
  the ``_points`` and ``_colors`` buffers in ``explorer.get_state()`` over N. Ours also over the
  drawn points: ``ws_binary_bytes_per_drawn_point`` and ``bytes_per_drawn_point``, beside
  ``drawn_points`` (``data-drawn``), ``total_points`` (``data-total``) and ``sampled``.
- ``kernel`` (ours): the codes' size (``codes_bytes``), the kernel's resident memory before the
  codes were made (``rss_before_codes_bytes``), after the first frame (``rss_bytes``) and at its
  peak (``peak_rss_bytes``); the table's ``dRSS/codes`` is the growth since before the codes were
  made (the codes themselves included) over their size.
- ``hover`` (ours only), for up to four extreme points (few neighbours compete) that lie on the
  map canvas, not under the legend, each hovered once the previous one's preview is on show (so no
  request is in flight and latest-wins does not hold the new one back); on a sampled map the
  extreme points of the sample (those drawn):
  ``move_to_request_ms``, the dispatch of the ``pointermove`` (``performance.now()`` in a
  capturing listener on ``window``, the first listener to run) to the preview request leaving the
  page (``WebSocket.prototype.send`` of the comm message naming ``"preview"``, on the same clock);
  ``input_to_request_ms``, from the event's own ``timeStamp`` (when the browser made it, so time
  spent queued behind a frame counts too); ``move_to_attribute_ms``, the dispatch to the
  ``data-hover-index`` mutation; and ``hover_ms``, Playwright's call to that mutation (the
  figure of earlier runs, which includes the round trip of the call). jupyter-scatter has no such
  attribute.
- ``zoom`` (ours), after the hovers: one mouse-wheel turn (``deltaY = -round(height * ln 4)``, a
  zoom by 4 about the pointer) over the canvas centre. ``zoom_frame_ms``: the wheel event's
  dispatch (capturing listener on ``window``) to the end of the next WebGL POINTS draw (the init
  script arms, at that dispatch, a pixel readback after the next ``drawArrays(POINTS)``), and
  ``zoom_input_frame_ms`` from the event's own ``timeStamp`` (Chromium dispatches wheel and
  mouse moves aligned to the next frame, so the dispatch comes just before that frame's draw and
  the time queued before it counts only in this figure);
  ``zoom_frame_points`` is that draw's point count and ``zoom_frame_wait_ms`` the part of it
  spent waiting for the GPU (the readback); ``zoom_readback_ms`` is a second readback right after
  it, with nothing to wait for: the readback's own cost, inside the frame figures.
  ``zoom_points_ms`` (sampled maps): the same dispatch to the redraw with the view's points
  (``points_in_view``, asked 200 ms after the camera rests; the first ``data-draws`` mutation after
  the response to the first request after the gesture), with ``zoom_request_ms`` (the request
  leaving) and ``zoom_response_ms`` (its response arriving, ``response_bytes`` long) on the same
  clock, ``view_points`` (``data-view-points`` then), whether it changed, and the
  ``.lw-sample-note`` text. The page's main thread waits for a frame's rendering here even
  without the readback (runs that waited on ``gl.finish()`` saw the request leave 3-6 s after the
  gesture at 10M points), so the request leaves only after the gesture's frame.
  ``hover_after_zoom``: one hover, timed as above, of a drawn point placed through the zoom law
  (``exp(-deltaY / height)`` about the pointer) off the centre; where points crowd, a neighbour
  of it may be the one hovered.
- ``pan`` (ours), after that: press at the canvas centre, move 120 px right in 6 steps, release.
  ``pan_frame_ms`` from the dispatch of the move that reaches the end (moves may be coalesced, so
  not counted) to the end of the next POINTS draw (``pan_input_frame_ms`` from its ``timeStamp``),
  and ``pan_points_ms`` and the rest as for the zoom (the same count may come back: then
  ``view_points_changed`` is false). Waits on the view's points give up after
  ``ZOOM_POINTS_TIMEOUT_MS`` / ``PAN_POINTS_TIMEOUT_MS`` (``_map_page.py``) and record null.
- ``load_before`` / ``load_after``: ``os.getloadavg()`` around each row.

Run from the repository root (``PYTHONPATH=.`` makes ``tests.ui`` importable) with the front end
built (``cd js && npm run build``), Debian's ``/usr/bin/chromium``, the ``playwright`` package
(never ``playwright install``) and ``pip install -e ".[dev,bench]"`` for jupyter-scatter::

    PYTHONPATH=. python benchmarks/bench_map.py [--sizes 10000 100000 1000000] [--no-peer]
        [--max-drawn D]

Prints three tables and writes ``benchmarks/results/bench_map.json``. WebGL is software
(SwiftShader) in headless Chromium, so drawing and picking are far slower than on a GPU; the load
average is recorded because the figures move with it on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
from pathlib import Path
from typing import Any

from benchmarks._map_page import OBSERVER, SAMPLE_STATE, measure_gestures, measure_hover
from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, JupyterServer, LabPage, write_notebook
from tests.ui._server import temporary_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
SIZES = (10_000, 100_000, 1_000_000)
READY_TIMEOUT_MS = 300_000

SETUP_CELL = """\
import json, os, resource, time
import numpy as np
import torch
import latentwidgets as lw

def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

_rss0 = _rss()
torch.manual_seed(0)
X = torch.randn({n}, 16)
y = np.arange({n}) % 10
"""

EXPLORER_CELL = """\
_t0 = time.time()
explorer = lw.LatentExplorer(lambda x: x, None, X, labels=y, progress=False{options})
_t1 = time.time()
print("call at", _t0, "constructor", _t1 - _t0, "s")
explorer
"""

PEER_SETUP = """\
import jscatter
import pandas as pd

_xy = lw.PCA().fit_transform(X)
_df = pd.DataFrame({"x": _xy[:, 0], "y": _xy[:, 1], "label": pd.Categorical(y)})
"""

PEER_CELL = """\
_t0 = time.time()
_scatter = jscatter.Scatter(data=_df, x="x", y="y", color_by="label")
_widget = _scatter.show()
_t1 = time.time()
print("call at", _t0, "constructor", _t1 - _t0, "s")
_widget
"""

KERNEL_FIGURES = """{
    "t0": _t0,
    "constructor_s": _t1 - _t0,
    "points_bytes": explorer.get_state()["_points"]["view"].nbytes,
    "colors_bytes": explorer.get_state()["_colors"]["view"].nbytes,
    "draw_threshold": int(explorer._draw_threshold),
    "max_drawn": int(explorer.max_drawn),
    "codes_bytes": X.numel() * X.element_size(),
    "rss_before_codes_bytes": _rss0,
    "rss_bytes": _rss(),
    "peak_rss_bytes": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, _rss()),
}"""

PEER_FIGURES = """{"t0": _t0, "constructor_s": _t1 - _t0}"""


def measure(
    browser: Any, server: JupyterServer, n: int, tool: str, max_drawn: int | None
) -> dict[str, Any]:
    """Open a fresh page, run the cells of ``tool`` for ``n`` points, and collect the figures."""
    ours = tool == "latentwidgets"
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(OBSERVER)
    page = context.new_page()
    lab = LabPage(page, server, f"bench_map_{tool}_{n}")
    received = {"binary": 0, "text": 0, "counting": False}

    def on_frame(payload: str | bytes) -> None:
        if received["counting"]:
            kind = "binary" if isinstance(payload, bytes) else "text"
            received[kind] += len(payload)

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    options = "" if max_drawn is None else f", max_drawn={max_drawn}"
    cells = (
        [SETUP_CELL.format(n=n), EXPLORER_CELL.format(options=options)]
        if ours
        else [SETUP_CELL.format(n=n), PEER_SETUP, PEER_CELL]
    )
    row: dict[str, Any] = {"tool": tool, "n": n, "load_before": os.getloadavg()}
    if ours:
        row["max_drawn_option"] = max_drawn
    try:
        lab.notebook = write_notebook(server.root, lab.name, cells)
        page.goto(f"{server.url}/lab?token={server.token}&reset")
        page.evaluate(OPEN_IN_LAB, lab.notebook)
        page.wait_for_function(KERNEL_READY, timeout=120_000)
        received["counting"] = True
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        root = None
        drawn = n
        if ours:
            # a sampled map's first full frame draws the sample: data-drawn points
            page.wait_for_function("() => window.__lw.ready !== null", timeout=READY_TIMEOUT_MS)
            root = lab.wait_for_widget()
            drawn = int(root.get_attribute("data-drawn") or n)
        page.wait_for_function(
            f"() => window.__lw.glPoints[{drawn}] !== undefined", timeout=READY_TIMEOUT_MS
        )
        gl_ms = page.evaluate(f"window.__lw.glPoints[{drawn}]")
        received["counting"] = False
        kernel = lab.evaluate(KERNEL_FIGURES if ours else PEER_FIGURES)
        call_to_gl_s = gl_ms / 1e3 - kernel["t0"]
        row |= {
            "call_to_gl_s": call_to_gl_s,
            "constructor_s": kernel["constructor_s"],
            "browser_share_s": call_to_gl_s - kernel["constructor_s"],
            "ws_binary_bytes": received["binary"],
            "ws_text_bytes": received["text"],
            "ws_binary_bytes_per_point": received["binary"] / n,
        }
        if ours and root is not None:
            sample = root.evaluate(SAMPLE_STATE)
            sampled = sample["sampled"] == "1"
            row |= {
                "call_to_ready_s": page.evaluate("window.__lw.ready") / 1e3 - kernel["t0"],
                "points_bytes": kernel["points_bytes"],
                "colors_bytes": kernel["colors_bytes"],
                "bytes_per_point": (kernel["points_bytes"] + kernel["colors_bytes"]) / n,
                "renderer": root.get_attribute("data-renderer"),
                "drawn_points": drawn,
                "total_points": int(sample["total"]) if sample["total"] else None,
                "points_attribute": root.get_attribute("data-points"),
                "sampled": sampled,
                "draw_threshold": kernel["draw_threshold"],
                "max_drawn": kernel["max_drawn"],
                "ws_binary_bytes_per_drawn_point": received["binary"] / drawn,
                "bytes_per_drawn_point": (kernel["points_bytes"] + kernel["colors_bytes"]) / drawn,
                "sample_note": sample["note"],
                "kernel": {
                    key: kernel[key]
                    for key in (
                        "codes_bytes",
                        "rss_before_codes_bytes",
                        "rss_bytes",
                        "peak_rss_bytes",
                    )
                },
            }
            try:
                row["hover"], targets = measure_hover(lab, root)
                row |= measure_gestures(lab, root, targets, sampled)
            except Exception as error:  # keep the first-frame figures
                row["interaction_error"] = f"{type(error).__name__}: {error}"
                row["widgets"] = lab.describe_widgets()
    except Exception as error:  # one size failing should not lose the others
        row["error"] = f"{type(error).__name__}: {error}"
        row["widgets"] = lab.describe_widgets()
    finally:
        row["page_errors"] = lab.page_errors
        row["console_errors"] = lab.console_errors
        row["gpu_sync_fallbacks"] = page.evaluate("window.__lw.syncFallbacks || 0")
        lab.shutdown_kernel()
        context.close()
        row["load_after"] = os.getloadavg()
    return row


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _pair(figures: dict[str, Any], gesture: str) -> str:
    """``dispatch/input`` frame times of a gesture, in ms."""
    frame = figures.get(f"{gesture}_frame_ms")
    return "-" if frame is None else f"{frame:.0f}/{_ms(figures.get(f'{gesture}_input_frame_ms'))}"


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'tool':<14} {'N':>9} {'drawn':>8} {'call->GL s':>10} {'->ready s':>9} {'ctor s':>7} "
        f"{'browser s':>9} {'ws B/pt':>8} {'ws B/drawn':>10} {'buf B/drawn':>11} "
        f"{'dRSS/codes':>10} {'load before->after':>18}"
    )
    for row in rows:
        load = f"{row['load_before'][0]:.1f}->{row['load_after'][0]:.1f}"
        if "error" in row:
            print(f"{row['tool']:<14} {row['n']:>9} error: {row['error'][:90]}  load {load}")
            continue
        ready = f"{row['call_to_ready_s']:.2f}" if "call_to_ready_s" in row else "-"
        drawn = str(row.get("drawn_points", row["n"]))
        per_drawn = row.get("ws_binary_bytes_per_drawn_point")
        buf = row.get("bytes_per_drawn_point")
        kernel = row.get("kernel")
        grown = kernel and (kernel["rss_bytes"] - kernel["rss_before_codes_bytes"])
        rss = f"{grown / kernel['codes_bytes']:.2f}" if kernel else "-"
        print(
            f"{row['tool']:<14} {row['n']:>9} {drawn:>8} {row['call_to_gl_s']:>10.2f} "
            f"{ready:>9} {row['constructor_s']:>7.2f} {row['browser_share_s']:>9.2f} "
            f"{row['ws_binary_bytes_per_point']:>8.1f} "
            f"{'-' if per_drawn is None else f'{per_drawn:.1f}':>10} "
            f"{'-' if buf is None else f'{buf:.1f}':>11} {rss:>10} {load:>18}"
        )
    print()
    print(
        f"{'tool':<14} {'N':>9} {'move->request ms':>22} {'input->request ms':>22} "
        f"{'zoom frame':>10} {'zoom pts':>8} {'view pts':>8} {'hover@zoom':>10} "
        f"{'pan frame':>9} {'pan pts':>8} {'view pts':>8}"
    )
    print(
        f"{'':<14} {'':>9} {'':>22} {'':>22} {'disp/input':>10} {'ms':>8} {'':>8} "
        f"{'ms':>10} {'disp/input':>9} {'ms':>8}"
    )
    steps: dict[str, list[str]] = {"zoom": [], "pan": []}
    for row in rows:
        if row["tool"] != "latentwidgets" or "error" in row:
            continue
        for gesture in ("zoom", "pan"):
            figures = row.get(gesture, {})
            if f"{gesture}_request_ms" in figures:
                steps[gesture].append(
                    f"{row['n']:>9} {gesture:<5}"
                    f" {_ms(figures[f'{gesture}_request_ms']):>8}"
                    f" {_ms(figures[f'{gesture}_response_ms']):>9}"
                    f" {_ms(figures[f'{gesture}_points_ms']):>7}"
                    f" {figures.get('response_bytes') or 0:>11}"
                    f" {figures.get('view_points')!s:>9}"
                )
        samples = row.get("hover", [])
        request = "/".join(f"{s['move_to_request_ms']:.1f}" for s in samples) or "-"
        queued = "/".join(f"{s['input_to_request_ms']:.1f}" for s in samples) or "-"
        zoom, pan = row.get("zoom", {}), row.get("pan", {})
        after = row.get("hover_after_zoom")
        after_ms = "-" if not after else f"{after['move_to_request_ms']:.1f}"
        print(
            f"{row['tool']:<14} {row['n']:>9} {request:>22} {queued:>22} "
            f"{_pair(zoom, 'zoom'):>10} {_ms(zoom.get('zoom_points_ms')):>8} "
            f"{zoom.get('view_points', '-')!s:>8} {after_ms:>10} "
            f"{_pair(pan, 'pan'):>9} {_ms(pan.get('pan_points_ms')):>8} "
            f"{pan.get('view_points', '-')!s:>8}"
        )
        if "interaction_error" in row:
            print(f"  interaction error: {row['interaction_error'][:200]}")
    if steps["zoom"] or steps["pan"]:
        print()
        print("the view's points, ms from the gesture's dispatch:")
        print(
            f"{'N':>9} {'':<5} {'request':>8} {'response':>9} {'drawn':>7} {'bytes':>11} "
            f"{'points':>9}"
        )
        for line in steps["zoom"] + steps["pan"]:
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--no-peer", action="store_true", help="measure latentwidgets alone")
    parser.add_argument(
        "--max-drawn",
        type=int,
        default=None,
        help="max_drawn= for our explorer (default: the widget's own default)",
    )
    args = parser.parse_args()
    if not args.no_peer and importlib.util.find_spec("jscatter") is None:
        # its cell would fail in the kernel and the page wait for a frame that never comes
        parser.error('jupyter-scatter is not installed: pip install -e ".[bench]", or --no-peer')
    from playwright.sync_api import sync_playwright

    rows = []
    load_before = os.getloadavg()
    with temporary_jupyter_server("bench_map_") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tools = ["latentwidgets"] if args.no_peer else ["latentwidgets", "jupyter-scatter"]
            for n in args.sizes:
                for tool in tools:
                    print(f"{tool}, N = {n} ...", flush=True)
                    row = measure(browser, server, n, tool, args.max_drawn)
                    for key in ("error", "interaction_error"):
                        if key in row:
                            print(f"  {key}: {row[key]}", flush=True)
                    if row["page_errors"]:
                        print(f"  page errors: {row['page_errors']}", flush=True)
                    rows.append(row)
        finally:
            browser.close()
    load_after = os.getloadavg()
    print_table(rows)
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    RESULTS.mkdir(exist_ok=True)
    result = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "argv": {"sizes": args.sizes, "no_peer": args.no_peer, "max_drawn": args.max_drawn},
        "load_average_before": load_before,
        "load_average_after": load_after,
        "rows": rows,
    }
    out = RESULTS / "bench_map.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
