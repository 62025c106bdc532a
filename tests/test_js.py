"""Run the front end's own checks (vitest unit tests, TypeScript, Biome) as part of the one test command."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

from tests._chromium import skip_or_fail

JS = pathlib.Path(__file__).parent.parent / "js"


@pytest.fixture(autouse=True, scope="module")
def _npm_installed() -> None:
    # CI requires the browser tests, and these with them: there a missing npm fails, not skips.
    if shutil.which("npm") is None:
        skip_or_fail("npm is not installed")


def _npm(*args: str) -> subprocess.CompletedProcess[str]:
    if not (JS / "node_modules").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, capture_output=True
        )
    return subprocess.run(["npm", *args], cwd=JS, capture_output=True, text=True, timeout=300)


def test_js_unit_tests_pass():
    result = _npm("test")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "passed" in result.stdout


def test_typescript_typechecks():
    result = _npm("run", "typecheck")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_biome_lint_passes():
    result = _npm("run", "lint")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
