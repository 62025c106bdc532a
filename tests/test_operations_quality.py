from __future__ import annotations

import pytest
import torch

from latentwidgets._engine.data import DataSource
from latentwidgets._engine.model import LatentModel
from latentwidgets.operations.quality import reconstruction_error

G = torch.Generator().manual_seed(0)
DATA = torch.rand(50, 1, 4, 4, generator=G)
W = torch.randn(16, 3, generator=G)


def encoder(x: torch.Tensor) -> torch.Tensor:
    return x.reshape(len(x), -1) @ W


def decoder(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(z @ W.T).reshape(len(z), 1, 4, 4)


def flat_decoder(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(z @ W.T)


def setup(dec=decoder):
    model = LatentModel(encoder, dec, batch_size=16, progress=False)
    source = DataSource(DATA)
    return model, source, model.encode(source)


@pytest.mark.parametrize(
    ("metric", "reference"),
    [
        ("mse", lambda r, x: ((r - x) ** 2).flatten(1).mean(1)),
        ("mae", lambda r, x: (r - x).abs().flatten(1).mean(1)),
        (
            "bce",
            lambda r, x: (
                torch.nn.functional.binary_cross_entropy(r, x, reduction="none").flatten(1).mean(1)
            ),
        ),
    ],
)
def test_built_in_metrics_match_reference(metric, reference):
    model, source, z = setup()
    errors = reconstruction_error(model, source, z, metric=metric, batch_size=7)
    assert errors.shape == (50,)
    assert errors.device == model.device
    torch.testing.assert_close(errors, reference(decoder(z), DATA))


def test_flat_decoder_output_is_compared_flattened():
    model, source, z = setup(flat_decoder)
    errors = reconstruction_error(model, source, z)
    torch.testing.assert_close(errors, ((flat_decoder(z) - DATA.flatten(1)) ** 2).mean(1))


def test_callable_metric_gets_shapes_as_they_are():
    model, source, z = setup()
    seen = []

    def metric(r, x):
        seen.append((tuple(r.shape), tuple(x.shape)))
        return (r - x).abs().amax(dim=(1, 2, 3))

    errors = reconstruction_error(model, source, z, metric=metric, batch_size=25)
    assert seen == [((25, 1, 4, 4), (25, 1, 4, 4))] * 2
    torch.testing.assert_close(errors, (decoder(z) - DATA).abs().amax(dim=(1, 2, 3)))


def test_progress_bar_runs():
    model, source, z = setup()
    assert reconstruction_error(model, source, z, progress=True).shape == (50,)


def test_dataset_source_with_labels():
    model = LatentModel(encoder, decoder, progress=False)
    dataset = torch.utils.data.TensorDataset(DATA, torch.arange(50))
    source = DataSource(dataset)
    z = model.encode(source)
    errors = reconstruction_error(model, source, z, batch_size=16)
    torch.testing.assert_close(errors, ((decoder(z) - DATA) ** 2).flatten(1).mean(1))


def test_no_decoder():
    model = LatentModel(encoder, progress=False)
    source = DataSource(DATA)
    with pytest.raises(ValueError, match="decoder"):
        reconstruction_error(model, source, model.encode(source))


def test_shape_mismatch_names_metric_and_suggests_a_callable():
    model = LatentModel(encoder, lambda z: z @ W.T[:, :8], progress=False)
    source = DataSource(DATA)
    with pytest.raises(ValueError, match=r"metric='mse'.*\(50, 8\).*\(50, 1, 4, 4\).*callable"):
        reconstruction_error(model, source, model.encode(source), batch_size=64)


def test_bce_out_of_range_suggests_logits():
    model = LatentModel(encoder, lambda z: z @ W.T, progress=False)
    source = DataSource(DATA)
    with pytest.raises(ValueError, match="logits=True"):
        reconstruction_error(model, source, model.encode(source), metric="bce")


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"model": object()}, TypeError, "model"),
        ({"source": DATA}, TypeError, "source"),
        ({"latents": torch.zeros(49, 3)}, ValueError, "latents"),
        ({"latents": torch.zeros(50, 3).numpy()}, TypeError, "latents"),
        ({"metric": "rmse"}, ValueError, "metric"),
        ({"metric": 3}, TypeError, "metric"),
        ({"metric": lambda r, x: (r - x).flatten(1)}, ValueError, "metric must return a \\(B,\\)"),
        ({"metric": lambda r, x: 1.0}, ValueError, "metric must return"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"progress": "yes"}, TypeError, "progress"),
    ],
)
def test_bad_arguments(kwargs, error, name):
    model, source, z = setup()
    arguments = {"model": model, "source": source, "latents": z, **kwargs}
    with pytest.raises(error, match=name):
        reconstruction_error(**arguments)


