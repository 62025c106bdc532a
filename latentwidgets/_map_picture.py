"""A still picture of the map, made in the kernel, for hosts where the widget cannot run.

GitHub, nbconvert's HTML and other viewers with no widget manager show it. The points are framed as the browser frames them (centred, aspect kept, a margin of 1.08) and
drawn in the widget's colours, later points over earlier ones; a map of more points than fit
draws a seeded sample of them, like the canvas renderer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from .colors import point_colors

#: Points drawn at most; a larger map draws a seeded sample of this many.
MAX_POINTS = 200_000
BACKGROUND = (255, 255, 255)
NO_COLOUR = "#4c78a8"
MARGIN = 1.08


def _rgb(hex_colours: np.ndarray) -> np.ndarray:
    """``(N, 3)`` uint8 from ``#rrggbb`` strings."""
    digits = np.char.lstrip(hex_colours.astype(str), "#")
    value = np.array([int(h, 16) for h in digits.tolist()], dtype=np.uint32)
    return np.stack([(value >> 16) & 255, (value >> 8) & 255, value & 255], axis=1).astype(np.uint8)


def map_png(
    coords: np.ndarray,
    *,
    kind: str = "none",
    encoded: np.ndarray | None = None,
    categories: Sequence[str] = (),
    value_range: Sequence[float] = (0.0, 1.0),
    width: int = 640,
    height: int = 440,
    caption: str = "",
) -> bytes:
    """Return a PNG of ``coords`` (N, 2) coloured as the widget colours them, with a caption."""
    xy = np.asarray(coords, np.float64)
    finite = np.isfinite(xy).all(axis=1)
    rows = np.flatnonzero(finite)
    if len(rows) > MAX_POINTS:
        rows = np.sort(np.random.default_rng(0).choice(rows, MAX_POINTS, replace=False))
    pixels = np.empty((height, width, 3), np.uint8)
    pixels[:] = BACKGROUND
    if len(rows):
        if kind in ("categorical", "continuous") and encoded is not None:
            colours = _rgb(point_colors(kind, np.asarray(encoded)[rows], categories, value_range))
        else:
            colours = np.tile(_rgb(np.array([NO_COLOUR])), (len(rows), 1))
        points = xy[rows]
        low, high = points.min(axis=0), points.max(axis=0)
        centre, half = (low + high) / 2, np.maximum((high - low) / 2, 1e-12)
        scale = min(width / 2 / half[0], height / 2 / half[1]) / MARGIN
        px = np.round(width / 2 + (points[:, 0] - centre[0]) * scale).astype(np.int64)
        py = np.round(height / 2 - (points[:, 1] - centre[1]) * scale).astype(np.int64)
        radius = 2 if len(rows) < 20_000 else 1
        for dx in range(-radius, radius + 1):
            for dy in range(-radius, radius + 1):
                if dx * dx + dy * dy > radius * radius:
                    continue
                x, y = px + dx, py + dy
                inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
                pixels[y[inside], x[inside]] = colours[inside]
    picture = Image.fromarray(pixels)
    if caption:
        ImageDraw.Draw(picture).text((8, height - 16), caption, fill=(90, 90, 90))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
