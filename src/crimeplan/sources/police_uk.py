"""data.police.uk archive files (street, optional outcomes) → crimes, incidents (ASB) and areas.

Mapping (documented in docs/importers.md):

* `Anti-social behaviour` rows → `incidents`, category `asb`, `opened_at` the first of the
  month at 00:00, `incident_id` the Crime ID when there is one (there never is in real files),
  else `<file stem>:<row>` (deterministic for a given file).
* every other row → `crimes`: `crime_id` = Crime ID, or `<file stem>:<row>` when the file
  gives none (British Transport Police never do; Dorset leaves some out), `recorded_date` = first day of Month,
  `offence_group` = the ONS offence group of the police.uk Crime type (ONS_GROUPS: Drugs,
  Possession of weapons, Public order and Other crime are crimes against society), `outcome_type` from
  `Last outcome category` through OUTCOME_TYPES, `outcome_date` empty (a street file does not date
  its outcome) unless an outcomes file dates it.
* district = the LSOA name without its trailing code (`Basildon 001A` → `Basildon`).  Every
  district the force's own files name is kept: the 2016 lookup and the 2025 ONS mapping group
  districts into LPAs (Community Safety Partnerships) and give known renames (`Shepway` is stored
  as `Folkestone and Hythe`); a district created since 2016 (`Buckinghamshire`) is kept under its
  CSP, or under its own name when it spans several, and a merged-away one (`Aylesbury Vale`)
  under its successor's LPA.  Only rows whose district a lookup places in another force, and
  `No Location` rows, are kept with an empty district (they count at force level); the summary
  counts them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimeplan.errors import BadInput
from crimeplan.periods import month_label
from crimeplan.sources import _forces
from crimeplan.sources._read import CsvReader, decode, expand, read_bytes
from crimeplan.sources._result import FileCount, ImportResult, QRow, canonical

SOURCE = "police-uk"
OPTIONS = {"lookup": "LAD→CSP→PFA lookup CSV to use instead of the shipped December 2016 one",
           "population": "CSV with columns district,population for the areas table",
           "other_crime": "society (default: 'Other crime' is Miscellaneous crimes against "
                          "society) or victim-based"}
STREET_COLUMNS = ["Crime ID", "Month", "Falls within", "LSOA name", "Crime type",
                  "Last outcome category"]
STREET_OPTIONAL = ["Reported by", "Location", "LSOA code", "Longitude", "Latitude", "Context"]
OUTCOME_COLUMNS = ["Crime ID", "Month", "Outcome type"]
OUTCOME_OPTIONAL = ["Falls within"]
ASB = "Anti-social behaviour"
CRIME_TYPES = frozenset({
    ASB, "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
    "Theft from the person", "Vehicle crime", "Violence and sexual offences",
})

# police.uk outcome category → Home Office outcome type (None = still open / no outcome yet).
# Court results all follow a charge, so their police outcome is 1 (charged/summonsed).
# A caution is 3 (adult) because police.uk does not say whether the offender was a youth (2).
# "Unable to prosecute suspect" covers HO 11–17 (prosecution prevented, evidential
# difficulties); it is mapped to 16, the most common of them.  Solved = 1, 2, 3, 4, 6, 7, 8.
OUTCOME_TYPES: dict[str, int | None] = {
    # solved-equivalent (positive outcomes)
    "Awaiting court outcome": 1,
    "Court case unable to proceed": 1,
    "Court result unavailable": 1,
    "Defendant found not guilty": 1,
    "Defendant sent to Crown Court": 1,
    "Offender deprived of property": 1,
    "Offender fined": 1,
    "Offender given absolute discharge": 1,
    "Offender given community sentence": 1,
    "Offender given conditional discharge": 1,
    "Offender given suspended prison sentence": 1,
    "Offender ordered to pay compensation": 1,
    "Offender otherwise dealt with": 1,
    "Offender sent to prison": 1,
    "Suspect charged": 1,
    "Suspect charged as part of another case": 4,
    "Offender given a caution": 3,
    "Offender given penalty notice": 6,
    "Offender given a drugs possession warning": 7,
    "Local resolution": 8,
    # closed without a positive outcome
    "Formal action is not in the public interest": 10,
    "Unable to prosecute suspect": 16,
    "Investigation complete; no suspect identified": 18,
    "Action to be taken by another organisation": 20,
    "Further investigation is not in the public interest": 21,
    "Further action is not in the public interest": 22,
    # open: no outcome yet, or none known
    "Under investigation": None,
    "Status update unavailable": None,
    "": None,
}
SOLVED = frozenset({1, 2, 3, 4, 6, 7, 8})
# police.uk crime type → the ONS offence group name the engine uses (engine/derived.py,
# synth/offences.py).  Where police.uk is coarser than the ONS groups, the ONS group that holds
# it whole is used (Burglary, Robbery); "Violence and sexual offences" spans two ONS groups
# (Violence against the person, Sexual offences), both victim-based, and keeps its name.
# "Other crime" holds forgery, perjury and the other miscellaneous crimes against society (both
# Home Office mappings in the real data say so): it is a crime against society, not victim-based,
# unless --option other_crime=victim-based keeps it as "Other crime" (victim-based).
ONS_GROUPS: dict[str, str] = {
    "Bicycle theft": "Bicycle theft",
    "Burglary": "Burglary",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drugs": "Drug offences",
    "Other crime": "Miscellaneous crimes against society",
    "Other theft": "All other theft offences",
    "Possession of weapons": "Possession of weapons offences",
    "Public order": "Public order offences",
    "Robbery": "Robbery",
    "Shoplifting": "Shoplifting",
    "Theft from the person": "Theft from the person",
    "Vehicle crime": "Vehicle offences",
    "Violence and sexual offences": "Violence and sexual offences",
}
# what a street file carries; outcome_date only when an outcomes file dates the outcomes
CARRIED = {"crimes": {"crime_id", "recorded_date", "offence_group", "district", "outcome_type"},
           # anti-social behaviour is the only category of incident police.uk publishes
           "incidents": {"incident_id", "opened_at", "category=asb", "district"},
           "areas": {"district", "lpa", "force"}}
# the outcomes an outcomes file may give; a kept outcome row holds its outcome's position here
_OUTCOME_NAMES = pa.array(sorted(k for k in OUTCOME_TYPES if k), pa.string())
_FILE_MONTH = re.compile(r"^(\d{4})-(\d{2})-(.+?)-(street|outcomes)\.csv(\.gz)?$", re.IGNORECASE)
_LSOA = re.compile(r"^(.+?)\s+[0-9]{3}[A-Z]$")


@lru_cache(maxsize=4096)
def parse_month(text: str) -> dt.date | None:
    """The first day of a `YYYY-MM` month, or None when it is not one."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


