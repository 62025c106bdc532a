from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from latentwidgets.render import (
    MAX_TEXT_CHARS,
    SIGNAL_HEIGHT,
    SIGNAL_WIDTH,
    Preview,
    PreviewFunctionError,
    PreviewRenderer,
    image_grid,
    rgba_to_png,
    to_png,
    to_png_batch,
    to_rgba,
    to_rgba_batch,
)

WHITE = (255, 255, 255, 255)


def grey(rgba: np.ndarray) -> np.ndarray:
    """The shared value of the R, G and B planes of an opaque grey image."""
    assert (rgba[..., 0] == rgba[..., 1]).all()
    assert (rgba[..., 0] == rgba[..., 2]).all()
    assert (rgba[..., 3] == 255).all()
    return rgba[..., 0]


def noise(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).random(shape)


def decode_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


# --- layouts and channels ---------------------------------------------------------------------


def test_grey_2d_item_gives_opaque_grey_rgba() -> None:
    out = to_rgba(np.array([[0.0, 0.5], [1.0, 0.25]], dtype=np.float32))
    assert out.dtype == np.uint8
    assert out.shape == (2, 2, 4)
    np.testing.assert_array_equal(grey(out), [[0, 128], [255, 64]])


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_chw_and_hwc_give_the_same_pixels(channels: int) -> None:
    chw = np.random.default_rng(channels).random((channels, 5, 6), dtype=np.float32)
    from_chw = to_rgba(chw)
    from_hwc = to_rgba(np.ascontiguousarray(chw.transpose(1, 2, 0)))
    assert from_chw.shape == (5, 6, 4)
    np.testing.assert_array_equal(from_chw, from_hwc)
    expected = np.round(chw.transpose(1, 2, 0) * 255).astype(np.uint8)
    if channels == 1:
        np.testing.assert_array_equal(grey(from_chw), expected[..., 0])
    else:
        np.testing.assert_array_equal(from_chw[..., :3], expected[..., :3])
        alpha = expected[..., 3] if channels == 4 else np.full((5, 6), 255)
        np.testing.assert_array_equal(from_chw[..., 3], alpha)


def test_auto_layout_prefers_chw_when_both_axes_could_be_channels() -> None:
    ambiguous = np.zeros((3, 5, 4), dtype=np.float32)
    assert to_rgba(ambiguous).shape == (5, 4, 4)
    assert to_rgba(ambiguous, layout="chw").shape == (5, 4, 4)
    assert to_rgba(ambiguous, layout="hwc").shape == (3, 5, 4)


def test_forced_layout_that_does_not_fit_names_the_shape() -> None:
    with pytest.raises(ValueError, match=r"shape \(5, 4, 3\) and layout='chw'"):
        to_rgba(np.zeros((5, 4, 3)), layout="chw")


@pytest.mark.parametrize(
    "shape",
    [(2, 8, 8), (8, 8, 2), (1, 1, 1, 8, 8), (1, 3, 8, 8)],
)
def test_unsupported_item_shapes_name_the_shape_and_what_is_accepted(shape: tuple) -> None:
    with pytest.raises(ValueError, match="accepted shapes") as info:
        to_rgba(np.zeros(shape))
    assert str(shape) in str(info.value)


def test_unsupported_batch_item_shape_is_reported_per_item() -> None:
    with pytest.raises(ValueError, match=r"each item of x with shape \(2, 8, 8\)"):
        to_rgba_batch(np.zeros((4, 2, 8, 8)))


def test_batch_needs_a_batch_dimension() -> None:
    with pytest.raises(ValueError, match=r"batch of items.*got shape \(5,\)"):
        to_rgba_batch(np.zeros(5))


def test_empty_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="no elements"):
        to_rgba(np.zeros((0, 4)))


@pytest.mark.parametrize("layout", ["CHW", "xyz", None])
def test_bad_layout_argument(layout: object) -> None:
    with pytest.raises(ValueError, match="layout must be one of"):
        to_rgba(np.zeros((4, 4)), layout=layout)  # type: ignore[arg-type]


