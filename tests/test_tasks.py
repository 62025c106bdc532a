from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_digits

from latentwidgets._engine.tasks import run_in_background
from latentwidgets.projections import TSNE, ProjectionCancelled

WAIT = 60.0  # generous: a loaded CI machine is slow, and a hang should fail, not block


class Recorder:
    """Collects what the handlers receive."""

    def __init__(self) -> None:
        self.progress: list[tuple] = []
        self.done: list[Any] = []
        self.errors: list[BaseException] = []
        self.first_progress = threading.Event()

    def on_progress(self, *event: Any) -> None:
        self.progress.append(event)
        self.first_progress.set()

    def handlers(self) -> dict[str, Any]:
        return {
            "on_progress": self.on_progress,
            "on_done": self.done.append,
            "on_error": self.errors.append,
        }


def test_on_done_gets_the_result_and_progress_arrives_in_order() -> None:
    recorder = Recorder()

    def work(callback: Any) -> str:
        for step in range(3):
            callback(step / 3, f"step {step}", None)
        return "result"

    task = run_in_background(work, **recorder.handlers())
    assert task.wait(WAIT)
    assert task.done
    assert task.result == "result"
    assert recorder.done == ["result"]
    assert [message for _, message, _ in recorder.progress] == ["step 0", "step 1", "step 2"]
    assert recorder.errors == []


def test_exceptions_reach_on_error() -> None:
    recorder = Recorder()

    def work(callback: Any) -> None:
        raise ValueError("bad latent")

    task = run_in_background(work, **recorder.handlers())
    assert task.wait(WAIT)
    assert isinstance(task.error, ValueError)
    assert [str(e) for e in recorder.errors] == ["bad latent"]
    assert recorder.done == []


def test_a_failing_on_done_reaches_on_error() -> None:
    errors: list[BaseException] = []

    def on_done(result: Any) -> None:
        raise RuntimeError("widget update failed")

    task = run_in_background(lambda callback: 1, on_done=on_done, on_error=errors.append)
    assert task.wait(WAIT)
    assert [str(e) for e in errors] == ["widget update failed"]


def test_an_error_without_on_error_goes_to_threading_excepthook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hooked: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: hooked.append(args.exc_value))

    def work(callback: Any) -> None:
        raise KeyError("lost?")

    task = run_in_background(work)
    assert task.wait(WAIT)
    task._thread.join(WAIT)  # the hook runs after the task has marked itself done
    assert len(hooked) == 1
    assert isinstance(hooked[0], KeyError)


def test_cancel_stops_an_opentsne_run_early() -> None:
    X = load_digits().data
    recorder = Recorder()
    task = run_in_background(
        lambda callback: TSNE().fit_transform(X, callback=callback), **recorder.handlers()
    )
    assert recorder.first_progress.wait(WAIT)
    task.cancel()
    assert task.wait(WAIT)
    assert task.cancelled
    assert isinstance(task.error, ProjectionCancelled)
    assert recorder.done == []
    assert recorder.errors == []  # a cancellation is not a failure
    assert all(fraction is None or fraction < 1 for fraction, _, _ in recorder.progress)


def test_a_newer_task_supersedes_an_older_one() -> None:
    release_old = threading.Event()
    old_recorder, new_recorder = Recorder(), Recorder()

    def slow(callback: Any) -> str:
        release_old.wait(WAIT)
        callback(0.5, "still going", np.zeros((2, 2), np.float32))
        return "old"

    old = run_in_background(slow, **old_recorder.handlers())
    new = run_in_background(lambda callback: "new", **new_recorder.handlers(), supersedes=old)
    assert old.cancelled
    release_old.set()
    assert new.wait(WAIT)
    assert old.wait(WAIT)
    assert new_recorder.done == ["new"]
    # Nothing from the superseded task reaches its handlers after cancel().
    assert old_recorder.progress == []
    assert old_recorder.done == []
    assert old_recorder.errors == []
