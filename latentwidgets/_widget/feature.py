"""The shape of a feature: its synced traits (each with the parts of the page it redraws), its
commands (one decorator checks, reports and replies), and how it attaches to the core.

A feature is a mixin of :class:`~latentwidgets.LatentExplorer` that keeps to its own room: it reads
and writes its own traits and state and the core (``self._core``), and hears of changes through
the core's events. ``tests/test_features.py`` checks that no feature module touches another's
members.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import traitlets
from anywidget.experimental import command as anywidget_command

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .core import ExplorerCore

T = TypeVar("T", bound=traitlets.TraitType)
Reply = tuple[dict[str, Any], list[bytes]]
Handler = Callable[[Any, Mapping[str, Any], list[bytes]], "Reply | dict[str, Any]"]


def synced(
    trait: T, *parts: str, ts: str | None = None, browser: bool = False, session: int = 0
) -> T:
    """Tag ``trait`` as synced with the browser, redrawing ``parts`` there when it changes.

    ``browser``: the browser may write it too (a control, the selection); the kernel refuses
    every other trait the browser sends. ``ts`` names its TypeScript type where the generated
    contract cannot derive it from the trait. ``session``: a saved session holds it, restored at
    this stage (1 first; 0: not saved), so that e.g. parameters land before the projection.
    """
    metadata: dict[str, Any] = {"sync": True, "parts": parts, "browser": browser}
    if session:
        metadata["session"] = session
    if ts is not None:
        metadata["ts"] = ts
    return trait.tag(**metadata)


#: The Python types a command message field may take, by the name the error says.
_KINDS: dict[str, Callable[[object], bool]] = {
    "int": lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_),
    "number": lambda v: (
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)
    ),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list | tuple),
    "mapping": lambda v: isinstance(v, Mapping),
    "any": lambda v: True,
}


_ARTICLES = {
    "int": "an integer",
    "number": "a number",
    "bool": "a bool",
    "str": "a string",
    "list": "a list",
    "mapping": "a mapping",
    "any": "a value",
}


def check_message(msg: object, doing: str, fields: Mapping[str, str]) -> Mapping[str, Any]:
    """``msg`` as a mapping whose ``fields`` (name -> kind, ``"int?"`` when optional) are right."""
    if not isinstance(msg, Mapping):
        raise TypeError(f"a {doing} request must be a mapping; got {msg!r:.60}")
    for name, kind in fields.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if name not in msg or msg[name] is None:
            if optional:
                continue
            raise TypeError(
                f"a {doing} request needs {name!r} ({_ARTICLES[kind]}); got {dict(msg)!r:.80}"
            )
        if not _KINDS[kind](msg[name]):
            raise TypeError(f"{name} must be {_ARTICLES[kind]}; got {msg[name]!r:.60}")
    return msg


def command(
    doing: str, *, fields: Mapping[str, str] | None = None, echo: tuple[str, ...] = ()
) -> Callable[[Handler], Handler]:
    """Make a method an anywidget command that cannot hurt the kernel or fail silently.

    The decorated method gets a message already checked against ``fields`` and returns its reply
    (a dict, or a dict and buffers). Any error is shown in the widget's status line ("``doing``:
    ...") and answered ``{"error": ...}``, with the message's ``echo`` keys copied in, so that the
    browser can tell which request failed.
    """
    shape = dict(fields or {})

    def decorate(method: Handler) -> Handler:
        @functools.wraps(method)
        def handler(self: Any, msg: Any, buffers: list[bytes]) -> Reply:
            try:
                checked = check_message(msg, doing, shape)
                reply = method(self, checked, buffers)
            except Exception as error:
                self._core.report(error, doing)
                echoed = {k: msg.get(k) for k in echo} if isinstance(msg, Mapping) else {}
                return {**echoed, "error": f"{type(error).__name__}: {error}"}, []
            return reply if isinstance(reply, tuple) else (reply, [])

        handler.command_name = method.__name__  # type: ignore[attr-defined]
        return anywidget_command(handler)

    return decorate


class Feature(traitlets.HasTraits):
    """Base of the explorer's features. Each subclass overrides :meth:`_attach`."""

    if TYPE_CHECKING:  # the widget provides these (core.CORE_TRAITS)
        _core: ExplorerCore
        pinned: int

        def hold_sync(self) -> AbstractContextManager[None]: ...
        def send(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None: ...

    def _attach(self, core: ExplorerCore) -> None:
        """Set up the feature's state and subscribe to the core's events (once, at construction)."""
