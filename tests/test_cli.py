from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from latentwidgets.cli import _lab_command, _quickstart, main


def test_demo_html_writes_a_standalone_page(tmp_path, capsys):
    out = tmp_path / "digits.html"
    assert main(["demo", "--html", str(out)]) == 0
    html = out.read_text()
    assert html.count("data:image/png;base64,") >= 1797
    assert '<script src="http' not in html
    assert "wrote" in capsys.readouterr().out


def test_lab_command_allows_root_only_as_root(tmp_path):
    command = _lab_command(tmp_path / "quickstart.ipynb", no_browser=True, port=9999)
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    assert "--no-browser" in command
    assert "--port=9999" in command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_demo_starts_jupyterlab_on_the_quickstart(tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "latentwidgets.cli",
            "demo",
            "--no-browser",
            "--port",
            str(port),
            "--dir",
            str(tmp_path / "demo"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=2) as r:
                    status = r.status
                    break
            except urllib.error.HTTPError as error:  # 403 without the token: the server is up
                status = error.code
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer"
        assert (tmp_path / "demo" / "quickstart.ipynb").read_bytes() == _quickstart().read_bytes()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        output = process.communicate(timeout=30)[0]
    assert "quickstart.ipynb" in output
    assert "token=" in output  # the URL is printed with --no-browser
