"""Police forces under their many names (ONS, data.police.uk, Home Office, STATS19) and their districts.

`data/forces.csv` is a hand-made crosswalk of the 43 territorial forces of England and Wales
plus British Transport Police.  `data/lad16_csp16_pfa16.csv` is the ONS lookup "Local
Authority District to Community Safety Partnership to Police Force Area (December 2016)"
(OGL v3.0), copied without its FID column.  `data/la_csp_pfa_2025.csv` is today's mapping
(local authority → CSP → force) from the first six columns of the ONS Police Force Area table C2,
year ending June 2025 (OGL v3.0): it names the districts created or renamed since 2016.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from crimeplan.contract.forces import Force, clean_area_name, find, forces, key, resolve, same_force
from crimeplan.errors import BadInput

__all__ = ["District", "Force", "Geography", "clean_area_name", "districts", "find", "forces", "geography",
           "key", "resolve", "same_force"]


def _data(name: str) -> str:
    return resources.files("crimeplan.sources").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class District:
    """A local authority district inside a force, with its Community Safety Partnership."""

    name: str
    code: str
    csp: str


def districts(force: Force, lookup: Path | None = None) -> list[District]:
    """The force's local authority districts from the LAD→CSP→PFA lookup (shipped or given)."""
    head, rows = _lookup_table(lookup)
    if not head:
        raise BadInput("the lookup is empty", file=str(lookup))

    def col(prefix: str, suffix: str) -> int:
        found = _col(head, prefix, suffix)
        if found is None:
            raise BadInput(f"the lookup has no {prefix}..{suffix} column (header: {', '.join(head)})",
                           file=str(lookup), row=0, field=f"{prefix}{suffix}")
        return found

    lad_nm, lad_cd = col("LAD", "NM"), col("LAD", "CD")
    csp_nm = _col(head, "CSP", "NM")
    csp_nm = lad_nm if csp_nm is None else csp_nm
    pfa_nm = col("PFA", "NM")
    out = []
    for r in rows:
        if len(r) > max(lad_nm, lad_cd, csp_nm, pfa_nm) and find(r[pfa_nm]) == force:
            out.append(District(r[lad_nm].strip(), r[lad_cd].strip(), r[csp_nm].strip()))
    return sorted(out, key=lambda d: d.name)


def _lookup_text(path: Path) -> str:
    from crimeplan.sources._read import decode, read_bytes

    return decode(read_bytes(Path(path)), Path(path))


@dataclass(frozen=True)
class Geography:
    """A force's districts over time: the 2016 lookup, renames since, districts created since.

    `current` are the districts every import lists (the 2016 ones under today's names, less those
    merged into a successor, plus districts created since); `named` places a district name a
    police.uk file may give (old or new) on the district and LPA it is stored under.
    """

    force: Force
    current: tuple[District, ...]
    named: dict[str, District]

    def place(self, name: str) -> District | None:
        """The district a data row naming `name` is stored under (None: not one of the force's)."""
        k = key(name)
        for form in (k, f"city of {k}", f"county of {k}"):  # `Bristol` is `Bristol, City of`
            if form in self.named:
                return self.named[form]
        # another force's, or named by no lookup (West Suffolk sits in a combined CSP): a guess
        # either way could put a neighbour's district in this force, so the row stays force level
        return None


def _current_rows() -> list[dict[str, str]]:
    """The ONS mapping of today's local authorities to CSPs and forces (year ending June 2025)."""
    return list(csv.DictReader(io.StringIO(_data("la_csp_pfa_2025.csv"))))


def geography(force: Force, lookup: Path | None = None) -> Geography:
    """The force's districts from the 2016 lookup (or the one given) and the 2025 ONS mapping."""
    old = districts(force, lookup)
    now = [r for r in _current_rows() if find(r["PFA25NM"]) == force]
    by_code = {r["LAD25CD"]: r for r in now if r["LAD25CD"]}
    csp_las: dict[str, set[str]] = {}
    for r in now:
        csp_las.setdefault(r["CSP25CD"], set()).add(r["LAD25CD"])
    csp_name = {r["CSP25CD"]: r["CSP25NM"] for r in now}
    old_csp_code = _csp_codes(lookup)

    # a district created since 2016: its CSP when it has one, else its own name (several CSPs)
    new: dict[str, District] = {}
    for code, r in by_code.items():
        csps = sorted({c for c, las in csp_las.items() if code in las})
        new[code] = District(r["LAD25NM"], code, csp_name[csps[0]] if len(csps) == 1 else r["LAD25NM"])

    current: dict[str, District] = {}
    named: dict[str, District] = {}
    for d in old:
        if d.code in by_code:  # still there; renamed when the names differ beyond case
            renamed = key(by_code[d.code]["LAD25NM"]) != key(d.name)
            kept = new[d.code] if renamed else d
            current[key(kept.name)] = kept
            named[key(d.name)] = named[key(kept.name)] = kept
            continue
        las = csp_las.get(old_csp_code.get(d.code, ""), set()) - {""}
        if las:  # merged: its CSP now belongs to a successor authority
            successor = new[sorted(las)[0]]
            named[key(d.name)] = District(d.name, d.code, successor.csp)
        else:  # in a combined CSP, or unknown to the 2025 mapping: as in 2016
            current[key(d.name)] = named[key(d.name)] = d
    for d in new.values():
        current.setdefault(key(d.name), d)
        named.setdefault(key(d.name), d)
    return Geography(force, tuple(sorted(current.values(), key=lambda d: d.name)), named)


def _lookup_table(lookup: Path | None) -> tuple[list[str], list[list[str]]]:
    text = _data("lad16_csp16_pfa16.csv") if lookup is None else _lookup_text(lookup)
    rows = list(csv.reader(io.StringIO(text)))
    return ([h.strip().upper() for h in rows[0]], rows[1:]) if rows else ([], [])


def _col(head: list[str], prefix: str, suffix: str) -> int | None:
    return next((i for i, h in enumerate(head) if h.startswith(prefix) and h.endswith(suffix)), None)


def _csp_codes(lookup: Path | None) -> dict[str, str]:
    """LAD code → CSP code in the 2016 lookup (or the one given), where it has both."""
    head, rows = _lookup_table(lookup)
    lad, csp = _col(head, "LAD", "CD"), _col(head, "CSP", "CD")
    if lad is None or csp is None:
        return {}
    return {r[lad].strip(): r[csp].strip() for r in rows if len(r) > max(lad, csp)}
