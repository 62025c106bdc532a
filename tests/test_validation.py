"""Hardening of the widget: bad input is refused where it enters, naming the argument; failures and
closing leave nothing running and nothing stale."""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest
import torch
import traitlets
from sklearn.datasets import load_digits

from latentwidgets import TSNE, LatentDims, LatentExplorer, LatentModel, ModelError
from latentwidgets.projections import _scheduler, _tsne
from tests._toy import ToyAE

N = 60
X = torch.rand(N, 1, 4, 4, generator=torch.Generator().manual_seed(3))


@pytest.fixture
def ae() -> ToyAE:
    return ToyAE().eval()


@pytest.fixture
def explorer(ae) -> LatentExplorer:
    return LatentExplorer(ae.encode, ae.decode, X, progress=False)


def _digits_explorer(**kwargs) -> LatentExplorer:
    codes = torch.from_numpy(load_digits().data.astype(np.float32))
    return LatentExplorer(lambda x: x, None, codes, progress=False, **kwargs)


# ---------------------------------------------------------------- constructor


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"projection": "foo"},
            ValueError,
            r"projection must be one of \[.*'pca'.*\].*; got 'foo'",
        ),
        ({"projection": 3}, ValueError, r"projection must be one of .*; got 3"),
        ({"color_by": "nope"}, ValueError, r"color_by must be '' or one of the columns"),
        ({"projection": TSNE(perplexity=500)}, ValueError, r"perplexity must be .* for 60 samples"),
        (
            {"projection": LatentDims((0, 9))},
            ValueError,
            r"dims must be two integers in \[0, n_features\) = \[0, 3\); got \(0, 9\)",
        ),
        ({"colour": "label"}, TypeError, r"unexpected keyword arguments: \['colour'\]"),
        ({"height": 5000}, traitlets.TraitError, r"height must be in \[0, 4000\]"),
        ({"batch_size": 0}, ValueError, r"batch_size must be a positive int"),
        ({"cache_bytes": -1}, ValueError, r"cache_bytes must be an int >= 0"),
        ({"value_range": (1, 0)}, ValueError, r"value_range must be 'auto' or a \(lo, hi\)"),
        ({"preview_fn": "png"}, TypeError, r"preview_fn must be a callable"),
    ],
)
def test_constructor_refuses_bad_arguments_by_name(ae, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        LatentExplorer(ae.encode, ae.decode, X, progress=False, **kwargs)


def test_a_latent_model_takes_its_own_options(ae):
    model = LatentModel(ae.encode, ae.decode, progress=False)
    with pytest.raises(TypeError, match=r"pass \['decoder', 'device'\] to the LatentModel"):
        LatentExplorer(model, ae.decode, X, device="cpu", progress=False)
    explorer = LatentExplorer(ae.encode, ae.decode, X, progress=False, batch_size=7)
    assert explorer.model.batch_size == 7


def test_codes_of_one_value_per_item_cannot_make_a_map():
    one = LatentModel(lambda x: x[:, :1], progress=False)
    with pytest.raises(
        ValueError, match=r"encoder: its codes have 1 value per item, .* at least 2"
    ):
        LatentExplorer(one, data=torch.rand(10, 3), progress=False)


def test_a_configured_projection_can_come_first(ae):
    widget = LatentExplorer(ae.encode, ae.decode, X, projection=LatentDims((2, 1)), progress=False)
    assert widget.projection == "dims"
    np.testing.assert_allclose(widget.coords, widget.latents[:, [2, 1]].numpy())


# ---------------------------------------------------------------- traits


@pytest.mark.parametrize(
    ("trait", "value", "pattern"),
    [
        ("pinned", 10**6, r"pinned must be a point index in \[0, 60\) or -1; got 1000000"),
        ("pinned", 1.5, r"pinned must be an integer point index or -1 for none; got float 1.5"),
        ("pinned", True, r"pinned must be an integer point index .* got bool"),
        ("pinned", -2, r"pinned must be a point index >= 0, or -1 for none; got -2"),
        ("interp_a", 60, r"interp_a must be a point index in \[0, 60\)"),
        ("interp_b", "3", r"interp_b must be an integer point index"),
        ("interp_steps", 300, r"interp_steps must be in \[2, 256\]"),
        ("interp_steps", 4.0, r"interp_steps must be an integer"),
        ("interp_method", "cubic", r"interp_method"),
        ("opacity", 2.0, r"opacity must be in \[0, 1\]"),
        ("opacity", float("nan"), r"opacity must be in \[0, 1\]"),
        ("point_size", -1, r"point_size must be in \[0, 100\]"),
        ("point_size", "big", r"point_size must be a number"),
        ("height", -1, r"height must be in \[0, 4000\]"),
        ("projection", "nope", r"projection must be one of"),
        ("color_by", "nope", r"color_by must be '' or one of the columns"),
    ],
)
def test_traits_refuse_bad_values_at_assignment(explorer, trait, value, pattern):
    before = getattr(explorer, trait)
    with pytest.raises(traitlets.TraitError, match=pattern):
        setattr(explorer, trait, value)
    assert getattr(explorer, trait) == before
    assert explorer._status["state"] == "idle"


def test_traits_take_numpy_integers(explorer):
    explorer.pinned = np.int64(5)
    explorer.interp_steps = np.int32(4)
    assert (explorer.pinned, explorer.interp_steps) == (5, 4)
    assert type(explorer.pinned) is int
    explorer.pinned = -1


# ---------------------------------------------------------------- indices


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda e: e.decode([1.5]),
            TypeError,
            r"indices must hold integer point indices; got float",
        ),
        (
            lambda e: e.decode(3.0),
            TypeError,
            r"indices must be a sequence of integer point indices",
        ),
        (
            lambda e: e.decode([60]),
            IndexError,
            r"indices must be point indices in \[0, 60\); got 60",
        ),
        (lambda e: e.decode("3"), TypeError, r"indices must be a sequence"),
        (lambda e: setattr(e, "selected", [1.5]), TypeError, r"selected must hold integer"),
        (lambda e: setattr(e, "selected", ["a"]), TypeError, r"selected must hold integer .* str"),
        (lambda e: setattr(e, "selected", [-1]), IndexError, r"selected must be point indices"),
        (lambda e: setattr(e, "selected", 4), TypeError, r"selected must be a sequence .*\[4\]"),
        (lambda e: e.zoom_to([1.0]), TypeError, r"indices must hold integer"),
        (lambda e: e.interpolate(0, 1.5), TypeError, r"b must be an integer point index"),
        (lambda e: e.interpolate(0, 99), IndexError, r"b must be a point index in \[0, 60\)"),
        (lambda e: e.interpolate(0, 1, steps=1), ValueError, r"steps"),
        (lambda e: e.interpolate(0, 1, method="cubic"), ValueError, r"method"),
    ],
)
def test_index_arguments_are_checked_by_one_validator(explorer, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(explorer)


def test_index_arguments_take_numpy_and_torch_integers(explorer):
    assert explorer.decode(np.int64(3)).shape == (1, 4, 4)
    assert explorer.decode(torch.tensor([3, 4])).shape == (2, 1, 4, 4)
    explorer.selected = np.array([3, 1], np.int32)
    assert explorer.selected == [1, 3]
    explorer.selected = None
    assert explorer.selected == []


# ---------------------------------------------------------------- preview requests


@pytest.mark.parametrize(
    ("msg", "pattern"),
    [
        ({}, r"index must be an integer point index .* got NoneType"),
        ({"index": -1}, r"index must be a point index in \[0, 60\); got -1"),
        ({"index": 1.0}, r"index must be an integer point index"),
        ({"index": True}, r"index must be an integer point index"),
        ("index", r"a preview request must be \{'index': int\}"),
        ([3], r"a preview request must be"),
    ],
)
def test_malformed_preview_requests_get_an_error_and_no_pixels(explorer, msg, pattern):
    response, buffers = explorer.preview(msg, [])
    assert response["recon"] is None
    assert response["input"] is None
    assert buffers == []
    assert re.search(pattern, response["error"])
    assert explorer._status["state"] == "error"


# ---------------------------------------------------------------- failures keep their cause


def test_interpolate_with_a_failing_decoder_raises_model_error_with_the_cause(ae):
    def broken(z):
        raise ZeroDivisionError("the decoder divides by zero")

    widget = LatentExplorer(ae.encode, broken, X, progress=False)
    with pytest.raises(ModelError, match="the decoder raised ZeroDivisionError") as caught:
        widget.interpolate(0, 1, steps=4)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert widget._status["state"] == "error"
    assert "divides by zero" in widget._status["message"]


def test_show_projection_checks_parameters_before_any_work(explorer):
    coords, options = explorer.coords.copy(), list(explorer._projection_options)
    with pytest.raises(ValueError, match=r"perplexity must be a float in \(0, n_samples\)"):
        explorer.show_projection(TSNE(perplexity=500))
    assert explorer.projection == "pca"
    assert explorer._core.scheduler._task is None  # nothing started in the background
    np.testing.assert_array_equal(explorer.coords, coords)
    assert explorer._projection_options == options


# ---------------------------------------------------------------- t-SNE and closing


def test_sklearn_tsne_final_map_is_drawn_and_named(monkeypatch):
    monkeypatch.setattr(_tsne, "_opentsne_installed", lambda: False)
    monkeypatch.setattr(_scheduler, "LIVE_INTERVAL_S", 0.0)
    widget = _digits_explorer()
    drawn: list[tuple[str, np.ndarray]] = []
    widget.observe(
        lambda change: drawn.append((widget._points_projection, change["new"])), "_points"
    )
    widget.show_projection(TSNE(max_iter=250, backend="sklearn"))
    widget.wait(timeout=120)
    assert widget._points_projection == "tsne"
    assert widget._status["state"] == "idle"
    final = widget.projection_of("tsne")
    # A live layout equal to the final map would make the final update change nothing in the
    # browser (equal DataViews), leaving the map named "tsne (running)".
    for name, coords in drawn[:-1]:
        assert not np.array_equal(coords, final), f"a live layout ({name}) equals the final map"


def test_close_during_tsne_stops_the_fit_and_touches_nothing(monkeypatch):
    widget = _digits_explorer()
    progressed = threading.Event()
    widget.observe(
        lambda change: progressed.set() if "iteration" in change["new"]["message"] else None,
        "_status",
    )
    widget.projection = "tsne"
    assert progressed.wait(60), "t-SNE never reached its iterations"
    task = widget._core.scheduler._task
    changed: list[str] = []
    widget.close()
    widget.observe(lambda change: changed.append(change["name"]), traitlets.All)
    started = time.monotonic()
    assert task is not None
    assert task.wait(1.0), "the fit kept running after close()"
    assert time.monotonic() - started < 1.0
    assert changed == []
    with pytest.raises(RuntimeError, match="closed"):  # no work starts on a closed widget
        widget.projection = "pca"
    assert widget._core.scheduler._task is task


def test_save_html_titles_the_frames_from_the_frames_not_the_status_line(explorer, tmp_path):
    explorer.interpolate(0, 9, steps=6)
    explorer.preview({"index": -5}, [])  # leaves an error in the status line
    assert explorer._status["state"] == "error"
    page = explorer.save_html(tmp_path / "map.html", thumbnails="none").read_text()
    assert "6 frames from 0 to 9 (slerp)" in page
    assert "must be a point index" not in page
