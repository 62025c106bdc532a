"""A session: what a person set up in an explorer, written to JSON and read back onto it.

A session holds every synced trait declared with ``session=stage`` (the projection and its
parameters, colours, dims, the pin, A/B, the filter, labels, the panels, the camera...) and the
parts features register with the core for state that is not a trait (tags, saved vectors, the
selection). Loading checks everything before it changes anything, and puts every value back if
one fails to apply, so a refused session changes nothing.
"""

from __future__ import annotations

import base64
import json
import os
import pathlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import traitlets

FORMAT = "latentwidgets-session"
VERSION = 1


@dataclass(frozen=True)
class SessionPart:
    """State a feature keeps outside traits: how to save it, check a saved value, and load it.

    ``check(value)`` raises ``ValueError`` (naming what is wrong) or returns the value ready for
    ``load``; ``load`` must not fail on a checked value.
    """

    save: Callable[[], Any]
    check: Callable[[Any], Any]
    load: Callable[[Any], None]


def pack_indices(indices: np.ndarray) -> dict[str, str]:
    """Point indices as compact JSON: base64 of little-endian uint32."""
    data = np.ascontiguousarray(indices, dtype="<u4").tobytes()
    return {"uint32": base64.b64encode(data).decode("ascii")}


def unpack_indices(value: Any, n: int, name: str) -> np.ndarray:
    """Indices packed by :func:`pack_indices`, checked to be in ``[0, n)``; sorted and unique."""
    if not isinstance(value, dict) or not isinstance(value.get("uint32"), str):
        raise ValueError(
            f"{name} must be packed point indices ({{'uint32': base64}}); got {value!r:.60}"
        )
    try:
        data = base64.b64decode(value["uint32"], validate=True)
    except ValueError as error:
        raise ValueError(f"{name}: the indices are not valid base64 ({error})") from None
    if len(data) % 4:
        raise ValueError(f"{name}: {len(data)} bytes is not a whole number of uint32 indices")
    indices = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    if len(indices) and int(indices.max()) >= n:
        raise ValueError(
            f"{name} holds point index {int(indices.max())}; the explorer has {n} points"
        )
    return np.unique(indices)


def session_traits(widget: traitlets.HasTraits) -> list[str]:
    """Names of the traits a session holds, in the order they are restored."""
    staged = widget.traits(session=lambda stage: bool(stage))
    return sorted(staged, key=lambda name: (staged[name].metadata["session"], name))


def session_state(
    widget: traitlets.HasTraits, parts: dict[str, SessionPart], shape: tuple[int, int]
) -> dict[str, Any]:
    """The JSON-able session of an explorer whose codes have ``shape`` (N, D)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "points": shape[0],
        "latent_dim": shape[1],
        "traits": {name: getattr(widget, name) for name in session_traits(widget)},
        "parts": {name: part.save() for name, part in parts.items()},
    }


def _session_path(path: object) -> pathlib.Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"path must be a str or pathlib.Path, e.g. 'digits.session.json'; got "
            f"{type(path).__name__} {path!r:.60}"
        )
    return pathlib.Path(path)


def write_session(state: dict[str, Any], path: str | pathlib.Path) -> pathlib.Path:
    """Write ``state`` as JSON to ``path`` (its folder must exist)."""
    target = _session_path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"path: the folder {str(target.parent)!r} does not exist; got {str(path)!r}"
        )
    target.write_text(json.dumps(state, indent=1), encoding="utf-8")
    return target


def read_session(path: str | pathlib.Path, shape: tuple[int, int]) -> dict[str, Any]:
    """The session in ``path``, checked to be one for codes of ``shape`` (N, D)."""
    source = _session_path(path)
    if not source.is_file():
        raise FileNotFoundError(f"path: no session file at {str(path)!r}")
    try:
        state = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"path: {str(path)!r} is not a session file (not JSON: {error})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(
            f"path: {str(path)!r} is not a latentwidgets session (save one with save_session)"
        )
    if state.get("version") != VERSION:
        raise ValueError(
            f"path: session version {state.get('version')!r}; this latentwidgets reads {VERSION}"
        )
    saved = (state.get("points"), state.get("latent_dim"))
    if saved != shape:
        raise ValueError(
            f"path: the session was saved on {saved[0]} points with {saved[1]} latent dimensions; "
            f"this explorer has {shape[0]} points with {shape[1]} (load it onto the same data and model)"
        )
    for key in ("traits", "parts"):
        if not isinstance(state.get(key), dict):
            raise ValueError(
                f"path: the session's {key!r} must be a mapping; got {state.get(key)!r:.60}"
            )
    return state


def restore(
    widget: traitlets.HasTraits, parts: dict[str, SessionPart], state: dict[str, Any]
) -> None:
    """Apply ``state``: the parts first (a filter or a colour may name the tags column), then the
    traits by stage. If any value is refused, everything is put back as it was and the error
    names the value."""
    known = session_traits(widget)
    traits = {}
    for name, value in state["traits"].items():
        if name in known:
            traits[name] = value
        else:
            warnings.warn(
                f"load_session: skipped {name!r}, which this explorer does not keep", stacklevel=3
            )
    checked: dict[str, Any] = {}
    for name, value in state["parts"].items():
        if name in parts:
            checked[name] = parts[name].check(value)
        else:
            warnings.warn(
                f"load_session: skipped {name!r}, which this explorer does not keep", stacklevel=3
            )
    before = {name: getattr(widget, name) for name in traits}
    saved_parts = {name: parts[name].check(parts[name].save()) for name in checked}
    try:
        for name, value in checked.items():
            parts[name].load(value)
        for name in sorted(traits, key=known.index):
            try:
                setattr(widget, name, traits[name])
            except traitlets.TraitError as error:
                raise ValueError(f"the session's {name}: {error}") from None
    except Exception:
        for name, value in saved_parts.items():
            parts[name].load(value)
        for name in sorted(before, key=known.index):
            setattr(widget, name, before[name])
        raise
