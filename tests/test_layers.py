"""Imports point one way (docs/architecture.md): each package imports only the layers beneath it.

Every import is checked, at module top or inside a function, so a dependency cannot hide in a
function body. The table below is the one docs/architecture.md prints; a test keeps them equal.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "crimeplan"
DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"

BASE = {"errors", "periods", "_atomic", "_limits"}
# package -> the crimeplan packages it may import (besides itself and BASE)
MAY_IMPORT: dict[str, set[str]] = {
    "contract": set(),
    "store": {"contract"},
    "kinds": {"stats"},
    "plans": {"contract", "kinds"},
    "sources": {"contract", "store", "plans"},
    "synth": {"contract"},
    "engine": {"contract", "plans", "store", "kinds"},
    "stats": set(),
    "compare": {"contract", "engine", "plans", "kinds", "stats"},
    "narrative": {"stats"},
    "disclosure": set(),
    "results": {"contract", "store", "engine", "plans", "compare", "stats", "narrative"},
    "report": {"contract", "plans", "compare", "narrative", "disclosure", "results"},
    "report.render": {"report"},
    "accounts": {"plans", "contract"},
    "web": {"contract", "plans", "accounts", "results", "report", "report.render"},
    "demo": {"*"},
    "cli": {"*"},
}


def _package(module: str) -> str | None:
    """The layer a dotted crimeplan module belongs to (report.render apart from report)."""
    parts = module.split(".")
    if parts[0] != "crimeplan" or len(parts) < 2:
        return None
    if parts[1] == "report" and len(parts) > 2 and parts[2] == "render":
        return "report.render"
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    """True when a dotted crimeplan name is a module or package of src/, not a name inside one."""
    rel = Path(*dotted.split(".")[1:])
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every crimeplan module a file imports (line, dotted name), relative imports resolved.

    `from package import module` names the module itself, so a private one cannot hide behind
    its package; `from module import name` names the module."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out += [(node.lineno, f"{base}.{a.name}")
                    if not node.module or _is_module(f"{base}.{a.name}") else (node.lineno, base)
                    for a in node.names]
    return [(line, m) for line, m in out if m.startswith("crimeplan")]


FILES = sorted(p for p in SRC.rglob("*.py"))


def test_every_package_has_a_row() -> None:
    """A new package must say where it sits before it can import anything."""
    packages = {_package(_module_name(p)) for p in FILES} - {None, "__init__"}
    assert packages - BASE <= set(MAY_IMPORT), packages - BASE - set(MAY_IMPORT)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    """No module imports a layer above its own (or beside it, unless the table allows it)."""
    own = _package(_module_name(path))
    allowed = MAY_IMPORT.get(own or "", set())
    wrong = [f"line {line}: {target}" for line, target in _imports(path)
             if (pkg := _package(target)) not in (None, own) and pkg not in BASE and "*" not in allowed
             and pkg not in allowed]
    assert wrong == [], f"{path.relative_to(SRC)} imports upward: {wrong}"


def test_the_architecture_page_prints_this_table() -> None:
    """docs/architecture.md's 'may import' column says what the test enforces."""
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \|[^|]*\| ([^|]*) \|$", DOC.read_text(encoding="utf-8"), re.M))
    for package, allowed in MAY_IMPORT.items():
        if "*" in allowed:
            continue
        printed = {w.strip("` ") for w in rows.get(package, "").split(",")} - {"—", ""}
        assert package in rows, f"docs/architecture.md has no row for {package}"
        assert printed == allowed, (package, printed, allowed)


def _duckdb_uses(path: Path) -> list[str]:
    """Where a file imports duckdb or reaches it through another package (`ibis.duckdb`)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] == "duckdb"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
            out.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Attribute) and node.attr == "duckdb":
            out.append(f"line {node.lineno}: {ast.unparse(node)}")
    return out


def test_only_the_store_touches_duckdb() -> None:
    """DuckDB is the store's business: no module outside store/ imports it (issue 13)."""
    outside = {str(p.relative_to(SRC)): found for p in FILES
               if _package(_module_name(p)) != "store" and (found := _duckdb_uses(p))}
    assert outside == {}
    inside = {str(p.relative_to(SRC)) for p in FILES if _package(_module_name(p)) == "store" and _duckdb_uses(p)}
    assert {"store/duck.py", "store/_duck.py", "store/_validate.py", "store/quality.py"} <= inside, inside
