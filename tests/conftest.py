from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import torch
from torch.utils.data import TensorDataset

from latentwidgets import LatentExplorer
from tests._toy import ToyAE, X, Y

# Tiny test models run 5-10x slower on two threads than on one when the two cores are shared with a
# Jupyter server and Chromium, as they are during the browser tests.
torch.set_num_threads(1)
# No t-SNE worker started ahead by every explorer (and every kernel of the browser tests, which
# inherit this): 2 CPU s and 200 MB each, and a process that tests of CPU use would count.
# tests/test_tsne_prestart.py turns it back on.
os.environ.setdefault("LATENTWIDGETS_PRESTART", "0")


#: Groups the browser tests are shared out to, each run in one worker with its own Jupyter server
#: and Chromium. With one group, the worker that ran the other tests sat idle for the end of the
#: run: `.ci/run` took 22 min of pytest with one group, 19 min with two (2 cores).
BROWSER_GROUPS = 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under pytest-xdist (`-n auto`, `--dist loadgroup`) each group of browser tests runs one test
    # after another in one worker; whole files go to the group with the fewest tests so far.
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        if "browser" in item.keywords:
            files.setdefault(item.path.name, []).append(item)
    sizes = [0] * BROWSER_GROUPS
    for tests in sorted(files.values(), key=len, reverse=True):
        group = sizes.index(min(sizes))
        sizes[group] += len(tests)
        for item in tests:
            item.add_marker(pytest.mark.xdist_group(f"browser-{group}"))
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The one Playwright of the session: its sync API runs one instance per thread at a time, so
    every browser a test launches comes from this one."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as instance:
        yield instance


@pytest.fixture
def ae() -> ToyAE:
    """The toy autoencoder, in eval mode (its dropout off)."""
    return ToyAE().eval()


@pytest.fixture
def explorer(ae: ToyAE) -> LatentExplorer:
    """An explorer of the toy data with labels, as most widget tests start from."""
    return LatentExplorer(ae.encode, ae.decode, TensorDataset(X, Y), progress=False)
