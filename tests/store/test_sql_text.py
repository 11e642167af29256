"""No SQL is built by formatting a value or a path into its text (store/ is where all SQL lives).

Every statement crimeplan sends to DuckDB (`execute`, `executemany`, `sql`, and the `rows`,
`scalar`, `arrow` helpers of `store/_duck.py`) is read from the source: its text may be built only
from string constants and identifiers passed through `ident` (which refuses anything that is not
a plain name), directly or through local names, joins, helper functions and module constants
that are themselves built that way. A file path, a value or an unchecked name in the text fails.
Values go as `?` parameters.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crimeplan.store._duck import ident
from tests.test_layers import SRC

STORE = SRC / "store"
SQL_METHODS = {"execute", "executemany", "sql"}
SQL_HELPERS = {"rows": 1, "scalar": 1, "arrow": 1}  # helper → index of its SQL argument
# the helpers pass their `sql` parameter through: their callers are checked
PASS_THROUGH = {"_duck.py": set(SQL_HELPERS), "_pgcon.py": SQL_METHODS}


class _Module:
    """One source file: its top-level constants, functions and names imported from store/."""

    def __init__(self, source: str, name: str) -> None:
        self.name = name
        self.tree = ast.parse(source)
        self.constants: dict[str, ast.expr] = {}
        self.functions: dict[str, ast.FunctionDef] = {}
        self.imported: dict[str, tuple[str, str]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.constants[node.targets[0].id] = node.value
            elif isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crimeplan.store."):
                for a in node.names:
                    self.imported[a.asname or a.name] = (node.module.rsplit(".", 1)[1], a.name)


def _modules() -> dict[str, _Module]:
    return {p.stem: _Module(p.read_text(encoding="utf-8"), p.name) for p in sorted(STORE.glob("*.py"))}


class SqlChecker:
    """Decides whether an expression's SQL text is built only from constants and `ident(...)`."""

    def __init__(self, modules: dict[str, _Module]) -> None:
        self.modules = modules
        self.busy: set[tuple[str, str]] = set()

    def safe(self, node: ast.AST, mod: _Module, fn: ast.FunctionDef | None) -> bool:
        """True when `node` (inside function `fn` of `mod`) can only be constant text or quoted names."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.JoinedStr):
            return all(isinstance(v, ast.Constant) or self.safe(v.value, mod, fn) for v in node.values
                       if isinstance(v, ast.Constant | ast.FormattedValue))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left, mod, fn) and self.safe(node.right, mod, fn)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, mod, fn) and self.safe(node.orelse, mod, fn)
        if isinstance(node, ast.List | ast.Tuple):
            return all(self.safe(e, mod, fn) for e in node.elts)
        if isinstance(node, ast.Starred):
            return self.safe(node.value, mod, fn)
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self.safe(node.elt, mod, fn)
        if isinstance(node, ast.Subscript):  # a module table of SQL words: _SQL_TYPES[col.type]
            table = mod.constants.get(node.value.id) if isinstance(node.value, ast.Name) else None
            return isinstance(table, ast.Dict) and all(self.safe(v, mod, None) for v in table.values)
        if isinstance(node, ast.Call):
            return self._safe_call(node, mod, fn)
        if isinstance(node, ast.Name):
            return self._safe_name(node.id, mod, fn)
        return False

    def _safe_call(self, node: ast.Call, mod: _Module, fn: ast.FunctionDef | None) -> bool:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "ident":
            return True
        if isinstance(func, ast.Attribute) and func.attr == "join" and isinstance(func.value, ast.Constant):
            return len(node.args) == 1 and self.safe(node.args[0], mod, fn)
        if isinstance(func, ast.Name) and func.id in mod.functions:  # a local SQL-building function
            key = (mod.name, func.id)
            if key in self.busy:
                return True  # recursion: judged by its other returns
            self.busy.add(key)
            try:
                target = mod.functions[func.id]
                returns = [r.value for r in ast.walk(target) if isinstance(r, ast.Return)]
                return all(r is not None and self.safe(r, mod, target) for r in returns)
            finally:
                self.busy.discard(key)
        return False

    def _safe_name(self, name: str, mod: _Module, fn: ast.FunctionDef | None) -> bool:
        if fn is not None:
            args = fn.args
            if name in {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}:
                return False  # whatever a caller passes: a path, a value
            bound = self._bindings(name, fn)
            if bound is not None:
                return all(b is not None and self.safe(b, mod, fn) for b in bound)
        if name in mod.constants:
            return self.safe(mod.constants[name], mod, None)
        if name in mod.imported:
            other, original = mod.imported[name]
            there = self.modules.get(other)
            return there is not None and original in there.constants and self.safe(
                there.constants[original], there, None)
        return False

    @staticmethod
    def _bindings(name: str, fn: ast.FunctionDef) -> list[ast.expr | None] | None:
        """What a function binds `name` to (None in the list: bound some other way), or None if never."""
        out: list[ast.expr | None] = []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        out.append(node.value)
                    elif isinstance(target, ast.Tuple) and any(
                            isinstance(e, ast.Name) and e.id == name for e in target.elts):
                        pos = next(i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name)
                        value = node.value
                        out.append(value.elts[pos] if isinstance(value, ast.Tuple)
                                   and len(value.elts) == len(target.elts) else None)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                out.append(node.value)
            elif isinstance(node, ast.For | ast.comprehension | ast.withitem | ast.NamedExpr):
                target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
                if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target or ast.Pass())):
                    out.append(None)  # a loop or `with` variable: data, not SQL
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("append", "extend", "insert") \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
                out.extend(node.args[-1:])  # what is added to a list of SQL parts
        return out or None


def sql_calls(mod: _Module) -> list[tuple[ast.Call, ast.expr, ast.FunctionDef | None]]:
    """Every call that sends SQL text, with that text's expression and its enclosing function."""
    found = []

    def visit(node: ast.AST, fn: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else fn
            if isinstance(child, ast.Call):
                func = child.func
                if isinstance(func, ast.Attribute) and func.attr in SQL_METHODS and child.args:
                    found.append((child, child.args[0], fn))
                elif isinstance(func, ast.Name) and func.id in SQL_HELPERS and len(child.args) > SQL_HELPERS[func.id]:
                    found.append((child, child.args[SQL_HELPERS[func.id]], fn))
            visit(child, inner)

    visit(mod.tree, None)
    if mod.name in PASS_THROUGH:  # the helpers' own calls pass their `sql` argument on
        found = [f for f in found if not (f[2] and f[2].name in PASS_THROUGH[mod.name])]
    return found


def violations(source: str, name: str = "snippet.py") -> tuple[int, list[str]]:
    """(SQL calls seen, the lines of those whose text is built from anything but constants and ident)."""
    mod = _Module(source, name)
    modules = {**_modules(), Path(name).stem: mod}
    checker = SqlChecker(modules)
    calls = sql_calls(mod)
    bad = [f"{name}:{call.lineno}: {ast.unparse(text)[:120]}" for call, text, fn in calls
           if not checker.safe(text, mod, fn)]
    return len(calls), bad


FILES = sorted(STORE.glob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_store_sql_text_has_only_constants_and_quoted_identifiers(path: Path) -> None:
    """Each store module's SQL text is constants and `ident(...)`; values and paths are parameters."""
    _, bad = violations(path.read_text(encoding="utf-8"), path.name)
    assert bad == [], "SQL text built from something other than constants and ident():\n" + "\n".join(bad)


def test_the_walk_reads_the_store_s_statements() -> None:
    """The check sees the statements it is about (a walk that finds none would pass vacuously)."""
    seen = {p.name: violations(p.read_text(encoding="utf-8"), p.name)[0] for p in FILES}
    assert seen["duck.py"] >= 15 and seen["quality.py"] >= 10 and seen["_validate.py"] >= 10, seen
    assert sum(seen.values()) >= 45, seen


@pytest.mark.parametrize("source", [
    "def f(con, path):\n    con.execute(f\"COPY t TO '{path}'\")\n",
    "def f(con, phys):\n    con.execute(f'SELECT * FROM \"{phys}\"')\n",
    "def f(con, name):\n    rows(con, 'SELECT ' + name)\n",
    "def f(con, sql):\n    con.sql(sql)\n",
    "def f(con, value):\n    q = f\"x = '{value}'\"\n    con.execute('SELECT 1 WHERE ' + q)\n",
    "def f(con, cols):\n    con.execute('SELECT ' + ', '.join(c for c in cols))\n",
    "def f(con, phys):\n    for t in phys:\n        con.execute(f'DROP TABLE {t}')\n",
    "def f(con, v):\n    parts = ['SELECT 1']\n    parts.append(f'SELECT {v}')\n"
    "    con.execute(' UNION '.join(parts))\n",
    "def f(con, t):\n    scalar(con, f'SELECT count(*) FROM {t.name}')\n",
])
def test_the_check_catches_formatted_values_and_paths(source: str) -> None:
    """Statements with a path, a value or an unchecked name formatted into their text are caught."""
    seen, bad = violations(source)
    assert seen == 1 and len(bad) == 1, (seen, bad)


@pytest.mark.parametrize("source", [
    "def f(con, phys):\n    con.execute(f'SELECT * FROM {ident(phys)}')\n",
    "def f(con, cols, t):\n    con.execute('SELECT ' + ', '.join(ident(c) for c in cols) + f' FROM {ident(t)}')\n",
    "def f(con, path):\n    con.execute('SELECT * FROM read_csv(?)', [path])\n",
    "def g(c):\n    return f'trim({ident(c)})'\n\ndef f(con, c):\n    q = g(c)\n    rows(con, f'SELECT {q}')\n",
])
def test_the_check_accepts_quoted_identifiers_and_parameters(source: str) -> None:
    """Constants, `ident(...)` and `?` parameters pass, through local names and helpers."""
    assert violations(source) == (1, [])


@pytest.mark.parametrize("name", ['crimes"; DROP TABLE x; --', "O'Brien", "a b", "", "1st", "crimes__s1.x"])
def test_ident_refuses_anything_but_a_plain_name(name: str) -> None:
    """A name with a quote, a space, a dot or a leading digit never reaches SQL text."""
    with pytest.raises(ValueError, match="not a plain SQL identifier"):
        ident(name)


def test_ident_quotes_a_plain_name() -> None:
    """Generated table names and contract columns are quoted as they are."""
    assert ident("crimes__s12") == '"crimes__s12"' and ident("_snapshots") == '"_snapshots"'
