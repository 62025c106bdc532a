"""Driving JupyterLab / Notebook 7 from Playwright: open a notebook, run it, talk to its kernel."""

from __future__ import annotations

import dataclasses
import json
import pathlib
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

try:
    from playwright.sync_api import expect
except ImportError:  # the session fixture skips (or, in CI, fails) before any test calls it
    expect: Any = None

# screenshots: on failure, plus the ones tests take for people to look at (git-ignored)
ARTIFACTS = pathlib.Path(__file__).parent / "artifacts"
WIDGET_TIMEOUT_MS = 60_000
KERNEL_TIMEOUT_MS = 60_000

# The execution indicator turns idle before the kernel is usable; ask the app itself (needs
# expose_app_in_browser). Notebook 7 exposes the same `jupyterapp`.
KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.isReady && w.sessionContext.session
            && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}"""

OPEN_IN_LAB = """async (path) => {
  while (!window.jupyterapp) await new Promise((resolve) => setTimeout(resolve, 50));
  await window.jupyterapp.restored;
  await window.jupyterapp.commands.execute('docmanager:open', {path});
}"""

# Runs code in the notebook's own kernel (the one holding the widget) and returns its stdout.
EXECUTE = """async (code) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false});
  let stdout = '';
  let error = null;
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    if (type === 'stream' && msg.content.name === 'stdout') stdout += msg.content.text;
    if (type === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return {stdout, error};
}"""

DESCRIBE_WIDGETS = """(roots) => roots.map((root) => {
  const attributes = [...root.attributes].filter((a) => a.name.startsWith('data-'))
    .map((a) => `${a.name}=${a.value}`).join(' ');
  const status = root.querySelector('.lw-status');
  return `${attributes} | status: ${status ? status.textContent : '(no .lw-status)'}`;
})"""

# Marks the JSON line written by evaluate() among whatever else the kernel prints.
RESULT_MARK = "@@latentwidgets-ui@@"


@dataclasses.dataclass(frozen=True)
class JupyterServer:
    """A running Jupyter server: where it listens and where its notebooks live."""

    url: str
    token: str
    root: pathlib.Path
    log: pathlib.Path

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=20) as response:
            body = response.read()
        return json.loads(body) if body else None


def write_notebook(directory: pathlib.Path, name: str, cells: Sequence[str]) -> str:
    """Write a notebook of code cells with a python3 kernelspec (so no kernel dialog shows)."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    filename = f"{name}.ipynb"
    nbformat.write(notebook, directory / filename)
    return filename


def _is_known_notebook7_error(stack: str) -> bool:
    """Notebook 7.6's shortcut plugin throws on start-up, with or without any widget or settings.

    Seen on a notebook holding only ``print(1)``, with no user settings and with each widget lab
    extension disabled in turn; every frame of its stack with a source is in Notebook's own bundle.
    """
    frames = [line for line in stack.splitlines()[1:] if "://" in line]
    return (
        "Cannot read properties of undefined (reading 'schema')" in stack.splitlines()[0]
        and bool(frames)
        and all("/static/notebook/" in frame for frame in frames)
    )


