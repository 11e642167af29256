"""Police forces under their many names (ONS, data.police.uk, Home Office, STATS19) and their districts.

`data/forces.csv` is a hand-made crosswalk of the 43 territorial forces of England and Wales
plus British Transport Police.  `data/lad16_csp16_pfa16.csv` is the ONS lookup "Local
Authority District to Community Safety Partnership to Police Force Area (December 2016)"
(OGL v3.0), copied without its FID column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crimeplan.errors import BadInput


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


@dataclass(frozen=True)
class District:
    """A local authority district inside a force, with its Community Safety Partnership."""

    name: str
    code: str
    csp: str


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
    return resources.files("crimeplan.sources").joinpath("data").joinpath(name).read_text(encoding="utf-8")


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


def resolve(name: str) -> Force:
    """The force called name, or BadInput listing the known names."""
    f = find(name)
    if f is None:
        known = ", ".join(x.name for x in forces())
        raise BadInput(f"unknown police force {name!r}; known forces: {known}", field="--force")
    return f


def districts(force: Force, lookup: Path | None = None) -> list[District]:
    """The force's local authority districts from the LAD→CSP→PFA lookup (shipped or given)."""
    text = _data("lad16_csp16_pfa16.csv") if lookup is None else _lookup_text(lookup)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise BadInput("the lookup is empty", file=str(lookup))
    head = [h.strip().upper() for h in rows[0]]

    def col(prefix: str, suffix: str) -> int:
        for i, h in enumerate(head):
            if h.startswith(prefix) and h.endswith(suffix):
                return i
        raise BadInput(f"the lookup has no {prefix}..{suffix} column (header: {', '.join(rows[0])})",
                       file=str(lookup), row=0, field=f"{prefix}{suffix}")

    lad_nm, lad_cd = col("LAD", "NM"), col("LAD", "CD")
    csp_nm = next((i for i, h in enumerate(head) if h.startswith("CSP") and h.endswith("NM")), lad_nm)
    pfa_nm = col("PFA", "NM")
    out = []
    for r in rows[1:]:
        if len(r) > max(lad_nm, lad_cd, csp_nm, pfa_nm) and find(r[pfa_nm]) == force:
            out.append(District(r[lad_nm].strip(), r[lad_cd].strip(), r[csp_nm].strip()))
    return sorted(out, key=lambda d: d.name)


def _lookup_text(path: Path) -> str:
    from crimeplan.sources._read import decode, read_bytes

    return decode(read_bytes(Path(path)), Path(path))
