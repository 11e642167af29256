"""Police forces under their many names (ONS, data.police.uk, Home Office, STATS19).

`data/forces.csv` is a hand-made crosswalk of the 43 territorial forces of England and Wales
plus British Transport Police. Reference data every layer may need (a plan names its force, an
importer reads a file's force, a report checks the two agree), so it sits with the contract.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from crimeplan.errors import BadInput

__all__ = ["Force", "clean_area_name", "find", "forces", "key", "resolve", "same_force"]


@dataclass(frozen=True)
class Force:
    """One police force: the canonical name (ONS style) and its other spellings."""

    name: str
    pfa_code: str
    police_uk: str
    slug: str
    home_office: str
    lookup: str
    stats19: str
    aliases: tuple[str, ...]

    def names(self) -> set[str]:
        """Every spelling of this force, normalised."""
        raw = {self.name, self.police_uk, self.slug, self.home_office, self.lookup, *self.aliases}
        return {key(n) for n in raw if n} | ({self.pfa_code.lower()} if self.pfa_code else set())


def key(name: str) -> str:
    """A force or area name reduced for matching (case, `&`, punctuation, footnotes ignored)."""
    if re.fullmatch(r"[A-Z]\d{8}", name.strip()):
        return name.strip().lower()  # a GSS code such as E23000028
    s = clean_area_name(name).lower().replace("&", " and ")
    m = re.fullmatch(r"(.*), *(city of|county of)", s)
    if m:
        s = f"{m.group(2)} {m.group(1)}"
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def clean_area_name(name: str) -> str:
    """An ONS area name without its footnote marks: `Essex10` → `Essex`, `X [note 3]` → `X`."""
    s = re.sub(r"\[note \d+\]", "", str(name))
    s = re.sub(r"(?<=[A-Za-z)])\s*\d+(,\d+)*\s*$", "", s.strip())
    return re.sub(r"\s+", " ", s).strip()


def _data(name: str) -> str:
    return resources.files("crimeplan.contract").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def forces() -> tuple[Force, ...]:
    """The crosswalk, one Force per row of data/forces.csv."""
    out = []
    for r in csv.DictReader(io.StringIO(_data("forces.csv"))):
        out.append(Force(r["name"], r["pfa_code"], r["police_uk"], r["slug"], r["home_office"],
                         r["lookup"], r["stats19"], tuple(a for a in r["aliases"].split("|") if a)))
    return tuple(out)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Force]:
    table: dict[str, Force] = {}
    for f in forces():
        for n in f.names():
            table.setdefault(n, f)
            for suffix in (" police", " constabulary", " police service"):
                if n.endswith(suffix):
                    table.setdefault(n[: -len(suffix)], f)
    return table


@lru_cache(maxsize=4096)
def find(name: str | None) -> Force | None:
    """The force known by any of its names or its PFA code, or None."""
    if not name:
        return None
    k = key(name)
    return _by_key().get(k) or _by_key().get(re.sub(r" (police|constabulary)( service)?$", "", k))


def same_force(a: str, b: str) -> bool:
    """Whether two names are one force ("Kent", "Kent Police"); names of no real force by spelling."""
    fa, fb = find(a), find(b)
    return fa == fb if (fa or fb) else key(a) == key(b)


def resolve(name: str) -> Force:
    """The force called name, or BadInput listing the known names."""
    f = find(name)
    if f is None:
        bare = re.sub(r" (police|constabulary)( service)?$", "", key(name))
        close = difflib.get_close_matches(bare, sorted(_by_key()), n=5, cutoff=0.75)
        named = sorted({_by_key()[c].name for c in close})
        hint = (f"did you mean {' or '.join(named)}?" if named
                else "known forces: " + ", ".join(x.name for x in forces()))
        raise BadInput(f"unknown police force {name!r}; {hint}", field="--force")
    return f
