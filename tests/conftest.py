from __future__ import annotations

import pytest
import torch

# Tiny test models run 5-10x slower on two threads than on one when the two cores are shared with a
# Jupyter server and Chromium, as they are during the browser tests.
torch.set_num_threads(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