@lru_cache(maxsize=65536)
def district_of(lsoa_name: str) -> str | None:
    """The local authority part of an LSOA name: `Babergh 010G` → `Babergh`."""
    m = _LSOA.match(lsoa_name.strip())
    return m.group(1) if m else None


def _kind(path: Path) -> str:
    m = _FILE_MONTH.match(path.name)
    if m:
        return m.group(4).lower()
    head = decode(read_bytes(path)[:4096], path).splitlines()[0] if path.is_file() else ""
    return "outcomes" if "outcome type" in head.lower() else "street"


def _pick_force(force: str | None, files: list[Path]) -> _forces.Force:
    if force:
        return _forces.resolve(force)
    slugs = {m.group(3).lower() for p in files if (m := _FILE_MONTH.match(p.name))}
    found = {_forces.find(s) for s in slugs} - {None}
    if len(found) == 1:
        return found.pop()  # type: ignore[return-value]
    raise BadInput("say which force the files are for with --force NAME"
                   + (f" (the files are for: {', '.join(sorted(slugs))})" if slugs else ""),
                   field="--force")


def import_files(paths: list[Path], *, force: str | None = None,
                 options: dict[str, str] | None = None) -> ImportResult:
    """Read street (and outcomes) files of one force into crimes, incidents and areas."""
    options = options or {}
    named = [Path(p) for p in paths if not Path(p).is_dir()]
    files = expand(paths, r".*-(street|outcomes)\.csv(\.gz)?", "police.uk files (*-street.csv)")
    the_force = _pick_force(force, files)
    res = ImportResult(SOURCE)
    chosen, skipped = [], []
    for p in files:
        m = _FILE_MONTH.match(p.name)
        if p not in named and m and _forces.find(m.group(3)) not in (None, the_force):
            skipped.append(p.name)
        else:
            chosen.append(p)
    if skipped:
        res.notes.append(f"skipped {len(skipped)} file(s) of other forces in the folder(s) given")
    street = [p for p in chosen if _kind(p) == "street"]
    outcomes = [p for p in chosen if _kind(p) == "outcomes"]
    if not street:
        raise BadInput(f"no street files for {the_force.police_uk} among the files given",
                       file=str(paths[0]))
    lookup = Path(options["lookup"]) if options.get("lookup") else None
    geo = _forces.geography(the_force, lookup)
    pops = _populations(Path(options["population"])) if options.get("population") else {}
    other = options.get("other_crime", "society").strip().lower()
    if other not in ("society", "victim-based"):
        raise BadInput("--option other_crime must be society or victim-based", field="--option")
    state = _State(the_force, geo)
    if other == "victim-based":
        state.groups = {**ONS_GROUPS, "Other crime": "Other crime"}
    for p in street:
        res.files.append(_read_street(p, state, res.quarantine))
    for order, p in enumerate(outcomes):
        res.files.append(_read_outcomes(p, order, state, res.quarantine))
    _apply_outcomes(state, res)
    state.crime_ids, state.incident_ids = set(), set()  # every repeat found: their memory back
    _finish(res, state, pops, lookup)
    return res


