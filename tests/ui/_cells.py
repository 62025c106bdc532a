"""Notebook cells for the browser tests: a toy model whose map layout is known and fast to build.

Sixty 8x8 "images" carry their own 2-d code in their first two pixels; the encoder reads it back, so
the map shows three clusters (left, right, top) of 20 points on a grid, far apart, none overlapping.
The decoder is a fixed linear map; it refuses codes with z0 > 3 (the right cluster) once
``refuse = True`` is set, to test how errors show.
"""

from __future__ import annotations

N_POINTS = 60
CLUSTER_SIZE = 20
LEFT = range(0, 20)
RIGHT = range(20, 40)
TOP = range(40, 60)
REFUSAL = "toy decoder refuses codes with z0 > 3"

TOY_MODEL = f"""\
import numpy as np
import torch
import latentwidgets as lw

grid = np.stack(np.meshgrid(np.arange(5), np.arange(4)), -1).reshape(-1, 2) * 0.5
centres = np.array([[-6.0, -3.0], [6.0, -3.0], [0.0, 5.0]])
codes = np.concatenate([c + grid - grid.mean(0) for c in centres]).astype(np.float32)
images = torch.zeros(len(codes), 1, 8, 8)
images.view(len(codes), -1)[:, :2] = torch.from_numpy(codes)
labels = np.repeat(["left", "right", "top"], 20)
mixing = torch.linspace(-1.0, 1.0, 128).reshape(2, 64)
refuse = False


def encode(x):
    return x.reshape(len(x), -1)[:, :2]


def decode(z):
    if refuse and bool((z[:, 0] > 3).any()):
        raise ValueError({REFUSAL!r})
    return torch.sigmoid(z @ mixing).reshape(len(z), 1, 8, 8)
"""

EXPLORER = """\
explorer = lw.LatentExplorer(encode, decode, images, labels=labels, progress=False)
explorer.point_size = 10
explorer
"""

TOY_EXPLORER = [TOY_MODEL, EXPLORER]

# Four latent dimensions: z2, z3 are z0, z1 turned a quarter (the dims map of [2, 3] is the toy map
# of [0, 1] rotated), so that the dims picker has dimensions to choose that move the points.
WIDE_EXPLORER = """\
def encode4(x):
    z = encode(x)
    return torch.cat([z, z[:, 1:], -z[:, :1]], dim=1)


def decode4(z):
    return decode(z[:, :2])


explorer = lw.LatentExplorer(encode4, decode4, images, labels=labels, progress=False)
explorer.point_size = 10
explorer
"""

WIDE_TOY_EXPLORER = [TOY_MODEL, WIDE_EXPLORER]
