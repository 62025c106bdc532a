"""Linked explorers: one selection, pin and interpolation across views of the same items.

:func:`link` ties explorers over the same items: a selection, a pin or interpolation end points set
in one (from the mouse or from Python) are set in the others; hovering a point highlights the same
item in the others, in the browser. :func:`compare` builds such a set from several models and lays
it out side by side, with their maps aligned and a table of what each model does.
"""

from __future__ import annotations

import html
import os
import pathlib
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets
import numpy as np
import torch
import traitlets
from sklearn.base import clone
from sklearn.manifold import trustworthiness

from ._engine.model import LatentModel
from .explorer import LatentExplorer
from .operations.quality import reconstruction_error
from .projections import Projection, make_projection

__all__ = ["Comparison", "compare", "link", "unlink"]

#: The traits that follow each other across linked explorers.
LINKED_TRAITS = ("_selection", "pinned", "interp_a", "interp_b")
#: Points used to measure a map's trustworthiness (it is quadratic in N).
TRUST_SAMPLE = 2000
#: The controls of a comparison: set on one explorer (its toolbar, or Python), set on the others.
SHARED_CONTROLS = (
    "projection",
    "projection_params",
    "dims",
    "color_by",
    "color_scale",
    "point_size",
    "opacity",
    "height",
)
#: The map height of a comparison's explorers unless ``height`` is given: two maps, their previews
#: and the table fit about 900 px.
COMPARE_HEIGHT = 320
#: The narrowest a comparison's map gets side by side with the others (px); narrower, they stack.
COMPARE_MIN_WIDTH = 220
#: The panels of a comparison's explorers unless ``panels`` is given: the preview under each map,
#: in one row, shows what each model makes of the point hovered or pinned in any of them.
COMPARE_PANELS = ("preview",)
#: The metrics of the table, in order, each with the line that explains it under the table.
METRICS = {
    "latent dims": "the size of each model's code",
    "reconstruction error": (
        "mean squared difference between each item and its decoding, averaged over the items; "
        "lower is better (n/a without a decoder)"
    ),
    "trustworthiness": (
        "how well the map keeps each point's nearest neighbours in latent space, 0-1, higher is "
        f"better (scikit-learn, k=10, on at most {TRUST_SAMPLE:,} points)"
    ),
}


class _Link:
    """One group of linked explorers; setting a trait in one sets it in the others, once."""

    def __init__(self, explorers: list[LatentExplorer]) -> None:
        self.group = uuid.uuid4().hex
        self.explorers: list[LatentExplorer] = []
        self._busy = threading.local()
        for explorer in explorers:
            self.add(explorer)

    def add(self, explorer: LatentExplorer) -> None:
        explorer.observe(self._follow, list(LINKED_TRAITS))
        explorer._link = self
        explorer._link_group = self.group
        self.explorers.append(explorer)

    def remove(self, explorer: LatentExplorer) -> None:
        explorer.unobserve(self._follow, list(LINKED_TRAITS))
        explorer._link = None
        explorer._link_group = ""
        self.explorers.remove(explorer)

    def _follow(self, change: Mapping[str, Any]) -> None:
        # Without this guard each set would echo back (A sets B, B sets A, ...): with three
        # explorers in a cycle it would never end.
        if getattr(self._busy, "on", False):
            return
        self._busy.on = True
        try:
            for other in self.explorers:
                if other is not change["owner"]:
                    other.set_trait(change["name"], change["new"])
        finally:
            self._busy.on = False


def link(*explorers: LatentExplorer) -> None:
    """Link explorers over the same items: selection, pin, interpolation and hover follow.

    Parameters
    ----------
    *explorers : LatentExplorer
        Two or more explorers of the same N items (in the same order). An explorer linked before
        leaves its old group.

    Raises
    ------
    TypeError
        If an argument is not a :class:`LatentExplorer`.
    ValueError
        If the explorers do not show the same number of items.
    """
    bad = [type(e).__name__ for e in explorers if not isinstance(e, LatentExplorer)]
    if bad:
        raise TypeError(f"link needs LatentExplorer objects; got {bad}")
    lengths = [len(e._core.store) for e in explorers]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"explorers must show the same items: lengths {lengths}; link explorers of one data set"
        )
    unlink(*explorers)
    _Link(list(explorers))


def unlink(*explorers: LatentExplorer) -> None:
    """Take explorers out of their linked group (the others stay linked)."""
    for explorer in explorers:
        current: _Link | None = getattr(explorer, "_link", None)
        if current is not None:
            current.remove(explorer)


