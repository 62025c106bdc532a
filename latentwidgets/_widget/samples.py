"""The samples view: new codes drawn from a prior, decoded in one batch, placed on the map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from anywidget.experimental import command

from ..operations.sample import sample_codes
from .host import ExplorerHost
from .serialization import array_trait

MAX_SAMPLES = 256


class SampleView(ExplorerHost):
    """Traits and methods of the sample gallery."""

    _samples = array_trait(help="(S, H, W, 4) uint8 RGBA decoded samples")
    _sample_points = array_trait(help="(S, 2) float32 map coordinates of the samples' codes")

    def _init_samples(self) -> None:
        self.sample_codes_: torch.Tensor | None = None
        self.sample_prior_: str | None = None

    def sample(self, n: int = 16, prior: str = "auto", seed: int | None = None) -> torch.Tensor:
        """Decode ``n`` new codes in one batch and show them in the gallery and on the map.

        Parameters
        ----------
        n : int, default 16
            How many samples, in ``[1, 256]``.
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
        if not self._model.has_decoder:
            raise ValueError("sampling needs a decoder; this explorer has none")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
            raise ValueError(f"n must be an int in [1, {MAX_SAMPLES}]; got {n!r}")
        codes, used = sample_codes(self.latents, n, prior=prior, seed=seed)
        decoded = self._store.decode_codes(codes)
        rgba = self._renderer.render_frames(decoded)
        self.sample_codes_, self.sample_prior_ = codes, used
        with self.hold_sync():
            self._samples = rgba
            self._place_on_map("_sample_points", codes)
        return decoded

    @command
    def sample_command(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's sample button: ``{n}`` -> ``{count}`` (or ``{error}``)."""
        try:
            n = msg.get("n", 16) if isinstance(msg, Mapping) else None
            if isinstance(n, bool) or not isinstance(n, int):
                raise TypeError(f"a sample request must be {{'n': int}}; got {msg!r:.60}")
            return {"count": len(self.sample(n))}, []
        except Exception as error:
            self._report(error, "sample")
            return {"error": f"{type(error).__name__}: {error}"}, []
