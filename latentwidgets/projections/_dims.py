"""Two latent dimensions as they are, as the map's axes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._base import ArrayLike, ProgressCallback, Projection, _to_map


class LatentDims(Projection):
    """Two latent dimensions taken as they are, as map axes.

    ``can_transform`` is true; ``can_inverse_transform`` is false, since the other dimensions
    cannot be recovered from the two shown.

    Parameters
    ----------
    dims : pair of int, default=(0, 1)
        Indices of the latent dimensions shown along x and y, in ``[0, n_features)``.

    Attributes
    ----------
    dims_ : tuple of int
        The validated ``dims``.
    n_features_in_ : int
        Number of features of the fitted data.
    """

    name = "dims"
    can_transform = True
    can_inverse_transform = False
    instant = True
    _min_samples = 1

    def __init__(self, dims: Sequence[int] = (0, 1)) -> None:
        self.dims = dims

    def check_params(self, n_samples: int, n_features: int) -> None:
        super().check_params(n_samples, n_features)
        dims = tuple(self.dims) if isinstance(self.dims, Sequence | np.ndarray) else ()
        if len(dims) != 2 or not all(
            isinstance(d, int | np.integer) and not isinstance(d, bool) and 0 <= d < n_features
            for d in dims
        ):
            raise ValueError(
                f"dims must be two integers in [0, n_features) = [0, {n_features}); "
                f"got {self.dims!r}"
            )

    def _fit(
        self, X: ArrayLike, callback: ProgressCallback | None, init: np.ndarray | None = None
    ) -> None:
        self.dims_ = (int(self.dims[0]), int(self.dims[1]))

    def _transform(self, X: ArrayLike, callback: ProgressCallback | None) -> np.ndarray:
        return _to_map(X[:, list(self.dims_)])
