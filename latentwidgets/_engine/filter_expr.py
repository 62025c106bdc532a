"""Filter expressions over the columns, such as ``label in (1, 7) and recon_error > 0.02``.

The text is parsed with :mod:`ast` and every node checked against a short whitelist before
anything is evaluated: column names, numbers, strings, comparisons (``==`` ``!=`` ``<`` ``<=``
``>`` ``>=``, ``in``, ``not in``), ``and`` ``or`` ``not``, parentheses and arithmetic. Nothing
else runs: a call, an attribute, a subscript, a lambda, a comprehension, an f-string or a name
that is not a column is refused with a :class:`ValueError` naming it. The whitelisted tree is
then evaluated over whole columns with numpy, arithmetic in float64 (so ``10**10**10`` is
``inf`` at once, not a number with ten billion digits).

A categorical column (text values) compares by its category names (``label == 'seven'``) and by
integer codes, a name's place in the legend order (``label in (1, 7)``).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .column_index import ColumnIndex

#: Longest filter, in characters.
MAX_FILTER_CHARS = 2000
#: Deepest nesting of operations in a filter.
MAX_DEPTH = 60

_GRAMMAR = (
    "a filter may use column names, numbers, strings, comparisons (== != < <= > >=, in, not in), "
    "and/or/not, parentheses and arithmetic (+ - * / // % **)"
)
_REFUSED = {
    ast.Call: "a call",
    ast.Attribute: "an attribute access",
    ast.Subscript: "a subscript",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.NamedExpr: "an assignment (:=)",
    ast.IfExp: "a conditional expression",
    ast.Dict: "a dict",
    ast.Starred: "a starred expression",
    ast.Await: "an await",
    ast.Yield: "a yield",
    ast.YieldFrom: "a yield",
    ast.Slice: "a slice",
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_SYMBOLS = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.Invert: "~", ast.MatMult: "@"}
_SYMBOLS.update({ast.LShift: "<<", ast.RShift: ">>", ast.Is: "is", ast.IsNot: "is not"})
_SPELLED = {"&": "and", "|": "or", "~": "not", "is": "==", "is not": "!="}


class FilterError(ValueError):
    """A filter that is refused: its text breaks the grammar or does not fit the columns."""


@dataclass(frozen=True)
class _Category:
    """A categorical column during evaluation: compared by name or by code, nothing else."""

    name: str
    names: np.ndarray
    codes: np.ndarray
    category_codes: np.ndarray


def parse_filter(text: object, columns: list[str]) -> ast.Expression | None:
    """Parse and check a filter; None for the empty filter (every point passes).

    Parameters
    ----------
    text : str
        The filter, e.g. ``"label in (1, 7) and recon_error > 0.02"``.
    columns : list of str
        The names a filter may use.

    Raises
    ------
    FilterError
        (a ``ValueError``) naming the part that is refused.
    """
    if not isinstance(text, str):
        raise FilterError(f"a filter must be a str, e.g. \"label == 'seven'\"; got {text!r:.60}")
    if len(text) > MAX_FILTER_CHARS:
        raise FilterError(
            f"the filter is {len(text)} characters long; at most {MAX_FILTER_CHARS}: shorten it"
        )
    if not text.strip():
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at character {error.offset}" if error.offset else ""
        raise FilterError(f"the filter is not valid{where}: {error.msg}; {_GRAMMAR}") from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise FilterError(f"the filter cannot be read: {error}") from None
    _check(tree, text.strip(), set(columns))
    return tree


def _check(tree: ast.Expression, text: str, columns: set[str]) -> None:
    """Refuse every node outside the grammar (walked without recursion, its depth bounded)."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FilterError(f"the filter nests deeper than {MAX_DEPTH} operations")
        if isinstance(node, ast.operator | ast.cmpop | ast.unaryop | ast.boolop | ast.expr_context):
            continue  # an operator: its parent node checked it
        part = _segment(text, node)
        refused = next((what for kind, what in _REFUSED.items() if isinstance(node, kind)), None)
        if refused is not None:
            raise FilterError(f"{part} is {refused}, which a filter may not hold; {_GRAMMAR}")
        if isinstance(node, ast.Name):
            if node.id not in columns:
                raise FilterError(f"{node.id!r} is not a column; the columns are {sorted(columns)}")
            continue
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float | str):
                continue
            raise FilterError(f"{part} is not a number or a string; {_GRAMMAR}")
        operators = _operators(node)
        if operators is None:
            raise FilterError(f"{part} is not allowed in a filter; {_GRAMMAR}")
        for op in operators:
            symbol = _SYMBOLS.get(type(op))
            if symbol is not None:
                hint = f"; write {_SPELLED[symbol]!r}" if symbol in _SPELLED else ""
                raise FilterError(f"the operator {symbol!r} in {part} is not allowed{hint}")
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) and not isinstance(
                    right, ast.Tuple | ast.List | ast.Set
                ):
                    raise FilterError(
                        f"{part}: 'in' needs a list of values in parentheses, e.g. label in (1, 7)"
                    )
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            for item in node.elts:
                if not _is_literal(item):
                    raise FilterError(
                        f"{_segment(text, item)} in {part}: a list of values holds numbers and "
                        "strings only"
                    )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _operators(node: ast.AST) -> list[ast.AST] | None:
    """Return the operators of an allowed node (checked apart); None for a refused node."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And | ast.Or):
        return []
    if isinstance(node, ast.UnaryOp):
        return [node.op]
    if isinstance(node, ast.BinOp):
        return [node.op]
    if isinstance(node, ast.Compare):
        return list(node.ops)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return []
    return None


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _is_literal(node.operand)
    return isinstance(node, ast.Constant) and isinstance(node.value, bool | int | float | str)


def _segment(text: str, node: ast.AST) -> str:
    part = ast.get_source_segment(text, node) or type(node).__name__
    return repr(part if len(part) <= 80 else part[:79] + "\u2026")


def evaluate_filter(text: str, index: ColumnIndex, n: int) -> np.ndarray | None:
    """Return which points pass the filter ``text``: a bool mask of ``n``, None for ``""``.

    Raises
    ------
    FilterError
        (a ``ValueError``) if the filter is refused, naming the part.
    """
    tree = parse_filter(text, index.names)
    if tree is None:
        return None
    evaluator = _Evaluator(index, text.strip())
    with np.errstate(all="ignore"):
        result = evaluator.value(tree.body)
    if isinstance(result, bool | np.bool_):
        return np.full(n, bool(result))
    if isinstance(result, np.ndarray) and result.dtype == bool:
        return result
    raise FilterError(
        f'the filter must be a condition, e.g. "label == \'seven\'" or "x > 0.5"; '
        f"{_segment(text.strip(), tree.body)} is {_kind(result)}"
    )


def _kind(value: object) -> str:
    if isinstance(value, _Category):
        return f"the categorical column {value.name!r}"
    if isinstance(value, str):
        return "a string"
    return "a number" if np.ndim(np.asarray(value)) == 0 else "numbers"


class _Evaluator:
    """Evaluates a checked tree over whole columns."""

    def __init__(self, index: ColumnIndex, text: str) -> None:
        self.index, self.text = index, text

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._column(node.id)
        if isinstance(node, ast.BoolOp):
            parts = [self._condition(v) for v in node.values]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            return combine.reduce(np.broadcast_arrays(*parts)) if len(parts) else True
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return np.logical_not(self._condition(node.operand))
            number = self._number(node.operand)
            return -number if isinstance(node.op, ast.USub) else +number
        if isinstance(node, ast.BinOp):
            left, right = self._number(node.left), self._number(node.right)
            return _ARITHMETIC[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        raise FilterError(f"{_segment(self.text, node)} is not allowed in a filter")

    def _constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            try:
                return np.float64(node.value)
            except OverflowError:
                raise FilterError(f"the number {_segment(self.text, node)} is too large") from None
        return node.value

    def _column(self, name: str) -> Any:
        if self.index.numeric(name):
            return self.index.column(name)
        factors = self.index.factors(name)
        return _Category(name, factors.names, factors.codes, self.index.category_codes(name))

    def _condition(self, node: ast.AST) -> Any:
        value = self.value(node)
        if isinstance(value, bool | np.bool_) or (
            isinstance(value, np.ndarray) and value.dtype == bool
        ):
            return value
        raise FilterError(
            f"{_segment(self.text, node)} is {_kind(value)}, where and/or/not need a condition "
            "such as x > 0.5"
        )

    def _number(self, node: ast.AST) -> Any:
        value = self.value(node)
        if isinstance(value, _Category | str):
            raise FilterError(
                f"{_segment(self.text, node)} is {_kind(value)}: arithmetic needs numbers"
            )
        return np.asarray(value, np.float64) if np.ndim(value) == 0 else value

    def _compare(self, node: ast.Compare) -> Any:
        result: Any = True
        left = self.value(node.left)
        left_node: ast.AST = node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                assert isinstance(right_node, ast.Tuple | ast.List | ast.Set)
                items = [self.value(item) for item in right_node.elts]
                hit = self._member(left, items, left_node)
                step = np.logical_not(hit) if isinstance(op, ast.NotIn) else hit
                right = None
            else:
                right = self.value(right_node)
                step = self._pair(left, _COMPARE[type(op)], right, left_node, right_node)
            result = np.logical_and(result, step)
            left, left_node = right, right_node
        return result

    def _member(self, left: Any, items: list[Any], where: ast.AST) -> Any:
        hit: Any = False
        for item in items:
            hit = np.logical_or(hit, self._pair(left, operator.eq, item, where, where))
        return hit

    def _pair(
        self, left: Any, compare: Callable[[Any, Any], Any], right: Any, ln: ast.AST, rn: ast.AST
    ) -> Any:
        if isinstance(left, _Category) or isinstance(right, _Category):
            if isinstance(left, _Category) and isinstance(right, _Category):
                raise FilterError(
                    f"{_segment(self.text, ln)} and {_segment(self.text, rn)} are both "
                    "categorical columns: compare each with a name or a code"
                )
            if isinstance(left, _Category):
                return self._category(left, compare, right, rn, flipped=False)
            return self._category(right, compare, left, ln, flipped=True)
        if isinstance(left, str) != isinstance(right, str):
            number, text = (ln, rn) if isinstance(right, str) else (rn, ln)
            raise FilterError(
                f"{_segment(self.text, number)} holds numbers, compared with the string "
                f"{_segment(self.text, text)}"
            )
        return compare(left, right)

    def _category(
        self,
        column: _Category,
        compare: Callable[[Any, Any], Any],
        other: Any,
        where: ast.AST,
        *,
        flipped: bool,
    ) -> Any:
        if isinstance(other, str):
            # compared on the distinct names, then spread to the points through their codes
            on_names = compare(other, column.names) if flipped else compare(column.names, other)
            return np.asarray(on_names, bool)[column.codes]
        if np.ndim(other) == 0:
            codes = column.category_codes
            return compare(other, codes) if flipped else compare(codes, other)
        raise FilterError(
            f"{_segment(self.text, where)} is {_kind(other)}: the categorical column "
            f"{column.name!r} compares with a category name or an integer code"
        )
