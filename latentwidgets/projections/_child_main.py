"""The program of a worker process: run jobs sent by the parent, stream their progress back.

Started by :mod:`._child` with ``python -c``, which imports this module through stand-in
``latentwidgets`` packages (their ``__init__`` never runs), so that the worker holds numpy and the
job's library only: no torch, no widget, nothing of the user's script. It imports only the
standard library itself; a job module must do the same, apart from numpy and its own library.

The wire: pickles framed by :class:`multiprocessing.connection.Connection` on fd 0 (requests) and
on a copy of fd 1 (replies); fd 1 itself goes to stderr, so that a print in a library cannot
corrupt the replies. A request is ``(module, function, args)``; the job runs as
``function(report, *args)``, where ``report(fraction, message, coords)`` sends
``("progress", fraction, message, coords)``; then comes ``("done", result)`` or
``("error", exception, traceback_text)``. Before any of them, once its imports and warm-up are
over, the worker sends ``("ready",)``.
"""

from __future__ import annotations

import importlib
import os
import pickle
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _function(module: str, name: str) -> Callable[..., Any]:
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


def _send(replies: Connection, reply: tuple[Any, ...]) -> None:
    """Send the job's last reply; one that cannot be pickled comes back as an error that can."""
    try:
        replies.send(reply)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        if reply[0] == "error":
            text = f"{type(reply[1]).__name__}: {reply[1]}"
            replies.send(("error", RuntimeError(text), reply[2]))
        else:
            text = f"the result could not be sent back: {type(error).__name__}: {error}"
            replies.send(("error", RuntimeError(text), ""))


def serve(requests: Connection, replies: Connection, warm_up: list[str]) -> None:
    """Run ``warm_up`` (``[module, function]``, or empty), say so, then every request until EOF."""
    if warm_up:
        _function(*warm_up)()
    try:
        replies.send(("ready",))
    except BrokenPipeError:  # the parent is gone
        return

    def report(fraction: float | None, message: str, coords: Any = None) -> None:
        replies.send(("progress", fraction, message, coords))

    while True:
        try:
            module, name, args = requests.recv()
        except EOFError:  # the parent closed the pipe, or is gone
            return
        try:
            reply: tuple[Any, ...] = ("done", _function(module, name)(report, *args))
        except BrokenPipeError:  # the parent is gone: nobody to reply to
            return
        except Exception as error:
            reply = ("error", error, traceback.format_exc())
        try:
            _send(replies, reply)
        except BrokenPipeError:
            return


def main(argv: list[str]) -> None:
    """Entry point of ``python -c``: the warm-up (module and function, or nothing), then serve."""
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    serve(Connection(0, writable=False), replies, argv)