class _State:
    """Rows gathered across files."""

    def __init__(self, force: _forces.Force, geo: _forces.Geography) -> None:
        self.force = force
        self.geo = geo
        self.placed: dict[str, _forces.District | None] = {}  # district name in a file → stored as
        self.renamed: Counter[tuple[str, str]] = Counter()
        # each file's rows, column by column (Arrow arrays), joined when the import ends
        self.crimes: dict[str, list[pa.Array]] = {k: [] for k in (
            "crime_id", "recorded_date", "offence_group", "district", "outcome_type", "outcome_date")}
        self.crime_src: list[tuple[str, int]] = []
        self.crime_ids: set[str] = set()  # the ids in crimes
        self.incidents: dict[str, list[pa.Array]] = {k: [] for k in (
            "incident_id", "opened_at", "category", "district")}
        self.incident_src: list[tuple[str, int]] = []
        self.incident_ids: set[str] = set()  # the ids in incidents
        self.months: set[dt.date] = set()
        self.out_of_area: Counter[str] = Counter()
        self.no_location = 0
        self.unknown_outcomes: Counter[str] = Counter()
        # each outcomes file's kept rows: crime id, month, file (its order), row, outcome (its
        # position in OUTCOME_NAMES); and each file's name by its order
        self.outcomes: list[pa.Table] = []
        self.outcome_files: dict[int, str] = {}
        self.groups = ONS_GROUPS
        self.file_months: dict[str, dt.date] = {}


def _per_value(column: pa.Array, fn: Callable[[str], Any], type_: pa.DataType) -> pa.Array:
    """fn of each value, worked out once per distinct value (a month, a force, a crime type)."""
    enc = column.dictionary_encode()
    return pa.array([fn(v) for v in enc.dictionary.to_pylist()], type_).take(enc.indices)


def _ours(column: pa.Array, st: _State) -> pa.Array:
    """Whether each row's Falls within names the force being imported."""
    return _per_value(column, lambda v: _forces.find(v) == st.force, pa.bool_())


def _counted(values: pa.DictionaryArray) -> list[tuple[str, int]]:
    """Each distinct value and its rows, in order of first appearance (as a row-by-row count meets them)."""
    counts = np.bincount(values.indices.to_numpy(), minlength=len(values.dictionary))
    return list(zip(values.dictionary.to_pylist(), counts.tolist()))


