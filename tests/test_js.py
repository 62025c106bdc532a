"""Run the front end's own checks (vitest unit tests, TypeScript) as part of the one test command."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

JS = pathlib.Path(__file__).parent.parent / "js"

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


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
