"""Where the model fails and how the codes group: reconstruction error and clusters as colours."""

from __future__ import annotations

import warnings

import numpy as np
import torch

from .._engine.model import LatentWarning
from .._widget.core import COLORS_CHANGED, ExplorerCore
from .._widget.feature import Feature
from .._widget.serialization import array_trait
from .._widget.status import Status
from ..operations.clusters import kmeans
from ..operations.quality import Metric, reconstruction_error, worst_order

WORST_SHOWN = 16


class QualityFeature(Feature):
    """Traits and methods of the reconstruction-error colour, the worst-k gallery and clusters."""

    _worst = array_trait(
        help="(k,) uint32 points with the largest reconstruction error", parts=("worst",)
    )
    _legend_images = array_trait(
        help="(K, H, W, 4) uint8 RGBA image of each legend category", parts=("colors",)
    )

    def _attach(self, core: ExplorerCore) -> None:
        self.cluster_centroids_: torch.Tensor | None = None
        # pictures of a column's categories, shown in the legend: what each cluster *is*
        self._category_images: dict[str, np.ndarray] = {}
        self._colored_by = ""
        core.events.on(COLORS_CHANGED, self._on_quality_colors)

    def _on_quality_colors(self, column: str, **_: object) -> None:
        self._colored_by = column
        self._legend_images = self._category_images.get(column)

    def reconstruction_error(
        self, metric: str | Metric = "mse", *, worst: int = WORST_SHOWN
    ) -> torch.Tensor:
        """One reconstruction error per point, as the colour column ``"recon_error"``.

        Inputs and reconstructions are compared in batches on the model's device; the codes are
        the ones already encoded. The widget colours the map by the error and lists the ``worst``
        points (input beside reconstruction). Points whose error is not a number (NaN, inf) are
        counted, named in a warning and listed first: the model fails on them.

        Parameters
        ----------
        metric : {"mse", "mae", "bce"} or callable, default "mse"
            Mean squared or absolute error, binary cross-entropy (inputs in [0, 1]), or a
            callable ``(reconstruction, input) -> (B,)`` tensor.
        worst : int, default 16
            How many of the worst points the widget lists (0 for none).

        Returns
        -------
        torch.Tensor
            ``(N,)`` errors on the model's device.
        """
        core = self._core
        core.check_open()
        if isinstance(worst, np.integer):
            worst = int(worst)
        if isinstance(worst, bool) or not isinstance(worst, int) or worst < 0:
            raise ValueError(f"worst must be an int >= 0; got {worst!r}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", LatentWarning)
            errors = reconstruction_error(
                core.model, core.source, core.latents, metric=metric, progress=False
            )
        for warning in caught:  # NaN errors: said in the status line, and warned as before
            core.set_status(Status.error(f"reconstruction error: {warning.message}"))
            warnings.warn(warning.message, LatentWarning, stacklevel=2)
        values = errors.detach().float().cpu().numpy()
        order = worst_order(values, worst)
        with self.hold_sync():
            core.add_column("recon_error", values)
            self._worst = order.astype(np.uint32) if worst else None
        if worst:
            core.open_panel("worst")
        return errors

    def cluster(self, k: int = 10, *, seed: int = 0) -> torch.Tensor:
        """k-means in latent space, as the colour column ``"cluster"`` (cluster 0 the largest).

        Runs in torch on the model's device. The centroids are in ``cluster_centroids_``; with a
        decoder, the legend shows each centroid decoded: what each cluster *is*.

        Parameters
        ----------
        k : int, default 10
            Number of clusters.
        seed : int, default 0
            Seed of the k-means++ initialisation.

        Returns
        -------
        torch.Tensor
            ``(N,)`` int64 cluster of each point, on the model's device.
        """
        core = self._core
        core.check_open()
        labels, centroids = kmeans(core.latents, k, seed=seed)
        self.cluster_centroids_ = centroids
        if core.model.has_decoder:
            decoded = core.store.decode_codes(centroids)
            self._category_images["cluster"] = core.renderer.render_frames(decoded)
        core.add_column("cluster", labels.cpu().numpy())
        self._legend_images = self._category_images.get(self._colored_by)
        return labels
