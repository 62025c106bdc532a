from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from latentwidgets._engine.data import DataSource
from latentwidgets._engine.model import LatentModel, LatentWarning, ModelError
from tests._toy import ToyAE

X = torch.rand(10, 1, 4, 4, generator=torch.Generator().manual_seed(1))
Y = torch.arange(10) % 3


@pytest.fixture
def ae() -> ToyAE:
    return ToyAE()


def reference(ae: ToyAE, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return ae.enc(x.reshape(len(x), -1))


class ItemDataset(torch.utils.data.Dataset):
    def __init__(self, with_labels: bool) -> None:
        self.with_labels = with_labels

    def __len__(self) -> int:
        return len(X)

    def __getitem__(self, i: int):
        return (X[i], int(Y[i])) if self.with_labels else X[i]


@pytest.mark.parametrize(
    "data",
    [
        X,
        X.numpy(),
        TensorDataset(X, Y),
        TensorDataset(X),
        ItemDataset(with_labels=True),
        ItemDataset(with_labels=False),
        DataLoader(TensorDataset(X, Y), batch_size=3),
        DataLoader(TensorDataset(X), batch_size=3),
        DataLoader(ItemDataset(with_labels=False), batch_size=4),
    ],
    ids=[
        "tensor",
        "ndarray",
        "TensorDataset",
        "TensorDataset-x",
        "Dataset-xy",
        "Dataset-x",
        "DataLoader-xy",
        "DataLoader-TensorDataset-x",
        "DataLoader-x",
    ],
)
def test_every_data_form_encodes_to_the_same_codes(ae, data):
    model = LatentModel(ae.encode, ae.decode, batch_size=4, progress=False)
    source = DataSource(data)
    codes = model.encode(source)
    assert codes.shape == (10, 3)
    torch.testing.assert_close(codes, reference(ae, X))
    dataset = data.dataset if isinstance(data, DataLoader) else data
    if getattr(dataset, "with_labels", False) or (
        isinstance(dataset, TensorDataset) and len(dataset.tensors) == 2
    ):
        np.testing.assert_array_equal(source.found_labels, Y.numpy())
    else:
        assert source.found_labels is None
    torch.testing.assert_close(torch.as_tensor(source.item(7)), X[7])


def test_encoder_receives_data_as_given():
    seen = []

    def encoder(batch):
        seen.append((type(batch), batch.dtype, tuple(batch.shape)))
        return batch.reshape(len(batch), -1).float()

    data = (np.arange(5 * 2 * 3) % 7).astype(np.uint8).reshape(5, 2, 3)
    codes = LatentModel(encoder, batch_size=2, progress=False).encode(data)
    assert seen[0] == (torch.Tensor, torch.uint8, (2, 2, 3))
    assert [s[2][0] for s in seen] == [2, 2, 2, 1]  # the first batch twice: is it repeatable?
    np.testing.assert_array_equal(codes.numpy(), data.reshape(5, -1))


def test_pil_images_become_float_chw_unless_transform():
    images = [Image.fromarray(np.full((4, 6, 3), 255 * (i % 2), np.uint8)) for i in range(3)]
    got = []
    LatentModel(lambda b: got.append(b) or b.mean((1, 2, 3))[:, None], progress=False).encode(
        images
    )
    assert got[0].shape == (3, 3, 4, 6)
    assert got[0].dtype == torch.float32
    assert float(got[0][1].max()) == 1.0
    seen = []
    LatentModel(
        lambda b: torch.zeros(len(b), 2), transform=lambda b: seen.append(b) or b, progress=False
    ).encode(images)
    assert isinstance(seen[0], list)
    assert seen[0][0] is images[0]


def test_list_of_strings_is_passed_as_lists():
    batches = []

    def text_encoder(batch):
        batches.append(batch)
        return torch.tensor([[len(s), s.count("a")] for s in batch], dtype=torch.float32)

    texts = ["a", "bb", "aaa", "cccc", "banana"]
    codes = LatentModel(text_encoder, batch_size=2, progress=False).encode(texts)
    assert batches[0] == ["a", "bb"]
    assert codes[:, 0].tolist() == [1, 2, 3, 4, 6]


def test_shuffled_loader_is_refused():
    loader = DataLoader(TensorDataset(X), batch_size=2, shuffle=True)
    with pytest.raises(ValueError, match="shuffle=False"):
        DataSource(loader)


def test_eval_mode_during_encoding_and_previous_mode_restored(ae):
    ae.train()
    modes = []

    def encoder(x):
        modes.append(ae.dropout.training)
        return ae.encode(x)

    model = LatentModel(encoder, progress=False)
    # a plain function hides its module: pass the bound method for eval mode
    model_bound = LatentModel(ae.encode, progress=False)
    model_bound.encode(X)
    assert ae.training
    assert ae.dropout.training
    ae.eval()
    ae.dropout.train()  # a mixed state must come back exactly
    model_bound.encode(X)
    assert not ae.training
    assert ae.dropout.training
    with pytest.warns(LatentWarning, match="dropout"):
        model.encode(X)
    assert modes == [True, True]  # plain function: left as the user set it (and warned about)


def test_inference_mode_and_no_grad(ae):
    flags = []

    def encoder(x):
        flags.append((torch.is_inference_mode_enabled(), torch.is_grad_enabled()))
        return ae.encode(x)

    ae.eval()  # a plain function is run as it is: no dropout
    LatentModel(encoder, progress=False).encode(X)
    assert flags == [(True, False)] * 2


def test_device_from_parameters_and_override(ae):
    assert LatentModel(ae).device == torch.device("cpu")
    assert LatentModel(ae.encode).device == torch.device("cpu")
    assert LatentModel(lambda x: x, device="meta").device == torch.device("meta")


def test_spatial_latents_flattened_and_decoded_in_shape():
    def encoder(x):
        return x.reshape(len(x), 2, 2, 4)

    shapes = []

    def decoder(z):
        shapes.append(tuple(z.shape))
        return z.reshape(len(z), 1, 4, 4)

    model = LatentModel(encoder, decoder, progress=False)
    codes = model.encode(X)
    assert codes.shape == (10, 16)
    assert model.latent_shape_ == (2, 2, 4)
    out = model.decode(codes[:3])
    assert shapes == [(3, 2, 2, 4)]
    torch.testing.assert_close(out, X[:3])
    torch.testing.assert_close(model.decode(codes[0]), X[:1])
    with pytest.raises(ValueError, match=r"codes must have shape \(B, 16\)"):
        model.decode(torch.zeros(2, 5))


def test_decode_batches_and_logits(ae):
    calls = []

    def decoder(z):
        calls.append(len(z))
        return z * 0

    model = LatentModel(ae.encode, decoder, logits=True, batch_size=4, progress=False)
    out = model.decode(torch.zeros(10, 3))
    assert calls == [4, 4, 2]
    torch.testing.assert_close(out, torch.full((10, 3), 0.5))


def test_out_of_memory_halves_the_batch_and_remembers():
    calls = []

    def encoder(x):
        calls.append(len(x))
        if len(x) > 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        return x.reshape(len(x), -1)[:, :2]

    model = LatentModel(encoder, batch_size=8, progress=False)
    codes = model.encode(X)
    torch.testing.assert_close(codes, X.reshape(10, -1)[:, :2])
    assert calls[:3] == [8, 4, 2]
    # once 2 is known to fit, later batches are split before calling, not after failing
    assert calls.count(8) == 1
    assert max(calls[3:]) <= 2


def test_out_of_memory_on_single_item_propagates():
    def encoder(x):
        raise torch.cuda.OutOfMemoryError("simulated")

    with pytest.raises(torch.cuda.OutOfMemoryError):
        LatentModel(encoder, batch_size=1, progress=False).encode(X[:1])


def test_progress_callback_counts_items(ae):
    events = []
    LatentModel(ae.encode, batch_size=4, progress=False).encode(
        X, callback=lambda d, t: events.append((d, t))
    )
    assert events == [(4, 10), (8, 10), (10, 10)]


def test_bad_inputs_have_clear_messages(ae):
    with pytest.raises(TypeError, match="encoder must be callable"):
        LatentModel(42)
    with pytest.raises(TypeError, match="decoder must be callable"):
        LatentModel(ae.encode, "x")
    with pytest.raises(ValueError, match="batch_size must be a positive int; got 0"):
        LatentModel(ae.encode, batch_size=0)
    with pytest.raises(ValueError, match="data is empty"):
        LatentModel(ae.encode, progress=False).encode(torch.zeros(0, 1, 4, 4))
    with pytest.raises(TypeError, match=r"data must be a torch.Tensor.*got int"):
        LatentModel(ae.encode, progress=False).encode(5)
    with pytest.raises(ValueError, match="no decoder"):
        LatentModel(ae.encode).decode(torch.zeros(1, 3))


def test_nan_codes_are_reported_with_rows():
    def encoder(x):
        z = x.reshape(len(x), -1).clone()
        z[z[:, 0] > 0.5] = float("nan")
        return z

    x = torch.zeros(6, 1, 4, 4)
    x[[2, 4], 0, 0, 0] = 1.0
    with pytest.raises(ValueError, match=r"NaN or inf in 2 of 6 rows \(first: row 2\)"):
        LatentModel(encoder, progress=False).encode(x)


def test_huge_finite_codes_pass_and_one_inf_among_them_is_found():
    # their float32 sum overflows to inf, which alone must not fail the check
    codes = torch.full((4, 2), 3e38)
    assert torch.equal(LatentModel(lambda x: x, progress=False).encode(codes), codes)
    codes[3, 1] = float("inf")
    with pytest.raises(ValueError, match=r"NaN or inf in 1 of 4 rows \(first: row 3\)"):
        LatentModel(lambda x: x, progress=False).encode(codes)


def test_errors_in_user_models_are_wrapped():
    def broken(x):
        raise RuntimeError("boom")

    with pytest.raises(
        ModelError,
        match=r"the encoder raised RuntimeError on a batch \(Tensor of shape \(10, 1, 4, 4\).*boom",
    ):
        LatentModel(broken, progress=False).encode(X)
    with pytest.raises(ModelError, match="the decoder raised RuntimeError"):
        LatentModel(lambda x: x, broken, progress=False).decode(torch.zeros(2, 3))
    with pytest.raises(ModelError, match="could not find a tensor"):
        LatentModel(lambda x: "text", progress=False).encode(X)
    with pytest.raises(ModelError, match="one row per item"):
        LatentModel(lambda x: x.sum(), progress=False).encode(X)


class DictVAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(16, 4)

    def forward(self, x):
        h = self.lin(x.reshape(len(x), -1))
        return {"mu": h[:, :2], "logvar": h[:, 2:]}


def test_module_with_dict_output():
    vae = DictVAE()
    codes = LatentModel(vae, progress=False).encode(X)
    with torch.no_grad():
        torch.testing.assert_close(codes, vae.lin(X.reshape(10, -1))[:, :2])


@pytest.mark.gpu
def test_cuda_device_placement_and_codes_stay_on_gpu():
    ae = ToyAE().cuda()
    model = LatentModel(ae.encode, ae.decode, progress=False)
    assert model.device.type == "cuda"
    codes = model.encode(X)  # CPU data goes to the model's device batch by batch
    assert codes.device.type == "cuda"
    out = model.decode(codes[:2])
    assert out.device.type == "cuda"


@pytest.mark.gpu
def test_cuda_real_out_of_memory_halving():
    calls = []

    def encoder(x):
        calls.append(len(x))
        if len(x) > 4:  # a real allocation far beyond any card
            torch.empty(1 << 45, dtype=torch.uint8, device="cuda")
        return x.reshape(len(x), -1)

    model = LatentModel(encoder, device="cuda", batch_size=16, progress=False)
    codes = model.encode(torch.rand(20, 3))
    assert codes.shape == (20, 3)
    assert 16 in calls
    assert max(calls[-3:]) <= 4


# ---------------------------------------------------------------- bad input, one argument each

ARGUMENT_CASES = [
    ({"encoder": ToyAE}, TypeError, r"^encoder is the class ToyAE, not an instance"),
    ({"encoder": 42}, TypeError, r"^encoder must be callable"),
    ({"decoder": "x"}, TypeError, r"^decoder must be callable"),
    ({"decoder": ToyAE}, TypeError, r"^decoder is the class ToyAE"),
    ({"transform": 5}, TypeError, r"^transform must be a callable"),
    ({"device": "gpu"}, ValueError, r"^device='gpu' is not a torch device.*'cuda:0'"),
    ({"device": "cuda:7"}, ValueError, r"^device='cuda:7': .*available devices: cpu"),
    ({"device": 1.5}, TypeError, r"^device must be a str"),
    ({"encoder_output": 1.5}, TypeError, r"^encoder_output must be None.*got float 1.5"),
    ({"encoder_output": True}, TypeError, r"^encoder_output must be None"),
    ({"decoder_output": [0]}, TypeError, r"^decoder_output must be None.*got list"),
    ({"logits": "yes"}, TypeError, r"^logits must be True or False; got str 'yes'"),
    ({"batch_size": 0}, ValueError, r"^batch_size must be a positive int; got 0"),
    ({"batch_size": 2.5}, TypeError, r"^batch_size must be a positive int; got float 2.5"),
    ({"progress": "no"}, TypeError, r"^progress must be True or False"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    ARGUMENT_CASES,
    ids=[f"{k}={getattr(v, '__name__', repr(v))}" for c in ARGUMENT_CASES for k, v in c[0].items()],
)
def test_bad_arguments_name_the_argument(ae, kwargs, error, pattern):
    arguments = {"encoder": ae.encode, **kwargs}
    with pytest.raises(error, match=pattern):
        LatentModel(**arguments)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_says_so():
    with pytest.raises(ValueError, match=r"^device='cuda': CUDA is not available.*devices: cpu"):
        LatentModel(lambda x: x, device="cuda")


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has MPS")
def test_mps_without_mps_says_so():
    with pytest.raises(ValueError, match=r"^device='mps': MPS is not available"):
        LatentModel(lambda x: x, device=torch.device("mps"))


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"batch_size": -1}, ValueError, r"^batch_size must be a positive int"),
        ({"batch_size": "8"}, TypeError, r"^batch_size must be a positive int; got str"),
        ({"progress": 1}, TypeError, r"^progress must be True or False"),
        ({"callback": 5}, TypeError, r"^callback must be a callable"),
    ],
    ids=["batch_size-negative", "batch_size-str", "progress-int", "callback-int"],
)
def test_bad_encode_arguments_name_the_argument(ae, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        LatentModel(ae.encode, progress=False).encode(X, **kwargs)


@pytest.mark.parametrize(
    ("codes", "kwargs", "error", "pattern"),
    [
        (np.zeros((2, 3), np.float32), {}, TypeError, r"^codes must be a torch.Tensor.*as_tensor"),
        (torch.zeros(2, 3, dtype=torch.long), {}, TypeError, r"^codes must be floating.*\.float"),
        (torch.zeros(2, 5), {}, ValueError, r"^codes must have shape \(B, 3\)"),
        (torch.zeros(0, 3), {}, ValueError, r"^codes must hold at least one code"),
        (torch.tensor(1.0), {}, ValueError, r"^codes must hold at least one code"),
        (torch.full((2, 3), float("nan")), {}, ValueError, r"^codes contain NaN or inf in 2 of 2"),
        (torch.zeros(2, 3), {"batch_size": 0}, ValueError, r"^batch_size must be a positive"),
    ],
    ids=["ndarray", "int64", "wrong-shape", "empty", "0-d", "nan", "batch_size"],
)
def test_bad_codes_name_the_argument(ae, codes, kwargs, error, pattern):
    model = LatentModel(ae.encode, ae.decode, progress=False)
    model.encode(X)
    with pytest.raises(error, match=pattern):
        model.decode(codes, **kwargs)


# ---------------------------------------------------------------- the user's model, misused


def test_one_number_per_item_is_refused_with_the_fix():
    with pytest.raises(
        ModelError, match=r"one number per item.*encoder_output=lambda z: z\[:, None\]"
    ):
        LatentModel(lambda x: x.reshape(len(x), -1).sum(1), progress=False).encode(X)
    codes = LatentModel(
        lambda x: x.reshape(len(x), -1).sum(1), encoder_output=lambda z: z[:, None], progress=False
    ).encode(X)
    assert codes.shape == (10, 1)


def test_float64_data_into_a_float32_model_suggests_float():
    linear = nn.Linear(16, 3)

    def flat(x):
        return linear(x.reshape(len(x), -1))

    pattern = (
        r"float64 but the encoder's parameters are torch.float32.*\.float\(\).*astype\('float32'\)"
    )
    with pytest.raises(ModelError, match=pattern):
        LatentModel(nn.Sequential(nn.Flatten(), linear), progress=False).encode(X.double())
    with pytest.raises(ModelError, match=r"parameters are probably torch.float32.*\.float\(\)"):
        LatentModel(flat, progress=False).encode(X.double().numpy())


def test_a_whole_model_as_encoder_suggests_its_halves():
    class Whole(nn.Module):  # no forward: calling it raises
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Linear(16, 3)
            self.decoder = nn.Linear(3, 16)

    with pytest.raises(ModelError, match=r"LatentExplorer\(model.encoder, model.decoder, \.\.\.\)"):
        LatentModel(Whole(), progress=False).encode(X)


def test_an_encoder_failing_on_dict_batches_suggests_a_transform():
    class Dicts(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return len(X)

        def __getitem__(self, i: int) -> dict:
            return {"labels": int(Y[i]), "data": X[i]}

    with pytest.raises(
        ModelError, match=r'dict with keys \[\'labels\', \'data\'\].*lambda b: b\["data"\]'
    ):
        LatentModel(lambda x: x.reshape(len(x), -1), progress=False).encode(Dicts())


def test_a_failing_output_rule_names_its_argument():
    with pytest.raises(ModelError, match=r"^encoder_output raised KeyError"):
        LatentModel(lambda x: {"z": x}, encoder_output=lambda o: o["mu"], progress=False).encode(X)


def test_a_sampling_encoder_warns_once_per_model():
    def sampling(x):
        return x.reshape(len(x), -1) + torch.randn(len(x), 16)

    model = LatentModel(sampling, progress=False)
    with pytest.warns(LatentWarning, match=r"not deterministic.*encoder_output='mu'"):
        model.encode(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LatentWarning)
        model.encode(X)  # once per model: no second warning
    with pytest.warns(LatentWarning):
        LatentModel(sampling, progress=False).encode(X[:1])


@pytest.mark.parametrize("name", ["digits-ae", "digits-vae", "shapes-ae", "shapes-vae"])
def test_the_built_in_models_do_not_warn(name):
    from latentwidgets.models import load_pretrained

    model = load_pretrained(name)
    size = 8 if name.startswith("digits") else 32
    x = torch.rand(6, 1, size, size, generator=torch.Generator().manual_seed(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", LatentWarning)
        for encoder in (model.encode, model.encoder):
            LatentModel(encoder, model.decode, progress=False).encode(x)


class ConvEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.head = nn.Linear(4 * 8 * 8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.conv(x).flatten(1))


def test_flat_data_to_a_convolutional_encoder_says_the_shape_and_the_reshape():
    model = LatentModel(ConvEncoder(), progress=False)
    with pytest.raises(ModelError, match=r"4-D \(N, C, H, W\) batch with C = 1") as info:
        model.encode(torch.rand(20, 64))
    message = str(info.value)
    assert "got (20, 64)" in message
    assert "data.reshape(-1, 1, 8, 8) (64 = 1 * 8 * 8)" in message
    # one error, not torch's chained traceback from inside the layer
    assert info.value.__suppress_context__
    assert info.value.__cause__ is None
    assert model.encode(torch.rand(20, 64).reshape(-1, 1, 8, 8)).shape == (20, 2)


def test_image_data_to_a_linear_encoder_says_to_flatten():
    model = LatentModel(nn.Linear(16, 2), progress=False)
    with pytest.raises(
        ModelError, match=r"takes a 2-D \(N, 16\) batch; got \(10, 1, 4, 4\)"
    ) as info:
        model.encode(X)
    assert "data.reshape(len(data), -1)" in str(info.value)


def test_a_failing_encoder_leaves_no_progress_bar_open(capsys):
    import tqdm as tqdm_package

    # outside a notebook: a text bar on stderr, cleared when the error closes it
    with pytest.raises(ModelError):
        LatentModel(ConvEncoder(), progress=True).encode(torch.rand(20, 64))
    assert not list(tqdm_package.std.tqdm._instances)
    err = capsys.readouterr().err
    assert "Encoding" in err  # the bar was shown...
    assert err.endswith("\r")  # ...and cleared


def test_in_a_notebook_the_bar_is_one_line_emptied_at_the_end(monkeypatch):
    from latentwidgets._engine import progress

    shown: list[dict] = []

    class Handle:
        def update(self, bundle, raw):
            shown.append(bundle)

    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setattr(progress, "UPDATE_S", 0.0)
    monkeypatch.setattr(
        "IPython.display.display",
        lambda bundle, raw, display_id: shown.append(bundle) or Handle(),
    )
    with pytest.raises(ModelError):  # closed on an error too
        LatentModel(ConvEncoder(), progress=True).encode(torch.rand(20, 64))
    assert shown[0]["text/plain"].startswith("Encoding:   0%")
    assert shown[-1] == {"text/plain": ""}  # no widget, nothing left in the saved notebook
    shown.clear()
    LatentModel(lambda x: x.flatten(1), progress=True, batch_size=8).encode(torch.rand(20, 4))
    assert "20/20 items" in shown[-2]["text/plain"]
    assert shown[-1] == {"text/plain": ""}


class WholeAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
        self.decoder = nn.Sequential(nn.Linear(2, 16), nn.Unflatten(1, (1, 4, 4)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def test_the_whole_autoencoder_as_the_encoder_warns():
    with pytest.warns(LatentWarning, match="whole autoencoder"):
        LatentModel(WholeAE(), progress=False).encode(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LatentModel(WholeAE().encoder, progress=False).encode(X)
        # flat features passed through unchanged may be meant: no warning
        LatentModel(lambda b: b * 2, progress=False).encode(torch.rand(10, 3))
