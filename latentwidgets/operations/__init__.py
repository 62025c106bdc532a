"""Latent operations: pure functions over codes and a model, each in a module of its own.

The widget calls them; none of them imports the widget. Everything stays in torch on the codes'
(or the model's) device, in chunks where a whole-data intermediate could exhaust memory.

- ``interpolation``: lerp / slerp between codes, along paths.
- ``neighbours``: ``nearest_neighbours`` (chunked, euclidean or cosine), ``map_overlap``.
- ``quality``: ``reconstruction_error`` per item (mse, mae, bce or a callable).
- ``clusters``: ``kmeans`` (k-means++, labels ordered by cluster size).
- ``sample``: ``choose_prior``, ``sample_codes`` from N(0, I) or a fitted Gaussian.
- ``vectors``: ``group_mask``, ``mean_difference``, ``column_direction`` (attribute vectors).
- ``traverse``: ``principal_directions``, ``direction_vector``, ``traversal_codes``.
- ``probe``: ``code_at`` (decode anywhere on the map), ``grid`` (manifold cells).
"""
