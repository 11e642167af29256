"""Each package says what the others may use (docs/architecture.md, "Public surface").

A package's `__all__` names what it offers; a module whose name starts with an underscore is its
own business; every other module is public on purpose, and the package's docstring lists it under
"Public modules". The imports are read with tests/test_layers.py's walker (top level and inside
functions, relative ones resolved, `from package import _module` seen as the module).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.test_layers import FILES, SRC, _imports, _module_name

PACKAGES = sorted(_module_name(p) for p in FILES if p.name == "__init__.py")


def _private_owner(module: str) -> str | None:
    """The package a private module belongs to (crimeplan.stats for crimeplan.stats._spc), else None."""
    parts = module.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _modules_of(package: str) -> list[str]:
    """The modules and subpackages directly inside a package, by their own names."""
    folder = SRC.parent.joinpath(*package.split("."))
    return sorted(p.stem for p in folder.glob("*.py") if p.name != "__init__.py") + sorted(
        p.name for p in folder.iterdir() if (p / "__init__.py").is_file())


def _documented(package: str) -> set[str]:
    """The module names a package's docstring lists after "Public modules:" (in backticks, one sentence)."""
    doc = importlib.import_module(package).__doc__ or ""
    found = re.search(r"Public modules:(.*?)\.(?:\s|$)", doc, re.S)
    return set(re.findall(r"`([a-z_0-9]+)`", found.group(1))) if found else set()


def test_every_package_is_seen() -> None:
    """The walk finds the packages docs/architecture.md names (a typo here would check nothing)."""
    assert {"crimeplan", "crimeplan.stats", "crimeplan.compare", "crimeplan.report.render"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_what_resolves(package: str) -> None:
    """`__all__` exists, lists strings once each, and every name in it is really there."""
    mod = importlib.import_module(package)
    names = getattr(mod, "__all__", None)
    assert isinstance(names, list | tuple) and names, f"{package} has no __all__"
    assert all(isinstance(n, str) for n in names), names
    assert len(set(names)) == len(names), f"{package}.__all__ repeats a name"
    missing = [n for n in names if not hasattr(mod, n)]
    assert missing == [], f"{package}.__all__ names what it does not have: {missing}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_module_imported_from_outside(path: Path) -> None:
    """A module starting with `_` is imported only from inside the package that owns it."""
    me = _module_name(path)
    wrong = [f"line {line}: {target}" for line, target in _imports(path)
             if (owner := _private_owner(target)) and me != owner and not me.startswith(owner + ".")]
    assert wrong == [], f"{path.relative_to(SRC)} imports another package's private module: {wrong}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_module_is_documented(package: str) -> None:
    """Every module without a leading underscore is listed in its package docstring's "Public modules"."""
    public = {m for m in _modules_of(package) if not m.startswith("_")}
    documented = _documented(package)
    assert public - documented == set(), f"{package}: public but not listed: {sorted(public - documented)}"
    assert documented - public == set(), f"{package}: listed but no such module: {sorted(documented - public)}"


def test_the_checks_catch_a_private_import() -> None:
    """The owner rule itself: a private module is private to its package and that package's children."""
    assert _private_owner("crimeplan.stats._spc") == "crimeplan.stats"
    assert _private_owner("crimeplan._duck") == "crimeplan"
    assert _private_owner("crimeplan.report.render._common") == "crimeplan.report.render"
    assert _private_owner("crimeplan.compare.peers") is None
    assert _private_owner("crimeplan.stats.__init__") is None
