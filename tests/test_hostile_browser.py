"""A hostile or broken front end cannot hurt the kernel: every message is checked, refused with an
answer and a word in the status line, and changes nothing it should not."""

from __future__ import annotations

import re

import numpy as np
import pytest

from latentwidgets import LatentExplorer


def _custom(explorer: LatentExplorer, content: object, buffers: list[bytes] | None = None) -> None:
    explorer._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []}
    )


def _update(explorer: LatentExplorer, state: dict, paths: list | None = None, buffers=None) -> None:
    data = {"method": "update", "state": state, "buffer_paths": paths or []}
    explorer._handle_msg({"content": {"data": data}, "buffers": buffers or []})


@pytest.fixture
def replies(explorer, monkeypatch):
    sent: list[tuple[dict, list]] = []
    monkeypatch.setattr(
        explorer, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    return sent


def _command(name: object, msg: object, request_id: object = "r1") -> dict:
    return {"id": request_id, "kind": "anywidget-command", "name": name, "msg": msg}


def test_an_unknown_command_is_answered_and_reported(explorer, replies):
    _custom(explorer, _command("__import__", {}))
    ((reply, _),) = replies
    assert reply["id"] == "r1"
    assert "unknown command '__import__'" in reply["response"]["error"]
    assert explorer._status["state"] == "error"


@pytest.mark.parametrize(
    "content",
    [None, [], "x", {"kind": "anywidget-command"}, {"kind": "anywidget-command", "name": 3}],
)
def test_malformed_command_envelopes_do_not_raise(explorer, replies, content):
    _custom(explorer, content)
    assert all("error" in r[0]["response"] for r in replies)


BAD_REQUESTS = [
    ("probe", None),
    ("probe", {"x": "1", "y": 0}),
    ("probe", {"x": float("nan"), "y": 0}),
    ("probe", {"x": True, "y": 0}),
    ("manifold_command", {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "grid": 10**9}),
    ("manifold_command", {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "grid": 2.5}),
    ("manifold_command", [1, 2]),
    ("sample_command", {"n": 10**12}),
    ("sample_command", {"n": "16"}),
    ("sample_command", {}),
    ("vector_command", {"a": {"selection": True}, "b": {"rest": True}}),
    ("vector_command", {"name": None, "a": {"selection": True}, "b": {"rest": True}}),
    ("vector_command", {"name": "v", "a": "all", "b": {"rest": True}}),
    ("points_in_view", {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "limit": -1}),
    ("points_in_view", {"x0": 1, "x1": 0, "y0": 0, "y1": 1, "limit": 5}),
    ("select_region", {"polygon": [0, 0, 1]}),
    ("select_region", {"polygon": "0,0,1,1,2,2"}),
    ("select_region", {"polygon": [0, 0, 1, 1, 2, float("inf")]}),
    ("select_region", {"polygon": [0, 0, 1, 1, 2, 2], "merge": "yes"}),
    ("select_category", {"code": 10**6}),
    ("select_category", {"code": None}),
    ("preview", {"index": 10**9}),
    ("preview", {"index": 1.5}),
    ("preview", {"index": 1, "snapshot": 5}),
]


@pytest.mark.parametrize(
    ("name", "msg"), BAD_REQUESTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD_REQUESTS)]
)
def test_every_command_answers_a_bad_request_with_an_error(explorer, replies, name, msg):
    selected = explorer.selected
    _custom(explorer, _command(name, msg))
    ((reply, buffers),) = replies
    assert reply["id"] == "r1"
    assert "error" in reply["response"], reply
    assert not buffers
    assert explorer._status["state"] == "error"
    assert explorer.selected == selected


def test_a_good_request_still_works_after_bad_ones(explorer, replies):
    _custom(explorer, _command("nope", {}))
    _custom(explorer, _command("sample_command", {"n": 3}, "r2"))
    assert replies[-1][0] == {
        "id": "r2",
        "kind": "anywidget-command-response",
        "response": {"count": 3},
    }


# --- traits the browser writes ----------------------------------------------------------------


def _selection_state(array: np.ndarray, dtype: str | None = None, shape=None) -> tuple[dict, list]:
    state = {
        "_selection": {"dtype": dtype or str(array.dtype), "shape": shape or list(array.shape)}
    }
    return state, [array.tobytes()]


@pytest.mark.parametrize(
    ("state", "buffers", "says"),
    [
        (
            *_selection_state(np.array([1, 10**9], np.uint32)),
            r"_selection must hold point indices in \[0, 60\)",
        ),
        (*_selection_state(np.array([1.0, 2.5], np.float32)), "integer point indices"),
        (*_selection_state(np.array([np.nan], np.float32)), "integer point indices"),
        (*_selection_state(np.array([1, 2], np.uint32), shape=[3]), "cannot hold"),
        (*_selection_state(np.array([1, 2], np.uint32), dtype="object"), "dtype must be"),
        ({"_selection": [1, 2, 3]}, [], "view, dtype, shape"),
    ],
)
def test_a_bad_selection_from_the_browser_is_refused_by_name(explorer, state, buffers, says):
    explorer.selected = [3, 4]
    paths = [["_selection", "view"]] if buffers else []
    _update(explorer, state, paths, buffers)
    assert explorer.selected == [3, 4]
    assert explorer._status["state"] == "error"
    assert "a change from the browser" in explorer._status["message"]

    assert re.search(says, explorer._status["message"]), explorer._status["message"]


def test_a_good_selection_from_the_browser_is_sorted_and_unique(explorer):
    state, buffers = _selection_state(np.array([7, 2, 7], np.uint32))
    _update(explorer, state, [["_selection", "view"]], buffers)
    assert explorer.selected == [2, 7]


@pytest.mark.parametrize(
    "name", ["_status", "_points", "point_size", "_frames", "max_drawn", "_history"]
)
def test_the_browser_may_not_write_the_kernels_traits(explorer, name):
    before = explorer.get_state(name)
    _update(explorer, {name: None})
    assert explorer.get_state(name) == before or name == "_status"
    assert explorer._status["state"] == "error"
    assert "may not set" in explorer._status["message"]
