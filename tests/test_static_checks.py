"""The code is typed, linted and layered: mypy, ruff and import-linter run with pyproject.toml."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
LINTED = ["latentwidgets", "tests", "benchmarks", "docs", "js/dev"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_mypy_passes_on_the_package():
    result = _run("mypy", "--no-error-summary")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_ruff_lints_clean():
    result = _run("ruff", "check", *LINTED)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_ruff_format_is_applied():
    result = _run("ruff", "format", "--check", *LINTED)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_import_layers_hold():
    # The contracts in [tool.importlinter]: the engine imports nothing above it, operations only
    # the engine, projections never the widget. No cache: it would land in the checkout.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