class LabPage:
    """One browser page on the test server, with what it has seen: page errors, socket frames."""

    def __init__(self, page: Any, server: JupyterServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.sent_frames: list[str | bytes] = []
        self.notebook: str | None = None
        page.on("pageerror", self._on_page_error)
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("websocket", self._watch_socket)

    def _on_page_error(self, error: Any) -> None:
        stack = error.stack or str(error)
        if not _is_known_notebook7_error(stack):
            self.page_errors.append(stack)

    def _watch_socket(self, socket: Any) -> None:
        if "/channels" in socket.url:  # kernel channels: where comm messages travel
            socket.on("framesent", lambda payload: self.sent_frames.append(payload))

    # ---------------------------------------------------------------- notebooks
    def open_notebook(self, cells: Sequence[str], *, ui: str = "lab") -> Any:
        """Write ``cells`` to a notebook, open it in ``ui`` ("lab" or "notebook"), run all cells.

        Returns the locator of the widget's ``.lw-explorer`` root once it is in the page.
        """
        self.notebook = write_notebook(self.server.root, self.name, cells)
        query = f"?token={self.server.token}"
        if ui == "lab":
            # not /lab/tree/<path>: the server keeps that path in its shared page config, and
            # Notebook 7 pages served later try to open it in a file browser they lack (and throw)
            self.page.goto(f"{self.server.url}/lab{query}&reset")
            self.page.evaluate(OPEN_IN_LAB, self.notebook)
        else:
            self.page.goto(f"{self.server.url}/notebooks/{self.notebook}{query}")
        self.page.wait_for_function(KERNEL_READY, timeout=KERNEL_TIMEOUT_MS)
        self.page.evaluate(
            "async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
        return self.wait_for_widget()

    def open_saved(self, path: str) -> None:
        """Open the saved notebook at ``path`` (under the server's root) in Lab, running nothing."""
        self.notebook = path
        self.page.goto(f"{self.server.url}/lab?token={self.server.token}&reset")
        self.page.evaluate(OPEN_IN_LAB, path)

    def wait_for_widget(self) -> Any:
        root = self.page.locator(".lw-explorer").first
        try:
            root.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
        except Exception as error:
            outputs = self.page.locator(".jp-OutputArea-output").all_inner_texts()
            raise AssertionError(
                "no .lw-explorer in the page; cell outputs:\n" + "\n---\n".join(outputs)
            ) from error
        return root

    def describe_widgets(self) -> str:
        """Each widget root's data attributes and status line, for failure reports."""
        try:
            return "\n".join(self.page.locator(".lw-explorer").evaluate_all(DESCRIBE_WIDGETS))
        except Exception as error:  # the page may be gone
            return f"(could not read the widgets: {error})"

    def shutdown_kernel(self) -> None:
        """Stop this test's kernel through the REST API (kernels hold a torch import each)."""
        if self.notebook is None:
            return
        try:
            for session in self.server.api("GET", "/api/sessions"):
                if session.get("path", "").endswith(self.notebook):
                    self.server.api("DELETE", f"/api/sessions/{session['id']}")
        except OSError as error:
            print(f"could not shut down the kernel of {self.notebook}: {error}")

    # ---------------------------------------------------------------- the kernel
    def run_python(self, code: str) -> str:
        """Run ``code`` in the notebook's kernel; return its stdout, raise on a Python error."""
        result = self.page.evaluate(EXECUTE, code)
        if result["error"]:
            raise AssertionError(f"kernel raised {result['error']} running:\n{code}")
        return str(result["stdout"])

    def evaluate(self, expression: str) -> Any:
        """Evaluate a Python expression in the kernel and return it through JSON."""
        stdout = self.run_python(
            f"import json as _lw_json\nprint({RESULT_MARK!r} + _lw_json.dumps({expression}))"
        )
        for line in stdout.splitlines():
            if line.startswith(RESULT_MARK):
                return json.loads(line[len(RESULT_MARK) :])
        raise AssertionError(f"no result for {expression!r}; stdout was:\n{stdout}")

    def wait_for_python(self, expression: str, expected: Any, timeout_s: float = 20.0) -> None:
        """Poll a kernel expression until it equals ``expected`` (kernel state lags the page)."""
        deadline = time.monotonic() + timeout_s
        while (value := self.evaluate(expression)) != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"{expression} is {value!r}, expected {expected!r}")
            self.page.wait_for_timeout(100)


def comm_messages(frames: Sequence[str | bytes]) -> list[str]:
    """The comm messages among websocket frames the page sent (JSON text or binary frames)."""
    texts = [f.decode("latin-1") if isinstance(f, bytes) else f for f in frames]
    return [t for t in texts if '"comm_msg"' in t]