# --- value ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([[0.0, 0.5], [1.0, 0.25]], [[0, 128], [255, 64]], id="0..1"),
        pytest.param([[-1.0, 0.0], [1.0, 0.5]], [[0, 128], [255, 191]], id="-1..1"),
        pytest.param([[0.0, 10.4], [200.0, 255.0]], [[0, 10], [200, 255]], id="0..255 float"),
        pytest.param([[-2.0, 0.0], [2.0, 6.0]], [[0, 64], [128, 255]], id="min-max"),
        pytest.param([[-3.0, -3.0], [-3.0, -3.0]], [[0, 0], [0, 0]], id="constant min-max"),
    ],
)
def test_auto_range_detection(values: list, expected: list) -> None:
    np.testing.assert_array_equal(grey(to_rgba(np.array(values, dtype=np.float32))), expected)


def test_auto_range_for_integer_dtypes() -> None:
    np.testing.assert_array_equal(
        grey(to_rgba(np.array([[0, 10], [200, 255]], dtype=np.int64))), [[0, 10], [200, 255]]
    )
    # uint8 always means 0..255, even when every value is 0 or 1
    np.testing.assert_array_equal(grey(to_rgba(np.array([[0, 1]], dtype=np.uint8))), [[0, 1]])
    # a 12-bit image does not fit 0..255: min-max
    np.testing.assert_array_equal(
        grey(to_rgba(np.array([[0, 2048, 4095]], dtype=np.uint16))), [[0, 128, 255]]
    )


def test_bool_maps_to_black_and_white() -> None:
    np.testing.assert_array_equal(grey(to_rgba(np.array([[True, False]]))), [[255, 0]])


def test_explicit_range_scales_and_clamps() -> None:
    values = np.array([[-1.0, 5.0], [10.0, 20.0]])
    np.testing.assert_array_equal(
        grey(to_rgba(values, value_range=(0, 10))), [[0, 128], [255, 255]]
    )
    np.testing.assert_array_equal(
        grey(to_rgba(values, value_range=(np.float32(0), np.int64(10)))), [[0, 128], [255, 255]]
    )
    # the explicit range wins over the uint8 default
    np.testing.assert_array_equal(
        grey(to_rgba(np.array([[0, 1]], dtype=np.uint8), value_range=(0, 1))), [[0, 255]]
    )


@pytest.mark.parametrize("value_range", [(1, 0), (0, 0), (0, float("nan")), "full", (0, 1, 2)])
def test_bad_value_range_argument(value_range: object) -> None:
    with pytest.raises(ValueError, match="value_range must be"):
        to_rgba(np.zeros((2, 2)), value_range=value_range)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("value_range", ["auto", (0.0, 1.0)])
def test_non_finite_values_are_an_error(bad: float, value_range: object) -> None:
    values = np.array([[0.0, bad], [0.5, 1.0]])
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_rgba(values, value_range=value_range)  # type: ignore[arg-type]


def test_batch_range_is_detected_once_for_the_whole_batch() -> None:
    unit = np.array([[0.0, 0.2], [0.4, 0.6]], dtype=np.float32)
    np.testing.assert_array_equal(grey(to_rgba(unit)).ravel(), [0, 51, 102, 153])
    # beside a 0..255 frame the unit frame is read as 0..255 too, not on its own
    with_bright = to_rgba_batch(np.stack([unit, np.array([[0, 50], [100, 200]], np.float32)]))
    np.testing.assert_array_equal(grey(with_bright[0]).ravel(), [0, 0, 0, 1])
    np.testing.assert_array_equal(grey(with_bright[1]).ravel(), [0, 50, 100, 200])
    # one negative frame moves the whole batch to [-1, 1]
    half = np.array([[0.0, 0.5], [1.0, 1.0]], dtype=np.float32)
    with_negative = to_rgba_batch(np.stack([half, -half]))
    np.testing.assert_array_equal(grey(with_negative[0]).ravel(), [128, 191, 255, 255])
    np.testing.assert_array_equal(grey(with_negative[1]).ravel(), [128, 64, 0, 0])


@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int32]
)
def test_torch_and_numpy_agree(dtype: torch.dtype) -> None:
    batch = torch.rand(3, 3, 4, 5) * (200 if dtype == torch.int32 else 2) - 0.5
    batch = batch.to(dtype)
    as_numpy = batch.to(torch.float64).numpy()
    np.testing.assert_array_equal(to_rgba_batch(batch), to_rgba_batch(as_numpy))


