"""Time from the Python call to the first drawn map frame in a real browser, against jupyter-scatter.

For each N (``--sizes``, default 10k, 100k, 1M) a notebook builds
``lw.LatentExplorer(lambda x: x, None, torch.randn(N, 16), labels=np.arange(N) % 10)`` and shows it;
then, in the same run and on the same server, a fresh notebook shows jupyter-scatter
(``jscatter.Scatter``) on the PCA coordinates of the same codes, coloured by the same labels. Both
draw with regl-scatterplot, so the comparison is of everything around the engine: Python work,
transfer, decoding. jupyter-scatter plots precomputed points, so its cell does no encoding and no
PCA; ours does both inside the timed call. Measured:

- ``call_to_gl_s``: ``time.time()`` in the kernel right before the constructor, to the page's
  ``Date.now()`` once the first WebGL ``drawArrays(POINTS, 0, N)`` has been rendered, the first
  frame that draws all N points (an init script wraps ``drawArrays`` before the page loads and
  waits on ``gl.finish()`` after that one call; both clocks are this machine's). This is the
  figure measured the same way for both widgets.
- ``call_to_ready_s`` (ours only): the same start, to the widget root getting ``data-ready="1"``,
  which also waits for the camera to frame the points.
- ``constructor_s``: the constructor alone in the kernel (ours: encode + PCA + traits;
  jupyter-scatter: ``Scatter(...)`` and ``.show()``); ``browser_share_s`` is the rest.
- ``ws_binary_bytes_per_point``: binary websocket frames the page received from running the cells
  to the first full frame, over N (Jupyter's v1 kernel protocol sends every message as a binary
  frame, so this counts everything, measured the same way for both). ``bytes_per_point`` (ours):
  the ``_points`` and ``_colors`` buffers in ``explorer.get_state()`` over N.
- ``hover`` (ours only), for up to four extreme points (few neighbours compete) that lie on the
  map canvas, not under the legend, each hovered once the previous one's preview is on show (so no
  request is in flight and latest-wins does not hold the new one back):
  ``move_to_request_ms``, the dispatch of the ``pointermove`` (``performance.now()`` in a
  capturing listener on ``window``, the first listener to run) to the preview request leaving the
  page (``WebSocket.prototype.send`` of the comm message naming ``"preview"``, on the same clock);
  ``input_to_request_ms``, from the event's own ``timeStamp`` (when the browser made it, so time
  spent queued behind a frame counts too); ``move_to_attribute_ms``, the dispatch to the
  ``data-hover-index`` mutation; and ``hover_ms``, Playwright's call to that mutation (the
  figure of earlier runs, which includes the round trip of the call). jupyter-scatter has no such
  attribute.

Run from the repository root (``PYTHONPATH=.`` makes ``tests.ui`` importable) with the front end
built (``cd js && npm run build``), Debian's ``/usr/bin/chromium``, the ``playwright`` package
(never ``playwright install``) and ``pip install -e ".[dev,bench]"`` for jupyter-scatter::

    PYTHONPATH=. python benchmarks/bench_map.py [--sizes 10000 100000 1000000] [--no-peer]

Prints a table and writes ``benchmarks/results/bench_map.json``. WebGL is software (SwiftShader)
in headless Chromium, so drawing and picking are far slower than on a GPU; the load average is
recorded because the figures move with it on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, JupyterServer, LabPage, write_notebook
from tests.ui._map import MAP_CANVAS, project_to_screen
from tests.ui._server import running_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
SIZES = (10_000, 100_000, 1_000_000)
READY_TIMEOUT_MS = 300_000
HOVER_TIMEOUT_MS = 60_000

# Installed before any page script runs: records, on the page's clock, when the widget root's
# data-ready turns "1", each data-hover-index change (a microtask after the write, no polling), and
# when the first WebGL draw of each point count has finished (regl-scatterplot draws all points in
# one drawArrays(POINTS) call; the GPU works asynchronously, so gl.finish() waits for it, once per
# count). glPoints[N] is when the first frame with all N points is rendered, for either widget.
# On performance.now()'s clock: the last pointermove's dispatch (a capturing listener on window
# runs before any of the page's) and timeStamp, the data-hover-index mutation, and each preview
# request leaving on a websocket (a comm message naming the "preview" command; Jupyter's v1 kernel
# protocol frames are binary, their JSON parts UTF-8).
OBSERVER = """
window.__lw = {ready: null, hover: null, hoverValue: null, glPoints: {},
               moveAt: null, moveStamp: null, hoverAt: null, requestAt: null};
