"""The widget contract, checked: Python's synced traits, ``ExplorerTraits`` in js/src/types.ts and the
trait table of docs/widget-contract.md name the same traits, of the same kind."""

from __future__ import annotations

import pathlib
import re

import anywidget
import traitlets

import latentwidgets
from latentwidgets._widget.serialization import array_to_binary

ROOT = pathlib.Path(__file__).parent.parent
TYPES_TS = ROOT / "js" / "src" / "types.ts"
CONTRACT_MD = ROOT / "docs" / "widget-contract.md"

# A trait's kind on the wire: what both sides must agree on.
BINARY, STRING, NUMBER, BOOLEAN, ARRAY, OBJECT = (
    "binary array",
    "string",
    "number",
    "boolean",
    "array",
    "object",
)


# --- Python ---------------------------------------------------------------------------------------


def python_kind(trait: traitlets.TraitType) -> str | tuple[str, ...]:
    """The wire kind of a synced trait; a tuple of the allowed strings for an Enum."""
    if trait.metadata.get("to_json") is array_to_binary:
        return BINARY
    if isinstance(trait, traitlets.Bool):
        return BOOLEAN
    if isinstance(trait, traitlets.Int | traitlets.Float):
        return NUMBER
    if isinstance(trait, traitlets.Unicode):
        return STRING
    if isinstance(trait, traitlets.Enum) and all(isinstance(v, str) for v in trait.values):
        return tuple(sorted(trait.values))
    if isinstance(trait, traitlets.List | traitlets.Tuple):
        return ARRAY
    if isinstance(trait, traitlets.Dict):
        return OBJECT
    raise AssertionError(
        f"{trait.name}: test_contract.py has no rule for {type(trait).__name__} traits; add one"
    )


def python_traits(widget: type[traitlets.HasTraits]) -> dict[str, str | tuple[str, ...]]:
    """The traits ``widget`` syncs beyond those every anywidget syncs, with their kinds."""
    own = widget.class_traits(sync=True)
    common = anywidget.AnyWidget.class_traits(sync=True)
    return {name: python_kind(trait) for name, trait in own.items() if name not in common}


# --- TypeScript -----------------------------------------------------------------------------------


def _strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"//[^\n]*", "", source)


def ts_interface(source: str, name: str) -> dict[str, str]:
    """The members of ``interface name { ... }`` (flat bodies only), as member -> type text."""
    source = _strip_comments(source)
    match = re.search(rf"\binterface\s+{name}\s*\{{([^{{}}]*)\}}", source)
    assert match, f"no flat `interface {name} {{ ... }}` found"
    members = {}
    for line in match.group(1).split(";"):
        if not line.strip():
            continue
        member = re.fullmatch(r"\s*(?:readonly\s+)?(\w+)\??\s*:\s*(.+?)\s*", line, flags=re.S)
        assert member, f"cannot read the member {line.strip()!r} of {name}"
        members[member.group(1)] = " ".join(member.group(2).split())
    return members