def test_tensor_that_requires_grad_is_accepted() -> None:
    tensor = torch.rand(1, 4, 4, requires_grad=True)
    np.testing.assert_array_equal(to_rgba(tensor), to_rgba(tensor.detach().numpy()))


def test_read_only_and_big_endian_arrays_are_accepted() -> None:
    values = np.array([[0.0, 1.0]], dtype=">f4")
    values.flags.writeable = False
    np.testing.assert_array_equal(grey(to_rgba(values)), [[0, 255]])


def test_non_numeric_arrays_are_rejected() -> None:
    with pytest.raises(TypeError, match="dtype <U1"):
        to_rgba(np.array([["a", "b"]]))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensor_matches_cpu() -> None:
    batch = torch.randn(16, 3, 32, 32)
    np.testing.assert_array_equal(to_rgba_batch(batch.cuda()), to_rgba_batch(batch))
    np.testing.assert_array_equal(
        to_rgba_batch(batch.cuda().half(), value_range=(-2, 2)),
        to_rgba_batch(batch.half(), value_range=(-2, 2)),
    )


# --- PIL --------------------------------------------------------------------------------------


def test_pil_images_of_several_modes() -> None:
    rgb = Image.new("RGB", (5, 3), (10, 20, 30))
    assert to_rgba(rgb).shape == (3, 5, 4)
    assert tuple(to_rgba(rgb)[0, 0]) == (10, 20, 30, 255)
    assert tuple(to_rgba(Image.new("RGBA", (2, 2), (1, 2, 3, 4)))[1, 1]) == (1, 2, 3, 4)
    assert tuple(to_rgba(Image.new("L", (2, 2), 7))[0, 0]) == (7, 7, 7, 255)
    palette = Image.new("P", (2, 2), 0)
    palette.putpalette([200, 100, 50] * 256)
    assert tuple(to_rgba(palette)[0, 0]) == (200, 100, 50, 255)
    float_image = Image.fromarray(np.array([[0.0, 0.5]], dtype=np.float32), mode="F")
    np.testing.assert_array_equal(grey(to_rgba(float_image)), [[0, 128]])


def test_wide_pil_image_is_an_image_not_a_signal() -> None:
    wide = Image.fromarray(np.zeros((2, 128), dtype=np.uint8))
    assert to_rgba(wide).shape == (2, 128, 4)


def test_batch_from_a_list_of_pil_images() -> None:
    images = [Image.new("RGB", (4, 3), (i, 0, 0)) for i in range(3)]
    out = to_rgba_batch(images)
    assert out.shape == (3, 3, 4, 4)
    np.testing.assert_array_equal(out[:, 0, 0, 0], [0, 1, 2])
    with pytest.raises(ValueError, match="share one shape"):
        to_rgba_batch([Image.new("RGB", (4, 3)), Image.new("RGB", (3, 3))])


# --- signals ----------------------------------------------------------------------------------


def test_one_d_signal_is_drawn_as_a_line_image() -> None:
    ramp = np.linspace(-3, 7, 500)
    out = to_rgba(ramp)
    assert out.shape == (SIGNAL_HEIGHT, SIGNAL_WIDTH, 4)
    dark = (out[..., :3] < 100).all(axis=-1)
    assert 0 < dark.sum() < dark.size / 4
    # a rising ramp: drawn low on the left, high on the right
    rows_left, rows_right = np.nonzero(dark[:, 0])[0], np.nonzero(dark[:, -1])[0]
    assert rows_left.min() > SIGNAL_HEIGHT * 3 // 4
    assert rows_right.max() < SIGNAL_HEIGHT // 4


def test_multichannel_signal_uses_one_colour_per_channel() -> None:
    t = np.linspace(0, 6, 300)
    out = to_rgba(np.stack([np.sin(t), np.cos(t), t / 6]))
    colours = {tuple(pixel) for pixel in out.reshape(-1, 4)} - {WHITE}
    assert (0, 0, 0, 255) in colours  # first channel in black
    assert (230, 159, 0, 255) in colours  # second channel in orange


