"""Start JupyterLab (which also serves Notebook 7), or a marimo app, for browser tests and benchmarks.

Jupyter flags from shared/notes/browser-testing.md: root-safe, a token, private config, runtime,
IPython, settings and workspace folders, the app exposed to the page, and no news pop-up.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from ._lab import JupyterServer

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60.0


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


def _wait_for_server(probe: str, process: subprocess.Popen[bytes], log: pathlib.Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling a process we started, not the page under test
    raise RuntimeError(f"server not up after {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


@contextmanager
def _server_process(
    command: list[str], cwd: pathlib.Path, env: dict[str, str], log: pathlib.Path, probe: str
) -> Iterator[None]:
    """Run ``command`` until ``probe`` answers; stop it and its children afterwards."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_server(probe, process, log)
        yield
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


def _private_env(base: pathlib.Path) -> dict[str, str]:
    """The environment of a Jupyter server whose config, runtime and IPython folders are ``base``'s."""
    return _env_with_repo(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
    )


def _env_with_repo(**extra: str) -> dict[str, str]:
    # the kernel imports latentwidgets from this checkout, installed or not
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, **extra, "PYTHONPATH": path}


@contextmanager
def running_jupyter_server(base: pathlib.Path) -> Iterator[JupyterServer]:
    """JupyterLab on a free port with every folder under ``base``; stopped with its kernels."""
    notebooks = base / "notebooks"
    settings = base / "settings"
    for path in (notebooks, settings, base / "workspaces"):
        path.mkdir()
    _write_settings(settings)
    port, token = _free_port(), secrets.token_hex(16)
    env = _private_env(base)
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
    url = f"http://127.0.0.1:{port}"
    with _server_process(command, notebooks, env, log, f"{url}/api/status?token={token}"):
        yield JupyterServer(url=url, token=token, root=notebooks, log=log)


@contextmanager
def temporary_jupyter_server(prefix: str) -> Iterator[JupyterServer]:
    """``running_jupyter_server`` in a temporary folder of its own (the benchmarks' server)."""
    with (
        tempfile.TemporaryDirectory(prefix=prefix) as tmp,
        running_jupyter_server(pathlib.Path(tmp)) as server,
    ):
        yield server


@contextmanager
def running_marimo_app(app: pathlib.Path) -> Iterator[str]:
    """``marimo run app`` (the app view, no token) on a free port; yields its URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        app.name,
        "--headless",
        "--host=127.0.0.1",
        f"--port={port}",
        "--no-token",
    ]
    url = f"http://127.0.0.1:{port}"
    log = app.with_suffix(".log")
    with _server_process(command, app.parent, _env_with_repo(), log, url):
        yield url


@contextmanager
def running_voila(notebook: pathlib.Path) -> Iterator[str]:
    """Voilà serving ``notebook`` on a free port (private Jupyter folders); yields its page's URL."""
    port = _free_port()
    base = notebook.parent
    env = _private_env(base)
    command = [
        sys.executable,
        "-m",
        "voila",
        notebook.name,
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
    ]
    url = f"http://127.0.0.1:{port}"
    with _server_process(command, base, env, base / "voila.log", url):
        yield url