class Comparison(ipywidgets.VBox):
    """Linked explorers of several models side by side, with a table of what each model does.

    One compact view: the maps side by side, under each its preview of the point hovered or pinned
    in any of them (one row: each model's decoding of the same point), one toolbar (the first
    explorer's; the others' are hidden) whose projection and colour settings every map follows,
    then the table.

    Attributes
    ----------
    explorers : dict of str to LatentExplorer
        One explorer per model, by the names given to :func:`compare`.
    table : dict of str to dict
        Per model: ``latent dims``, ``reconstruction error`` (mean squared, None without a
        decoder) and ``trustworthiness`` of its map (scikit-learn's, k=10, on at most 2,000 points).
    """

    def __init__(self, explorers: dict[str, LatentExplorer], table: dict[str, dict[str, Any]]):
        self.explorers = explorers
        self.table = table
        self._controls = _SharedControls(list(explorers.values()))
        cells = []
        for k, (name, explorer) in enumerate(explorers.items()):
            explorer.layout = ipywidgets.Layout(flex="1 1 0", min_width="0", width="auto")
            if k > 0:
                explorer.add_class("lw-compare-follower")  # styles.css hides its toolbar
            title = ipywidgets.HTML(f"{html.escape(name)}")
            title.add_class("lw-compare-title")
            # Side by side while each map gets at least COMPARE_MIN_WIDTH px; under that, stacked.
            cell = ipywidgets.VBox(
                [title, explorer],
                layout=ipywidgets.Layout(
                    flex=f"1 1 {COMPARE_MIN_WIDTH}px", min_width="0", width="auto"
                ),
            )
            cell.add_class("lw-compare-cell")
            cells.append(cell)
        # The cells end together: the maps (one height) and the preview row line up under the
        # first explorer's toolbar, which the others do without.
        row = ipywidgets.HBox(
            cells,
            layout=ipywidgets.Layout(
                width="100%", overflow="hidden", align_items="flex-end", flex_flow="row wrap"
            ),
        )
        row.add_class("lw-compare-maps")
        super().__init__([row, ipywidgets.HTML(_table_html(table))])
        self.add_class("lw-compare")

    def save_html(self, path: str | os.PathLike[str], **kwargs: Any) -> pathlib.Path:
        """Write the maps as one page, selection linked, with no kernel and no network.

        See :func:`latentwidgets.export.save_comparison` for the keyword arguments.
        """
        from .export import save_comparison

        return save_comparison(self, path, **kwargs)


class _SharedControls:
    """The settings that every explorer of a comparison follows (``SHARED_CONTROLS``).

    A change in one explorer (its toolbar or Python) is set in the others; one that does not apply
    to another (a colour column only one has, e.g. its own ``recon_error``; latent dimensions it
    lacks) leaves that one as it is.
    """

    def __init__(self, explorers: list[LatentExplorer]) -> None:
        self.explorers = explorers
        self._busy = threading.local()
        for explorer in explorers:
            explorer.observe(self._follow, list(SHARED_CONTROLS))

    def _follow(self, change: Mapping[str, Any]) -> None:
        if getattr(self._busy, "on", False):
            return
        self._busy.on = True
        try:
            for other in self.explorers:
                if other is change["owner"] or getattr(other, change["name"]) == change["new"]:
                    continue
                try:
                    setattr(other, change["name"], change["new"])
                except (traitlets.TraitError, ValueError, TypeError):
                    continue  # not a setting this explorer can take
        finally:
            self._busy.on = False


