"""Debian's Chromium as every browser test here launches it (see shared notes: browser-testing.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Headless with software WebGL (SwiftShader); the network flags keep it from flooding the closed
# network with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
]

# CI sets this: there a browser test that would skip fails instead.
REQUIRE_BROWSER = os.environ.get("LATENTWIDGETS_REQUIRE_BROWSER") == "1"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a browser test for ``reason``, or fail it where browser tests are required."""
    if REQUIRE_BROWSER:
        pytest.fail(f"browser tests required (LATENTWIDGETS_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")
