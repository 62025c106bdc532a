"""Real-browser harness: one Jupyter server and one Chromium per session, a fresh context per test.

The whole directory skips where ``/usr/bin/chromium`` (or playwright, JupyterLab, Notebook, or the
built front end) is missing, unless ``LATENTWIDGETS_REQUIRE_BROWSER=1`` (CI), where it fails instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Iterator
from typing import Any

import pytest

from .._chromium import CHROMIUM, CHROMIUM_ARGS, skip_or_fail
from ._lab import ARTIFACTS, JupyterServer, LabPage
from ._server import REPO, running_jupyter_server

BUNDLE = REPO / "latentwidgets" / "static" / "widget.js"

BROWSER_ARGS = CHROMIUM_ARGS
VIEWPORT = {"width": 1400, "height": 1000}


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


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """JupyterLab 4 (which also serves Notebook 7) on a free port, with private dirs."""
    with running_jupyter_server(tmp_path_factory.mktemp("jupyter")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
    yield chromium
    chromium.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])


@contextlib.contextmanager
def lab_page_in(
    request: pytest.FixtureRequest, browser: Any, jupyter_server: JupyterServer
) -> Iterator[LabPage]:
    """A fresh context and page of ``browser``; the test fails on any uncaught page error.

    On a failure (or a page error) it saves a screenshot to ``artifacts/`` and prints the console
    errors, the widgets' data attributes and the end of the server log.
    """
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


@pytest.fixture
def lab(
    request: pytest.FixtureRequest, browser: Any, jupyter_server: JupyterServer
) -> Iterator[LabPage]:
    """A fresh browser context and page; the test fails on any uncaught page error."""
    with lab_page_in(request, browser, jupyter_server) as lab_page:
        yield lab_page
