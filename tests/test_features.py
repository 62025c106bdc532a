"""Each feature keeps to its own room: it uses its own members, the core, and the widget's base
API, never another feature's; no two features define the same member; none imports another."""

from __future__ import annotations

import ast
import pathlib

import anywidget
import pytest

import latentwidgets
from latentwidgets._widget.core import CORE_TRAITS, Events
from latentwidgets._widget.core_traits import CoreTraits
from latentwidgets._widget.feature import Feature
from latentwidgets.explorer import FEATURES

FEATURES_DIR = pathlib.Path(latentwidgets.__file__).parent / "features"
#: What every feature may use of the widget besides its own members and the core's traits.
BASE = {name for name in dir(anywidget.AnyWidget) if not name.startswith("__")} | {"_core"}
CORE = set(CORE_TRAITS) | {name for name in vars(CoreTraits) if not name.startswith("__")}


def own_members(tree: ast.Module) -> set[str]:
    """Names a module defines on ``self``: its classes' members and ``self.x = ...`` state."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        for target in targets:
            for sub in ast.walk(target):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "self"
                ):
                    names.add(sub.attr)
    return names


def used_members(tree: ast.Module) -> dict[str, int]:
    """Each ``self.x`` the module reads or calls, with the line of its first use."""
    used: dict[str, int] = {}
    for node in ast.walk(tree):
        attribute = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if attribute and node.value.id == "self":
            used.setdefault(node.attr, node.lineno)
    return used


def reaches(source: str) -> list[str]:
    """The members a feature module uses that are neither its own, the core's nor the widget's."""
    tree = ast.parse(source)
    allowed = own_members(tree) | BASE | CORE
    return sorted(
        f"self.{name} (line {line})"
        for name, line in used_members(tree).items()
        if name not in allowed
    )


def test_no_feature_reaches_into_another():
    problems = {}
    for path in sorted(FEATURES_DIR.glob("*.py")):
        found = reaches(path.read_text())
        if found:
            problems[path.name] = found
    assert not problems, f"features use members that are not theirs nor the core's: {problems}"


def test_no_feature_imports_another():
    for path in sorted(FEATURES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.level == 1 and node.module), f"{path.name} imports .{node.module}"
                assert "features" not in (node.module or ""), f"{path.name} imports {node.module}"


def test_no_two_features_define_the_same_member():
    owners: dict[str, str] = {}
    clashes = []
    made_by_traitlets = set(vars(type("Empty", (Feature,), {})))
    for feature in FEATURES:
        for name in vars(feature):
            if name in made_by_traitlets or name == "_attach":  # called per class
                continue
            if name in owners:
                clashes.append(f"{name}: {owners[name]} and {feature.__name__}")
            owners[name] = feature.__name__
    assert not clashes


def test_the_check_finds_a_reach():
    source = (
        "class A:\n"
        "    x = 1\n"
        "    def f(self):\n"
        "        self.state = 2\n"
        "        return self.x + self.state + self.pinned + self._core.latents + self._frames_for\n"
    )
    assert reaches(source) == ["self._frames_for (line 5)"]


def test_events_run_in_order_and_refuse_unknown_names():
    events, calls = Events(), []
    events.on("codes_changed", lambda latents: calls.append(("a", latents)))
    events.on("codes_changed", lambda latents: calls.append(("b", latents)))
    events.emit("codes_changed", latents=1)
    assert calls == [("a", 1), ("b", 1)]
    with pytest.raises(ValueError, match="codes_changed"):
        events.on("codes_chnged", print)