addEventListener('pointermove', (event) => {
  window.__lw.moveAt = performance.now();
  window.__lw.moveStamp = event.timeStamp;
}, {capture: true});
const send = WebSocket.prototype.send;
const utf8 = new TextDecoder();
WebSocket.prototype.send = function (data) {
  const now = performance.now();
  const text = typeof data === 'string' ? data
    : utf8.decode(data instanceof ArrayBuffer ? new Uint8Array(data)
                  : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (window.__lw.requestAt === null && text.includes('anywidget-command')
      && text.includes('"preview"')) window.__lw.requestAt = now;
  return send.call(this, data);
};
for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
  const drawArrays = proto.drawArrays;
  proto.drawArrays = function (mode, first, count) {
    const result = drawArrays.call(this, mode, first, count);
    if (mode === 0 && !(count in window.__lw.glPoints)) {
      this.finish();
      window.__lw.glPoints[count] = Date.now();
    }
    return result;
  };
}
new MutationObserver((records) => {
  const now = Date.now();
  for (const r of records) {
    if (r.attributeName === 'data-ready' && r.target.dataset.ready === '1' && !window.__lw.ready)
      window.__lw.ready = now;
    if (r.attributeName === 'data-hover-index') {
      window.__lw.hoverAt = performance.now();
      window.__lw.hover = now;
      window.__lw.hoverValue = r.target.dataset.hoverIndex;
    }
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-ready', 'data-hover-index']});
"""

SETUP_CELL = """\
import json, time
import numpy as np
import torch
import latentwidgets as lw

torch.manual_seed(0)
X = torch.randn({n}, 16)
y = np.arange({n}) % 10
"""

EXPLORER_CELL = """\
_t0 = time.time()
explorer = lw.LatentExplorer(lambda x: x, None, X, labels=y, progress=False)
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
}"""

PEER_FIGURES = """{"t0": _t0, "constructor_s": _t1 - _t0}"""

# The extreme points in eight directions (few neighbours compete for the pointer there), and all
# coordinates' bounds, which frame the map.
HOVER_TARGETS = """(lambda c, a: (lambda idx: {
    "indices": idx, "points": c[idx].tolist(), "lo": c.min(0).tolist(), "hi": c.max(0).tolist(),
})([int((c @ [np.cos(t), np.sin(t)]).argmax()) for t in a]))(explorer.coords, np.arange(8) * np.pi / 4)"""

# What is under a page position: the map canvas, or something over it (the legend).
ON_CANVAS = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  return !!el && el.classList.contains('lw-map-canvas');
}"""
HOVER_SAMPLES = 4


@contextmanager
def jupyter_server() -> Iterator[JupyterServer]:
    """The browser tests' server (``tests/ui/_server.py``), in a folder of its own."""
    with (
        tempfile.TemporaryDirectory(prefix="bench_map_") as tmp,
        running_jupyter_server(Path(tmp)) as server,
    ):
        yield server


def measure_hover(lab: LabPage, root: Any) -> list[dict[str, Any]]:
    """Hover up to four extreme points on the canvas in turn; time the hover and its request."""
    root.scroll_into_view_if_needed()
    targets = lab.evaluate(HOVER_TARGETS)
    box = root.locator(MAP_CANVAS).bounding_box()
    framed = np.array([targets["lo"], targets["hi"], *targets["points"]], dtype=np.float64)
    positions = project_to_screen(framed, box)[2:]
    seen: set[int] = set()
    samples = []
    for index, (x, y) in zip(targets["indices"], positions, strict=True):
        if index in seen or not lab.page.evaluate(ON_CANVAS, [float(x), float(y)]):
            continue
        seen.add(index)
        before = root.get_attribute("data-hover-index")
        lab.page.evaluate("() => { window.__lw.requestAt = null; window.__lw.moveAt = null; }")
        start = lab.page.evaluate("Date.now()")
        lab.page.mouse.move(float(x), float(y))
        lab.page.wait_for_function(
            "(before) => window.__lw.hover !== null && window.__lw.hoverValue !== before",
            arg=before,
            timeout=HOVER_TIMEOUT_MS,
        )
        lab.page.wait_for_function("() => window.__lw.requestAt !== null", timeout=HOVER_TIMEOUT_MS)
        state = lab.page.evaluate("window.__lw")
        samples.append(
            {
                "target": index,
                "hovered": int(state["hoverValue"]),
                "hover_ms": state["hover"] - start,
                "move_to_request_ms": state["requestAt"] - state["moveAt"],
                "input_to_request_ms": state["requestAt"] - state["moveStamp"],
                "move_to_attribute_ms": state["hoverAt"] - state["moveAt"],
            }
        )
        # the next hover starts with no request in flight (latest-wins would hold it back)
        root.locator(f'.lw-hover-card[data-index="{state["hoverValue"]}"]').wait_for(
            state="attached", timeout=HOVER_TIMEOUT_MS
        )
        if len(samples) == HOVER_SAMPLES:
            break
    return samples


def measure(browser: Any, server: JupyterServer, n: int, tool: str) -> dict[str, Any]:
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
    cells = (
        [SETUP_CELL.format(n=n), EXPLORER_CELL]
        if ours
        else [SETUP_CELL.format(n=n), PEER_SETUP, PEER_CELL]
    )
    try:
        lab.notebook = write_notebook(server.root, lab.name, cells)
        page.goto(f"{server.url}/lab?token={server.token}&reset")
        page.evaluate(OPEN_IN_LAB, lab.notebook)
        page.wait_for_function(KERNEL_READY, timeout=120_000)
        received["counting"] = True
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            f"() => window.__lw.glPoints[{n}] !== undefined", timeout=READY_TIMEOUT_MS
        )
        gl_ms = page.evaluate(f"window.__lw.glPoints[{n}]")
        received["counting"] = False
        kernel = lab.evaluate(KERNEL_FIGURES if ours else PEER_FIGURES)
        call_to_gl_s = gl_ms / 1e3 - kernel["t0"]
        row: dict[str, Any] = {
            "tool": tool,
            "n": n,
            "call_to_gl_s": call_to_gl_s,
            "constructor_s": kernel["constructor_s"],
            "browser_share_s": call_to_gl_s - kernel["constructor_s"],
            "ws_binary_bytes": received["binary"],
            "ws_text_bytes": received["text"],
            "ws_binary_bytes_per_point": received["binary"] / n,
        }
        if ours:
            page.wait_for_function("() => window.__lw.ready !== null", timeout=READY_TIMEOUT_MS)
            root = lab.wait_for_widget()
            row |= {
                "call_to_ready_s": page.evaluate("window.__lw.ready") / 1e3 - kernel["t0"],
                "points_bytes": kernel["points_bytes"],
                "colors_bytes": kernel["colors_bytes"],
                "bytes_per_point": (kernel["points_bytes"] + kernel["colors_bytes"]) / n,
                "renderer": root.get_attribute("data-renderer"),
                "drawn_points": root.get_attribute("data-points"),
                "hover": measure_hover(lab, root),
            }
        row["page_errors"] = lab.page_errors
    finally:
        lab.shutdown_kernel()
        context.close()
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'tool':<14} {'N':>9} {'call->GL s':>10} {'->ready s':>9} {'ctor s':>7} "
        f"{'browser s':>9} {'ws B/pt':>8} {'move->request ms':>22} {'input->request ms':>22}"
    )
    for row in rows:
        samples = row.get("hover", [])
        request = "/".join(f"{s['move_to_request_ms']:.1f}" for s in samples) or "-"
        queued = "/".join(f"{s['input_to_request_ms']:.1f}" for s in samples) or "-"
        ready = f"{row['call_to_ready_s']:.2f}" if "call_to_ready_s" in row else "-"
        print(
            f"{row['tool']:<14} {row['n']:>9} {row['call_to_gl_s']:>10.2f} {ready:>9} "
            f"{row['constructor_s']:>7.2f} {row['browser_share_s']:>9.2f} "
            f"{row['ws_binary_bytes_per_point']:>8.1f} {request:>22} {queued:>22}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--no-peer", action="store_true", help="measure latentwidgets alone")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    load_before = os.getloadavg()
    with jupyter_server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tools = ["latentwidgets"] if args.no_peer else ["latentwidgets", "jupyter-scatter"]
            for n in args.sizes:
                for tool in tools:
                    print(f"{tool}, N = {n} ...", flush=True)
                    rows.append(measure(browser, server, n, tool))
        finally:
            browser.close()
    load_after = os.getloadavg()
    print_table(rows)
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    RESULTS.mkdir(exist_ok=True)
    result = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "rows": rows,
    }
    out = RESULTS / "bench_map.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
