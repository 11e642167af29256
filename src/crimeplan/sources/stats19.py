"""DfT road safety open data (STATS19 collision + casualty CSVs) → casualties.

Codes are decoded through `data/stats19_codes.csv`, the code lists this importer needs, taken
once from the DfT 2024 data guide (sheet `2024_code_list`, OGL v3.0).  A casualty row is joined
to its collision by `collision_index` for the date (DD/MM/YYYY), the police force and the local
authority.  `road_user` comes from `casualty_type` (0 pedestrian, 1 cyclist, motorcycle types →
motorcyclist, 8/9 car or taxi → car_driver or car_passenger by `casualty_class`, everything
else → other).  The open data carries no drink- or drug-driving flags, so those stay empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.periods import months_between
from crimeplan.sources import _forces
from crimeplan.sources._read import CsvReader, decode, expand, norm, read_bytes
from crimeplan.sources._result import FileCount, ImportResult, QRow, canonical

SOURCE = "stats19"
OPTIONS = {"months": "months the files cover, YYYY-MM..YYYY-MM (default: every month of each "
                     "collision_year present)"}
COLLISION_COLUMNS = ["collision_index", "police_force", "date"]
COLLISION_OPTIONAL = ["collision_year", "collision_severity", "local_authority_ons_district"]
CASUALTY_COLUMNS = ["collision_index", "casualty_reference", "casualty_severity", "casualty_type"]
CASUALTY_OPTIONAL = ["vehicle_reference", "casualty_class", "age_of_casualty", "collision_year"]
SEVERITY = {"1": "fatal", "2": "serious", "3": "slight"}
MOTORCYCLE = {"2", "3", "4", "5", "23", "97", "103", "104", "105", "106"}
CAR = {"8", "9", "108", "109"}
# historic column names of the same fields (files before 2024 say "accident")
_ALIASES = {"accident_index": "collision_index", "accident_year": "collision_year",
            "accident_severity": "collision_severity"}


@lru_cache(maxsize=1)
def code_lists() -> dict[tuple[str, str], dict[str, str]]:
    """(table, field) → {code: label} for the shipped code lists."""
    text = resources.files("crimeplan.sources").joinpath("data").joinpath("stats19_codes.csv") \
        .read_text(encoding="utf-8")
    out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for r in csv.DictReader(io.StringIO(text)):
        out[(r["table"], r["field"])][r["code"]] = r["label"]
    return dict(out)


def road_user(casualty_type: str, casualty_class: str) -> str:
    """The contract's road_user for a STATS19 casualty_type and casualty_class."""
    t = casualty_type.strip()
    if t == "0" or casualty_class.strip() == "3":
        return "pedestrian"
    if t == "1":
        return "cyclist"
    if t in MOTORCYCLE:
        return "motorcyclist"
    if t in CAR:
        return "car_driver" if casualty_class.strip() == "1" else "car_passenger"
    return "other"


def parse_date(text: str) -> dt.date | None:
    """A DD/MM/YYYY date (ISO YYYY-MM-DD accepted too), or None."""
    s = text.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(s) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) else None
    except ValueError:
        return None


def _kind(path: Path) -> str:
    head = decode(read_bytes(path), path).splitlines()[0] if path.is_file() else ""
    names = {_ALIASES.get(norm(h), norm(h)) for h in head.split(",")}
    if "casualty_reference" in names:
        return "casualty"
    if "police_force" in names:
        return "collision"
    if "vehicle_reference" in names:
        return "vehicle"
    raise BadInput("not a STATS19 collision or casualty file (no police_force or "
                   "casualty_reference column)", file=str(path), row=0)


def _reader(path: Path, required: list[str], optional: list[str]) -> CsvReader:
    """A reader that also accepts the older `accident_*` names of the same columns."""
    reader = CsvReader(path, [], required + optional + list(_ALIASES))
    for old, new in _ALIASES.items():
        if old in reader.index and new not in reader.index:
            reader.index[new] = reader.index.pop(old)
    missing = [c for c in required if c not in reader.index]
    if missing:
        raise BadInput("required column(s) missing from the header: " + ", ".join(missing),
                       file=str(path), row=0, field=missing[0])
    return reader


def import_files(paths: list[Path], *, force: str | None = None,
                 options: dict[str, str] | None = None) -> ImportResult:
    """Read collision and casualty CSVs (optionally one police force) into casualties."""
    options = options or {}
    only = _forces.resolve(force) if force else None
    files = expand(paths, r".*\.csv(\.gz)?", "STATS19 files (.csv)")
    kinds = {p: _kind(p) for p in files}
    if "collision" not in kinds.values() or "casualty" not in kinds.values():
        raise BadInput("give both a collision file and a casualty file (STATS19 casualties take "
                       "their date and force from the collision)", file=str(files[0]))
    res = ImportResult(SOURCE)
    codes = code_lists()
    las = codes[("collision", "local_authority_ons_district")]
    collisions: dict[str, tuple[dt.date, str, str | None]] = {}  # index → (date, force, district)
    other_force: set[str] = set()
    years: set[int] = set()
    districts = {d.name for d in _forces.districts(only)} if only else None
    for p in [p for p in files if kinds[p] == "collision"]:
        res.files.append(_read_collisions(p, only, las, districts, collisions, other_force, years, res))
    out: dict[str, list[Any]] = defaultdict(list)
    prov: list[tuple[str, int]] = []
    ids: dict[str, tuple[str, int]] = {}
    for p in [p for p in files if kinds[p] == "casualty"]:
        res.files.append(_read_casualties(p, collisions, other_force, ids, out, prov, res))
    skipped = [p.name for p in files if kinds[p] == "vehicle"]
    if skipped:
        res.notes.append("vehicle files are not needed and were not read: " + ", ".join(skipped))
    res.tables["casualties"] = canonical("casualties", dict(out))
    res.provenance["casualties"] = prov
    months = _months(options.get("months"), years)
    res.coverage = {"casualties": {SOURCE: months}}
    res.notes.append("drink_driver and drug_driver are empty: the open data does not carry them")
    res.carried = {"casualties": {"casualty_id", "collision_id", "collision_date", "severity",
                                  "road_user", "age", "district"}}
    return res


