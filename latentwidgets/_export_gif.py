"""Animated GIFs of frames (e.g. decoded interpolation steps), for :mod:`latentwidgets.export`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from latentwidgets._bokeh_checks import _check_count, _check_positive
from latentwidgets.operations._checks import check_output_path
from latentwidgets.render import ValueRange, to_rgba_batch

__all__ = ["save_gif"]


def save_gif(
    path: str | os.PathLike[str],
    frames: Any,
    *,
    fps: float = 12.0,
    size: int = 128,
    value_range: ValueRange = "auto",
) -> Path:
    """Write frames (e.g. decoded interpolation steps) as an animated GIF that plays forth and back.

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten if it exists).
    frames : tensor, array or sequence
        At least one image: a batch ``(F, C, H, W)`` / ``(F, H, W)`` / ``(F, H, W, C)`` or a sequence
        of equally shaped images, as :func:`latentwidgets.render.to_rgba_batch` reads them.
    fps : float
        Frames per second, in (0, 100]: a GIF counts frame delays in hundredths of a second.
    size : int
        Width of the GIF in pixels, roughly: frames are scaled up by the whole factor
        ``max(1, size // width)`` without smoothing.
    value_range : "auto" or (float, float)
        How values map to grey levels, as in :func:`latentwidgets.render.to_rgba`; ``"auto"``
        detects one range over all frames.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If an argument is of the wrong type.
    ValueError
        If ``frames`` holds no images or ``fps`` / ``size`` / ``value_range`` is out of range.
    OSError
        Before any work, if ``path`` cannot be written (as for :func:`save_html`).
    """
    from PIL import Image

    target = check_output_path(path)
    fps = _check_positive(fps, "fps", "a number in (0, 100]")
    if fps > 100:
        raise ValueError(f"fps must be a number in (0, 100]; got {fps!r}")
    size = _check_count(size, "size")
    if frames is None or isinstance(frames, str) or not hasattr(frames, "__len__"):
        raise TypeError(
            f"frames must be a batch or a sequence of images; got {type(frames).__name__}"
        )
    if len(frames) == 0:
        raise ValueError("frames must hold at least 1 image; got 0")
    try:
        rgba = to_rgba_batch(frames, value_range=value_range)
    except ValueError as error:
        if "value_range" in str(error):
            raise
        raise ValueError(f"frames must be a batch of images: {error}") from error
    scale = max(1, size // rgba.shape[2])
    images = [
        Image.fromarray(f).resize(
            (f.shape[1] * scale, f.shape[0] * scale), Image.Resampling.NEAREST
        )
        for f in rgba
    ]
    images += images[-2:0:-1]  # forth and back: the ends are shown once per loop
    images[0].save(target, save_all=True, append_images=images[1:], duration=1000 / fps, loop=0)
    return target