def test_two_d_signal_heuristic_and_forced_signal_layout() -> None:
    assert to_rgba(noise(2, 100)).shape == (SIGNAL_HEIGHT, SIGNAL_WIDTH, 4)
    assert to_rgba(noise(2, 100), layout="hwc").shape == (2, 100, 4)
    assert to_rgba(noise(28, 28)).shape == (28, 28, 4)
    assert to_rgba(noise(4, 8), layout="signal").shape == (SIGNAL_HEIGHT, SIGNAL_WIDTH, 4)
    with pytest.raises(ValueError, match="at most 8 channels"):
        to_rgba(noise(16, 16), layout="signal")


def test_signal_batch_uses_one_range() -> None:
    low = np.zeros(64)
    high = np.ones(64)
    out = to_rgba_batch(np.stack([low, high]))
    rows = [np.nonzero((frame[..., :3] < 100).all(axis=-1).any(axis=1))[0] for frame in out]
    assert rows[0].min() > rows[1].max()  # the zero signal lies below the one signal


def test_constant_signal_is_a_flat_line() -> None:
    out = to_rgba(np.full(100, 3.0))
    dark_rows = np.nonzero((out[..., :3] < 100).all(axis=-1).any(axis=1))[0]
    assert len(dark_rows) == 1


# --- PNG --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "mode"),
    [
        (np.random.default_rng(0).random((7, 5)), "L"),
        (np.random.default_rng(1).random((3, 7, 5)), "RGB"),
        (np.random.default_rng(2).random((4, 7, 5)), "RGBA"),
    ],
)
def test_png_decodes_to_the_same_pixels(item: np.ndarray, mode: str) -> None:
    data = to_png(item)
    assert Image.open(io.BytesIO(data)).mode == mode
    np.testing.assert_array_equal(decode_png(data), to_rgba(item))


def test_png_batch_matches_rgba_batch() -> None:
    batch = torch.randn(3, 3, 6, 6)
    frames = to_rgba_batch(batch)
    pngs = to_png_batch(batch)
    assert len(pngs) == 3
    for png, frame in zip(pngs, frames, strict=True):
        np.testing.assert_array_equal(decode_png(png), frame)


def test_rgba_to_png_rejects_other_arrays() -> None:
    with pytest.raises(ValueError, match=r"uint8 array of shape \(H, W, 4\)"):
        rgba_to_png(np.zeros((4, 4, 3), dtype=np.uint8))


# --- PreviewRenderer --------------------------------------------------------------------------


def test_renderer_images_text_and_repr() -> None:
    renderer = PreviewRenderer()
    image = renderer.render(torch.rand(3, 4, 6))
    assert (image.kind, image.width, image.height) == ("image", 6, 4)
    assert renderer.render("a cat").text == "a cat"
    assert renderer.render({"a": 1}).text == "{'a': 1}"
    assert renderer.render(torch.tensor(3)).text == "3"
    assert renderer.render(Image.new("L", (3, 2))).kind == "image"
    assert renderer.render(np.sin(np.arange(200))).height == SIGNAL_HEIGHT


def test_renderer_image_pixels_match_to_rgba() -> None:
    item = torch.rand(3, 4, 6)
    preview = PreviewRenderer().render(item)
    np.testing.assert_array_equal(preview.to_array(), to_rgba(item))
    np.testing.assert_array_equal(decode_png(preview.to_png()), to_rgba(item))


def test_long_text_is_truncated() -> None:
    text = PreviewRenderer().render("x" * 10_000).text
    assert text is not None
    assert len(text) == MAX_TEXT_CHARS
    assert text.endswith("…")


def test_preview_repr_leaves_out_the_pixels() -> None:
    preview = Preview.from_rgba(np.zeros((100, 100, 4), dtype=np.uint8))
    assert len(repr(preview)) < 200
    with pytest.raises(ValueError, match="no pixels"):
        Preview.from_text("hi").to_png()


