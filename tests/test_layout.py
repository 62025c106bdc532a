"""The layout a newcomer reads in a minute: no module of the package over 450 lines."""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).parent.parent
MAX_LINES = 450


def test_no_package_file_is_over_450_lines():
    files = [*(ROOT / "latentwidgets").rglob("*.py"), *(ROOT / "js" / "src").rglob("*.ts")]
    long = {
        str(path.relative_to(ROOT)): n
        for path in files
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these into modules with one job each: {long}"
