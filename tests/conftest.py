from __future__ import annotations

import os

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under pytest-xdist (`-n auto`, `--dist loadgroup`) the browser tests run one after another
    # in one worker, sharing its Jupyter server and Chromium, while the others fill the rest.
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def ae() -> ToyAE:
    """The toy autoencoder, in eval mode (its dropout off)."""
    return ToyAE().eval()


@pytest.fixture
def explorer(ae: ToyAE) -> LatentExplorer:
    """An explorer of the toy data with labels, as most widget tests start from."""
    return LatentExplorer(ae.encode, ae.decode, TensorDataset(X, Y), progress=False)