@pytest.mark.gpu
def test_on_cuda():
    enc = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 3)).cuda()
    dec = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Sigmoid()).cuda()
    model = LatentModel(enc, dec, progress=False)
    source = DataSource(DATA)
    z = model.encode(source)
    errors = reconstruction_error(model, source, z)
    assert errors.device.type == "cuda"
    with torch.no_grad():
        expected = ((dec(z) - DATA.cuda().flatten(1)) ** 2).mean(1)
    torch.testing.assert_close(errors, expected)


class DropoutDecoder(torch.nn.Module):
    """The toy decoder behind a dropout that records whether it ran in training mode."""

    def __init__(self) -> None:
        super().__init__()
        self.dropout = torch.nn.Dropout(0.5)
        self.modes: list[bool] = []

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        self.modes.append(self.dropout.training)
        return decoder(self.dropout(z))


def test_one_pass_eval_mode_entered_once_and_restored(monkeypatch):
    import latentwidgets._engine.model as model_module

    entered = []
    eval_mode = model_module._eval_mode

    def counting(modules):
        entered.append(len(modules))
        return eval_mode(modules)

    monkeypatch.setattr(model_module, "_eval_mode", counting)
    dec = DropoutDecoder().train()
    model = LatentModel(encoder, dec, progress=False)
    source = DataSource(DATA)
    z = model.encode(source)
    errors = reconstruction_error(model, source, z, batch_size=7)
    assert dec.modes == [False] * 8  # 50 items in batches of 7: every batch in eval mode
    assert entered == [1, 1]  # once for encode, once for the whole pass, not once per batch
    assert dec.training  # the user's mode comes back
    assert dec.dropout.training
    torch.testing.assert_close(errors, ((decoder(z) - DATA) ** 2).flatten(1).mean(1))


def test_non_finite_code_named_by_its_row_in_all_latents():
    model, source, z = setup()
    z = z.clone()
    z[37, 1] = float("nan")
    with pytest.raises(ValueError, match=r"NaN or inf in 1 of 50 rows \(first: row 37\)"):
        reconstruction_error(model, source, z, batch_size=16)


def test_nan_errors_are_counted_and_warned_with_indices():
    import numpy as np

    from latentwidgets import LatentWarning
    from latentwidgets.operations.quality import worst_order

    bad = {3, 17, 40}

    def failing_decoder(z: torch.Tensor) -> torch.Tensor:
        out = decoder(z)
        # the decoder fails on some codes only: the ones whose first value is one of these
        mask = torch.isin(z[:, 0], codes[sorted(bad), 0])
        out[mask] = float("nan")
        return out

    model = LatentModel(encoder, failing_decoder, batch_size=16, progress=False)
    source = DataSource(DATA)
    codes = model.encode(source)
    with pytest.warns(
        LatentWarning, match=r"3 of 50 items have a NaN or infinite error \(items 3, 17, 40\)"
    ):
        errors = reconstruction_error(model, source, codes)
    assert set(torch.nonzero(torch.isnan(errors)).flatten().tolist()) == bad
    worst = worst_order(errors.numpy(), 5)
    assert worst[:3].tolist() == [3, 17, 40]  # the failures lead, not trail
    finite = errors.numpy().copy()
    finite[sorted(bad)] = -np.inf
    assert worst[3:].tolist() == np.argsort(-finite, kind="stable")[:2].tolist()


def test_worst_order_ranks_non_finite_first_then_largest():
    import numpy as np

    from latentwidgets.operations.quality import worst_order

    errors = np.array([1.0, np.nan, 3.0, 3.0, np.inf, 0.0, -np.inf, 2.0], dtype=np.float32)
    assert worst_order(errors, 5).tolist() == [1, 4, 6, 2, 3]
    assert worst_order(errors, np.int64(2)).tolist() == [1, 4]
    assert worst_order(errors, 100).tolist() == [1, 4, 6, 2, 3, 7, 0, 5]
    assert worst_order(errors, 0).tolist() == []
    assert worst_order(torch.tensor([0.5, 2.0, 1.0]), 2).tolist() == [1, 2]
    ties = np.ones(6)
    assert worst_order(ties, 3).tolist() == [0, 1, 2]  # ties go by index
    assert worst_order(np.arange(10**6, dtype=np.float32), 3).tolist() == [999999, 999998, 999997]
    assert worst_order(errors, 3).dtype == np.int64
    with pytest.raises(ValueError, match=r"errors must be 1-D"):
        worst_order(np.zeros((2, 2)), 1)
    with pytest.raises(ValueError, match=r"k must be an int >= 0; got -1"):
        worst_order(errors, -1)
    with pytest.raises(TypeError, match=r"errors must be numbers"):
        worst_order(np.array(["a"]), 1)
