"""Kernel-level tests of the LatentExplorer widget: traits, binary transfer and command handlers."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import traitlets

from latentwidgets import LatentExplorer, LatentModel, explore
from latentwidgets._widget.serialization import binary_to_array
from latentwidgets.render import to_rgba, to_rgba_batch
from tests._toy import N, X, Y


def send_command(widget, name: str, msg: dict, buffers=None):
    """Deliver a command the way the browser does and return what the widget sends back."""
    sent = []
    original = widget.send
    widget.send = lambda content, buffers=None: sent.append((content, buffers))
    try:
        widget._handle_msg(
            {
                "content": {
                    "data": {
                        "method": "custom",
                        "content": {
                            "id": "42",
                            "kind": "anywidget-command",
                            "name": name,
                            "msg": msg,
                        },
                    }
                },
                "buffers": buffers or [],
            }
        )
    finally:
        widget.send = original
    assert len(sent) == 1
    content, out_buffers = sent[0]
    assert content["id"] == "42"
    assert content["kind"] == "anywidget-command-response"
    return content["response"], out_buffers


def test_traits_after_construction(explorer, ae):
    assert explorer.latents.shape == (N, 3)
    np.testing.assert_array_equal(explorer.labels, Y.numpy())
    assert explorer.coords.shape == (N, 2)
    assert explorer._points_projection == "pca"
    assert explorer.color_by == "label"
    assert explorer._color_kind == "categorical"
    assert explorer._color_categories == ["0", "1", "2"]
    assert explorer._has_decoder is True
    assert "pca" in explorer._projection_options
    assert "tsne" in explorer._projection_options
    assert explorer._status["state"] == "idle"


def test_bulk_arrays_travel_as_binary_buffers(explorer):
    state = explorer.get_state()
    for key, dtype, shape, itemsize in [
        ("_points", "float32", [N, 2], 4),
        ("_colors", "uint8", [N], 1),  # 3 categories: one byte a point
    ]:
        value = state[key]
        assert isinstance(value["view"], memoryview), key
        assert value["dtype"] == dtype
        assert value["shape"] == shape
        assert value["view"].nbytes == int(np.prod(shape)) * itemsize
    np.testing.assert_array_equal(binary_to_array(state["_points"]), explorer.coords)


def test_pca_coords_match_projection(explorer):
    from sklearn.decomposition import PCA

    expected = PCA(2).fit_transform(explorer.latents.numpy())
    got = explorer.coords
    for k in range(2):
        sign = np.sign(expected[:, k] @ got[:, k])
        np.testing.assert_allclose(got[:, k], sign * expected[:, k], atol=1e-4)


def test_preview_command_returns_decoded_and_input_pixels(explorer):
    response, buffers = send_command(explorer, "preview", {"index": 7})
    assert response["index"] == 7
    assert "error" not in response
    recon, inp = response["recon"], response["input"]
    assert recon == {"kind": "image", "width": 4, "height": 4, "buffer": 0}
    assert inp["kind"] == "image"
    expected = to_rgba(explorer.decode(7))
    np.testing.assert_array_equal(
        np.frombuffer(buffers[recon["buffer"]], np.uint8).reshape(4, 4, 4), expected
    )
    np.testing.assert_array_equal(
        np.frombuffer(buffers[inp["buffer"]], np.uint8).reshape(4, 4, 4), to_rgba(X[7])
    )


def test_preview_is_cached_after_first_decode(explorer):
    send_command(explorer, "preview", {"index": 5})
    calls = explorer._core.store.decoder_calls
    send_command(explorer, "preview", {"index": 5})
    assert explorer._core.store.decoder_calls == calls


def test_preview_errors_reach_the_status_line_and_widget_keeps_answering(ae):
    def flaky_decoder(z):
        if len(z) == 1 and float(z[0, 0]) == float(flaky.latents[13, 0]):
            raise RuntimeError("decoder cannot do point 13")
        return ae.decode(z)

    flaky = LatentExplorer(ae.encode, flaky_decoder, X, progress=False)
    response, _ = send_command(flaky, "preview", {"index": 13})
    assert "decoder cannot do point 13" in response["error"]
    assert flaky._status["state"] == "error"
    assert "decoder cannot do point 13" in flaky._status["message"]
    response, _buffers = send_command(flaky, "preview", {"index": 2})
    assert "error" not in response
    assert response["recon"]["kind"] == "image"
    response, _ = send_command(flaky, "preview", {"index": 10_000})
    assert "index must be a point index in [0, 60); got 10000" in response["error"]


def test_interpolate_from_python_sets_frames_and_path(explorer):
    frames = explorer.interpolate(3, 17, steps=8, method="slerp")
    assert frames.shape == (8, 1, 4, 4)
    assert (explorer.interp_a, explorer.interp_b, explorer.interp_steps) == (3, 17, 8)
    state = explorer.get_state("_frames")["_frames"]
    assert state["shape"] == [8, 4, 4, 4]
    assert state["dtype"] == "uint8"
    np.testing.assert_array_equal(binary_to_array(state), to_rgba_batch(frames))
    path = binary_to_array(explorer.get_state("_path")["_path"])
    np.testing.assert_allclose(path[0], explorer.coords[3], atol=1e-5)
    np.testing.assert_allclose(path[-1], explorer.coords[17], atol=1e-5)
    torch.testing.assert_close(frames[0], explorer.decode(3))


def test_interpolation_driven_from_the_browser(explorer):
    calls = explorer._core.store.decoder_calls
    explorer.set_state({"interp_steps": 5, "interp_method": "lerp", "interp_a": 1})
    assert explorer._frames is None
    explorer.set_state({"interp_b": 2})
    assert explorer._frames.shape == (5, 4, 4, 4)
    assert explorer._core.store.decoder_calls == calls + 1  # all frames in one batch
    explorer.set_state({"interp_b": 1})  # a == b is allowed: a still image
    # a value the kernel refuses changes nothing, and says why in the status line
    explorer.set_state({"interp_steps": 1})
    assert explorer.interp_steps == 5
    assert explorer._status["state"] == "error"
    assert re.search(r"interp_steps must be in \[2, 256\].*got 1", explorer._status["message"])


def test_selection_syncs_both_ways(explorer):
    explorer.selected = [9, 2, 2]
    assert explorer.selected == [2, 9]
    value = explorer.get_state("_selection")["_selection"]
    assert value["dtype"] == "uint32"
    np.testing.assert_array_equal(binary_to_array(value), [2, 9])
    from_js = np.array([4, 40, 5], np.uint32)
    explorer.set_state(
        {"_selection": {"view": memoryview(from_js), "dtype": "uint32", "shape": [3]}}
    )
    assert explorer.selected == [4, 5, 40]
    with pytest.raises(IndexError, match=r"in \[0, 60\)"):
        explorer.selected = [60]


def test_zoom_to_sends_the_points_to_frame_as_a_uint32_buffer(explorer, monkeypatch):
    sent = []
    monkeypatch.setattr(
        explorer, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    explorer.zoom_to([7, 3, 3])
    explorer.zoom_to([])
    explorer.zoom_to()
    (first, buffers), *rest = sent
    assert first == {"kind": "lw-zoom", "indices": {"dtype": "uint32", "shape": [2]}}
    np.testing.assert_array_equal(np.frombuffer(bytes(buffers[0]), np.uint32), [3, 7])
    assert [content for content, _ in rest] == [{"kind": "lw-zoom", "indices": None}] * 2
    with pytest.raises(IndexError, match=r"indices must be point indices in \[0, 60\); got -1"):
        explorer.zoom_to([-1, 2])
    assert len(sent) == 3


def test_switch_projection_in_background(explorer):
    pca = explorer.coords.copy()
    explorer.projection = "tsne"
    explorer.wait(timeout=120)
    assert explorer._points_projection == "tsne"
    assert explorer._status["state"] == "idle"
    assert not np.allclose(explorer.coords, pca)
    explorer.projection = "pca"  # cached: back at once
    assert explorer._points_projection == "pca"
    np.testing.assert_array_equal(explorer.coords, pca)
    np.testing.assert_array_equal(explorer.projection_of("pca"), pca)


def test_path_follows_projection_switch(explorer):
    explorer.interpolate(0, 1, steps=4)
    explorer.projection = "dims"
    path = binary_to_array(explorer.get_state("_path")["_path"])
    np.testing.assert_allclose(path[0], explorer.latents[0, :2].numpy(), atol=1e-6)
    np.testing.assert_allclose(path[-1], explorer.latents[1, :2].numpy(), atol=1e-6)
    np.testing.assert_allclose(path[0], explorer.coords[0], atol=1e-6)


def test_unknown_projection_is_refused_at_assignment(explorer):
    with pytest.raises(
        traitlets.TraitError, match=r"projection must be one of .*'pca'.*got 'nope'"
    ):
        explorer.projection = "nope"
    assert explorer.projection == "pca"
    assert explorer._points_projection == "pca"


def test_color_by_metadata(ae):
    ink = X.mean(dim=(1, 2, 3)).numpy()
    widget = LatentExplorer(
        ae.encode,
        ae.decode,
        X,
        labels=Y.numpy(),
        label_names=["zero", "one", "two"],
        metadata={"ink": ink, "kind": np.array(["a", "b"] * (N // 2))},
        progress=False,
    )
    assert widget._color_options == ["label", "ink", "kind"]
    assert widget._color_categories == ["zero", "one", "two"]
    np.testing.assert_array_equal(widget._colors, Y.numpy())
    widget.color_by = "ink"
    assert widget._color_kind == "continuous"
    assert widget._color_range == pytest.approx([float(ink.min()), float(ink.max())])
    assert widget.get_state("_colors")["_colors"]["dtype"] == "float32"
    widget.color_by = "kind"
    assert widget._color_categories == ["a", "b"]
    with pytest.raises(traitlets.TraitError, match=r"color_by must be '' or one of the columns"):
        widget.color_by = "missing"
    assert widget.color_by == "kind"
    widget.color_by = ""
    assert widget._color_kind == "none"


def test_encoder_only_previews_show_inputs(ae):
    widget = explore(ae.encode, None, X, progress=False)
    assert widget._has_decoder is False
    response, _buffers = send_command(widget, "preview", {"index": 4})
    assert response["recon"] is None
    assert response["input"]["kind"] == "image"
    with pytest.raises(ValueError, match="needs a decoder"):
        widget.interpolate(0, 1)


def test_text_items_preview_as_text():
    texts = [f"item number {i}" for i in range(12)]
    model = LatentModel(
        lambda b: torch.tensor([[len(t), t.count("1")] for t in b], dtype=torch.float32)
    )
    widget = LatentExplorer(model, data=texts, progress=False)
    response, _ = send_command(widget, "preview", {"index": 11})
    assert response["input"] == {"kind": "text", "text": "item number 11"}


def test_bad_arguments_name_the_argument(ae):
    with pytest.raises(TypeError, match=r"unexpected keyword arguments: \['colour'\]"):
        LatentExplorer(ae.encode, ae.decode, X, colour="label")
    with pytest.raises(
        ValueError, match=r"labels must have one value per item \(60\); got shape \(59,\)"
    ):
        LatentExplorer(ae.encode, ae.decode, X, labels=np.zeros(59), progress=False)
    with pytest.raises(ValueError, match=r"metadata\['ink'\] must have one value per item"):
        LatentExplorer(ae.encode, ae.decode, X, metadata={"ink": [1, 2]}, progress=False)
    with pytest.raises(TypeError, match="needs data"):
        LatentExplorer(ae.encode, ae.decode)
    with pytest.raises(ValueError, match="label_names has 2 names but labels run from 0 to 2"):
        LatentExplorer(ae.encode, ae.decode, X, labels=Y, label_names=["a", "b"], progress=False)


def test_save_gif(explorer, tmp_path):
    from PIL import Image

    with pytest.raises(RuntimeError, match="no interpolation frames"):
        explorer.save_gif(tmp_path / "none.gif")
    explorer.interpolate(0, 9, steps=6)
    path = explorer.save_gif(tmp_path / "interp.gif", size=32)
    with Image.open(path) as gif:
        assert gif.n_frames == 10  # forth and back
        assert gif.size == (32, 32)


def test_save_html_embeds_decoded_thumbnails_and_frames(explorer, tmp_path):
    explorer.interpolate(0, 9, steps=6)
    path = explorer.save_html(tmp_path / "map.html")
    html = path.read_text()
    assert html.count("data:image/png;base64,") >= N + 6
    assert '<script src="http' not in html
    with pytest.raises(ValueError, match="thumbnails must be"):
        explorer.save_html(tmp_path / "x.html", thumbnails="big")


def test_preview_fn_applies_to_previews_and_frames(ae):
    def inverted(item):
        return 1.0 - item

    widget = LatentExplorer(ae.encode, ae.decode, X, preview_fn=inverted, progress=False)
    response, buffers = send_command(widget, "preview", {"index": 3})
    pixels = np.frombuffer(buffers[response["recon"]["buffer"]], np.uint8).reshape(4, 4, 4)
    np.testing.assert_array_equal(pixels, to_rgba(1.0 - widget.decode(3)))
    frames = widget.interpolate(3, 4, steps=3)
    np.testing.assert_array_equal(widget._frames[0], to_rgba(1.0 - frames[0]))


def test_add_column_after_construction(explorer):
    error = (explorer.decode(list(range(N))) - X).pow(2).mean(dim=(1, 2, 3))
    explorer.add_column("recon_error", error)
    assert explorer.color_by == "recon_error"
    assert explorer._color_kind == "continuous"
    assert "recon_error" in explorer._color_options
    np.testing.assert_allclose(explorer._colors, error.numpy(), rtol=1e-6)
    explorer.add_column("recon_error", -error)  # replacing the shown column recolours
    np.testing.assert_allclose(explorer._colors, -error.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"values must have one value per item \(60\)"):
        explorer.add_column("short", [1.0, 2.0])


def test_legend_follows_label_names_order_and_codes_are_small(ae):
    labels = np.array([2, 0, 1] * (N // 3))
    widget = LatentExplorer(
        ae.encode, ae.decode, X, labels=labels, label_names=["c", "b", "a"], progress=False
    )
    assert widget._color_categories == ["c", "b", "a"]  # not alphabetical, not first-seen
    np.testing.assert_array_equal(widget._colors, labels)
    assert widget._colors.dtype == np.uint8


def test_past_256_categories_the_most_frequent_stay_and_the_rest_are_other():
    from latentwidgets.colors import encode_colors

    values = np.array([f"k{i:03d}" for i in range(300)] + ["k299"] * 5, dtype=object)
    kind, codes, categories, _ = encode_colors(values)
    assert kind == "categorical"
    assert codes.dtype == np.uint8
    assert len(categories) == 256
    assert categories[-1] == "(other)"
    assert categories[int(codes[299])] == "k299"  # the most frequent is kept


def test_integers_are_categories_up_to_20_values_then_continuous():
    from latentwidgets.colors import encode_colors

    kind, codes, categories, _ = encode_colors(np.arange(40) % 20 + 100)
    assert (kind, categories[:2], int(codes[1])) == ("categorical", ["100", "101"], 1)
    kind, values, categories, value_range = encode_colors(np.arange(40) % 21)
    assert (kind, categories, value_range) == ("continuous", [], [0.0, 20.0])
    assert values.dtype == np.float32


def test_running_tsne_streams_its_live_layout_to_the_map(explorer, monkeypatch):
    from latentwidgets.projections import _scheduler

    monkeypatch.setattr(_scheduler, "LIVE_INTERVAL_S", 0.0)
    seen = []
    explorer.observe(lambda change: seen.append(change["new"]), "_points_projection")
    explorer.projection = "tsne"
    explorer.wait(timeout=120)
    assert "tsne (running)" in seen
    assert seen[-1] == "tsne"
    assert explorer._points_projection == "tsne"
    np.testing.assert_array_equal(explorer.coords, explorer.projection_of("tsne"))


def test_show_projection_with_own_parameters(explorer):
    from latentwidgets import LatentDims

    explorer.show_projection(LatentDims((2, 0)))
    assert explorer._points_projection == "dims"
    np.testing.assert_allclose(explorer.coords, explorer.latents[:, [2, 0]].numpy())
    explorer.show_projection(LatentDims((1, 2)))  # the same name again: recomputed, not cached
    np.testing.assert_allclose(explorer.coords, explorer.latents[:, [1, 2]].numpy())
    with pytest.raises(TypeError, match="got str"):
        explorer.show_projection("dims")


def test_interpolate_sends_the_frames_once(explorer):
    sent = []
    explorer.observe(lambda change: sent.append(change["name"]), names=["_frames"])
    explorer.interpolate(2, 5, steps=6, method="lerp")  # four interp traits change at once
    assert sent == ["_frames"]
    explorer.interpolate(2, 5, steps=6, method="lerp")  # the same frames again: nothing to send
    assert sent == ["_frames"]
