"""Latent operations: pure functions over codes and a model, each in a module of its own.

The widget calls them; none of them imports the widget. Each works on the codes' own device.

- :mod:`~latentwidgets.operations.interpolation`: lerp, slerp and interpolation paths
- :mod:`~latentwidgets.operations.neighbours`: nearest codes, chunked; overlap with the map
- :mod:`~latentwidgets.operations.traverse`: directions (dimensions, principal) and walks
- :mod:`~latentwidgets.operations.vectors`: attribute vectors from groups or columns
- :mod:`~latentwidgets.operations.sample`: new codes from a normal or a fitted prior
- :mod:`~latentwidgets.operations.quality`: reconstruction error per item
- :mod:`~latentwidgets.operations.clusters`: k-means in torch
- :mod:`~latentwidgets.operations.probe`: the code at a place on the map, grids of places
"""

from . import clusters, interpolation, neighbours, probe, quality, sample, traverse, vectors

__all__ = [
    "clusters",
    "interpolation",
    "neighbours",
    "probe",
    "quality",
    "sample",
    "traverse",
    "vectors",
]