def test_render_batch_is_one_vectorised_conversion_with_a_shared_range() -> None:
    batch = torch.stack([torch.full((1, 2, 2), 0.25), torch.full((1, 2, 2), 4.0)])
    previews = PreviewRenderer().render_batch(batch)
    assert [p.kind for p in previews] == ["image", "image"]
    # shared [0, 255] range: 0.25 -> 0, not stretched on its own
    assert previews[0].to_array()[0, 0, 0] == 0
    assert previews[1].to_array()[0, 0, 0] == 4
    # a list is rendered item by item
    mixed = PreviewRenderer().render_batch(["text", torch.zeros(2, 2), 5])
    assert [p.kind for p in mixed] == ["text", "image", "text"]


def test_max_size_downscales_but_never_upscales() -> None:
    renderer = PreviewRenderer(max_size=20)
    big = renderer.render(torch.rand(3, 100, 50))
    assert (big.width, big.height) == (10, 20)
    small = renderer.render(torch.rand(8, 8))
    assert (small.width, small.height) == (8, 8)
    batch = renderer.render_batch(torch.rand(2, 1, 40, 40))
    assert [(p.width, p.height) for p in batch] == [(20, 20), (20, 20)]


def test_preview_fn_overrides_everything() -> None:
    renderer = PreviewRenderer(preview_fn=lambda item: f"item {item.shape[0]}")
    assert renderer.render(torch.zeros(3, 8, 8)).text == "item 3"
    as_image = PreviewRenderer(preview_fn=lambda item: Image.new("RGB", (2, 2), (9, 9, 9)))
    previews = as_image.render_batch(["a", "b"])
    assert [tuple(p.to_array()[0, 0]) for p in previews] == [(9, 9, 9, 255)] * 2


def test_preview_fn_failure_names_the_item_and_chains_the_cause() -> None:
    def fails_on_third(item: torch.Tensor) -> torch.Tensor:
        if item.sum() == 2:
            raise KeyError("boom")
        return item

    batch = torch.stack([torch.full((1, 2, 2), i / 4) for i in range(4)])
    renderer = PreviewRenderer(preview_fn=fails_on_third)
    with pytest.raises(
        PreviewFunctionError, match=r"preview_fn failed on item 2 \(Tensor of shape \(1, 2, 2\)"
    ) as info:
        renderer.render_batch(batch)
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(PreviewFunctionError, match="preview_fn failed on the item"):
        renderer.render(batch[2])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"preview_fn": 3}, TypeError, "preview_fn must be a callable"),
        ({"max_size": 0}, ValueError, "max_size must be a positive int"),
        ({"max_size": 2.5}, ValueError, "max_size must be a positive int"),
        ({"value_range": (2, 1)}, ValueError, "value_range must be"),
        ({"layout": "nchw"}, ValueError, "layout must be one of"),
    ],
)
def test_renderer_validates_its_arguments(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        PreviewRenderer(**kwargs)


def test_image_grid_tiles_rows_with_white_borders_and_scales_without_smoothing():
    top = torch.zeros(3, 1, 4, 5)  # black tiles
    bottom = torch.ones(3, 1, 4, 5)
    bottom[1] = 0.5
    grid = np.asarray(image_grid(top, bottom, scale=2))
    # 3 columns of 5 + 2 border pixels, 2 rows of 4 + 2, all doubled
    assert grid.shape == (2 * 6 * 2, 3 * 7 * 2, 4)

    def tile(row: int, column: int) -> np.ndarray:
        top, left = 2 * (6 * row + 1), 2 * (7 * column + 1)
        return grid[top : top + 8, left : left + 10]

    assert (tile(0, 2)[..., :3] == 0).all()
    assert (tile(1, 1)[..., :3] == 128).all()  # this row's own range, [0, 1]
    assert (grid[:2, :, :3] == 255).all()  # the border above the first row
    assert (grid[..., 3] == 255).all()


def test_image_grid_refuses_mismatched_rows_and_bad_scales():
    with pytest.raises(ValueError, match="at least one row"):
        image_grid()
    with pytest.raises(ValueError, match=r"equally many images of one size; got 3 x 4x4, 2 x 4x4"):
        image_grid(torch.rand(3, 4, 4), torch.rand(2, 4, 4))
    with pytest.raises(ValueError, match="scale must be a whole number >= 1; got 0"):
        image_grid(torch.rand(3, 4, 4), scale=0)