def compare(
    models: Mapping[str, Any],
    data: Any,
    *,
    labels: Any = None,
    projection: str | Projection = "pca",
    **kwargs: Any,
) -> Comparison:
    """Encode the same data with several models and show their maps side by side, linked.

    The maps are aligned to the first, so that the same items sit in comparable places: t-SNE and
    UMAP maps start from the first map's layout (see ``Projection.fit``'s ``init``), and every
    map is then turned and shifted onto the first by an orthogonal Procrustes fit (rotation,
    reflection and shift; for PCA that is the whole alignment).

    Parameters
    ----------
    models : mapping of str to model
        Each value an ``(encoder, decoder)`` pair, a :class:`LatentModel` or an encoder alone.
    data : any data the explorer takes
        The items, encoded once per model.
    labels : sequence, optional
        One label per item, shared by every map (same colours).
    projection : str or Projection, default "pca"
        The projection of every map: a name, or an unfitted projection with your parameters
        (e.g. ``TSNE(perplexity=50)``), copied for each map.
    **kwargs
        Passed to each :class:`LatentExplorer` (e.g. ``color_by``, ``height``). By default a
        comparison's maps are ``height=320`` px with only the ``"preview"`` panel, so that two
        maps, their previews and the table fit about 900 px.

    Returns
    -------
    Comparison
        The composed widget; ``.explorers`` and ``.table`` hold the parts.
    """
    if not isinstance(models, Mapping):
        raise TypeError(
            "models must be a dict of name -> model, e.g. {'AE': (encoder, decoder), 'VAE': vae}, "
            f"each named for its map and table row; got {type(models).__name__}"
        )
    if not models:
        raise ValueError("compare needs at least one model: a dict of name -> (encoder, decoder)")
    kwargs.setdefault("height", COMPARE_HEIGHT)
    kwargs.setdefault("panels", list(COMPARE_PANELS))
    explorers: dict[str, LatentExplorer] = {}
    first: np.ndarray | None = None
    for name, spec in models.items():
        encoder, decoder = _pair(spec, name)
        try:
            # The later maps open on the instant PCA and are then computed once, from the first
            # map's layout, rather than once on their own and again from that start.
            explorer = LatentExplorer(
                encoder,
                decoder,
                data,
                labels=labels,
                projection=_fresh(projection) if first is None else "pca",
                progress=False,
                **kwargs,
            )
            explorer.wait()
            if first is None:
                first = explorer.coords.copy()
            else:
                explorer._core.scheduler.reset(explorer.latents, align_to=first)
                explorer.show_projection(_fresh(projection))
                explorer.wait()
        except Exception as error:
            for made in explorers.values():
                made.close()
            raise _naming(error, f"compare: model {name!r}: {error}") from error
        explorers[str(name)] = explorer
    link(*explorers.values())
    return Comparison(explorers, {name: _summary(e) for name, e in explorers.items()})


def _naming(error: Exception, message: str) -> Exception:
    """Return the same kind of error with a message that says which model it came from."""
    try:
        return type(error)(message)
    except Exception:  # an exception class that takes other arguments
        return RuntimeError(message)


def _fresh(projection: str | Projection) -> Projection:
    """Return an unfitted projection of its own for one map, from a name or a configured one."""
    if isinstance(projection, Projection):
        return clone(projection)
    return make_projection(projection)


def _pair(spec: Any, name: object) -> tuple[Any, Callable[..., Any] | None]:
    if isinstance(spec, LatentModel):
        return spec, None
    if isinstance(spec, tuple) and len(spec) == 2:
        return spec[0], spec[1]
    if callable(spec):
        return spec, None
    raise TypeError(
        f"models[{name!r}] must be an (encoder, decoder) pair, a LatentModel or an encoder; "
        f"got {type(spec).__name__}"
    )


def _summary(explorer: LatentExplorer) -> dict[str, Any]:
    latents = explorer.latents
    error = None
    if explorer.model.has_decoder:
        try:
            # the operation itself: the widget's method would also recolour the map
            values = reconstruction_error(explorer.model, explorer._core.source, latents)
            error = float(values.float().mean())
        except (ValueError, TypeError) as failure:  # e.g. outputs not comparable with inputs
            error = None
            explorer._core.report(failure, "reconstruction error")
    rng = np.random.default_rng(0)
    chosen = np.sort(rng.permutation(len(latents))[:TRUST_SAMPLE])
    codes = latents[torch.as_tensor(chosen, device=latents.device)].float().cpu().numpy()
    k = max(1, min(10, len(chosen) // 2 - 1))
    trust = float(trustworthiness(codes, explorer.coords[chosen], n_neighbors=k))
    return {
        "latent dims": int(latents.shape[1]),
        "reconstruction error": error,
        "trustworthiness": trust,
    }


def _table_html(table: dict[str, dict[str, Any]]) -> str:
    """Return the metrics as an HTML table (names escaped), with one line explaining each metric."""

    def cell(metric: str, value: Any) -> str:
        if value is None:
            return "n/a"
        if isinstance(value, float):
            # trustworthiness lies in 0-1: three decimals; an error may be any size: 3 digits
            return f"{value:.3f}" if metric == "trustworthiness" else f"{value:.3g}"
        return html.escape(str(value))

    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in ["model", *METRICS])
    rows = "".join(
        f'<tr><th scope="row">{html.escape(name)}</th>'
        + "".join(f"<td>{cell(c, row.get(c))}</td>" for c in METRICS)
        + "</tr>"
        for name, row in table.items()
    )
    notes = "".join(
        f"<li><b>{html.escape(name)}</b>: {html.escape(text)}</li>"
        for name, text in METRICS.items()
    )
    return (
        f'<table class="lw-compare-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
        f'</table><ul class="lw-compare-metrics">{notes}</ul>'
    )
