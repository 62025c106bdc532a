"""The samples view: new codes drawn from a prior, decoded in one batch, placed on the map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from .._widget.feature import Feature, command
from .._widget.serialization import array_trait
from ..operations.sample import sample_codes

#: Most samples the widget's gallery shows (``sample`` returns all it is asked for).
SHOWN_SAMPLES = 256


class SamplesFeature(Feature):
    """Traits and methods of the sample gallery."""

    _samples = array_trait(help="(S, H, W, 4) uint8 RGBA decoded samples", parts=("samples",))
    _sample_points = array_trait(
        help="(S, 2) float32 map coordinates of the samples' codes", parts=("samples",)
    )

    def _attach(self, core: Any) -> None:
        self.sample_codes_: torch.Tensor | None = None
        self.sample_prior_: str | None = None

    def sample(self, n: int = 16, prior: str = "auto", seed: int | None = None) -> torch.Tensor:
        """Decode ``n`` new codes in one batch and show them in the gallery and on the map.

        Parameters
        ----------
        n : int, default 16
            How many samples, at least 1; the widget's gallery shows the first 256.
        prior : {"auto", "normal", "fitted"}, default "auto"
            ``"normal"`` draws from N(0, I), the prior of a VAE; ``"fitted"`` from a Gaussian fitted
            to the codes, the honest choice for a plain autoencoder; ``"auto"`` picks ``"normal"``
            when the codes look standard and ``"fitted"`` otherwise. The prior used is in
            ``sample_prior_``, the codes in ``sample_codes_``.
        seed : int, optional
            Seed, for the same samples again.

        Returns
        -------
        torch.Tensor
            ``(n, ...)`` decoded samples on the model's device.
        """
        core = self._core
        core.check_open()
        if not core.model.has_decoder:
            raise ValueError("sampling needs a decoder; this explorer has none")
        if isinstance(n, np.integer) and not isinstance(n, np.bool_):
            n = int(n)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive int; got {n!r}")
        codes, used = sample_codes(core.latents, n, prior=prior, seed=seed)
        decoded = core.store.decode_codes(codes)
        shown = codes[:SHOWN_SAMPLES]
        rgba = core.renderer.render_frames(decoded[:SHOWN_SAMPLES])
        self.sample_codes_, self.sample_prior_ = codes, used
        with self.hold_sync():
            self._samples = rgba
            core.show_frames("samples", decoded[:SHOWN_SAMPLES])
            core.place_on_map("samples", shown, self._show_points)
        core.open_panel("samples")
        return decoded

    def _show_points(self, coords: np.ndarray | None) -> None:
        self._sample_points = coords

    @command("sample", fields={"n": "int"})
    def sample_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """Answer the browser's sample button: ``{n}`` -> ``{count}`` (or ``{error}``)."""
        n = int(msg["n"])
        if not 1 <= n <= SHOWN_SAMPLES:
            raise ValueError(f"the widget asks for 1 to {SHOWN_SAMPLES} samples; got {n}")
        return {"count": len(self.sample(n))}
