"""The filter language of plans: a small, safe subset of Python expressions.

A filter is parsed with `ast` and only these forms are accepted: column names, literals
(strings, numbers, true/false/null), lists of literals, comparisons (== != < <= > >= in, not in),
`and`/`or`/`not`, arithmetic (+ - * /), `a if cond else b`, and the functions in FUNCTIONS.
Nothing is ever passed to a database as text: a checked tree is turned into an Ibis expression.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

FUNCTIONS = ("is_null", "not_null", "month", "hour", "weekday", "year")
_CONSTS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


class ExprError(ValueError):
    """A filter that is not in the language, or names an unknown column."""


def parse(text: str, columns: set[str]) -> ast.expr:
    """Parse and check a filter; raise ExprError naming what is wrong."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
        _check(tree, columns)
        _bounded(tree)
    except SyntaxError as exc:
        raise ExprError(f"cannot parse filter {text!r}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError("the filter is nested too deeply") from None
    return tree


MAX_TERMS, MAX_DEPTH = 500, 40  # far beyond any real filter; bounds the SQL the engine builds


def _bounded(tree: ast.expr) -> None:
    terms = sum(1 for _ in ast.walk(tree))
    if terms > MAX_TERMS:
        raise ExprError(f"the filter has {terms} terms, more than the {MAX_TERMS} allowed")

    def depth(node: ast.AST) -> int:
        return 1 + max((depth(c) for c in ast.iter_child_nodes(node)), default=0)

    if depth(tree) > MAX_DEPTH:
        raise ExprError(f"the filter is nested more than {MAX_DEPTH} deep")


_IBIS_TYPES = {"str": "string", "int": "int64", "float": "float64", "date": "date",
               "timestamp": "timestamp", "bool": "boolean"}


def typecheck(tree: ast.expr, types: dict[str, str]) -> None:
    """Build a checked filter against a table of these column types (name → contract type):
    an expression that would fail in the engine (a string minus a number, a number where a
    condition belongs, a literal too big for its column) fails here, naming the fault."""
    import ibis

    t = ibis.table({k: _IBIS_TYPES.get(v, v) for k, v in types.items()}, name="probe")
    try:
        out = to_ibis(tree, lambda name: t[name])
        kind = out.type()
    except ExprError:
        raise
    except (RecursionError, MemoryError):
        raise ExprError("the filter is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - Ibis says why the types do not fit
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExprError(f"the filter cannot be computed: {first[:300]}") from None
    if not kind.is_boolean() and not kind.is_null():
        raise ExprError(f"a filter must be true or false for each row, not a {kind}")


def _check(node: ast.AST, columns: set[str]) -> None:
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub))):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                _check(child, columns)
        return
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)):
                raise ExprError(f"comparison {type(op).__name__} is not allowed")
        for child in [node.left, *node.comparators]:
            _check(child, columns)
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise ExprError(f"operator {type(node.op).__name__} is not allowed")
        _check(node.left, columns)
        _check(node.right, columns)
        return
    if isinstance(node, ast.IfExp):
        for child in (node.test, node.body, node.orelse):
            _check(child, columns)
        return
    if isinstance(node, ast.Name):
        if node.id in _CONSTS:
            return
        if node.id not in columns:
            raise ExprError(f"unknown column {node.id!r} (known: {', '.join(sorted(columns))})")
        return
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ExprError(f"literal {node.value!r} is not allowed")
        return
    if isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            if not isinstance(elt, ast.Constant):
                raise ExprError("lists may hold only literals")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExprError(f"only these functions are allowed: {', '.join(FUNCTIONS)}")
        if len(node.args) != 1 or node.keywords:
            raise ExprError(f"{node.func.id}() takes exactly one argument")
        _check(node.args[0], columns)
        return
    raise ExprError(f"{type(node).__name__} is not allowed in a filter")


def names(tree: ast.expr) -> set[str]:
    """Column names a checked filter uses."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree)
            if isinstance(n, ast.Name) and n.id not in _CONSTS and id(n) not in called}


def to_ibis(tree: ast.expr, column: Callable[[str], Any]) -> Any:
    """Turn a checked filter into an Ibis expression; column(name) gives a column."""
    import ibis

    def lit(value: Any) -> Any:
        return ibis.literal(value)

    def go(node: ast.AST) -> Any:
        if isinstance(node, ast.BoolOp):
            parts = [go(v) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.UnaryOp):
            return ~go(node.operand) if isinstance(node.op, ast.Not) else -go(node.operand)
        if isinstance(node, ast.Compare):
            result = None
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                part = _compare(go(left), op, right, go)
                result = part if result is None else (result & part)
                left = right
            return result
        if isinstance(node, ast.BinOp):
            a, b = go(node.left), go(node.right)
            if isinstance(node.op, ast.Div):
                return a / b
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(node.op))
        if isinstance(node, ast.IfExp):
            return ibis.ifelse(go(node.test), go(node.body), go(node.orelse))
        if isinstance(node, ast.Name):
            return lit(_CONSTS[node.id]) if node.id in _CONSTS else column(node.id)
        if isinstance(node, ast.Constant):
            return lit(node.value)
        if isinstance(node, ast.Call):
            arg = go(node.args[0])
            fn = node.func.id  # type: ignore[attr-defined]
            return {
                "is_null": lambda: arg.isnull(),
                "not_null": lambda: arg.notnull(),
                "month": lambda: arg.month(),
                "year": lambda: arg.year(),
                "hour": lambda: arg.hour(),
                "weekday": lambda: arg.day_of_week.index(),
            }[fn]()
        raise ExprError(f"{type(node).__name__} is not allowed")

    return go(tree)


def _compare(left: Any, op: ast.cmpop, right: ast.expr, go: Callable[[ast.AST], Any]) -> Any:
    if isinstance(op, (ast.In, ast.NotIn)):
        values = [e.value for e in right.elts] if isinstance(right, (ast.List, ast.Tuple)) else None  # type: ignore[attr-defined]
        if values is None:
            raise ExprError("`in` needs a list of literals on the right")
        expr = left.isin(values)
        return ~expr if isinstance(op, ast.NotIn) else expr
    r = go(right)
    if isinstance(op, ast.Eq):
        return left == r
    if isinstance(op, ast.NotEq):
        return left != r
    if isinstance(op, ast.Lt):
        return left < r
    if isinstance(op, ast.LtE):
        return left <= r
    if isinstance(op, ast.Gt):
        return left > r
    return left >= r
