"""Encode a ``ray.data.Dataset`` with a torch encoder on a Ray cluster's CPUs or GPUs.

Each Ray actor holds one :class:`~latentwidgets.LatentModel` (the encoder is shipped to it once,
through the constructor arguments) and encodes batches exactly as ``LatentModel.encode`` does in
the notebook: same batching rules, same ``encoder_output`` and ``transform``, same checks. An id
column of row numbers is added before the map, so the codes can be put back in dataset order
however the actors finish.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from .._engine.model import LatentModel, _check_callable, _check_positive_int, _module_of
from .._engine.outputs import OutputRule
from ..operations._checks import check_output_path
from ._arrow import from_arrow, list_type
from ._optional import require
from ._table import LatentTable

__all__ = ["encode_with_ray"]

CODES = "codes"
"""The list column that holds the codes in what :func:`encode_with_ray` writes."""

ID = "id"
"""The column of row numbers (or the dataset's own ids) that orders the codes."""

ITEM_COLUMNS = ("x", "image", "item", "items")
"""Columns taken as the items, in this order, where a dataset has several and no ``column=``."""


def _install_hint() -> str:
    return "pip install latentwidgets[ray]"


class _EncodeBatches:
    """The callable class that Ray Data runs in each actor: one LatentModel per actor."""

    def __init__(
        self,
        encoder: Callable[..., Any],
        column: str,
        carried: list[str],
        encoder_output: OutputRule,
        transform: Callable[[Any], Any] | None,
        batch_size: int,
        device: str,
    ) -> None:
        module = _module_of(encoder)
        if module is not None and device != "cpu":
            module.to(device)
        self.model = LatentModel(
            encoder,
            device=device,
            encoder_output=encoder_output,
            transform=transform,
            batch_size=batch_size,
            progress=False,
        )
        self.column = column
        self.carried = carried
        self.pa = require("pyarrow", "ray", "encode_with_ray")

    def __call__(self, batch: dict[str, np.ndarray]) -> Any:
        items = _items(batch[self.column])
        codes = self.model.encode(items).detach().to("cpu", torch.float32).numpy()
        pa = self.pa
        columns = {
            CODES: pa.FixedSizeListArray.from_arrays(pa.array(codes.reshape(-1)), codes.shape[1]),
            ID: pa.array(batch[ID]),
        }
        for name in self.carried:
            columns[name] = pa.array(batch[name])
        return pa.table(columns)


def _items(values: Any) -> Any:
    """Return a batch of the item column as LatentModel.encode takes it: an array, else a list."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        first = values[0] if len(values) else None
        same = isinstance(first, np.ndarray) and all(
            isinstance(v, np.ndarray) and v.shape == first.shape for v in values
        )
        return np.stack(list(values)) if same else list(values)
    if isinstance(values, np.ndarray) and not values.flags.writeable:
        # Ray hands out read-only views of its object store; torch warns on those.
        return np.array(values)
    return values


def _pick_column(columns: list[str], column: str | None) -> str:
    listed = ", ".join(map(repr, columns))
    if column is not None:
        if not isinstance(column, str):
            raise TypeError(
                f"column must be a column name (str) or None; got {type(column).__name__} {column!r}"
            )
        if column not in columns:
            raise ValueError(
                f"column={column!r} is not a column of the dataset; its columns are: {listed}"
            )
        return column
    candidates = [name for name in columns if name != ID]
    if len(candidates) == 1:
        return candidates[0]
    found = next((name for name in ITEM_COLUMNS if name in candidates), None)
    if found is None:
        raise ValueError(
            f"the dataset has {len(columns)} columns ({listed}) and none is named "
            f"{', '.join(map(repr, ITEM_COLUMNS))}: pass column= to say which holds the items, "
            f"e.g. encode_with_ray(encoder, dataset, column={candidates[0] if candidates else columns[0]!r})"
        )
    return found


def _check_carried(pa: Any, schema: Any, column: str) -> list[str]:
    """List the columns that travel beside the codes: all but the items, one value per row."""
    carried = []
    for name, kind in zip(schema.names, schema.types, strict=True):
        if name in (column, ID):
            continue
        if name == CODES:
            raise ValueError(
                f"the dataset has a column named {CODES!r}, the name of the column of codes that "
                "encode_with_ray adds: rename it, e.g. dataset.rename_columns({'codes': 'old_codes'})"
            )
        if isinstance(kind, pa.DataType) and (
            list_type(pa, kind) is not None or isinstance(kind, pa.ExtensionType)
        ):
            raise ValueError(
                f"the dataset's column {name!r} holds arrays ({kind}); only the item column "
                f"({column!r}) may: labels and metadata travel as one value per row. Drop it "
                f"first, dataset.drop_columns([{name!r}]), or pass column={name!r} if it holds the items"
            )
        carried.append(name)
    return carried


def _with_row_ids(ray: Any, dataset: Any) -> Any:
    """Zip the row numbers onto ``dataset`` as the column ``id``, before any map.

    The actors may finish in any order; the ids put the codes back in dataset order. Execution
    runs with ``preserve_order`` (see :func:`_ordered`), under which a zip by position is
    deterministic.
    """
    if not hasattr(dataset, "zip"):
        raise ValueError(
            "this Ray version has no Dataset.zip to number the rows: add an 'id' column of "
            "unique item ids to the dataset (e.g. the file path or a database key) and pass it again"
        )
    rows = dataset.count()
    if rows == 0:
        raise ValueError("dataset is empty: expected at least one row, got 0")
    with warnings.catch_warnings():
        # Ray 2.51+ deprecates zip (it relies on a deterministic order, which _ordered sets).
        warnings.simplefilter("ignore", DeprecationWarning)
        return dataset.zip(ray.data.range(rows))


@contextlib.contextmanager
def _ordered(ray: Any, dataset: Any) -> Iterator[None]:
    """Execute ``dataset`` with ``preserve_order`` on, and restore the setting afterwards."""
    context = getattr(dataset, "context", None) or ray.data.DataContext.get_current()
    before = context.execution_options.preserve_order
    context.execution_options.preserve_order = True
    try:
        yield
    finally:
        context.execution_options.preserve_order = before


def _check_concurrency(value: object) -> int | tuple[int, int]:
    if isinstance(value, tuple) and len(value) == 2:
        low = _check_positive_int(value[0], "concurrency[0]")
        high = _check_positive_int(value[1], "concurrency[1]")
        if low > high:
            raise ValueError(f"concurrency=(min, max) needs min <= max; got {value!r}")
        return (low, high)
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            "concurrency must be a positive int (actors) or a (min, max) tuple of ints "
            f"(an autoscaling pool); got {type(value).__name__} {value!r}"
        )
    return _check_positive_int(value, "concurrency")


def _check_num_gpus(value: object, ray: Any) -> float:
    if value is None:
        if not ray.is_initialized():
            ray.init()
        return 1.0 if ray.cluster_resources().get("GPU", 0) > 0 else 0.0
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(
            f"num_gpus must be a number of GPUs per actor (e.g. 1, or 0.5 to share one) or None; "
            f"got {type(value).__name__} {value!r}"
        )
    if value < 0:
        raise ValueError(f"num_gpus must be 0 or more GPUs per actor; got {value!r}")
    return float(value)


def _check_num_cpus(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(
            "num_cpus must be a number of CPUs per actor (e.g. 1, or 0.5 to share one) or None; "
            f"got {type(value).__name__} {value!r}"
        )
    if not 0 <= float(value) < float("inf"):
        raise ValueError(f"num_cpus must be 0 or more CPUs per actor; got {value!r}")
    return float(value)


# Ray Data gives every map task and every actor one CPU unless told otherwise, GPU actors too.
_RAY_DEFAULT_CPUS = 1.0


def _check_room(ray: Any, pool: int | tuple[int, int], cpus: float | None) -> None:
    """Refuse a pool of actors that leaves no CPU for the tasks that read the data.

    The actors hold their CPUs for the whole job, and Ray Data's read (and zip) tasks need one
    CPU each: with every CPU held by an actor, the reads wait forever and nothing says why
    (``concurrency=2`` on a 2-CPU local Ray). A cluster of more than one node, or none with
    CPUs, may be one that an autoscaler grows, so only a single node's fixed CPUs are checked.
    """
    if not ray.is_initialized():
        return
    alive = [node for node in ray.nodes() if node.get("Alive")]
    total = float(ray.cluster_resources().get("CPU", 0.0))
    if len(alive) != 1 or total <= 0:
        return
    per_actor = _RAY_DEFAULT_CPUS if cpus is None else cpus
    # an autoscaling pool grows only into free CPUs (measured: (1, 2) on 2 CPUs runs); its
    # floor is what must fit
    actors = pool if isinstance(pool, int) else pool[0]
    held = actors * per_actor
    if held + _RAY_DEFAULT_CPUS <= total:
        return
    room = int((total - _RAY_DEFAULT_CPUS) // per_actor)  # per_actor > 0: held > 0 here
    share = (total - _RAY_DEFAULT_CPUS) / actors
    fixes = [f"concurrency={room}" if room >= 1 else None]
    if share > 0:
        fixes.append(f"num_cpus={share:.3g} per actor")
    fixes.append(f"a Ray with at least {held + _RAY_DEFAULT_CPUS:g} CPUs (ray.init(num_cpus=...))")
    listed = ", ".join(f for f in fixes if f)
    raise ValueError(
        f"concurrency={pool!r} actors with {per_actor:g} CPU each would hold {held:g} of this "
        f"Ray's {total:g} CPUs, leaving none for the tasks that read the data: the job would "
        f"wait forever. Pass {listed}"
    )


def _output_path(output: str | os.PathLike[str]) -> str | pathlib.Path:
    if not isinstance(output, str | os.PathLike):
        raise TypeError(
            "output must be a folder path (str or pathlib.Path, or a URI such as "
            f"'s3://bucket/codes/') or None; got {type(output).__name__} {output!r}"
        )
    text = os.fspath(output)
    if "://" in text:
        return text
    # Ray's writer makes missing folders itself; a file on the way, or a read-only folder,
    # would fail only after every actor had encoded its share.
    path = check_output_path(text, "output", folder=True, create_parents=True).resolve()
    if path.is_dir() and any(path.iterdir()):
        raise FileExistsError(
            f"output={text!r} already exists and is not an empty folder: its shards would mix "
            "with the new ones. Pass a new or empty folder"
        )
    return path


def encode_with_ray(
    encoder: Callable[..., Any],
    dataset: Any,
    *,
    column: str | None = None,
    batch_size: int = 256,
    num_gpus: float | None = None,
    concurrency: int | tuple[int, int] = 1,
    num_cpus: float | None = None,
    output: str | os.PathLike[str] | None = None,
    encoder_output: OutputRule = None,
    transform: Callable[[Any], Any] | None = None,
) -> LatentTable | pathlib.Path | str:
    """Encode every row of a Ray Dataset with ``encoder`` on Ray actors.

    Parameters
    ----------
    encoder : callable
        An ``nn.Module``, a bound method such as ``vae.encode`` or a function, as
        :class:`~latentwidgets.LatentModel` takes it. It is pickled once and sent to each actor;
        the workers need latentwidgets and the encoder's own code installed.
    dataset : ray.data.Dataset
        One row per item. The item column is stacked into a batch (an array where the items
        share one shape, else a list, e.g. for a ``transform`` that decodes bytes or tokenizes
        text); every other column travels beside the codes. A column named ``label`` becomes the
        labels of the result, the others its metadata. A column named ``id`` is taken as the
        items' ids (they must be unique); without one, the row number is the id.
    column : str, optional
        The column holding the items. Default: the only column (besides ``id``), else the first
        of ``x``, ``image``, ``item``, ``items``.
    batch_size : int, default 256
        Rows per batch sent to an actor, and items per encoder call.
    num_gpus : float, optional
        GPUs per actor (``0.5`` lets two actors share one). Default: 1 where the Ray cluster has
        GPUs, else 0 (actors encode on the CPU).
    concurrency : int or (int, int), default 1
        Actors, each with its own copy of the encoder; a ``(min, max)`` pair lets Ray scale the
        pool between the two. On a Ray of one node (a local ``ray.init()``), the actors' CPUs
        must leave at least one CPU for the tasks that read the data, or the job would wait
        forever: that is refused with a ``ValueError`` saying what to change.
    num_cpus : float, optional
        CPUs each actor holds; default Ray Data's, 1 (for GPU actors too). ``0.5`` lets two
        actors share a CPU, e.g. to run two actors and the reads on a 2-CPU machine.
    output : str or os.PathLike, optional
        A folder (local, shared, or a URI such as ``s3://bucket/codes/``) to write the codes to as
        Parquet shards, one list column ``codes`` beside ``id`` and the carried columns, instead
        of gathering them here. It must be new or empty. :func:`read_latents` opens it in order.
    encoder_output : int, str or callable, optional
        How to find the code in the encoder's output, as for :class:`~latentwidgets.LatentModel`.
    transform : callable, optional
        Called on each batch of items before the encoder, in the actor (e.g. ``lambda x:
        x.float() / 255`` for uint8 images).

    Returns
    -------
    LatentTable or pathlib.Path or str
        Without ``output``: the codes in dataset order (by ``id``), with labels and metadata.
        With ``output``: where the shards were written, a ``pathlib.Path`` for a local folder,
        the URI as given for a remote one.

    Raises
    ------
    ImportError
        If Ray Data or pyarrow is not installed (``pip install latentwidgets[ray]``).
    TypeError
        If ``dataset`` is not a ``ray.data.Dataset`` or an argument has the wrong type.
    ValueError
        If the dataset is empty, ``column`` is missing (or not given where it cannot be told), a
        column other than the items holds arrays, an argument is out of range, or the actors
        would hold every CPU of a one-node Ray (see ``concurrency``).
    FileExistsError
        If ``output`` is a local path that exists and is not an empty folder.
    OSError
        Before any work, if a local ``output`` cannot be written: a parent is a file
        (``NotADirectoryError``) or the folder that would hold it is read-only
        (``PermissionError``).
    ray.exceptions.RayTaskError
        If the encoder fails in an actor; the message holds the
        :class:`~latentwidgets.ModelError` with its likely cause.

    Examples
    --------
    >>> import ray
    >>> ray.init(address="auto")  # doctest: +SKIP
    >>> images = ray.data.read_images("s3://bucket/images/", size=(64, 64))  # doctest: +SKIP
    >>> encode_with_ray(vae.encoder, images, num_gpus=1, concurrency=8,
    ...                 transform=lambda x: x.permute(0, 3, 1, 2).float() / 255,
    ...                 output="s3://bucket/codes/")  # doctest: +SKIP
    """
    ray = require("ray", "ray", "encode_with_ray")
    require("ray.data", "ray", "encode_with_ray")
    pa = require("pyarrow", "ray", "encode_with_ray")
    _check_callable(encoder, "encoder", "callable (an nn.Module or a function)")
    if not isinstance(dataset, ray.data.Dataset):
        raise TypeError(
            f"dataset must be a ray.data.Dataset; got {type(dataset).__name__}. Make one with "
            "ray.data.from_numpy(array), ray.data.read_images(path) or ray.data.read_parquet(path); "
            "for data in this process, encode in-process with LatentModel(encoder).encode(data)"
        )
    size = _check_positive_int(batch_size, "batch_size")
    pool = _check_concurrency(concurrency)
    cpus = _check_num_cpus(num_cpus)
    destination = _output_path(output) if output is not None else None
    # Checks encoder_output and transform here, before any actor starts.
    LatentModel(
        encoder, device="cpu", encoder_output=encoder_output, transform=transform, progress=False
    )
    gpus = _check_num_gpus(num_gpus, ray)  # starts a local Ray where none runs
    _check_room(ray, pool, cpus)

    schema = dataset.schema()
    if schema is None:
        raise ValueError("dataset is empty: expected at least one row, got none")
    names = list(schema.names)
    item = _pick_column(names, column)
    carried = _check_carried(pa, schema, item)
    if ID not in names:
        dataset = _with_row_ids(ray, dataset)

    strategy = (
        ray.data.ActorPoolStrategy(size=pool)
        if isinstance(pool, int)
        else ray.data.ActorPoolStrategy(min_size=pool[0], max_size=pool[1])
    )
    encoded = dataset.map_batches(
        _EncodeBatches,
        fn_constructor_kwargs={
            "encoder": encoder,
            "column": item,
            "carried": carried,
            "encoder_output": encoder_output,
            "transform": transform,
            "batch_size": size,
            "device": "cuda" if gpus > 0 else "cpu",
        },
        batch_size=size,
        batch_format="numpy",
        compute=strategy,
        num_gpus=gpus,
        **({} if cpus is None else {"num_cpus": cpus}),
    )
    with _ordered(ray, encoded):
        if destination is not None:
            encoded.write_parquet(str(destination))
            return destination
        tables = [table for table in ray.get(encoded.to_arrow_refs()) if table.num_rows]
    if not tables:
        raise ValueError("dataset is empty: expected at least one row, got 0")
    table = pa.concat_tables(tables, promote_options="default")
    return from_arrow(table, CODES, ID, "label", None)
