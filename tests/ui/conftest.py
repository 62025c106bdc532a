"""Real-browser harness: one Jupyter server and one Chromium per session, a fresh context per test.

The whole directory skips where ``/usr/bin/chromium`` (or playwright, JupyterLab, Notebook, or the
built front end) is missing, unless ``LATENTWIDGETS_REQUIRE_BROWSER=1`` (CI), where it fails instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from .._chromium import CHROMIUM, CHROMIUM_ARGS, skip_or_fail
from ._lab import ARTIFACTS, JupyterServer, LabPage

REPO = pathlib.Path(__file__).resolve().parents[2]
BUNDLE = REPO / "latentwidgets" / "static" / "widget.js"

BROWSER_ARGS = CHROMIUM_ARGS
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 60.0


def _missing_requirement() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    for package in ("playwright", "jupyterlab", "notebook", "nbformat"):
        if importlib.util.find_spec(package) is None:
            return f"the {package} Python package is not installed"
    if not BUNDLE.exists():
        return f"the front end is not built ({BUNDLE} is missing: cd js && npm run build)"
    return None


@pytest.fixture(scope="session", autouse=True)
def _browser_requirements() -> None:
    missing = _missing_requirement()
    if missing is None:
        return
    skip_or_fail(missing)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_settings(settings_dir: pathlib.Path) -> None:
    """Turn off the news pop-up (it covers the lower right) and keep off-screen outputs in the DOM."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in settings.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def _wait_for_server(
    url: str, token: str, process: subprocess.Popen[bytes], log: pathlib.Path
) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"jupyter server exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling a process we started, not the page under test
    raise RuntimeError(
        f"jupyter server not up after {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """JupyterLab 4 (which also serves Notebook 7) on a free port, with private dirs."""
    base = tmp_path_factory.mktemp("jupyter")
    notebooks = base / "notebooks"
    settings = base / "settings"
    for path in (notebooks, settings, base / "workspaces"):
        path.mkdir()
    _write_settings(settings)
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        # the kernel imports latentwidgets from this checkout, installed or not
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--LabServerApp.user_settings_dir={settings}",
        f"--LabServerApp.workspaces_dir={base / 'workspaces'}",
    ]
    log = base / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=notebooks,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, token, process, log)
        yield JupyterServer(url=url, token=token, root=notebooks, log=log)
    finally:
        # the server and its kernels share the process group started with the server
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])


@pytest.fixture
def lab(
    request: pytest.FixtureRequest, browser: Any, jupyter_server: JupyterServer
) -> Iterator[LabPage]:
    """A fresh browser context and page; the test fails on any uncaught page error."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    lab_page = LabPage(page, jupyter_server, _artifact_name(request.node.nodeid))
    try:
        yield lab_page
    finally:
        call = getattr(request.node, "report_call", None)
        failed = call is None or call.failed
        if failed or lab_page.page_errors:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{lab_page.name}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"screenshot failed: {error}")
            print("console errors:\n" + "\n".join(lab_page.console_errors))
            print("widgets:\n" + lab_page.describe_widgets())
            print("server log (end):\n" + jupyter_server.log.read_text(errors="replace")[-4000:])
        lab_page.shutdown_kernel()
        context.close()
    assert not lab_page.page_errors, "uncaught errors in the page:\n" + "\n".join(
        lab_page.page_errors
    )