def _read_street(path: Path, st: _State, q: list[QRow]) -> FileCount:
    """One street file's rows into st, column by column; rows at fault to q, in row order."""
    label = str(path)
    reader = CsvReader(path, STREET_COLUMNS, STREET_OPTIONAL)
    m = _FILE_MONTH.match(path.name)
    file_month = parse_month(f"{m.group(1)}-{m.group(2)}") if m else None
    if file_month:
        st.months.add(file_month)
        st.file_months[label] = file_month
    stem = re.sub(r"\.csv(\.gz)?$", "", path.name, flags=re.IGNORECASE)
    before = len(q)
    rows, read = reader.table(q)
    raw = {c: read.column(c).combine_chunks() for c in read.column_names}
    months = _per_value(raw["Month"], parse_month, pa.date32())
    ours = _ours(raw["Falls within"], st)
    ctypes = _per_value(raw["Crime type"], str.strip, pa.string())
    month_ok = pc.is_valid(months)
    if file_month:
        month_ok = pc.and_(month_ok, pc.fill_null(pc.equal(months, file_month), False))
    sound = pc.and_(pc.and_(month_ok, ours), pc.is_in(ctypes, pa.array(sorted(CRIME_TYPES))))
    # the row checks, the first failed one quarantining the row (as a row-by-row reading would)
    for i in pc.indices_nonzero(pc.invert(sound)).to_pylist():
        row, month = rows[i].as_py(), months[i].as_py()
        if month is None:
            q.append(QRow(label, row, "Month", raw["Month"][i].as_py(), "not a month YYYY-MM"))
        elif file_month and month != file_month:
            q.append(QRow(label, row, "Month", raw["Month"][i].as_py(),
                          f"the file is for {month_label(file_month)}"))
        elif not ours[i].as_py():
            q.append(QRow(label, row, "Falls within", raw["Falls within"][i].as_py(),
                          f"not a row of {st.force.police_uk} (the force being imported)"))
        else:
            q.append(QRow(label, row, "Crime type", raw["Crime type"][i].as_py(),
                          "not a police.uk crime type"))
    raw = {c: v.filter(sound) for c, v in raw.items()}
    rows, months, ctypes = rows.filter(sound), months.filter(sound), ctypes.filter(sound)
    given = [v.strip() for v in raw["Crime ID"].to_pylist()]
    is_asb = pc.equal(ctypes, ASB)
    asb_list = is_asb.to_pylist()
    row_list = rows.to_pylist()
    # British Transport Police publish no Crime ID, Dorset leave some out: <file>:<row> instead
    no_id = sum(1 for cid, asb in zip(given, asb_list) if not cid and not asb)
    ids = [cid or f"{stem}:{row}" for cid, row in zip(given, row_list)]
    first = _first_of_each_id(ids, asb_list, given, row_list, label, st, q)
    if first is not None:
        mask = pa.array(first)
        raw = {c: v.filter(mask) for c, v in raw.items()}
        months, ctypes, is_asb = months.filter(mask), ctypes.filter(mask), is_asb.filter(mask)
        ids = [x for x, keep in zip(ids, first) if keep]
        row_list = [x for x, keep in zip(row_list, first) if keep]
        asb_list = [x for x, keep in zip(asb_list, first) if keep]
    if not file_month:
        st.months.update(pc.unique(months).to_pylist())
    lsoas = raw["LSOA name"].dictionary_encode()
    out, noloc, stored = _place(lsoas, st)
    districts = pa.array(stored, pa.string()).take(lsoas.indices)
    is_crime = pc.invert(is_asb)
    asb_ids = [x for x, asb in zip(ids, asb_list) if asb]
    crime_ids = [x for x, asb in zip(ids, asb_list) if not asb]
    n_asb, n_crimes = len(asb_ids), len(crime_ids)
    inc = st.incidents
    st.incident_ids.update(asb_ids)
    st.incident_src.extend((label, r) for r, asb in zip(row_list, asb_list) if asb)
    inc["incident_id"].append(pa.array(asb_ids, pa.string()))
    inc["opened_at"].append(months.filter(is_asb).cast(pa.timestamp("s")))
    inc["category"].append(pa.array(["asb"] * n_asb, pa.string()))
    inc["district"].append(districts.filter(is_asb))
    outcomes = raw["Last outcome category"].filter(is_crime).dictionary_encode()
    _count_unknown(outcomes, st)
    c = st.crimes
    st.crime_ids.update(crime_ids)
    st.crime_src.extend((label, r) for r, asb in zip(row_list, asb_list) if not asb)
    c["crime_id"].append(pa.array(crime_ids, pa.string()))
    c["recorded_date"].append(months.filter(is_crime))
    c["offence_group"].append(_per_value(ctypes.filter(is_crime), st.groups.__getitem__, pa.string()))
    c["district"].append(districts.filter(is_crime))
    c["outcome_type"].append(pa.array([OUTCOME_TYPES.get(v.strip()) for v in
                                       outcomes.dictionary.to_pylist()], pa.int64())
                             .take(outcomes.indices))
    c["outcome_date"].append(pa.nulls(n_crimes, pa.date32()))
    st.no_location += noloc
    q[before:] = sorted(q[before:], key=lambda bad: bad.row)  # the reader's faults among them
    return FileCount(label, read=reader.rows_read, mapped=n_crimes + n_asb,
                     quarantined=len(q) - before,
                     detail=f"{n_crimes} crimes + {n_asb} ASB incidents; {out} outside the "
                            f"force's districts, {noloc} with no location"
                            + (f"; {no_id} crimes with no Crime ID given <file>:<row>" if no_id else ""))