def _read_collisions(p: Path, only: _forces.Force | None, las: dict[str, str],
                     districts: set[str] | None, collisions: dict[str, tuple[dt.date, str, str | None]],
                     other_force: set[str], years: set[int], res: ImportResult) -> FileCount:
    label = str(p)
    reader = _reader(p, COLLISION_COLUMNS, COLLISION_OPTIONAL)
    before = len(res.quarantine)
    fc = FileCount(label, unit="collision rows")
    forces_by_code = code_lists()[("collision", "police_force")]
    for row, r in reader.records(res.quarantine):
        idx = r["collision_index"].strip()
        pf = r["police_force"].strip()
        date = parse_date(r["date"])
        if not idx:
            res.quarantine.append(QRow(label, row, "collision_index", "", "required value is missing"))
        elif pf not in forces_by_code:
            res.quarantine.append(QRow(label, row, "police_force", pf, "not a police_force code of the DfT code list"))
        elif date is None:
            res.quarantine.append(QRow(label, row, "date", r["date"], "not a date DD/MM/YYYY"))
        elif idx in collisions or idx in other_force:
            res.quarantine.append(QRow(label, row, "collision_index", idx, "duplicate collision_index"))
        elif only is not None and pf != only.stats19:
            other_force.add(idx)
            fc.out_of_scope += 1
        else:
            la = las.get(r.get("local_authority_ons_district", "").strip())
            if districts is not None and la not in districts:
                la = None
            collisions[idx] = (date, pf, la)
            years.add(date.year)
            fc.mapped += 1
    fc.read = reader.rows_read
    fc.quarantined = len(res.quarantine) - before
    return fc


def _read_casualties(p: Path, collisions: dict[str, tuple[dt.date, str, str | None]],
                     other_force: set[str], ids: dict[str, tuple[str, int]],
                     out: dict[str, list[Any]], prov: list[tuple[str, int]], res: ImportResult) -> FileCount:
    label = str(p)
    reader = _reader(p, CASUALTY_COLUMNS, CASUALTY_OPTIONAL)
    before = len(res.quarantine)
    fc = FileCount(label, unit="casualty rows")
    for row, r in reader.records(res.quarantine):
        idx = r["collision_index"].strip()
        cid = f"{idx}-{r.get('vehicle_reference', '').strip()}-{r['casualty_reference'].strip()}"
        sev = SEVERITY.get(r["casualty_severity"].strip())
        age_text = r.get("age_of_casualty", "").strip()
        if idx in other_force:
            fc.out_of_scope += 1
            continue
        if idx not in collisions:
            res.quarantine.append(QRow(label, row, "collision_index", idx,
                                       "no such collision in the collision files given"))
            continue
        if sev is None:
            res.quarantine.append(QRow(label, row, "casualty_severity", r["casualty_severity"],
                                       "not a casualty_severity code (1, 2 or 3)"))
            continue
        if age_text and not re.fullmatch(r"-?\d+", age_text):
            res.quarantine.append(QRow(label, row, "age_of_casualty", age_text, "not a whole number"))
            continue
        if cid in ids:
            res.quarantine.append(QRow(label, row, "casualty_reference", cid,
                                       f"duplicate casualty (first in {ids[cid][0]} row {ids[cid][1]})"))
            continue
        age = int(age_text) if age_text else None
        if age is not None and not 0 <= age <= 120:
            age = None  # -1 is the code list's "data missing or out of range"
        ids[cid] = (label, row)
        date, _, district = collisions[idx]
        out["casualty_id"].append(cid)
        out["collision_id"].append(idx)
        out["collision_date"].append(date)
        out["severity"].append(sev)
        out["road_user"].append(road_user(r["casualty_type"], r.get("casualty_class", "")))
        out["age"].append(age)
        out["district"].append(district)
        prov.append((label, row))
        fc.mapped += 1
    fc.read = reader.rows_read
    fc.quarantined = len(res.quarantine) - before
    return fc


def _months(spec: str | None, years: set[int]) -> list[dt.date]:
    if spec:
        m = re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", spec.strip())
        if not m:
            raise BadInput("--option months must look like 2023-01..2023-12", field="months")
        a = dt.date(int(m.group(1)), int(m.group(2)), 1)
        b = dt.date(int(m.group(3)), int(m.group(4)), 1)
        return months_between(a, b)
    return [dt.date(y, m, 1) for y in sorted(years) for m in range(1, 13)]
