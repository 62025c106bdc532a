"""Latent spaces past one machine: codes computed elsewhere, and encoding with Ray Data.

- :func:`read_latents` opens codes from a tensor, an array, a memory-mapped ``.npy`` file, a
  Parquet file or folder of shards, or an Arrow table, as a :class:`LatentTable`.
- :func:`encode_with_ray` runs a torch encoder over a ``ray.data.Dataset`` on a cluster's GPUs and
  gathers the codes, or writes them as Parquet shards that :func:`read_latents` opens.

pyarrow and Ray are optional: ``pip install latentwidgets[parquet]`` or ``latentwidgets[ray]``.
Neither is imported until a function needs it.
"""

from ._table import LatentTable
from .encode import encode, is_ray_dataset
from .ray_encode import encode_with_ray
from .readers import read_latents

__all__ = ["LatentTable", "encode", "encode_with_ray", "is_ray_dataset", "read_latents"]