def _first_of_each_id(ids: list[str], is_asb: list[bool], given: list[str], rows: list[int],
                      label: str, st: _State, q: list[QRow]) -> list[bool] | None:
    """Which rows no earlier row (of this file or one before) has the id of; repeats to q.

    None when every id is new (the usual case). Crimes and ASB incidents are apart: an incident
    may carry a crime's id.
    """
    crime_ids = [x for x, asb in zip(ids, is_asb) if not asb]
    asb_ids = [x for x, asb in zip(ids, is_asb) if asb]
    if (len(set(crime_ids)) == len(crime_ids) and st.crime_ids.isdisjoint(crime_ids)
            and len(set(asb_ids)) == len(asb_ids) and st.incident_ids.isdisjoint(asb_ids)):
        return None
    first: list[bool] = []
    here: tuple[dict[str, int], dict[str, int]] = ({}, {})  # id → row: crimes, incidents
    before = (_rows_with(st, st.crime_ids.intersection(crime_ids), False),
              _rows_with(st, st.incident_ids.intersection(asb_ids), True))
    for j, (key, asb) in enumerate(zip(ids, is_asb)):
        if key in before[asb]:
            seen = before[asb][key]
        elif key in here[asb]:
            seen = (label, here[asb][key])
        else:
            here[asb][key] = rows[j]
            first.append(True)
            continue
        first.append(False)
        q.append(QRow(label, rows[j], "Crime ID", given[j] if asb else key,
                      f"duplicate id (first seen in {seen[0]} row {seen[1]})"))
    return first


def _rows_with(st: _State, keys: set[str], asb: bool) -> dict[str, tuple[str, int]]:
    """The file and row of the kept row with each of these ids: one pass over the kept ids."""
    ids, src = (st.incidents["incident_id"], st.incident_src) if asb else (st.crimes["crime_id"], st.crime_src)
    found: dict[str, tuple[str, int]] = {}
    offset = 0
    wanted = pa.array(sorted(keys), pa.string())
    for chunk in ids if keys else ():
        for i in pc.indices_nonzero(pc.is_in(chunk, value_set=wanted)).to_pylist():
            found.setdefault(chunk[i].as_py(), src[offset + i])
        offset += len(chunk)
    return found


