"""Where the model fails and how the codes group: reconstruction error and clusters as colours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from ..operations.clusters import kmeans
from ..operations.quality import Metric, reconstruction_error
from .host import ExplorerHost
from .serialization import array_trait

WORST_SHOWN = 16


class QualityView(ExplorerHost):
    """Traits and methods of the reconstruction-error colour, the worst-k gallery and clusters."""

    _worst = array_trait(help="(k,) uint32 points with the largest reconstruction error")
    _legend_images = array_trait(help="(K, H, W, 4) uint8 RGBA image of each legend category")

    def _init_quality(self) -> None:
        self.cluster_centroids_: torch.Tensor | None = None
        # pictures of a column's categories, shown in the legend: what each cluster *is*
        self._category_images: dict[str, np.ndarray] = {}
        self.observe(self._on_legend_images, "color_by")

    def _on_legend_images(self, change: Mapping[str, Any] | None = None) -> None:
        self._legend_images = self._category_images.get(self.color_by)

    def reconstruction_error(
        self, metric: str | Metric = "mse", *, worst: int = WORST_SHOWN
    ) -> torch.Tensor:
        """One reconstruction error per point, as the colour column ``"recon_error"``.

        Inputs and reconstructions are compared in batches on the model's device; the codes are
        the ones already encoded. The widget colours the map by the error and lists the ``worst``
        points (input beside reconstruction).

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
        if isinstance(worst, bool) or not isinstance(worst, int) or worst < 0:
            raise ValueError(f"worst must be an int >= 0; got {worst!r}")
        errors = reconstruction_error(
            self._model, self._source, self.latents, metric=metric, progress=False
        )
        values = errors.detach().float().cpu().numpy()
        order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")[:worst]
        with self.hold_sync():
            self.add_column("recon_error", values)
            self._worst = order.astype(np.uint32) if worst else None
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
        labels, centroids = kmeans(self.latents, k, seed=seed)
        self.cluster_centroids_ = centroids
        if self._model.has_decoder:
            decoded = self._store.decode_codes(centroids)
            self._category_images["cluster"] = self._renderer.render_frames(decoded)
        self.add_column("cluster", labels.cpu().numpy())
        self._on_legend_images()
        return labels