def _top_level_union(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char in "[<({"
        depth -= char in "]>)}"
        if char == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def ts_kind(type_text: str, source: str) -> str | tuple[str, ...] | None:
    """The wire kind of a TypeScript type in ``source``'s terms; a tuple for a string-literal union."""
    source = _strip_comments(source)
    aliases = dict(re.findall(r"\btype\s+(\w+)\s*=\s*([^;]+);", source))
    interfaces = set(re.findall(r"\binterface\s+(\w+)", source))
    text = " ".join(type_text.split())
    for _ in range(10):  # follow aliases of aliases
        if text not in aliases:
            break
        text = " ".join(aliases[text].split())
    if text == "BinaryArray | null":
        return BINARY
    if text in ("string", "number", "boolean"):
        return text
    members = _top_level_union(text)
    literals = [re.fullmatch(r"\"([^\"]*)\"|'([^']*)'", m) for m in members]
    if all(literals):
        return tuple(sorted(lit.group(1) or lit.group(2) or "" for lit in literals if lit))
    if all(re.fullmatch(r"(readonly\s+)?(.+\[\]|\[.*\]|(Readonly)?Array<.+>)", m) for m in members):
        return ARRAY
    if text in interfaces or text.startswith("{") or text.startswith("Record<"):
        return OBJECT
    return None


def _describe(kind: str | tuple[str, ...] | None) -> str:
    if kind is None:
        return "a type this test cannot classify"
    if isinstance(kind, tuple):
        return "one of " + " | ".join(f'"{v}"' for v in kind)
    return kind


def _agree(py: str | tuple[str, ...], ts: str | tuple[str, ...] | None) -> bool:
    if isinstance(py, tuple):  # an Enum: the literal union must list exactly its values
        return ts == py
    if py == STRING:
        return ts == STRING or isinstance(ts, tuple)
    return ts == py


def contract_problems(py: dict[str, str | tuple[str, ...]], ts_source: str) -> list[str]:
    """Every way ``ExplorerTraits`` in ``ts_source`` differs from the Python traits ``py``."""
    ts = ts_interface(ts_source, "ExplorerTraits")
    problems = [
        f"{name}: synced by Python but missing from ExplorerTraits"
        for name in py.keys() - ts.keys()
    ]
    problems += [
        f"{name}: in ExplorerTraits but not a synced Python trait" for name in ts.keys() - py.keys()
    ]
    for name in sorted(py.keys() & ts.keys()):
        kind = ts_kind(ts[name], ts_source)
        if not _agree(py[name], kind):
            problems.append(
                f"{name}: Python sends {_describe(py[name])}, "
                f"ExplorerTraits declares `{ts[name]}` ({_describe(kind)})"
            )
    return sorted(problems)


# --- docs/widget-contract.md ----------------------------------------------------------------------


def documented_traits(markdown: str) -> set[str]:
    """The trait names in the first column of the "Synced traits" table."""
    section = re.search(r"^## Synced traits\n(.*?)(?=^## )", markdown, flags=re.S | re.M)
    assert section, "docs/widget-contract.md has no '## Synced traits' section"
    names = set()
    for row in section.group(1).splitlines():
        cells = row.split("|")
        if row.startswith("|") and len(cells) > 2:
            names.update(re.findall(r"`(\w+)`", cells[1]))
    return names


# --- the tests ------------------------------------------------------------------------------------


def test_explorer_traits_match_python():
    problems = contract_problems(python_traits(latentwidgets.LatentExplorer), TYPES_TS.read_text())
    listed = "\n".join(problems)
    assert not problems, f"js/src/types.ts and LatentExplorer disagree:\n{listed}"


def test_contract_table_lists_the_synced_traits():
    documented = documented_traits(CONTRACT_MD.read_text())
    synced = set(python_traits(latentwidgets.LatentExplorer))
    problems = [f"{n}: synced by Python but not in the table" for n in sorted(synced - documented)]
    problems += [f"{n}: in the table but not a synced trait" for n in sorted(documented - synced)]
    listed = "\n".join(problems)
    assert not problems, f"docs/widget-contract.md's trait table is out of date:\n{listed}"


WRONG_TS = """
export type Mode = "a" | "b";
export interface Shape { x: number; }
export interface ExplorerTraits {
  // a comment; with a semicolon
  title: number;
  flag: boolean;
  mode: Mode;
  extra: string;
  shape: Shape;
  points: Float32Array;
  names: string[];
}
"""


def test_the_check_reports_each_difference():
    py = {
        "title": STRING,  # declared a number
        "flag": NUMBER,  # declared a boolean
        "mode": ("a", "c"),  # the union's values differ
        "shape": OBJECT,
        "points": BINARY,  # declared a typed array, not `BinaryArray | null`
        "names": ARRAY,
        "missing": NUMBER,  # not declared at all
    }
    assert contract_problems(py, WRONG_TS) == [
        "extra: in ExplorerTraits but not a synced Python trait",
        "flag: Python sends number, ExplorerTraits declares `boolean` (boolean)",
        "missing: synced by Python but missing from ExplorerTraits",
        'mode: Python sends one of "a" | "c", ExplorerTraits declares `Mode` (one of "a" | "b")',
        "points: Python sends binary array, ExplorerTraits declares `Float32Array` "
        "(a type this test cannot classify)",
        "title: Python sends string, ExplorerTraits declares `number` (number)",
    ]


def test_typescript_kinds():
    source = 'type Kind = "x" | "y"; interface Status { s: string }'
    assert ts_kind("string", source) == STRING
    assert ts_kind("Kind", source) == ("x", "y")
    assert ts_kind("[number, number] | number[]", source) == ARRAY
    assert ts_kind("Array<string>", source) == ARRAY
    assert ts_kind("Status", source) == OBJECT
    assert ts_kind("BinaryArray | null", source) == BINARY
    assert ts_kind("BinaryArray", source) is None


def test_python_kinds():
    class Widget(anywidget.AnyWidget):
        a = traitlets.Unicode().tag(sync=True)
        b = traitlets.Enum(("x", "y")).tag(sync=True)
        c = traitlets.List().tag(sync=True)
        d = traitlets.Dict().tag(sync=True)
        e = traitlets.Bool().tag(sync=True)
        f = traitlets.Float().tag(sync=True)
        g = traitlets.Any().tag(sync=True, to_json=array_to_binary)
        h = traitlets.Int()  # not synced

    assert python_traits(Widget) == {
        "a": STRING,
        "b": ("x", "y"),
        "c": ARRAY,
        "d": OBJECT,
        "e": BOOLEAN,
        "f": NUMBER,
        "g": BINARY,
    }


def test_the_table_reader_takes_every_name_in_the_first_column():
    markdown = "## Synced traits\n| trait | type |\n|---|---|\n| `a`, `b` | `int` |\n| `c` | str |\n## Next\n| `d` |\n"
    assert documented_traits(markdown) == {"a", "b", "c"}