def _place(lsoas: pa.DictionaryArray, st: _State) -> tuple[int, int, list[str | None]]:
    """Place the district each LSOA name names; count renames and rows out of the force's area.

    Returns the rows outside the force's districts, the rows with no location, and the district
    each LSOA name's rows are stored under (None: force level), in the dictionary's order.
    """
    out = noloc = 0
    stored: list[str | None] = []
    for lsoa, n in _counted(lsoas):
        name = district_of(lsoa.strip()) if lsoa.strip() else None
        placed = None
        if name is None:
            noloc += n
        else:
            if name not in st.placed:
                st.placed[name] = st.geo.place(name)
            placed = st.placed[name]
            if placed is None:
                st.out_of_area[name] += n
                out += n
            elif placed.name != name:
                st.renamed[(name, placed.name)] += n
        stored.append(placed.name if placed is not None else None)
    return out, noloc, stored


def _count_unknown(outcomes: pa.DictionaryArray, st: _State) -> None:
    """Count the crimes whose Last outcome category is not one police.uk publishes."""
    for value, n in _counted(outcomes):
        if value.strip() not in OUTCOME_TYPES:
            st.unknown_outcomes[value.strip()] += n


def _read_outcomes(path: Path, order: int, st: _State, q: list[QRow]) -> FileCount:
    """One outcomes file's rows into st, column by column; rows at fault to q, in row order."""
    label = str(path)
    reader = CsvReader(path, OUTCOME_COLUMNS, OUTCOME_OPTIONAL)
    before = len(q)
    rows, read = reader.table(q)
    raw = {c: read.column(c).combine_chunks() for c in read.column_names}
    cids = pa.array([v.strip() for v in raw["Crime ID"].to_pylist()], pa.string())
    months = _per_value(raw["Month"], parse_month, pa.date32())
    outcomes = _per_value(raw["Outcome type"], str.strip, pa.string())
    code = pc.index_in(outcomes, value_set=_OUTCOME_NAMES)  # null: not a known outcome
    known = pc.is_valid(code)
    ours = (_ours(raw["Falls within"], st) if "Falls within" in raw else pa.array([True] * len(cids), pa.bool_()))
    sound = pc.and_(pc.and_(pc.not_equal(cids, ""), pc.is_valid(months)), pc.and_(known, ours))
    for i in pc.indices_nonzero(pc.invert(sound)).to_pylist():  # the first failed check
        row = rows[i].as_py()
        if not cids[i].as_py():
            q.append(QRow(label, row, "Crime ID", "", "required value is missing"))
        elif not months[i].is_valid:
            q.append(QRow(label, row, "Month", raw["Month"][i].as_py(), "not a month YYYY-MM"))
        elif not known[i].as_py():
            q.append(QRow(label, row, "Outcome type", outcomes[i].as_py(), "not a known police.uk outcome"))
        else:
            q.append(QRow(label, row, "Falls within", raw["Falls within"][i].as_py(),
                          f"not a row of {st.force.police_uk} (the force being imported)"))
    kept = pc.sum(sound).as_py() or 0
    st.outcome_files[order] = label
    st.outcomes.append(pa.table({
        "cid": cids.filter(sound), "month": months.filter(sound),
        "order": pa.array([order] * kept, pa.int32()), "row": rows.filter(sound),
        "outcome": code.filter(sound)}))
    q[before:] = sorted(q[before:], key=lambda bad: bad.row)  # the reader's faults among them
    # rows kept here are provisional: _apply_outcomes may quarantine some, and fixes the count
    return FileCount(label, read=reader.rows_read, mapped=kept, quarantined=len(q) - before,
                     detail="outcome rows")


def _apply_outcomes(st: _State, res: ImportResult) -> None:
    """Give each crime its latest outcome; older, duplicate and unmatched rows go to quarantine.

    A crime's outcome rows are ordered by month, then file, then row; the last is its latest.
    The quarantine lines come crime by crime, in the order their ids first appear.
    """
    if not st.outcomes:
        return
    t = pa.concat_tables(st.outcomes)
    st.outcomes = []  # their rows are in t
    if not t.num_rows:
        return
    ids = t.column("cid").combine_chunks().dictionary_encode()  # codes in order of first appearance
    t = pa.table({"code": ids.indices, "month": t["month"], "order": t["order"], "row": t["row"],
                  "outcome": t["outcome"]})
    t = t.take(pc.sort_indices(t, sort_keys=[("code", "ascending"), ("month", "ascending"),
                                             ("order", "ascending"), ("row", "ascending")]))
    code = t["code"].to_numpy()
    month = t["month"].cast(pa.int32()).to_numpy()
    n = len(code)
    last = np.ones(n, dtype=bool)
    last[:-1] = code[:-1] != code[1:]
    latests = np.flatnonzero(last)  # each crime's latest row
    latest = latests[np.cumsum(np.r_[True, last[:-1]]) - 1]  # each row's crime's latest
    crime_ids = _joined(st.crimes["crime_id"], pa.string())
    recorded = _joined(st.crimes["recorded_date"], pa.date32())
    hit = pc.index_in(ids.dictionary.take(pa.array(code[last])), value_set=crime_ids)
    hit_at = pc.fill_null(hit, -1).to_numpy()
    rec_days = recorded.cast(pa.int32()).to_numpy(zero_copy_only=False)
    found = hit_at >= 0
    early = np.zeros(len(hit_at), dtype=bool)
    early[found] = month[last][found] < rec_days[hit_at[found]]
    applied = found & ~early
    kind = t["outcome"].to_numpy()
    _set_outcomes(st, hit_at[applied], kind[last][applied],
                  t["month"].filter(pa.array(last)).filter(pa.array(applied)))
    # the quarantine: every row but a crime's latest, and latests with no crime or too early
    rejected = ~last
    rejected[latests[~applied]] = True
    why_latest = {int(j): ("crime not in the street files imported", False) for j in
                  latests[~found]}
    too_early = latests[early]
    for j, d in zip(too_early.tolist(), recorded.take(pa.array(hit_at[early])).to_pylist()):
        why_latest[j] = (f"outcome month before the crime's month {month_label(d)}", True)
    at = np.flatnonzero(rejected)
    its_latest = latest[at]
    same = (month[at] == month[its_latest]) & (kind[at] == kind[its_latest])
    names = ids.dictionary.take(pa.array(code[at])).to_pylist()
    file_of = t["order"].to_numpy()
    files = [st.outcome_files[x] for x in file_of[at].tolist()]
    latest_files = [st.outcome_files[x] for x in file_of[its_latest].tolist()]
    row_of = t["row"].to_numpy()
    rows, latest_rows = row_of[at].tolist(), row_of[its_latest].tolist()
    for k, (i, j, alike) in enumerate(zip(at.tolist(), its_latest.tolist(), same.tolist())):
        if i == j:
            why, lost = why_latest[i]
        else:
            why, lost = (f"{'duplicate of' if alike else 'superseded by'} the outcome in "
                         f"{latest_files[k]} row {latest_rows[k]} (the latest outcome is kept)", False)
        res.quarantine.append(QRow(files[k], rows[k], "Crime ID", names[k], why, lost=lost))
    counts = {f.file: f for f in res.files}
    for file, n in Counter(files).items():
        counts[file].mapped -= n
        counts[file].quarantined += n


def _set_outcomes(st: _State, at: np.ndarray, outcomes: np.ndarray, months: pa.ChunkedArray) -> None:
    """Give the crimes at these positions these outcomes, dated by these months.

    An outcome is its position in _OUTCOME_NAMES; one that leaves the crime open (under
    investigation) gives no type and no date.
    """
    types = _joined(st.crimes["outcome_type"], pa.int64())
    dates = _joined(st.crimes["outcome_date"], pa.date32())
    type_value = pc.fill_null(types, 0).to_numpy().copy()
    type_known = types.is_valid().to_numpy(zero_copy_only=False).copy()
    date_value = pc.fill_null(dates.cast(pa.int32()), 0).to_numpy().copy()
    date_known = dates.is_valid().to_numpy(zero_copy_only=False).copy()
    code = np.array([OUTCOME_TYPES[o] or 0 for o in _OUTCOME_NAMES.to_pylist()], dtype=np.int64)
    closed = np.array([OUTCOME_TYPES[o] is not None for o in _OUTCOME_NAMES.to_pylist()])
    type_value[at] = code[outcomes]
    dated = closed[outcomes]
    type_known[at] = dated
    date_value[at] = months.cast(pa.int32()).to_numpy()
    date_known[at] = dated
    st.crimes["outcome_type"] = [pa.array(type_value, pa.int64(), mask=~type_known)]
    st.crimes["outcome_date"] = [pa.array(date_value, pa.int32(), mask=~date_known).cast(pa.date32())]


def _joined(chunks: list[pa.Array], type_: pa.DataType) -> pa.Array:
    """One file's arrays after another's, as one array."""
    return pa.concat_arrays(chunks) if chunks else pa.array([], type_)


def _populations(path: Path) -> dict[str, int]:
    reader = CsvReader(path, ["district", "population"])
    q: list[QRow] = []
    out = {}
    for row, r in reader.records(q):
        try:
            out[r["district"].strip()] = int(r["population"].replace(",", "").strip())
        except ValueError:
            raise BadInput("not a whole number", file=str(path), row=row, field="population") from None
    if q:
        raise BadInput(q[0].reason, file=str(path), row=q[0].row, field=q[0].field)
    return out


def _finish(res: ImportResult, st: _State, pops: dict[str, int], lookup: Path | None) -> None:
    # the force's districts today, and any other district its files named (old or new)
    dists = {d.name: d for d in st.geo.current}
    dists.update({d.name: d for d in st.placed.values() if d is not None and d.name not in dists})
    extra = sorted(set(dists) - {d.name for d in st.geo.current})
    districts = [dists[k] for k in sorted(dists)]
    types = {"recorded_date": pa.date32(), "outcome_type": pa.int64(), "outcome_date": pa.date32(),
             "opened_at": pa.timestamp("s")}
    # each column's files joined in turn, their arrays let go as they are (memory at its peak)
    res.tables["crimes"] = canonical("crimes", {
        k: _joined(st.crimes.pop(k), types.get(k, pa.string())) for k in list(st.crimes)})
    res.provenance["crimes"] = st.crime_src
    res.tables["incidents"] = canonical("incidents", {
        k: _joined(st.incidents.pop(k), types.get(k, pa.string())) for k in list(st.incidents)})
    res.provenance["incidents"] = st.incident_src
    src = str(lookup) if lookup else "shipped LAD16→CSP16→PFA16 lookup"
    res.tables["areas"] = canonical("areas", {
        "district": [d.name for d in districts], "lpa": [d.csp for d in districts],
        "force": [st.force.name] * len(districts), "population": [pops.get(d.name, 0) for d in districts],
    })
    res.provenance["areas"] = [(src, i + 1) for i in range(len(districts))]
    months = sorted(st.months)
    res.file_months = dict(st.file_months)
    res.carried = {k: set(v) for k, v in CARRIED.items()}
    dated = res.tables["crimes"].column("outcome_date")
    if dated.null_count < len(dated):
        res.carried["crimes"].add("outcome_date")
    if pops:
        res.carried["areas"].add("population")
    res.coverage = {"crimes": {SOURCE: months}, "incidents": {SOURCE: months}}
    res.notes.append(f"force: {st.force.police_uk}; {len(districts)} districts from the {src} and the "
                     f"2025 ONS mapping; lpa = Community Safety Partnership")
    if extra:
        res.notes.append("districts named by the files beyond today's: " + ", ".join(
            f"{d.name} (LPA {d.csp})" for d in districts if d.name in extra))
    if st.renamed:
        res.notes.append("districts renamed since: " + ", ".join(
            f"{old} → {new} ({n} rows)" for (old, new), n in sorted(st.renamed.items())))
    if not pops:
        res.notes.append("district populations: none given (population 0; pass "
                         "--option population=FILE with district,population columns)")
    total_out = sum(st.out_of_area.values())
    top = ", ".join(f"{k} {v}" for k, v in st.out_of_area.most_common(5))
    res.notes.append(f"outside the force's districts: {total_out} rows kept at force level"
                     + (f" (most: {top})" if top else ""))
    res.notes.append(f"No Location: {st.no_location} rows kept at force level")
    if st.unknown_outcomes:
        res.notes.append("unrecognised Last outcome category, loaded as open: "
                         + ", ".join(f"{k!r} {v}" for k, v in st.unknown_outcomes.items()))
